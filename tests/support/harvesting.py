"""Actions of the harvest tests: register a source and run it through the node's own services."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import col, select

from app.db import get_session, unit_of_work
from app.models import Dataset, DatasetStatus, HarvestedRecord, HarvestRun
from app.schemas.harvest import SourceIn
from app.services import harvest_jobs, harvest_sources
from app.services.actors import Actor
from app.services.harvest_run import run_harvest


def add_source(app: Flask, url: str, name: str = "Remote catalog", **options: Any) -> str:
    """Register a source as the node's operator; its id. Loopback sources are allowlisted by default."""
    options.setdefault("allow_private", True)
    with app.app_context(), unit_of_work() as session:
        data = SourceIn.model_validate({"name": name, "url": url, **options})
        return harvest_sources.create_source(session, Actor.node(), data).id


def harvest(app: Flask, source_id: str, full: bool = False) -> HarvestRun:
    """Run a harvest of the source now, in this process, as `dxnode harvest run` does; the finished run."""
    with app.app_context():
        session = get_session()
        with unit_of_work():
            source = harvest_sources.get_source(session, Actor.node(), source_id)
            run = harvest_jobs.new_run(session, source, "manual")
        return run_harvest(session, run, harvest_jobs.limits(), session.commit, full=full)


def live_titles(app: Flask, source_id: str) -> dict[str, str]:
    """Remote IRI -> English (or first) title of the source's published datasets."""
    with app.app_context():
        rows = get_session().exec(
            select(Dataset).where(
                Dataset.harvest_source_id == source_id, Dataset.status == DatasetStatus.PUBLISHED.value
            )
        )
        return {d.remote_iri or "": d.title.get("en") or next(iter(d.title.values())) for d in rows}


def withdrawn_iris(app: Flask, source_id: str) -> set[str]:
    """Remote IRIs of the source's withdrawn datasets."""
    with app.app_context():
        rows = get_session().exec(
            select(Dataset.remote_iri).where(
                Dataset.harvest_source_id == source_id, Dataset.status == DatasetStatus.WITHDRAWN.value
            )
        )
        return {iri for iri in rows if iri}


def record_count(app: Flask, source_id: str) -> int:
    """How many remote records the node keeps for the source (live or withdrawn)."""
    with app.app_context():
        return len(
            get_session()
            .exec(select(HarvestedRecord.id).where(col(HarvestedRecord.source_id) == source_id))
            .all()
        )


def background_idle(app: Flask) -> None:
    """Wait until the node's background thread has run every job queued so far (it runs them in order)."""
    from app.jobs import _LOCAL

    app.extensions[_LOCAL].submit(lambda: None).result(timeout=120)
