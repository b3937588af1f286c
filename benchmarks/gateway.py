"""Metered vs bare: what the data plane's gate and metering cost a page of records.

Serves one node with gunicorn and drives two routes that send the same bytes: the record API
``GET /data/v1/agreements/<id>/distributions/<dist>/records?per_page=100`` with a data token (token,
agreement snapshot, ODRL policy, quota UPDATE, usage event INSERT and COMMIT before sending), and a
bare Flask route answering the same JSON page, precomputed. Prints requests per second side by side
and the ratio (target: metered >= 70% of bare), then checks the metering was exact: one usage event
per 200 answer, counted against the server's access log and against wrk's summary.

    python -m benchmarks.gateway [--seconds 5] [--rounds 3] [--connections 16] [--workers 2]
    python -m benchmarks.gateway --profile 2000    # where a metered call spends its time (cProfile)
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response

from app.journal import EXTENSION as JOURNAL

from ._harness import gunicorn, machine, print_json, sqlite_database

SECRET = "benchmark-secret-key"  # noqa: S105 - a throwaway key for a temporary database
BASE_URL = "http://127.0.0.1"
PAGE_FILE = "DXNODE_BENCH_PAGE"  # environment: the file holding the page the bare route answers with
ROWS = 10_000
QUERY = "?per_page=100"
AUTH = "http://publications.europa.eu/resource/authority/"


def bench_app() -> Flask:
    """The node plus a bare route answering the record API's page, precomputed (gunicorn factory)."""
    from app import create_app

    app = create_app()
    page = Path(os.environ[PAGE_FILE]).read_bytes()
    total = str(ROWS)

    @app.get("/bench/bare/records")
    def bare_records() -> Response:
        """The same bytes as the metered page: no token, no agreement, no policy, no metering."""
        response = Response(page, mimetype="application/json")
        response.headers["X-Total-Count"] = total
        return response

    return app


@dataclass(frozen=True)
class Prepared:
    """What the load needs: the records URL's path, the consumer's client and the page it returns."""

    path: str
    agreement_id: str
    client_id: str
    secret: str
    page: bytes


