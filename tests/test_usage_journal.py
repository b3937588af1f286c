"""The usage journal: deliveries the database need not decide are journaled before the data leaves,
written to the database in batches, counted once, and never lost when a process dies.

The tests give the background writer an interval of an hour, so that what is in the database at each
step is what the test put there (by reading a report, by `settle`, or by recovering a dead journal).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlmodel import col, select
from werkzeug.serving import make_server

from app.db import get_session
from app.journal import EXTENSION as JOURNAL
from app.models import QuotaCounter, UsageEvent
from app.services.usage_journal import Journal, write_events

from .support import node_process
from .support.actions import bearer
from .support.contract_data import agreement_in_force, data_token
from .support.node_process import NodeProcess

HOUR = 3600.0


@pytest.fixture
def settings(settings):
    return {**settings, "USAGE_FLUSH_INTERVAL": HOUR}


@pytest.fixture
def unlimited(flow, provider, consumer):
    """An API subscription without a use limit: its unkeyed deliveries go through the journal."""
    subscription = {"model": "subscription", "currency": "CNY", "price_minor": 90000, "period": "P1M"}
    return agreement_in_force(
        flow,
        provider,
        consumer,
        template="api-subscription",
        pricing=subscription,
        delivery_modes=["records"],
        max_uses=None,
    )


@pytest.fixture
def limited(flow, provider, consumer):
    return agreement_in_force(flow, provider, consumer, max_uses=10)


def _records(agreement: dict[str, Any], page: int = 1) -> str:
    return (
        f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}"
        f"/records?per_page=5&page={page}"
    )


def _events(app: Flask, agreement_id: str) -> list[UsageEvent]:
    with app.app_context():
        return list(
            get_session().exec(select(UsageEvent).where(col(UsageEvent.agreement_id) == agreement_id))
        )


def _used(app: Flask, agreement_id: str) -> int:
    with app.app_context():
        counter = get_session().get(QuotaCounter, agreement_id)
        return counter.used if counter else 0


def _journal_lines(app: Flask) -> list[str]:
    folder = Path(app.config["USAGE_JOURNAL_PATH"])
    written = [path.read_bytes().split(b"\0", 1)[0] for path in folder.glob("usage-*.jsonl")]
    return [line for text in written for line in text.decode().splitlines()]


def test_an_unkeyed_delivery_without_a_limit_is_journaled_then_written_once(app, flow, consumer, unlimited):
    token = data_token(flow, consumer, unlimited["id"])
    for page in (1, 2):
        assert flow.http.get(_records(unlimited, page), headers=bearer(token)).status_code == 200

    assert len(_journal_lines(app)) == 2  # durable before the pages were sent
    assert _events(app, unlimited["id"]) == []  # the database has not taken them yet

    with app.app_context():
        assert app.extensions[JOURNAL].flush() == 2
    events = _events(app, unlimited["id"])
    assert sorted(e.request for e in events) == sorted(f"GET {_records(unlimited, page)}" for page in (1, 2))
    assert {(e.mode, e.records, e.units, e.idempotency_key) for e in events} == {("records", 5, 1, None)}
    assert _used(app, unlimited["id"]) == 2
    assert _journal_lines(app) == []  # written, so the file starts again
    with app.app_context():
        assert app.extensions[JOURNAL].flush() == 0


def test_a_report_includes_the_readers_own_journaled_deliveries(app, flow, consumer, unlimited):
    token = data_token(flow, consumer, unlimited["id"])
    assert flow.http.get(_records(unlimited), headers=bearer(token)).status_code == 200
    usage = flow.http.get(f"/data/v1/agreements/{unlimited['id']}", headers=bearer(token)).get_json()
    assert usage["uses"] == {"used": 1, "limit": None}


def test_a_use_limit_or_an_idempotency_key_is_decided_by_the_database_before_delivery(
    app, flow, consumer, unlimited, limited
):
    keyed = {**bearer(data_token(flow, consumer, unlimited["id"])), "Idempotency-Key": "k1"}
    assert flow.http.get(_records(unlimited), headers=keyed).status_code == 200
    counted = bearer(data_token(flow, consumer, limited["id"]))
    assert flow.http.get(_records(limited), headers=counted).status_code == 200

    assert _journal_lines(app) == []
    assert [e.idempotency_key for e in _events(app, unlimited["id"])] == ["k1"]
    assert len(_events(app, limited["id"])) == 1
    assert (_used(app, unlimited["id"]), _used(app, limited["id"])) == (1, 1)


def test_a_batch_written_twice_counts_nothing_twice(app, flow, consumer, unlimited):
    """A crash after the database took a batch but before the journal was emptied replays the batch."""
    token = data_token(flow, consumer, unlimited["id"])
    for page in (1, 2, 3):
        flow.http.get(_records(unlimited, page), headers=bearer(token))
    rows = [json.loads(line) for line in _journal_lines(app)]
    with app.app_context():
        engine = get_session().get_bind()
        assert write_events(engine, rows) == 3
        assert write_events(engine, rows) == 0
        assert write_events(engine, rows[:1] + rows) == 0
    assert len(_events(app, unlimited["id"])) == 3
    assert _used(app, unlimited["id"]) == 3


def test_a_live_processs_journal_is_left_to_it(app, flow, consumer, unlimited):
    token = data_token(flow, consumer, unlimited["id"])
    flow.http.get(_records(unlimited), headers=bearer(token))
    with app.app_context():
        other = Journal(get_session().get_bind(), lambda: Path(app.config["USAGE_JOURNAL_PATH"]), HOUR)
        assert other.recover() == 0  # the app's journal is locked by its living writer
    assert _events(app, unlimited["id"]) == []
    assert len(_journal_lines(app)) == 1


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="journal-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_concurrent_deliveries_are_each_counted_once(app, flow, consumer, unlimited, live_url):
    token = data_token(flow, consumer, unlimited["id"])
    start = threading.Barrier(8)

    def calls(index: int) -> list[int]:
        start.wait()
        with requests.Session() as http:
            return [
                http.get(
                    live_url + _records(unlimited, 1 + index % 3), headers=bearer(token), timeout=60
                ).status_code
                for _ in range(15)
            ]

    with ThreadPoolExecutor(8) as pool:
        statuses = [status for batch in pool.map(calls, range(8)) for status in batch]
    assert statuses == [200] * 120
    with app.app_context():
        app.extensions[JOURNAL].flush()
    assert len(_events(app, unlimited["id"])) == 120
    assert len({e.id for e in _events(app, unlimited["id"])}) == 120
    assert _used(app, unlimited["id"]) == 120


@pytest.mark.slow
def test_deliveries_of_a_killed_node_are_recovered_by_the_next(
    app, flow, consumer, unlimited, database_url, settings, tmp_path
):
    """SIGKILL after three deliveries: nothing was written to the database, nothing is lost."""
    token = data_token(flow, consumer, unlimited["id"])

    def start(name: str) -> NodeProcess:
        return node_process.start(
            database_url=database_url,
            storage=app.config["STORAGE_PATH"],
            journal=app.config["USAGE_JOURNAL_PATH"],
            flush_interval=HOUR,
            secret=str(settings["SECRET_KEY"]),
            base_url=app.config["BASE_URL"],
            log=tmp_path / f"{name}.log",
        )

    first = start("first")
    try:
        for page in (1, 2, 3):
            assert requests.get(first.url + _records(unlimited, page), headers=bearer(token), timeout=60).ok
    finally:
        first.stop()
    assert _events(app, unlimited["id"]) == []
    assert len(_journal_lines(app)) == 3

    second = start("second")
    url = second.url
    try:
        assert requests.get(url + _records(unlimited, 4), headers=bearer(token), timeout=60).ok
        # its writer recovered the dead node's journal when it started; reading a report settles its own
        report = requests.get(
            f"{url}/data/v1/agreements/{unlimited['id']}", headers=bearer(token), timeout=60
        )
        assert report.json()["uses"] == {"used": 4, "limit": None}
    finally:
        second.stop()
    assert sorted(e.request.rsplit("=", 1)[1] for e in _events(app, unlimited["id"])) == ["1", "2", "3", "4"]
    assert _used(app, unlimited["id"]) == 4
