"""A test fake of a remote party: the callback side of a consumer's dataspace connector.

No local server implements a DSP consumer, so the tests run this small one on loopback. It takes
what a provider POSTs to `<callback>/negotiations/<consumerPid>/<offers|agreement|events|termination>`,
answers 200 to a message that passes its official schema and 400 to one that does not (as a real
connector would), and records every message it was sent, in order.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from dsp import MessageError, validate_message

CALLBACK_PATH = re.compile(
    r"/callback/negotiations/(?P<pid>[^/]+)/(?P<kind>offers|agreement|events|termination)"
)


@dataclass(frozen=True)
class Received:
    """One POST to a callback path: which consumer pid, which endpoint, the message, its schema check."""

    consumer_pid: str
    endpoint: str
    message: dict[str, Any]
    schema_error: str | None


class RemoteConsumerFake:
    """A consumer connector's callback endpoints on 127.0.0.1, recording what it receives."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.unavailable = 0  # answer 503 to this many posts before taking messages again
        self.attempts = 0
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def callback_address(self) -> str:
        """The base URL a ContractRequestMessage names as its callbackAddress."""
        return f"http://127.0.0.1:{self._server.server_port}/callback"

    def start(self) -> RemoteConsumerFake:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def messages(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The messages received, optionally only those of one `@type`."""
        return [r.message for r in self.received if kind is None or r.message.get("@type") == kind]

    @Request.application  # type: ignore[arg-type]
    def _app(self, request: Request) -> Response:
        match = CALLBACK_PATH.fullmatch(request.path)
        if request.method != "POST" or match is None:
            return Response(status=404)
        self.attempts += 1
        if self.unavailable:
            self.unavailable -= 1
            return Response(status=503)
        message = json.loads(request.get_data(as_text=True))
        try:
            validate_message(message)
            error = None
        except MessageError as failure:
            error = str(failure)
        self.received.append(Received(match["pid"], match["kind"], message, error))
        return Response(status=400 if error else 200)
