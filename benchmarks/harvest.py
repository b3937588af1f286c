"""Harvesting a 5,000-dataset catalog over HTTP against parsing the same pages with rdflib alone.

The catalog comes from the shared synthetic generator (``fixtures/dcat/synthetic/generate.py``: two
distributions per dataset, about 38,000 triples per 1,000-dataset page) and is served from this
process over loopback HTTP, page by page, its Hydra links pointing at the server.

1. The baseline, in a fresh process: fetch each page with ``requests`` and parse it with rdflib,
   following ``hydra:next``; nothing is stored.
2. The harvester, in a fresh process with a migrated SQLite database: the first harvest (every
   dataset parsed, hashed and stored with its distributions, keywords, themes and search text), then
   re-harvests of the unchanged source: with the server's ETags (304 for every page), without ETags
   (each page's bytes hash as last time, so it is not parsed), and with every page's bytes changed but
   not its datasets (each page parsed and each dataset hashed, none rewritten).

Each side runs ``--rounds`` times, alternating, and its best time counts. Targets: the first harvest
at least 3x faster than rdflib's parse alone, under 250 MB peak RSS, and a re-harvest of the
unchanged source at least 10x faster than the first harvest.

    python -m benchmarks.harvest [--datasets 5000] [--page-size 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ._harness import ROOT, machine, peak_rss_mb, print_json, sqlite_database

GENERATOR = ROOT.parent / "shared" / "fixtures" / "dcat" / "synthetic" / "generate.py"
SYNTHETIC_BASE = "https://node.example.org/catalog.ttl"


class PageServer:
    """Serves the generated pages at /catalog.ttl?page=N; /control/... switches ETags and reformatting."""

    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        self.etags = True
        self.reformat = 0
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/control/"):
                    if self.path == "/control/etags-off":
                        server.etags = False
                    elif self.path == "/control/reformat":
                        server.reformat += 1
                    self._send(200, b"ok", None)
                    return
                number = self.path.rsplit("page=", 1)[-1]
                if not self.path.startswith("/catalog.ttl?page=") or not number.isdigit():
                    self._send(404, b"", None)
                    return
                body = server.pages[int(number) - 1]
                if server.reformat:
                    body += f"# served again ({server.reformat})\n".encode()
                etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"' if server.etags else None
                if etag and self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", etag)
                else:
                    self._send(200, body, etag)

            def _send(self, status: int, body: bytes, etag: str | None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        return Handler

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


def generate(datasets: int, page_size: int, base_url: str) -> list[bytes]:
    """The synthetic catalog's pages, their paging links pointing at ``base_url``."""
    with tempfile.TemporaryDirectory(prefix="dxnode-harvest-bench-") as folder:
        subprocess.run(
            [sys.executable, str(GENERATOR), str(datasets), str(page_size), folder],
            check=True,
            capture_output=True,
        )
        paged = sorted(
            Path(folder, "paged").glob("catalog_page_*.ttl"), key=lambda p: int(p.stem.rsplit("_", 1)[1])
        )
        return [
            p.read_bytes().replace(SYNTHETIC_BASE.encode(), f"{base_url}/catalog.ttl".encode()) for p in paged
        ]


def rdflib_phase(url: str) -> dict[str, Any]:
    """Fetch and parse every page with rdflib, following hydra:next; nothing is stored."""
    import rdflib
    import requests

    hydra_next = rdflib.URIRef("http://www.w3.org/ns/hydra/core#next")
    dataset = rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")
    started = time.perf_counter()
    found, pages, next_url = 0, 0, f"{url}/catalog.ttl?page=1"
    with requests.Session() as http:
        while next_url:
            answer = http.get(next_url, timeout=60)
            graph = rdflib.Graph().parse(data=answer.content, format="turtle", publicID=next_url)
            found += len(set(graph.subjects(rdflib.RDF.type, dataset)))
            pages += 1
            following = [str(o) for o in graph.objects(rdflib.URIRef(next_url), hydra_next)]
            next_url = following[0] if following else None
    return {
        "seconds": time.perf_counter() - started,
        "datasets": found,
        "pages": pages,
        "peak_rss_mb": peak_rss_mb(),
    }


