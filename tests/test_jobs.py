"""The job queue: jobs run after their caller commits, in-process or on RQ with a real Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from flask import Flask
from redis import Redis
from sqlmodel import select

from app import jobs
from app.db import get_session, unit_of_work
from app.models import Organization

REDIS_URL = os.environ.get("DXNODE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def found_organization(name: str) -> str:
    """A job: create an organisation and say how many organisations the job could see."""
    session = get_session()
    session.add(Organization(name=name, kind="provider", jurisdiction="CN"))
    session.flush()
    return f"{len(session.exec(select(Organization)).all())} organisations"


def failing_job(name: str) -> None:
    """A job that writes, then fails: its write is rolled back."""
    session = get_session()
    session.add(Organization(name=name, kind="provider", jurisdiction="CN"))
    session.flush()
    raise RuntimeError("the job broke")


def names(app: Flask) -> set[str]:
    with app.app_context():
        return set(get_session().exec(select(Organization.name)).all())


def test_an_in_process_job_runs_after_its_caller_commits(app: Flask) -> None:
    with app.app_context(), unit_of_work() as session:
        session.add(Organization(name="Caller", kind="consumer", jurisdiction="CN"))
        job = jobs.enqueue(found_organization, "From the job")
        assert job.future is None  # not dispatched before the caller commits
    assert job.wait() == "2 organisations"  # the job saw the caller's committed row
    assert names(app) == {"Caller", "From the job"}


def enqueue_then_fail(app: Flask, asked: list[jobs.Job]) -> None:
    with app.app_context(), unit_of_work():
        asked.append(jobs.enqueue(found_organization, "Never"))
        raise RuntimeError("the caller fails")


def test_a_rolled_back_caller_queues_nothing(app: Flask) -> None:
    asked: list[jobs.Job] = []
    with pytest.raises(RuntimeError, match="the caller fails"):
        enqueue_then_fail(app, asked)
    (job,) = asked
    with pytest.raises(TimeoutError):
        job.wait(timeout=0.2)
    assert names(app) == set()


def test_a_failing_job_rolls_back_its_own_writes(app: Flask) -> None:
    with app.app_context(), unit_of_work():
        job = jobs.enqueue(failing_job, "Half")
    with pytest.raises(RuntimeError, match="the job broke"):
        job.wait()
    assert names(app) == set()


def test_only_module_level_functions_are_jobs(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="module-level"):
        jobs.enqueue(lambda: None)


@pytest.fixture
def redis_settings(settings: dict[str, object]) -> dict[str, object]:
    """The node queues on a real Redis, in a queue of this test's own."""
    redis = Redis.from_url(REDIS_URL)
    redis.ping()
    settings["REDIS_URL"] = REDIS_URL
    return settings


def test_with_redis_a_job_waits_on_the_queue_until_a_worker_runs_it(
    redis_settings: dict[str, object], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rq import SimpleWorker

    monkeypatch.setattr(jobs, "QUEUE_NAME", f"dxnode-test-{uuid.uuid4()}")
    with app.app_context(), unit_of_work():
        job = jobs.enqueue(found_organization, "Queued")
    assert job.queued_on_redis
    assert names(app) == set()  # nothing ran yet: it waits for a worker
    rq_queue = jobs.queue(REDIS_URL)
    assert rq_queue.job_ids == [job.id]
    with app.app_context():
        SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)
    assert rq_queue.fetch_job(job.id).return_value() == "1 organisations"
    assert names(app) == {"Queued"}
    rq_queue.delete(delete_jobs=True)


def test_tick_runs_each_periodic_registration(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(jobs, "_PERIODIC", {})
    jobs.periodic("b-check")(lambda: seen.append("b"))
    jobs.periodic("a-check")(lambda: seen.append("a"))
    with app.app_context():
        assert jobs.tick() == ["a-check", "b-check"]
    assert seen == ["a", "b"]
