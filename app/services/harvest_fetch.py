"""Fetching a catalog page from another node safely: public addresses only, bounded in size and time.

Every hop (the page and each redirect, followed by hand) is checked before it is requested: the
scheme is http or https and every address the host resolves to is public, unless the host is the
allowlisted source's own. The address actually connected to is checked again before the body is
read, so a name that resolves differently the second time gains nothing. The body is streamed with
a byte cap (the decompressed bytes count), and a watchdog closes the connection when the page's time
is up, so a server that drips one byte at a time cannot hold a worker.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

ACCEPT = (
    "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, "
    "application/n-triples;q=0.7, application/trig;q=0.5, */*;q=0.1"
)
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The page could not be fetched, or was refused; the message says which and why."""


@dataclass(frozen=True)
class Fetched:
    """A page as the server answered it (``status`` 304 when it had not changed: no body)."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None


@dataclass(frozen=True)
class FetchLimits:
    """How much one page may cost."""

    max_bytes: int
    timeout: float


def address_problem(address: str, allow_private: bool) -> str | None:
    """Why a connection to this IP address is refused, or None when it is allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private:
        return None
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return f"{ip} is {'an' if kind == 'unspecified' else 'a'} {kind.replace('_', '-')} address"
    return None if ip.is_global else f"{ip} is not a public address"


class Fetcher:
    """Fetches pages for one source; ``trusted_host`` (an allowlisted source's host) may be private."""

    def __init__(self, limits: FetchLimits, trusted_host: str | None = None) -> None:
        self.limits = limits
        self.trusted_host = trusted_host.lower() if trusted_host else None
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment may carry the request elsewhere

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

    def get(self, url: str, etag: str | None = None) -> Fetched:
        """GET a page, following redirects hop by hop, conditional on ``etag`` when given."""
        deadline = time.monotonic() + self.limits.timeout
        headers = {"Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        for _ in range(MAX_REDIRECTS + 1):
            allow_private = self._check_url(url)
            response = self._request(url, headers, deadline)
            try:
                if response.status_code in _REDIRECTS and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                self._check_peer(response, url, allow_private)
                if response.status_code == 304:
                    return Fetched(url, 304, b"", None, response.headers.get("ETag") or etag)
                if response.status_code != 200:
                    raise FetchError(f"{url} answered HTTP {response.status_code}")
                body = self._read(response, url, deadline)
                return Fetched(
                    url, 200, body, response.headers.get("Content-Type"), response.headers.get("ETag")
                )
            finally:
                response.close()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects, the last to {url}")

    def _check_url(self, url: str) -> bool:
        """Refuse non-http(s) URLs and hosts with non-public addresses; True if private ones are allowed."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError(f"{url}: only http and https URLs are fetched")
        host = parts.hostname.lower()
        allow_private = host == self.trusted_host
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError) as error:
            raise FetchError(f"{url}: the host cannot be resolved ({error})") from None
        for *_, sockaddr in found:
            problem = address_problem(str(sockaddr[0]), allow_private)
            if problem:
                raise FetchError(f"{url}: refused, {host} resolves to {problem} (not an allowlisted source)")
        return allow_private

    def _request(self, url: str, headers: dict[str, str], deadline: float) -> requests.Response:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"{url}: the page took longer than {self.limits.timeout:g} s")
        try:
            return self.http.get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=(min(10.0, left), left)
            )
        except requests.RequestException as error:
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from None

    @staticmethod
    def _check_peer(response: requests.Response, url: str, allow_private: bool) -> None:
        """The address actually connected to must pass the same check (DNS may answer differently)."""
        connection = getattr(response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is None:
            return
        try:
            peer = sock.getpeername()[0]
        except OSError:
            return
        problem = address_problem(str(peer), allow_private)
        if problem:
            raise FetchError(f"{url}: refused, the connection went to {problem}")

    def _read(self, response: requests.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise FetchError(f"{url}: the page is {declared} bytes, more than {self.limits.max_bytes}")
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), response.close)
        timer.daemon = True
        timer.start()
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > self.limits.max_bytes:
                    raise FetchError(f"{url}: the page is larger than {self.limits.max_bytes} bytes")
                chunks.append(chunk)
        except (requests.RequestException, OSError, AttributeError, ValueError) as error:
            if time.monotonic() >= deadline:
                raise FetchError(f"{url}: the page took longer than {self.limits.timeout:g} s") from None
            raise FetchError(f"{url}: reading the page failed: {error}") from None
        finally:
            timer.cancel()
        if time.monotonic() >= deadline:
            raise FetchError(f"{url}: the page took longer than {self.limits.timeout:g} s")
        return b"".join(chunks)
