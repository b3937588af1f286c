"""The node's own feed, from its database: the whole catalog and one page, as a harvester gets them.

Seeds an embedded SQLite database with N published datasets (two distributions each) through the
node's models and its rendering service, then, in a fresh process, streams the whole catalog as
Turtle with the feed service (``catalog_feed.stream_all``) and times one 100-dataset page over HTTP
(``GET /catalog.ttl?page=…&per_page=100`` through the Flask test client). The baseline is the same
catalog described from its records on every request (no stored renderings), side by side.

    python -m benchmarks.node_feed [--datasets 100000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ._harness import machine, peak_rss_mb, print_json

SECRET = "benchmark-secret-key"  # noqa: S105 - a throwaway key for a temporary database
AUTH = "http://publications.europa.eu/resource/authority/"


def _app(url: str):  # type: ignore[no-untyped-def]
    from app import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "BASE_URL": "http://127.0.0.1:5000",
            "CATALOG_SPATIAL": "CHN",
            "LOG_LEVEL": "WARNING",
        }
    )


def seed(url: str, count: int, batch: int = 5000) -> None:
    """Insert ``count`` published datasets and their Turtle renderings with set-based inserts.

    The rows go in as they would after publishing; the renderings are written by the same code the
    node uses when a dataset changes (records from rows, then ``render_fragment``).
    """
    from sqlalchemy import insert

    from app.db import unit_of_work
    from app.migrate import upgrade
    from app.models import Dataset, DatasetRendering, DatasetTheme, Distribution, Organization
    from app.services.dataset_bundles import Bundle
    from app.services.dataset_records import dataset_record
    from app.services.renderings import catalog_links, stamp
    from catalog.serialize import Format, render_fragment

    app = _app(url)
    base = app.config["BASE_URL"]
    catalog_iri, service_iri = catalog_links(base)
    with app.app_context():
        upgrade()
        with unit_of_work() as session:
            org = Organization(
                name="Benchmark Statistics Office",
                kind="provider",
                jurisdiction="CN",
                status="active",
                publisher_type="NationalAuthority",
                email="data@example.gov",
            )
            session.add(org)
        start = datetime(2024, 1, 1, tzinfo=UTC)
        theme = f"{AUTH}data-theme/ENVI"
        for first in range(0, count, batch):
            datasets, themes, distributions, texts = [], [], [], []
            for i in range(first, min(first + batch, count)):
                at = start + timedelta(seconds=i)
                dataset = Dataset(
                    org_id=org.id,
                    status="published",
                    grade="general-1",
                    identifier=f"ds-{i}",
                    title={"en": f"Dataset {i}: hourly readings", "zh": f"数据集 {i}"},
                    description={"en": f"Synthetic dataset number {i} of the benchmark catalog."},
                    contact_point={"name": "Data desk", "email": "data@example.gov"},
                    licence=f"{AUTH}licence/CC_BY_4_0",
                    access_rights=f"{AUTH}access-right/PUBLIC",
                    spatial=[f"{AUTH}country/CHN"],
                    frequency=f"{AUTH}frequency/DAILY",
                    languages=[f"{AUTH}language/ENG"],
                    issued=at,
                    modified=at,
                    created_at=at,
                    updated_at=at,
                    published_at=at,
                    feed_at=at,
                )
                parts = [
                    Distribution(
                        dataset_id=dataset.id,
                        position=k,
                        title={"en": f"{kind} file"},
                        description={"en": f"The readings as {kind}."},
                        access_url=f"https://data.example.gov/ds-{i}.{kind.lower()}",
                        format=f"{AUTH}file-type/{kind}",
                        media_type=media,
                        byte_size=1_000_000 + k,
                        licence=f"{AUTH}licence/CC_BY_4_0",
                        modified=at,
                    )
                    for k, (kind, media) in enumerate((("CSV", "text/csv"), ("JSON", "application/json")))
                ]
                record = dataset_record(Bundle(dataset, org, themes=[theme], distributions=parts), base)
                datasets.append(dataset.model_dump())
                themes.append({"dataset_id": dataset.id, "theme": theme})
                distributions += [part.model_dump() for part in parts]
                texts.append(
                    {
                        "dataset_id": dataset.id,
                        "format": Format.TURTLE.suffix,
                        "stamp": stamp(at, org.updated_at, base),
                        "body": render_fragment(record, Format.TURTLE, catalog_iri, service_iri).text,
                    }
                )
            with unit_of_work() as session:
                for table, rows in (
                    (Dataset, datasets),
                    (DatasetTheme, themes),
                    (Distribution, distributions),
                    (DatasetRendering, texts),
                ):
                    session.execute(insert(table), rows)


def stream_whole(url: str, use_renderings: bool) -> dict[str, float]:
    """Stream the whole catalog as Turtle; seconds, bytes and this process's peak RSS."""
    from app.db import get_session
    from app.models import DatasetRendering
    from app.services.catalog_feed import stream_all
    from app.services.dataset_records import NodeInfo
    from catalog.serialize import Format

    app = _app(url)
    with app.app_context():
        session = get_session()
        if not use_renderings:
            session.execute(DatasetRendering.__table__.delete())  # type: ignore[attr-defined]
        started = time.perf_counter()
        size = sum(
            len(chunk) for chunk in stream_all(session, Format.TURTLE, NodeInfo.from_settings(app.config))
        )
        seconds = time.perf_counter() - started
        session.rollback()
    return {
        "seconds": seconds,
        "bytes": size,
        "peak_rss_mb": peak_rss_mb(),
    }


