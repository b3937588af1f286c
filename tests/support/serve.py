"""A node in a process of its own, for tests that kill it: the suite's settings, werkzeug on loopback.

    python -m tests.support.serve --database-url URL --storage DIR [--journal DIR] --secret KEY
        [--base-url URL] [--port N] [--flush-interval S]

The secret must be the test app's, so that the signing keys stored in the database decrypt and the
tokens the test issued verify. Port 0 (the default) takes a free port; once the socket listens, the
node's address is printed on one line of standard output.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app


def main() -> None:
    """Serve the node until the process is stopped."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--storage", required=True, help="the folder of distribution files")
    parser.add_argument("--journal", help="the folder of usage journals (default: beside the storage)")
    parser.add_argument("--secret", required=True, help="the test app's SECRET_KEY")
    parser.add_argument("--base-url", default="http://localhost", help="the test app's BASE_URL")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--flush-interval", type=float, default=0.2, help="seconds between journal writes")
    args = parser.parse_args()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": args.secret,
            "BASE_URL": args.base_url,
            "REVOCATION_POLL": 1.0,
            "CATALOG_SPATIAL": "CHN",
            "DATABASE_URL": args.database_url,
            "STORAGE_PATH": args.storage,
            "USAGE_JOURNAL_PATH": args.journal or str(Path(args.storage).parent / "journal"),
            "LOG_LEVEL": "WARNING",
            "USAGE_FLUSH_INTERVAL": args.flush_interval,
        }
    )
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