def harvest_phase(url: str) -> dict[str, Any]:
    """The node's harvester: a first harvest, then three re-harvests of the unchanged source."""
    import requests

    from app import create_app
    from app.db import get_session, unit_of_work
    from app.migrate import upgrade
    from app.schemas.harvest import SourceIn
    from app.services import harvest_jobs, harvest_sources
    from app.services.actors import Actor
    from app.services.harvest_run import run_harvest

    figures: dict[str, Any] = {}
    with sqlite_database() as database:
        app = create_app({"DATABASE_URL": database, "SECRET_KEY": "benchmark", "LOG_LEVEL": "WARNING"})
        with app.app_context():
            upgrade()
            with unit_of_work() as session:
                data = SourceIn(name="Synthetic", url=f"{url}/catalog.ttl?page=1", allow_private=True)  # type: ignore[arg-type]
                source_id = harvest_sources.create_source(session, Actor.node(), data).id

            def timed(name: str) -> None:
                session = get_session()
                with unit_of_work():
                    source = harvest_sources.get_source(session, Actor.node(), source_id)
                    run = harvest_jobs.new_run(session, source, "manual")
                started = time.perf_counter()
                run = run_harvest(session, run, harvest_jobs.limits(), session.commit)
                seconds = time.perf_counter() - started
                assert run.status == "succeeded", run.error
                figures[name] = {
                    "seconds": seconds,
                    "pages": run.pages,
                    "new": run.new,
                    "updated": run.updated,
                    "unchanged": run.unchanged,
                    "peak_rss_mb": peak_rss_mb(),
                }

            timed("first")
            timed("etag")
            requests.get(f"{url}/control/etags-off", timeout=10)
            timed("digest")
            requests.get(f"{url}/control/reformat", timeout=10)
            timed("hashes")
    return figures


def child(phase: str, url: str) -> dict[str, Any]:
    """Run a phase in a fresh interpreter, so its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.harvest", "--phase", phase, "--url", url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of each side; the best counts"
    )
    parser.add_argument("--phase", choices=["rdflib", "harvest"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print_json(rdflib_phase(args.url) if args.phase == "rdflib" else harvest_phase(args.url))
        return

    server = PageServer([])
    server.pages = generate(args.datasets, args.page_size, server.url)
    baselines, runs = [], []
    try:
        for _ in range(args.rounds):  # alternating, so a busy machine slows both alike; the best of each
            server.etags, server.reformat = True, 0
            baselines.append(child("rdflib", server.url))
            server.etags, server.reformat = True, 0
            runs.append(child("harvest", server.url))
    finally:
        server.close()
    baseline = min(baselines, key=lambda b: b["seconds"])
    ours = {name: min((r[name] for r in runs), key=lambda f: f["seconds"]) for name in runs[0]}
    ours["hashes"]["peak_rss_mb"] = max(r[name]["peak_rss_mb"] for r in runs for name in r)
    first = ours["first"]
    print(f"{machine()}; {args.datasets} datasets in pages of {args.page_size}, Turtle over loopback HTTP")
    print(f"{'run':<58}{'time':>9}{'datasets/s':>12}{'peak RSS':>11}")
    rows = [
        ("rdflib: fetch and parse every page (nothing stored)", baseline),
        ("harvest, first run (parse, hash, store)", first),
        ("re-harvest, unchanged, ETags (304 for every page)", ours["etag"]),
        ("re-harvest, unchanged, no ETags (page bytes hash the same)", ours["digest"]),
        ("re-harvest, every page's bytes changed, no dataset changed", ours["hashes"]),
    ]
    for label, row in rows:
        rate = args.datasets / row["seconds"]
        print(f"{label:<58}{row['seconds']:>8.2f}s{rate:>12,.0f}{row['peak_rss_mb']:>8.0f} MB")
    speedup = baseline["seconds"] / first["seconds"]
    print(f"first harvest vs rdflib parse alone: {speedup:.1f}x faster (target >= 3x)")
    for name in ("etag", "digest", "hashes"):
        print(f"re-harvest ({name}) vs first harvest: {first['seconds'] / ours[name]['seconds']:.1f}x faster")
    print(f"peak RSS of the harvesting process: {ours['hashes']['peak_rss_mb']:.0f} MB (target < 250 MB)")
    assert first["new"] == args.datasets == baseline["datasets"], (first, baseline)
    print_json({"rdflib": baseline, **ours, "speedup": speedup})


if __name__ == "__main__":
    main()
