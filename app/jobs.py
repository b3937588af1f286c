"""Background work: plain functions queued with RQ when `DXNODE_REDIS_URL` is set, run in-process otherwise.

A job is a module-level function taking plain, JSON-like arguments. It runs in an app context of its
own with its own unit of work: it commits when it returns and rolls back when it raises. Jobs asked for
inside a request or command are dispatched only once that transaction commits, so a job never looks
for rows its caller has not committed yet, and a rolled-back request queues nothing.

- With Redis: the job goes on the RQ queue `dxnode`; `dxnode jobs worker` runs it.
- Without: it runs on the process's single background thread, in the order asked; `Job.wait()` joins it.

Periodic work (harvest schedules, expiry sweeps) registers itself with `@periodic`; `dxnode jobs tick`
queues whatever is due once, and `dxnode jobs scheduler` does so every `DXNODE_SCHEDULER_INTERVAL` s.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .db import EXTENSION as DB_EXTENSION
from .db import unit_of_work
from .models.base import new_id

log = logging.getLogger(__name__)

QUEUE_NAME = "dxnode"
PENDING = "dxnode.pending_jobs"
_LOCAL = "dxnode.jobs.local"
_PERIODIC: dict[str, Callable[[], None]] = {}


@dataclass
class Job:
    """A job asked for: its id, where it runs, and (in-process) its future result."""

    id: str
    target: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    queued_on_redis: bool = False
    future: Future[Any] | None = field(default=None, repr=False)
    _dispatched: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait(self, timeout: float | None = 300) -> Any:
        """Block until an in-process job has run (after its caller committed); its result or its error."""
        if not self._dispatched.wait(timeout):
            raise TimeoutError(f"job {self.id} was never dispatched: its caller did not commit")
        if self.future is None:
            raise RuntimeError(f"job {self.id} runs on the Redis queue; ask RQ for its result")
        return self.future.result(timeout)


def init_app(app: Flask) -> None:
    """Dispatch the jobs a unit of work asked for once it commits; forget them when it rolls back."""
    sessions = app.extensions[DB_EXTENSION]
    app.extensions[_LOCAL] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dxnode-job")

    def _dispatch(session: Session) -> None:
        for job in session.info.pop(PENDING, ()):
            _dispatch_now(app, job)

    event.listen(sessions, "after_commit", _dispatch)
    event.listen(sessions, "after_soft_rollback", lambda session, _tx: session.info.pop(PENDING, None))


def enqueue(func: Callable[..., Any], *args: Any, job_id: str | None = None, **kwargs: Any) -> Job:
    """Ask for `func(*args, **kwargs)` to run in the background once the current transaction commits."""
    target = f"{func.__module__}:{func.__qualname__}"
    if "<" in target:
        raise ValueError(f"{target} is not a module-level function")
    job = Job(id=job_id or new_id(), target=target, args=args, kwargs=kwargs)
    from .db import get_session

    session = get_session()
    if not session.in_transaction():
        session.begin()  # the job belongs to this unit of work even if it has written nothing yet
    session.info.setdefault(PENDING, []).append(job)
    return job


def _dispatch_now(app: Flask, job: Job) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        queue(url).enqueue(perform, job.target, list(job.args), job.kwargs, job_id=job.id, result_ttl=86400)
        job.queued_on_redis = True
    else:
        executor: ThreadPoolExecutor = app.extensions[_LOCAL]
        job.future = executor.submit(_run_in, app, job.target, job.args, job.kwargs)
    job._dispatched.set()


def queue(url: str) -> Any:
    """The node's RQ queue on the Redis at `url`."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(url))


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def _run_in(app: Flask, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    with app.app_context(), unit_of_work():
        try:
            return _resolve(target)(*args, **kwargs)
        except Exception:
            log.exception("job %s failed", target)
            raise


_WORKER_APP: Flask | None = None


def perform(target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What an RQ worker runs: the job in a fresh app context (the worker's app, built once)."""
    global _WORKER_APP
    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    else:
        if _WORKER_APP is None:
            from . import create_app

            _WORKER_APP = create_app()
        app = _WORKER_APP
    return _run_in(app, target, tuple(args), kwargs)


def periodic(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a function that queues whatever periodic work is due now (called by `jobs tick`)."""

    def register(func: Callable[[], None]) -> Callable[[], None]:
        _PERIODIC[name] = func
        return func

    return register


def tick() -> list[str]:
    """Run every periodic registration once (each queues its due work); the names that ran."""
    ran = []
    for name, func in sorted(_PERIODIC.items()):
        with unit_of_work():
            func()
        ran.append(name)
    return ran
