"""Federation for the operator: harvest sources, starting runs, and runs with their counts and errors."""

from __future__ import annotations

from typing import Any

from ..db import get_session
from ..schemas.harvest import RunOut, RunPage, RunQuery, RunStart, SourceIn, SourceOut, SourcePatch
from ..services import harvest_jobs, harvest_sources
from ..services.actors import Actor
from . import bp
from .operations import operation

TAG = "Federation"
OPERATOR = ["operator"]


def _source_out(source: Any) -> dict[str, Any]:
    counts = harvest_sources.live_counts(get_session(), [source.id])
    return harvest_sources.source_output(source, counts.get(source.id, 0))


@bp.get("/harvest/sources")
@operation(summary="Harvest sources", tag=TAG, scopes=OPERATOR, response=list[SourceOut])
def list_sources(actor: Actor) -> list[dict[str, Any]]:
    """Every catalog this node harvests, with its schedule, its flags and its live datasets."""
    session = get_session()
    sources = harvest_sources.list_sources(session, actor)
    counts = harvest_sources.live_counts(session, [s.id for s in sources])
    return [harvest_sources.source_output(s, counts.get(s.id, 0)) for s in sources]


@bp.post("/harvest/sources")
@operation(
    summary="Register a harvest source",
    tag=TAG,
    scopes=OPERATOR,
    body=SourceIn,
    response=SourceOut,
    status=201,
    errors={409},
)
def create_source(actor: Actor, body: SourceIn) -> dict[str, Any]:
    """Register a catalog to harvest; an organisation named after it stands as the publisher of its
    datasets. A source with a schedule is first harvested at the next scheduler tick."""
    return _source_out(harvest_sources.create_source(get_session(), actor, body))


@bp.get("/harvest/sources/<source_id>")
@operation(summary="A harvest source", tag=TAG, scopes=OPERATOR, response=SourceOut)
def get_source(actor: Actor, source_id: str) -> dict[str, Any]:
    """One source, by id or by name."""
    return _source_out(harvest_sources.get_source(get_session(), actor, source_id))


@bp.patch("/harvest/sources/<source_id>")
@operation(summary="Change a harvest source", tag=TAG, scopes=OPERATOR, body=SourcePatch, response=SourceOut)
def update_source(actor: Actor, source_id: str, body: SourcePatch) -> dict[str, Any]:
    """Change the given settings; a new schedule starts counting from now."""
    return _source_out(harvest_sources.update_source(get_session(), actor, source_id, body))


@bp.delete("/harvest/sources/<source_id>")
@operation(summary="Remove a harvest source", tag=TAG, scopes=OPERATOR, status=204)
def delete_source(actor: Actor, source_id: str) -> None:
    """Remove the source, its runs and every dataset harvested from it."""
    harvest_sources.delete_source(get_session(), actor, source_id)


@bp.post("/harvest/sources/<source_id>/runs")
@operation(
    summary="Start a harvest run",
    tag=TAG,
    scopes=OPERATOR,
    body=RunStart,
    body_optional=True,
    response=RunOut,
    status=202,
    errors={409},
)
def start_run(actor: Actor, source_id: str, body: RunStart) -> Any:
    """Queue a run now (on the job queue); 409 while the source already has a run queued or running.
    Follow it at the run's URL."""
    run = harvest_jobs.start_run(get_session(), actor, source_id, body.full)
    return run, {"Location": f"/api/v1/harvest/runs/{run.id}"}


@bp.get("/harvest/sources/<source_id>/runs")
@operation(summary="Runs of a harvest source", tag=TAG, scopes=OPERATOR, query=RunQuery, response=RunPage)
def list_runs(actor: Actor, source_id: str, query: RunQuery) -> dict[str, Any]:
    """The source's runs, newest first, with their counts and per-record errors."""
    session = get_session()
    source = harvest_sources.get_source(session, actor, source_id)
    runs, total = harvest_jobs.list_runs(session, actor, source.id, query.page, query.per_page)
    return {"items": runs, "total": total, "page": query.page, "per_page": query.per_page}


@bp.get("/harvest/runs/<run_id>")
@operation(summary="A harvest run", tag=TAG, scopes=OPERATOR, response=RunOut)
def get_run(actor: Actor, run_id: str) -> Any:
    """A run: status, whether it read the whole catalog, counts (new, updated, unchanged, withdrawn,
    failed), the error that ended it if any, and each record it could not keep."""
    return harvest_jobs.get_run(get_session(), actor, run_id)