def _table(rows: int) -> bytes:
    """An id, a person's name (masked by the offer), a district and an amount."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "district", "amount"])
    districts = ["Futian", "Luohu", "Nanshan", "Bao'an"]
    writer.writerows([i, f"Person {i}", districts[i % 4], 100 + i * 7] for i in range(1, rows + 1))
    return out.getvalue().encode()


def _app(url: str, storage: Path) -> Flask:
    from app import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "BASE_URL": BASE_URL,
            "STORAGE_PATH": str(storage),
            "USAGE_JOURNAL_PATH": str(storage.parent / "journal"),
            "CATALOG_SPATIAL": "CHN",
            "LOG_LEVEL": "WARNING",
        }
    )


def prepare(url: str, storage: Path) -> Prepared:
    """Migrate, then do what the parties would: list and publish a CSV, offer it without a use limit,
    request, approve and sign; the consumer's client and the page its first call returns."""
    from app.db import unit_of_work
    from app.migrate import upgrade
    from app.node import contract_context
    from app.schemas.catalog import DatasetCreate
    from app.schemas.contracts import NegotiationIn, OfferIn
    from app.schemas.parties import ClientCreate, OrganizationCreate
    from app.scopes import allowed_for
    from app.services import clients, dataset_status, datasets, negotiations, offers, parties
    from app.services.actors import Actor
    from app.services.storage import Storage

    app = _app(url, storage)
    with app.app_context():
        upgrade()
        ctx = contract_context()  # the node's first signing key, before the unit of work writes
        with unit_of_work() as session:
            node = Actor.node()
            provider = parties.create_organization(
                session,
                node,
                OrganizationCreate(
                    name="Bench Provider", kind="provider", jurisdiction="CN", publisher_type="Company"
                ),
                kind="provider",
            )
            consumer = parties.create_organization(
                session,
                node,
                OrganizationCreate(name="Bench Consumer", kind="consumer", jurisdiction="CN"),
                kind="consumer",
            )
            password = "bench password, never used to log in"  # noqa: S105
            steward = parties.create_user_unchecked(
                session, provider, "steward@bench.example.org", "Steward", password, ["steward"]
            )
            buyer = parties.create_user_unchecked(
                session, consumer, "buyer@bench.example.org", "Buyer", password, ["buyer"]
            )
            client, secret = clients.register_client(
                session, node, consumer.id, ClientCreate(name="bench", scope="data:read")
            )
            as_steward = Actor.for_user(steward, provider, frozenset(allowed_for(provider.kind)))
            as_buyer = Actor.for_user(buyer, consumer, frozenset(allowed_for(consumer.kind)))
            dataset = datasets.create_dataset(
                session, as_steward, provider.id, DatasetCreate.model_validate(_dataset()), BASE_URL
            )
            (distribution,) = datasets.bundle(session, dataset).distributions
            datasets.store_distribution_file(
                session,
                as_steward,
                distribution.id,
                io.BytesIO(_table(ROWS)),
                "text/csv",
                Storage(storage),
                int(app.config["UPLOAD_MAX_BYTES"]),
                BASE_URL,
            )
            dataset_status.transition(session, as_steward, dataset.id, "submit", None, BASE_URL)
            offer = offers.create_offer(
                session, as_steward, dataset.id, OfferIn.model_validate(_offer()), BASE_URL
            )
            negotiation = negotiations.request_access(
                session, as_buyer, NegotiationIn(offer_id=offer.id, purpose="academic research"), ctx
            )
            if negotiation.state == "REQUESTED":
                negotiations.approve(session, as_steward, negotiation.id, None, ctx)
            agreement = negotiations.sign(session, as_buyer, negotiation.id, None, ctx)
        path = f"/data/v1/agreements/{agreement.id}/distributions/{distribution.id}/records"
        page = _page(app, path, agreement.id, client.client_id, secret or "")
    app.extensions[JOURNAL].close()  # the page's usage event is in the database
    return Prepared(path, agreement.id, client.client_id, secret or "", page)


def _dataset() -> dict[str, Any]:
    return {
        "title": {"en": "Claims by district", "zh": "各区理赔"},
        "description": {"en": "One row per claim: claimant, district and amount."},
        "keywords": {"en": ["claims"]},
        "themes": [f"{AUTH}data-theme/ECON"],
        "grade": "general-2",
        "contact_point": {"name": "Data Desk", "email": "data@bench.example.org"},
        "licence": f"{AUTH}licence/CC_BY_4_0",
        "access_rights": f"{AUTH}access-right/RESTRICTED",
        "spatial": [f"{AUTH}country/CHN"],
        "frequency": f"{AUTH}frequency/DAILY",
        "languages": [f"{AUTH}language/ENG", f"{AUTH}language/ZHO"],
        "distributions": [
            {
                "title": {"en": "Claims as CSV"},
                "access_url": "https://data.bench.example.org/claims.csv",
                "format": f"{AUTH}file-type/CSV",
                "media_type": "text/csv",
            }
        ],
    }


def _offer() -> dict[str, Any]:
    return {
        "title": "Research licence",
        "pricing": {"model": "per_call", "currency": "CNY", "price_minor": 50, "payment_due_days": 30},
        "delivery_modes": ["records"],
        "template": "api-subscription",
        "validity_days": 365,
        "purposes": ["academic research"],
        "masked_fields": ["name"],
    }  # no max_uses: no count limit, so every call of the load is served


