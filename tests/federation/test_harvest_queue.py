"""Harvests on the job queue: scheduled runs on RQ with a real Redis, and runs whose process died."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from flask import Flask
from redis import Redis
from sqlmodel import select

from app import jobs
from app.db import get_session, unit_of_work
from app.errors import Problem
from app.models import HarvestRun, HarvestSource
from app.services import harvest_jobs
from tests.support.catalog_server import CatalogServer
from tests.support.harvesting import add_source, harvest, live_titles
from tests.support.remote_catalogs import REMOTE, catalog_page, numbered

REDIS_URL = os.environ.get("DXNODE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def on_redis(settings: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The node queues on a real Redis, in a queue of this test's own, with only the harvest schedule."""
    Redis.from_url(REDIS_URL).ping()
    settings["REDIS_URL"] = REDIS_URL
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"dxnode-harvest-test-{uuid.uuid4()}")
    monkeypatch.setattr(jobs, "_PERIODIC", {"harvest": harvest_jobs.queue_due_harvests})
    return settings


def test_a_due_source_is_harvested_by_an_rq_worker(
    on_redis: dict[str, object], app: Flask, catalog_server: CatalogServer
) -> None:
    from rq import SimpleWorker

    url = catalog_server.serve("/catalog", catalog_page(numbered(1, 2), catalog_server.url("/catalog")))
    source = add_source(app, url, schedule_minutes=15)
    with app.app_context():
        jobs.tick()
        queued = get_session().exec(select(HarvestRun)).all()
    assert [(r.trigger, r.status) for r in queued] == [("schedule", "queued")]
    assert catalog_server.requests == []  # nothing fetched until a worker takes the job

    rq_queue = jobs.queue(REDIS_URL)
    try:
        assert len(rq_queue.job_ids) == 1
        with app.app_context():
            SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)
    finally:
        rq_queue.delete(delete_jobs=True)

    with app.app_context():
        (run,) = get_session().exec(select(HarvestRun)).all()
    assert (run.status, run.new) == ("succeeded", 2)
    assert set(live_titles(app, source)) == {f"{REMOTE}/1", f"{REMOTE}/2"}


def test_a_run_abandoned_by_its_process_no_longer_blocks_its_source(
    app: Flask, catalog_server: CatalogServer
) -> None:
    url = catalog_server.serve("/catalog", catalog_page(numbered(1), catalog_server.url("/catalog")))
    source = add_source(app, url)
    with app.app_context(), unit_of_work() as session:
        stored = session.get(HarvestSource, source)
        assert stored is not None
        busy = harvest_jobs.new_run(session, stored, "manual")
        busy.status = "running"
    with app.app_context(), unit_of_work() as session, pytest.raises(Problem, match="already has run"):
        harvest_jobs.new_run(session, session.get(HarvestSource, source), "manual")  # type: ignore[arg-type]
    with app.app_context(), unit_of_work() as session:  # its process died seven hours ago
        stuck = session.get(HarvestRun, busy.id)
        assert stuck is not None
        stuck.created_at = stuck.created_at - timedelta(hours=7)

    run = harvest(app, source)

    assert (run.status, run.new) == ("succeeded", 1)
    with app.app_context():
        abandoned = get_session().get(HarvestRun, busy.id)
        assert abandoned is not None
        assert abandoned.status == "failed"
        assert (abandoned.error or "").startswith("abandoned: not finished after 6:00:00")
