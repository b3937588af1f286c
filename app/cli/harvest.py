"""Harvesting from the shell: register sources, run a harvest now, read the runs' counts and errors."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext
from pydantic import ValidationError

from ..db import get_session, unit_of_work
from ..errors import Problem
from ..schemas.harvest import RunOut, SourceIn
from ..services import harvest_jobs, harvest_sources
from ..services.actors import Actor
from ..services.harvest_run import run_harvest
from .common import fail


@click.group("harvest")
def harvest_group() -> None:
    """Federation: harvest other catalogs (dxnodes, CKAN, piveau, any DCAT publisher)."""


@harvest_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "turtle", "rdfxml", "jsonld", "ntriples"]),
)
@click.option("--every", "schedule_minutes", type=int, help="harvest every N minutes (at least 5)")
@click.option(
    "--allow-private", is_flag=True, help="the source's host may be on loopback or a private network"
)
@click.option("--republish", is_flag=True, help="show its datasets in this node's own feeds")
@click.option(
    "--modified-since-param", help="query parameter for incremental runs (modified_since on dxnodes)"
)
@click.option("--max-pages", type=int, default=1000, show_default=True)
@click.option("--grade", default="general-1", show_default=True)
@with_appcontext
def harvest_add(name: str, url: str, fmt: str, **options: Any) -> None:
    """Register a catalog to harvest."""
    try:
        data = SourceIn.model_validate({"name": name, "url": url, "format": fmt, **options})
        with unit_of_work() as session:
            source = harvest_sources.create_source(session, Actor.node(), data)
    except (ValidationError, Problem) as exc:
        fail(exc)
    click.echo(json.dumps({"id": source.id, "name": source.name, "url": source.url}))


@harvest_group.command("list")
@with_appcontext
def harvest_list() -> None:
    """The registered sources, with their live datasets."""
    session = get_session()
    sources = harvest_sources.list_sources(session, Actor.node())
    counts = harvest_sources.live_counts(session, [s.id for s in sources])
    for source in sources:
        every = f"every {source.schedule_minutes} min" if source.schedule_minutes else "by hand"
        flags = " ".join(
            f for f, on in (("allow-private", source.allow_private), ("republish", source.republish)) if on
        )
        live = counts.get(source.id, 0)
        click.echo(f"{source.id}  {source.name}  {source.url}  {every}  {live} datasets  {flags}".rstrip())


@harvest_group.command("run")
@click.argument("source_ref", metavar="SOURCE")
@click.option(
    "--full", is_flag=True, help="read the whole catalog even if the source can answer incrementally"
)
@click.option(
    "--queue", "queued", is_flag=True, help="put the run on the job queue instead of running it here"
)
@with_appcontext
def harvest_run(source_ref: str, full: bool, queued: bool) -> None:
    """Harvest a source (by id or name) now and print the run's counts; exit 1 if the run failed."""
    try:
        with unit_of_work() as session:
            if queued:
                run = harvest_jobs.start_run(session, Actor.node(), source_ref, full, trigger="manual")
            else:
                source = harvest_sources.get_source(session, Actor.node(), source_ref)
                run = harvest_jobs.new_run(session, source, "manual")
    except Problem as exc:
        fail(exc)
    if queued:
        click.echo(json.dumps({"run": run.id, "status": run.status}))
        return
    session = get_session()
    run = run_harvest(session, run, harvest_jobs.limits(), session.commit, full=full)
    click.echo(json.dumps(_summary(run)))
    for error in run.errors[:20]:
        click.echo(f"  {error['iri']}: {error['reason']}", err=True)
    if run.error:
        click.echo(f"error: {run.error}", err=True)
        sys.exit(1)


@harvest_group.command("runs")
@click.argument("source_ref", metavar="[SOURCE]", required=False)
@click.option("--errors", "show_errors", is_flag=True, help="list each run's per-record errors")
@with_appcontext
def harvest_runs(source_ref: str | None, show_errors: bool) -> None:
    """The latest runs (of one source, or all), newest first."""
    session = get_session()
    source_id = harvest_sources.get_source(session, Actor.node(), source_ref).id if source_ref else None
    runs, _ = harvest_jobs.list_runs(session, Actor.node(), source_id, 1, 50)
    for run in runs:
        click.echo(json.dumps(_summary(run)))
        if show_errors:
            for error in run.errors:
                click.echo(f"  {error['iri']}: {error['reason']}")


def _summary(run: Any) -> dict[str, Any]:
    out = RunOut.model_validate(run).model_dump(mode="json", exclude={"errors"})
    out["errors"] = len(run.errors)
    return out