def _page(app: Flask, path: str, agreement_id: str, client_id: str, secret: str) -> bytes:
    """The page the record API answers, fetched once through the node itself (one usage event)."""
    client = app.test_client()
    token = _test_client_token(client, agreement_id, client_id, secret)
    response = client.get(path + QUERY, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def _test_client_token(client: Any, agreement_id: str, client_id: str, secret: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    issued = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "data:read", "agreement": agreement_id},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert issued.status_code == 200, issued.get_json()
    return str(issued.get_json()["access_token"])


def _environment(url: str, folder: Path, prepared: Prepared) -> dict[str, str]:
    """The node's settings for `bench_app`, with the page the bare route answers written beside them."""
    (folder / "page.json").write_bytes(prepared.page)
    return {
        "DXNODE_DATABASE_URL": url,
        "DXNODE_SECRET_KEY": SECRET,
        "DXNODE_BASE_URL": BASE_URL,
        "DXNODE_STORAGE_PATH": str(folder / "storage"),
        "DXNODE_USAGE_JOURNAL_PATH": str(folder / "journal"),
        "DXNODE_LOG_LEVEL": "WARNING",
        PAGE_FILE: str(folder / "page.json"),
    }


def _token(base: str, prepared: Prepared) -> str:
    import requests

    response = requests.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "data:read", "agreement": prepared.agreement_id},
        auth=(prepared.client_id, prepared.secret),
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@dataclass(frozen=True)
class Load:
    """One wrk run: throughput, and the answers wrk counted."""

    rate: float
    answers: int
    failed: int  # non-2xx or 3xx answers
    errors: int  # socket errors: connect, read, write, timeout


def wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> Load:
    """Drive one URL with wrk's keep-alive connections and read its summary."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    answers = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if answers is None or rate is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Load(
        float(rate.group(1)),
        int(answers.group(1)),
        int(failed.group(1)) if failed else 0,
        sum(int(n) for n in errors.groups()) if errors else 0,
    )


def interleaved(
    runs: dict[str, tuple[str, dict[str, str]]], rounds: int, seconds: float, connections: int
) -> dict[str, list[Load]]:
    """Every run of each candidate, a 1 s warm-up first, then alternating rounds so drift hits both alike."""
    loads: dict[str, list[Load]] = {name: [] for name in runs}
    for name, (url, headers) in runs.items():
        loads[name].append(wrk(url, headers, 1, connections))
    for _ in range(rounds):
        for name, (url, headers) in runs.items():
            loads[name].append(wrk(url, headers, seconds, connections))
    return loads


def usage_events(url: str, journals: Path) -> int:
    """Usage events in the database, once any journal a worker left behind is written to it."""
    from sqlalchemy import create_engine, func, select

    from app.models import UsageEvent
    from app.services.usage_journal import Journal

    engine = create_engine(url)
    try:
        Journal(engine, lambda: journals, 1.0).recover()
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(UsageEvent)).scalar_one())
    finally:
        engine.dispose()


def served(access_log: Path, path: str) -> dict[int, int]:
    """Answers to `path` by status, as gunicorn logged them once each response was written."""
    line = re.compile(rf'"GET {re.escape(path)}\S* HTTP/1\.[01]" (\d{{3}}) ')
    counts: dict[int, int] = {}
    with access_log.open() as log:
        for found in map(line.search, log):
            if found:
                status = int(found.group(1))
                counts[status] = counts.get(status, 0) + 1
    return counts


def profile(calls: int) -> None:
    """Time and profile metered and bare calls through the Flask test client (no server, no wrk)."""
    import cProfile
    import pstats
    import time

    folder = Path(tempfile.mkdtemp(prefix="dxnode-bench-"))
    try:
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        prepared = prepare(url, folder / "storage")
        os.environ.update(_environment(url, folder, prepared))
        app = bench_app()
        client = app.test_client()
        token = _test_client_token(client, prepared.agreement_id, prepared.client_id, prepared.secret)
        metered = {"Authorization": f"Bearer {token}"}
        for _ in range(50):  # warm the caches: signing keys, snapshot, pages
            client.get(prepared.path + QUERY, headers=metered)
            client.get("/bench/bare/records")
        for name, target, headers in (
            ("bare", "/bench/bare/records", {}),
            ("metered", prepared.path + QUERY, metered),
        ):
            started = time.perf_counter()
            for _ in range(calls):
                client.get(target, headers=headers)
            elapsed = time.perf_counter() - started
            print(f"{name}: {elapsed / calls * 1000:.3f} ms a call over {calls} test-client calls")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            client.get(prepared.path + QUERY, headers=metered)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--profile", type=int, metavar="CALLS", help="profile CALLS test-client calls instead"
    )
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed to count the answers (Debian: apt-get install wrk)")

    import requests

    with sqlite_database() as url:
        folder = Path(url.removeprefix("sqlite:///")).parent
        prepared = prepare(url, folder / "storage")
        access_log = folder / "access.log"
        before = usage_events(url, folder / "journal")
        env = {
            **_environment(url, folder, prepared),
            "GUNICORN_CMD_ARGS": f"--access-logfile {access_log}",  # the server's count of answers
        }
        with gunicorn("benchmarks.gateway:bench_app()", env, workers=args.workers) as base:
            metered = (f"{base}{prepared.path}{QUERY}", {"Authorization": f"Bearer {_token(base, prepared)}"})
            bare = (f"{base}/bench/bare/records", {})
            bodies = {requests.get(u, headers=h, timeout=10).content for u, h in (metered, bare)}
            assert bodies == {prepared.page}, "the two routes must send the same bytes"
            loads = interleaved(
                {"bare": bare, "metered": metered},
                rounds=args.rounds,
                seconds=args.seconds,
                connections=args.connections,
            )
        # gunicorn has stopped gracefully: every request it read was answered and logged
        events = usage_events(url, folder / "journal") - before
        logged = served(access_log, prepared.path)
    figures = {name: statistics.median(load.rate for load in runs[1:]) for name, runs in loads.items()}
    ratio = figures["metered"] / figures["bare"]
    counted = sum(load.answers - load.failed for load in loads["metered"])
    failed = {name: sum(load.failed for load in runs) for name, runs in loads.items()}
    errors = {name: sum(load.errors for load in runs) for name, runs in loads.items()}
    unwaited = events - counted - 1  # answered after wrk stopped waiting at the end of a run (1: the check)
    exact = events == logged.get(200, 0) and set(logged) == {200}
    bound = args.connections * len(loads["metered"])

    print(f"machine: {machine()}")
    print(
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds:.0f} s, per_page=100 ({len(prepared.page)} bytes a page)"
    )
    print(f"{'endpoint':<10}{'requests/s':>12}")
    for name in ("bare", "metered"):
        print(f"{name:<10}{figures[name]:>12.0f}")
    print(f"ratio metered/bare: {ratio:.1%} (target >= 70%)")
    print(f"usage events written: {events}")
    others = {status: n for status, n in logged.items() if status != 200}
    print(f"200 answers logged by gunicorn: {logged.get(200, 0)}; other statuses: {others or 'none'}")
    print(f"200 answers counted by wrk: {counted} (+1 for the body check)")
    print(f"non-2xx answers: {failed}; socket errors: {errors}")
    print(f"answered after wrk stopped waiting: {unwaited} (at most {bound}: connections x runs)")
    print(f"metering exact: {'yes' if exact and 0 <= unwaited <= bound else 'NO'}")
    print_json(
        {
            "benchmark": "gateway",
            **{k: round(v, 1) for k, v in figures.items()},
            "ratio": round(ratio, 4),
            "events": events,
            "logged_200": logged.get(200, 0),
            "wrk_200": counted,
            "non_2xx": failed,
            "socket_errors": errors,
        }
    )
    if not exact or not 0 <= unwaited <= bound or any(failed.values()):
        raise SystemExit("the usage events do not match the answers")


if __name__ == "__main__":
    main()