def page_median(url: str, count: int, runs: int) -> float:
    """Median milliseconds of one 100-dataset Turtle page over HTTP, pages spread over the catalog."""
    client = _app(url).test_client()
    pages = max(1, count // 100)
    times = []
    for run in range(runs):
        page = 1 + (run * 7919) % pages
        started = time.perf_counter()
        response = client.get(f"/catalog.ttl?per_page=100&page={page}")
        assert response.status_code == 200
        assert response.data
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _fresh(*args: str) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.node_feed", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Seed, then measure in fresh processes, and print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 datasets")
    parser.add_argument("--no-baseline", action="store_true", help="skip describing the catalog per request")
    parser.add_argument("--stream", nargs=2, metavar=("URL", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stream:
        print(json.dumps(stream_whole(args.stream[0], args.stream[1] == "stored")))
        return
    count = 10_000 if args.quick else args.datasets
    with tempfile.TemporaryDirectory(prefix="dxnode-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'feed.sqlite'}"
        print(f"node feed benchmark on {machine()}")
        print(f"seeding {count:,} published datasets ...", flush=True)
        started = time.perf_counter()
        seed(url, count)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        stored = _fresh("--stream", url, "stored")
        page_ms = page_median(url, count, 50)
        described = stored if args.no_baseline else _fresh("--stream", url, "described")
    ratio = described["seconds"] / stored["seconds"]
    rows = [
        (
            f"{count:,} datasets -> Turtle, stored renderings",
            f"{stored['seconds']:8.2f} s",
            f"{stored['bytes'] / 1e6:.0f} MB, peak RSS {stored['peak_rss_mb']:.0f} MB "
            "(targets < 10 s, < 300 MB)",
        ),
        (
            f"{count:,} datasets -> Turtle, described per request",
            f"{described['seconds']:8.2f} s",
            f"peak RSS {described['peak_rss_mb']:.0f} MB",
        ),
        ("  ratio described / stored", f"{ratio:8.1f} x", ""),
        ("one 100-dataset page over HTTP, median of 50", f"{page_ms:8.1f} ms", "target < 50 ms"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}  {value}  {note}")
    print_json(
        {
            "benchmark": "node_feed",
            "datasets": count,
            "stored": stored,
            "described": described,
            "ratio": round(ratio, 2),
            "page_median_ms": round(page_ms, 2),
        }
    )


if __name__ == "__main__":
    main()
