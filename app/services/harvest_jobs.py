"""Harvest runs on the job queue: started by the operator or by a source's schedule, run in the background.

A run is recorded as ``queued`` in the caller's transaction and performed by :func:`perform_run`
once that transaction commits (RQ on Redis, or the node's background thread). The run commits after
every page, so its progress is visible while it runs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func
from sqlmodel import Session, col, select

from .. import jobs
from ..db import get_session
from ..errors import Problem, conflict, not_found
from ..models import HarvestRun, HarvestSource, RunStatus
from ..models.base import utcnow
from .actors import Actor, require_operator
from .harvest_fetch import FetchLimits
from .harvest_run import run_harvest
from .harvest_sources import get_source

ABANDONED_AFTER = timedelta(hours=6)


def limits(settings: Any = None) -> FetchLimits:
    """The per-page limits from the node's settings."""
    config = settings if settings is not None else current_app.config
    return FetchLimits(int(config["HARVEST_MAX_PAGE_BYTES"]), float(config["HARVEST_PAGE_TIMEOUT"]))


def new_run(session: Session, source: HarvestSource, trigger: str) -> HarvestRun:
    """Record a queued run, refusing a second one while the source has one queued or running.

    A run queued or running for longer than ``ABANDONED_AFTER`` is taken as abandoned (its process
    ended without finishing it): it is marked failed and no longer blocks the source."""
    now = utcnow()
    busy = session.exec(
        select(HarvestRun).where(
            HarvestRun.source_id == source.id,
            col(HarvestRun.status).in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
        )
    ).all()
    for other in busy:
        if (other.started_at or other.created_at) > now - ABANDONED_AFTER:
            raise conflict(
                f"source {source.name!r} already has run {other.id} queued or running", run_id=other.id
            )
        other.status, other.finished_at = RunStatus.FAILED.value, now
        other.error = f"abandoned: not finished after {ABANDONED_AFTER}; its process has ended"
        session.add(other)
    run = HarvestRun(source_id=source.id, trigger=trigger)
    session.add(run)
    session.flush()
    return run


def start_run(
    session: Session, actor: Actor, source_ref: str, full: bool = False, trigger: str = "api"
) -> HarvestRun:
    """Queue a run of a source; it starts once the caller commits."""
    source = get_source(session, actor, source_ref)
    run = new_run(session, source, trigger)
    jobs.enqueue(perform_run, run.id, full)
    return run


def perform_run(run_id: str, full: bool = False) -> dict[str, Any]:
    """The job: harvest the run's source, committing page by page; the run's counts."""
    session = get_session()
    run = session.get(HarvestRun, run_id)
    if run is None or run.status != RunStatus.QUEUED.value:
        return {"run": run_id, "status": run.status if run else "missing"}
    run = run_harvest(session, run, limits(), session.commit, full=full)
    return {"run": run.id, "status": run.status, "new": run.new, "updated": run.updated}


@jobs.periodic("harvest")
def queue_due_harvests() -> None:
    """Queue a run for every source whose schedule is due, and set its next time."""
    session = get_session()
    now = utcnow()
    due = session.exec(
        select(HarvestSource).where(
            col(HarvestSource.schedule_minutes).is_not(None), col(HarvestSource.next_run_at) <= now
        )
    ).all()
    for source in due:
        source.next_run_at = now + timedelta(minutes=source.schedule_minutes or 0)
        session.add(source)
        try:
            run = new_run(session, source, "schedule")
        except Problem:  # a run already queued or running: the schedule waits for it
            continue
        jobs.enqueue(perform_run, run.id, False)
    session.flush()


def get_run(session: Session, actor: Actor, run_id: str) -> HarvestRun:
    """One run, for the operator."""
    require_operator(session, actor)
    run = session.get(HarvestRun, run_id)
    if run is None:
        raise not_found("harvest run", run_id)
    return run


def list_runs(
    session: Session, actor: Actor, source_id: str | None, page: int = 1, per_page: int = 20
) -> tuple[list[HarvestRun], int]:
    """Runs, newest first, of one source or of all."""
    require_operator(session, actor)
    query = select(HarvestRun)
    counting = select(func.count()).select_from(HarvestRun)
    if source_id is not None:
        query = query.where(HarvestRun.source_id == source_id)
        counting = counting.where(HarvestRun.source_id == source_id)
    total = int(session.exec(counting).one())
    rows = session.exec(
        query.order_by(col(HarvestRun.created_at).desc(), col(HarvestRun.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total
