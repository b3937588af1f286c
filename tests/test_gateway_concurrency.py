"""The data plane under concurrent load over real HTTP: a `count` limit is never exceeded, and a retried
request is counted once however many copies of it race.

The node is served by werkzeug's threaded server on loopback, so each client connection is handled on
its own thread with its own database session, as under gunicorn's threaded workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from flask import Flask
from sqlmodel import col, func, select
from werkzeug.serving import make_server

from app.db import get_session
from app.models import AccessRefusal, QuotaCounter, UsageEvent

from .support.actions import bearer
from .support.contract_data import agreement_in_force, data_token

THREADS = 16
CALLS_PER_THREAD = 20
LIMIT = 100


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app under test served over HTTP on a free loopback port, one thread per connection."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="gateway-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def agreement(flow, provider, consumer):
    return agreement_in_force(flow, provider, consumer, max_uses=LIMIT)


def _records(live_url: str, agreement: dict[str, Any]) -> str:
    return (
        f"{live_url}/data/v1/agreements/{agreement['id']}"
        f"/distributions/{agreement['distribution_id']}/records?per_page=5"
    )


def _all_at_once(work: Callable[[int], list[requests.Response]]) -> list[requests.Response]:
    """Run `work(i)` on THREADS threads released together; every response, in no particular order."""
    start = threading.Barrier(THREADS)

    def run(index: int) -> list[requests.Response]:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(THREADS) as pool:
        return [response for batch in pool.map(run, range(THREADS)) for response in batch]


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(get_session().exec(select(func.count()).select_from(model)).one())


def test_concurrent_calls_never_exceed_the_count_limit(app, flow, consumer, agreement, live_url):
    tokens = [data_token(flow, consumer, agreement["id"]) for _ in range(4)]
    url = _records(live_url, agreement)

    def hammer(index: int) -> list[requests.Response]:
        with requests.Session() as http:
            headers = bearer(tokens[index % len(tokens)])
            return [http.get(url, headers=headers, timeout=60) for _ in range(CALLS_PER_THREAD)]

    responses = _all_at_once(hammer)

    statuses = [r.status_code for r in responses]
    assert len(statuses) == THREADS * CALLS_PER_THREAD
    assert statuses.count(200) == LIMIT, sorted(set(statuses))
    assert statuses.count(429) == len(statuses) - LIMIT
    refused = [r.json()["type"] for r in responses if r.status_code == 429]
    assert all(kind.endswith("/quota-exhausted") for kind in refused), set(refused)
    assert _count(app, UsageEvent) == LIMIT
    assert _count(app, AccessRefusal) == len(refused)
    with app.app_context():
        counter = get_session().get(QuotaCounter, agreement["id"])
        assert (counter.used, counter.max_uses) == (LIMIT, LIMIT)


def test_racing_retries_with_one_idempotency_key_are_counted_once(app, flow, consumer, agreement, live_url):
    token = data_token(flow, consumer, agreement["id"])
    url = _records(live_url, agreement)
    headers = {**bearer(token), "Idempotency-Key": "batch-2026-11-22"}

    def retry(_index: int) -> list[requests.Response]:
        return [requests.get(url, headers=headers, timeout=60)]

    responses = _all_at_once(retry)

    assert [r.status_code for r in responses] == [200] * THREADS, [r.text for r in responses]
    assert len({r.content for r in responses}) == 1
    replayed = sorted(r.headers["Idempotent-Replayed"] for r in responses)
    assert replayed == ["false"] + ["true"] * (THREADS - 1)  # one delivery counted, the others replay it
    with app.app_context():
        session = get_session()
        events = session.exec(select(UsageEvent).where(col(UsageEvent.agreement_id) == agreement["id"])).all()
        assert [(e.idempotency_key, e.units) for e in events] == [("batch-2026-11-22", 1)]
        assert session.get(QuotaCounter, agreement["id"]).used == 1
