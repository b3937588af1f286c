"""A small HTTP server on loopback that serves catalog pages the way real (and hostile) publishers do.

Each path answers what the test put there: a body with a Content-Type (right, wrong or missing), an
ETag honoured with 304, a redirect, a body larger than it says, or one dripped slowly. Every request
is recorded, so a test can tell what the harvester asked for (and what it never asked for).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """What one path answers."""

    body: bytes = b""
    content_type: str | None = "text/turtle"
    status: int = 200
    etag: str | None = None
    location: str | None = None
    drip_seconds: float = 0.0  # pause between 1 KiB pieces of the body
    declare_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class CatalogServer:
    """The server's address, its answers and the requests it saw."""

    host: str
    port: int
    answers: dict[str, Answer] = field(default_factory=dict)
    any_query: dict[str, Answer] = field(default_factory=dict)  # by path, whatever the query
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str, host: str | None = None) -> str:
        """The absolute URL of a path, on this server's host or another name for it."""
        return f"http://{host or self.host}:{self.port}{path}"

    def serve(
        self, path: str, body: bytes | str, content_type: str | None = "text/turtle", **kw: object
    ) -> str:
        """Answer ``path`` (path and query) with a body; the URL."""
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, content_type, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def serve_any_query(self, path: str, body: str, content_type: str = "text/turtle") -> None:
        """Answer ``path`` with any query string (one not served exactly) with a body."""
        self.any_query[path] = Answer(body.encode(), content_type)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``location``; the URL."""
        self.answers[path] = Answer(status=status, location=location, content_type=None)
        return self.url(path)

    def asked(self, path: str) -> int:
        """How many times a path was requested."""
        return sum(1 for p, _ in self.requests if p == path)


def _handler(server: CatalogServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            answer = server.answers.get(self.path) or server.any_query.get(self.path.split("?", 1)[0])
            if answer is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                self.send_response(304)
                self.send_header("ETag", answer.etag)
                self.end_headers()
                return
            self.send_response(answer.status)
            if answer.location:
                self.send_header("Location", answer.location)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            if answer.etag:
                self.send_header("ETag", answer.etag)
            if answer.declare_length:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            try:
                if answer.drip_seconds:
                    for start in range(0, len(answer.body), 1024):
                        self.wfile.write(answer.body[start : start + 1024])
                        self.wfile.flush()
                        time.sleep(answer.drip_seconds)
                else:
                    self.wfile.write(answer.body)
            except OSError:  # the harvester hung up, as it should on a page it refuses
                pass

    return Handler


def start_server() -> tuple[CatalogServer, ThreadingHTTPServer]:
    """Start a catalog server on a free loopback port; stop it with ``shutdown()`` and ``server_close()``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    server = CatalogServer("127.0.0.1", httpd.server_address[1])
    httpd.RequestHandlerClass = _handler(server)
    threading.Thread(target=lambda: httpd.serve_forever(poll_interval=0.05), daemon=True).start()
    return server, httpd
