"""Start the real localstripe server on loopback, for the tests' ``localstripe`` fixture.

    .venv-localstripe/bin/python -I tests/support/localstripe_server.py [--port N]

localstripe's own command listens on every interface (``::``) and writes its whole state to one fixed file
under /tmp after every change, which two servers running at once would share. This launcher runs the
same aiohttp application on 127.0.0.1 only and keeps the state in memory, so every test session has a
server of its own. Port 0 (the default) takes a free port; once the socket listens, the server's base
URL is printed on one line of standard output.

It runs in its own virtual environment (``make test`` builds ``.venv-localstripe`` from
``tests/support/localstripe-requirements.txt``): localstripe and aiohttp are test-only and stay out of
the node's dependencies.
"""

from __future__ import annotations

import argparse
import logging
import socket

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    """Serve localstripe on loopback until the process is stopped."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    # In memory only: the store's writes to its fixed pickle file become no-ops for this process.
    resources.store.dump_to_disk = lambda: None  # type: ignore[method-assign]

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
