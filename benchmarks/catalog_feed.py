"""Streaming DCAT-AP feed vs. an rdflib graph: time, memory and one-page latency.

1. 10,000 synthetic datasets (two distributions each) as Turtle: our streaming writer against
   building an rdflib Graph of the same triples and serialising it, side by side (target: >= 20x).
2. 100,000 datasets with our writer alone, in a fresh process so its peak memory is its own
   (targets: < 10 s, < 300 MB peak RSS).
3. One 100-dataset page in each format, median of 50 runs (target: < 50 ms).

Record construction is included in the streamed timings, as a database cursor would produce them.

    python -m benchmarks.catalog_feed [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

from catalog import synthetic
from catalog.describe import Describer
from catalog.nodes import BNode, Lit
from catalog.records import DatasetRecord, LangText
from catalog.serialize import Format, hydra_view, serialize_catalog

from ._harness import machine, peak_rss_mb, print_json


def records(count: int) -> Iterator[DatasetRecord]:
    """Synthetic datasets, produced lazily."""
    return (synthetic.dataset(i) for i in range(count))


def ours(count: int, fmt: Format = Format.TURTLE) -> tuple[float, int]:
    """Seconds and bytes to stream ``count`` datasets as one document."""
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in serialize_catalog(synthetic.catalog(), records(count), fmt))
    return time.perf_counter() - started, size


def rdflib_baseline(count: int) -> tuple[float, float, int, int]:
    """Build an rdflib Graph of the same triples, then serialise it: seconds for each, bytes, triples."""
    import rdflib

    def term(value: object) -> rdflib.term.Node:
        if type(value) is str:
            return rdflib.URIRef(value)
        if type(value) is BNode:
            return rdflib.BNode(value)
        if type(value) is LangText:
            return rdflib.Literal(value.text, lang=value.lang)
        assert isinstance(value, Lit)
        return rdflib.Literal(value.value, lang=value.lang, datatype=value.datatype)

    started = time.perf_counter()
    graph = rdflib.Graph()
    describer = Describer()
    catalog = synthetic.catalog()
    service = catalog.service.iri if catalog.service else None
    for node in describer.catalog(catalog):
        for s, p, o in node.triples():
            graph.add((term(s), rdflib.URIRef(p), term(o)))
    for record in records(count):
        for node in describer.dataset(record, catalog.iri, service):
            for s, p, o in node.triples():
                graph.add((term(s), rdflib.URIRef(p), term(o)))
    built = time.perf_counter()
    data = graph.serialize(format="turtle", encoding="utf-8")
    return built - started, time.perf_counter() - built, len(data), len(graph)


def page_latency(runs: int = 50) -> dict[str, float]:
    """Median milliseconds to write one 100-dataset page (records already fetched), per format."""
    page = [synthetic.dataset(i) for i in range(100)]
    view = hydra_view(f"{synthetic.BASE}/catalog.ttl?page=3", page=3, page_size=100, total_items=100_000)
    catalog = synthetic.catalog()
    medians = {}
    for fmt in Format:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            b"".join(serialize_catalog(catalog, page, fmt, view))
            times.append(time.perf_counter() - started)
        medians[fmt.value[0]] = statistics.median(times) * 1000
    return medians


def stream_in_fresh_process(count: int) -> dict[str, float]:
    """Run the streaming measurement in a new interpreter and return its figures."""
    command = [sys.executable, "-m", "benchmarks.catalog_feed", "--stream-only", str(count)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _stream_only(count: int) -> None:
    seconds, size = ours(count)
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "bytes": size, "peak_rss_mb": peak_mb}))


def main() -> None:
    """Run the three measurements and print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 / 10,000 datasets and 10 page runs")
    parser.add_argument("--stream-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stream_only:
        _stream_only(args.stream_only)
        return
    side_by_side, alone, runs = (1_000, 10_000, 10) if args.quick else (10_000, 100_000, 50)

    print(f"catalog feed benchmark on {machine()}")
    print(f"streaming {alone:,} datasets in a fresh process ...", flush=True)
    streamed = stream_in_fresh_process(alone)
    print(f"writing one 100-dataset page, {runs} runs per format ...", flush=True)
    latency = page_latency(runs)
    print(f"{side_by_side:,} datasets: ours, then rdflib (slow) ...", flush=True)
    ours_seconds, ours_bytes = ours(side_by_side)
    build, write, rdflib_bytes, triples = rdflib_baseline(side_by_side)
    ratio = (build + write) / ours_seconds

    rows = [
        (
            f"{side_by_side:,} datasets -> Turtle, ours (streaming)",
            f"{ours_seconds:8.2f} s",
            f"{ours_bytes / 1e6:.1f} MB",
        ),
        (
            f"{side_by_side:,} datasets -> Turtle, rdflib Graph",
            f"{build + write:8.2f} s",
            f"build {build:.1f} s + write {write:.1f} s, {rdflib_bytes / 1e6:.1f} MB, {triples:,} triples",
        ),
        ("  ratio rdflib / ours", f"{ratio:8.1f} x", "target >= 20x"),
        (
            f"{alone:,} datasets -> Turtle, ours",
            f"{streamed['seconds']:8.2f} s",
            f"{streamed['bytes'] / 1e6:.0f} MB written, target < 10 s",
        ),
        ("  peak memory (RSS of that process)", f"{streamed['peak_rss_mb']:8.0f} MB", "target < 300 MB"),
    ]
    rows += [
        (f"one 100-dataset page, {name}, median of {runs}", f"{ms:8.1f} ms", "target < 50 ms")
        for name, ms in latency.items()
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}  {value}  {note}")
    print_json(
        {
            "benchmark": "catalog_feed",
            "side_by_side_datasets": side_by_side,
            "ours_seconds": ours_seconds,
            "rdflib_build_seconds": build,
            "rdflib_serialise_seconds": write,
            "ratio": ratio,
            "streamed_datasets": alone,
            "streamed_seconds": streamed["seconds"],
            "streamed_peak_rss_mb": streamed["peak_rss_mb"],
            "page_median_ms": latency,
        }
    )


if __name__ == "__main__":
    main()
