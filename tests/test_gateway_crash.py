"""A node killed mid-request loses no usage event and counts none twice.

The node runs in a process of its own (`tests.support.serve`) on the test's database and storage, and
is killed with SIGKILL, as a crash or an out-of-memory kill would end it: no handler, no cleanup. The
usage event is committed before the first byte of data leaves, so a download cut short is already
counted, and the client's retry with the same `Idempotency-Key` gets the whole file again, uncounted.
A request the node never finished reading was never metered.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlmodel import select

from app.db import get_session
from app.models import AccessRefusal, QuotaCounter, UsageEvent

from .support import node_process
from .support.actions import bearer
from .support.contract_data import agreement_in_force, data_token, sample_csv
from .support.node_process import NodeProcess

pytestmark = pytest.mark.slow  # each test starts the node twice in a fresh interpreter

# Larger than loopback's socket buffers (4 MiB for the sender at most, and the reader's window stays
# small while it reads nothing), so the node is still writing the file when it is killed.
LARGE_ROWS = 500_000  # about 17 MB


@pytest.fixture
def start_node(app: Flask, database_url: str, settings: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Start the app under test's twin in a child process (same database, storage, secret, base URL)."""
    started: list[NodeProcess] = []

    def start() -> NodeProcess:
        node = node_process.start(
            database_url=database_url,
            storage=app.config["STORAGE_PATH"],
            journal=app.config["USAGE_JOURNAL_PATH"],
            secret=str(settings["SECRET_KEY"]),
            base_url=app.config["BASE_URL"],
            log=tmp_path / f"node-{len(started) + 1}.log",
        )
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


def _path(agreement: dict[str, Any], what: str) -> str:
    return f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}/{what}"


def _events(app: Flask, agreement_id: str) -> list[UsageEvent]:
    with app.app_context():
        return list(get_session().exec(select(UsageEvent).where(UsageEvent.agreement_id == agreement_id)))


def _used(app: Flask, agreement_id: str) -> int:
    with app.app_context():
        counter = get_session().get(QuotaCounter, agreement_id)
        return counter.used if counter else 0


def test_a_download_cut_short_by_a_crash_is_counted_once_and_replayed_whole(
    app, flow, provider, consumer, start_node
):
    data = sample_csv(rows=LARGE_ROWS)
    agreement = agreement_in_force(flow, provider, consumer, data=data)
    headers = {**bearer(data_token(flow, consumer, agreement["id"])), "Idempotency-Key": "k1"}
    node = start_node()

    cut = requests.get(node.url + _path(agreement, "file"), headers=headers, stream=True, timeout=60)
    assert (cut.status_code, int(cut.headers["Content-Length"])) == (200, len(data))
    received = next(cut.iter_content(64 * 1024))
    assert received == data[: len(received)]
    (counted,) = _events(app, agreement["id"])  # committed before the first byte was sent
    node.kill()
    with pytest.raises(requests.RequestException):  # the body ends short of its Content-Length
        b"".join(cut.iter_content(64 * 1024))
    cut.close()

    again = start_node()
    retried = requests.get(again.url + _path(agreement, "file"), headers=headers, timeout=60)

    assert retried.status_code == 200
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.content == data
    (event,) = _events(app, agreement["id"])
    assert (event.id, event.mode, event.bytes, event.units) == (counted.id, "download", len(data), 1)
    assert event.idempotency_key == "k1"
    assert _used(app, agreement["id"]) == 1


def test_a_request_killed_before_metering_leaves_no_event(app, flow, provider, consumer, start_node):
    agreement = agreement_in_force(flow, provider, consumer)
    token = data_token(flow, consumer, agreement["id"])
    node = start_node()
    port = int(node.url.rsplit(":", 1)[1])

    with socket.create_connection(("127.0.0.1", port), timeout=30) as unfinished:
        head = (
            f"GET {_path(agreement, 'file')} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nIdempotency-Key: k1\r\n"  # no blank line: headers unfinished
        )
        unfinished.sendall(head.encode())
        # connections are accepted in order, so this answer means the unfinished one is being read
        assert requests.get(node.url + "/healthz", timeout=30).status_code == 200
        node.kill()

    assert _events(app, agreement["id"]) == []
    assert _used(app, agreement["id"]) == 0
    with app.app_context():
        assert list(get_session().exec(select(AccessRefusal))) == []

    again = start_node()
    retried = requests.get(
        again.url + _path(agreement, "file"), headers={**bearer(token), "Idempotency-Key": "k1"}, timeout=60
    )
    assert retried.status_code == 200
    assert retried.headers["Idempotent-Replayed"] == "false"  # the first delivery under this key
    assert retried.content == sample_csv()
    (event,) = _events(app, agreement["id"])
    assert (event.bytes, event.idempotency_key) == (len(sample_csv()), "k1")
    assert _used(app, agreement["id"]) == 1
