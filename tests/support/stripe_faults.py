"""A fault-injecting HTTP proxy on loopback, in front of a Stripe-compatible server (localstripe).

Each request takes the next fault from a script, or is forwarded to the upstream server when the script
is empty; every request is recorded (method, path, headers, body). A fault is either an answer given
in the upstream's stead, ``Fault(500)``, ``Fault(429, {"Retry-After": "3"})``, or ``Fault.drop()``, a
connection closed without an answer, which the client sees as a connection error. A fault does not
reach the upstream, so a test can count what the upstream actually did, unless it is made with
``after_forwarding=True``: then the upstream acts and its answer is lost on the way back.

    with FaultyProxy(localstripe_url, [Fault(500), Fault(500)]) as proxy:
        client = StripeClient(key, base_url=proxy.url, sleep=waits.append)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from .loopback import LoopbackServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass(frozen=True)
class Fault:
    """An answer the proxy gives instead of forwarding: a status with headers and an error body."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    raw: bytes | None = None
    drop_connection: bool = False
    #: forward the request first and lose the upstream's answer: the server acted, the client cannot know
    after_forwarding: bool = False

    @classmethod
    def drop(cls, *, after_forwarding: bool = False) -> Fault:
        """Close the connection without answering."""
        return cls(0, drop_connection=True, after_forwarding=after_forwarding)

    def payload(self) -> bytes:
        """The body: the raw bytes given, the JSON given, or a Stripe error object for the status."""
        if self.raw is not None:
            return self.raw
        body = self.body or {"error": {"type": "api_error", "message": f"injected HTTP {self.status}"}}
        return json.dumps(body).encode()


@dataclass(frozen=True)
class Recorded:
    """One request as the proxy received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: str


class FaultyProxy(LoopbackServer):
    """A loopback HTTP server that answers with scripted faults first, then forwards to ``upstream``."""

    def __init__(self, upstream: str, faults: Iterable[Fault] = ()) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults = list(faults)
        self.requests: list[Recorded] = []
        self._forwarded: list[Recorded] = []
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def forwarded(self) -> list[Recorded]:
        """The requests that reached the upstream server (those that met no fault)."""
        with self._lock:
            return list(self._forwarded)

    def _next(self, recorded: Recorded) -> Fault | None:
        with self._lock:
            self.requests.append(recorded)
            fault = self.faults.pop(0) if self.faults else None
            if fault is None or fault.after_forwarding:
                self._forwarded.append(recorded)
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def do_DELETE(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, self.path, dict(self.headers.items()), body.decode())
                fault = proxy._next(recorded)
                if fault is None or fault.after_forwarding:
                    upstream = self._forward(body)
                if fault is not None and fault.drop_connection:
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None:
                    self._answer(fault.status, dict(fault.headers), fault.payload())
                    return
                self._answer(*upstream)

            def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", *HOP_BY_HOP}}
                answer = requests.request(
                    self.command, proxy.upstream + self.path, data=body or None, headers=headers, timeout=30
                )
                kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
                return answer.status_code, kept, answer.content

            def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                headers.setdefault("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test asserts on proxy.requests

        return Handler
