"""The job queue: an RQ worker, and the scheduler that queues periodic work when it is due."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import jobs


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (RQ on Redis when DXNODE_REDIS_URL is set)."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then stop.")
@with_appcontext
def jobs_worker(burst: bool) -> None:
    """Run queued jobs until stopped (needs DXNODE_REDIS_URL)."""
    from rq import Worker

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("DXNODE_REDIS_URL is not set: jobs run inside the node's own process")
    rq_queue = jobs.queue(url)
    Worker([rq_queue], connection=rq_queue.connection).work(burst=burst, with_scheduler=False)


@jobs_group.command("tick")
@with_appcontext
def jobs_tick() -> None:
    """Queue every periodic job that is due now, once."""
    for name in jobs.tick():
        click.echo(f"checked {name}")


@jobs_group.command("scheduler")
@with_appcontext
def jobs_scheduler() -> None:
    """Queue periodic jobs when they are due, every DXNODE_SCHEDULER_INTERVAL seconds, until stopped."""
    interval = float(current_app.config["SCHEDULER_INTERVAL"])
    while True:
        jobs.tick()
        time.sleep(interval)
