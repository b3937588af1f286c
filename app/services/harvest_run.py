"""One harvest run: page after page (Hydra), each page fetched safely, parsed, compared and stored.

A page is held in memory only while it is handled, and the caller's ``checkpoint`` (a commit) runs
after each page, so neither memory nor the transaction grows with the size of the catalog. A page
whose ETag the server confirms (304) or whose bytes hash as last time is not parsed at all: the
records last read on it are marked seen. Only a complete run (every page read, not an incremental
``modified_since`` run) withdraws the records it did not see; tombstones withdraw in any run.
A page that cannot be fetched or parsed ends the run as failed, keeping what earlier pages stored
and withdrawing nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlmodel import Session, col, select

from catalog.parse import CatalogParseError, PageReader, read_page

from ..models import HarvestPage, HarvestRun, HarvestSource, RunStatus
from ..models.base import utcnow
from . import harvest_seen, harvest_store, harvest_withdrawals
from .harvest_fetch import Fetched, Fetcher, FetchError, FetchLimits

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 1000  # per-record errors kept on a run (the count is always exact)
# An incremental run asks for changes since a little before the last successful run started, so a
# change the source committed while that run was reading, or a source clock a little behind, is not
# missed; what did not change is recognised by its hash and costs nothing.
INCREMENTAL_OVERLAP = timedelta(minutes=10)


class HarvestStop(Exception):
    """The run cannot go on: a paging loop, the page cap, an unreadable page."""


def run_harvest(
    session: Session, run: HarvestRun, limits: FetchLimits, checkpoint: Callable[[], None], full: bool = False
) -> HarvestRun:
    """Harvest the run's source; the run keeps its counts, its errors and how it ended."""
    source = session.get(HarvestSource, run.source_id)
    assert source is not None
    run.status, run.started_at = RunStatus.RUNNING.value, utcnow()
    url = _first_url(session, source, run, full)
    checkpoint()
    fetcher = Fetcher(limits, urlsplit(source.url).hostname if source.allow_private else None)
    try:
        _pages(session, source, run, fetcher, url, checkpoint)
        run.complete = not run.incremental
        if run.complete:
            unseen = harvest_seen.unseen_records(session, source.id, run.id)
            run.withdrawn += harvest_withdrawals.withdraw(session, source, unseen, utcnow())
        run.status = RunStatus.SUCCEEDED.value
    except (FetchError, CatalogParseError, HarvestStop) as error:
        run.status, run.error = RunStatus.FAILED.value, str(error)
    except Exception:
        log.exception("harvest run %s of %s failed", run.id, source.name)
        session.rollback()
        run = session.get(HarvestRun, run.id) or run
        run.status, run.error = RunStatus.FAILED.value, "the node failed while storing a page; see its log"
    finally:
        fetcher.close()
    run.finished_at = utcnow()
    session.add(run)
    checkpoint()
    return run


def _first_url(session: Session, source: HarvestSource, run: HarvestRun, full: bool) -> str:
    """The source's URL, asking only for changes since the last successful run when it can."""
    if full or not source.modified_since_param:
        return source.url
    since = session.exec(
        select(HarvestRun.started_at)
        .where(HarvestRun.source_id == source.id, HarvestRun.status == RunStatus.SUCCEEDED.value)
        .order_by(col(HarvestRun.started_at).desc())
    ).first()
    if since is None:
        return source.url
    run.incremental = True
    parts = urlsplit(source.url)
    stamp = (since - INCREMENTAL_OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = "&".join(q for q in (parts.query, urlencode({source.modified_since_param: stamp})) if q)
    return urlunsplit(parts._replace(query=query))


@dataclass
class _Fetched:
    """A page fetched in this run: parsed (``page``), or unchanged since the last run (``page`` None)."""

    url: str
    fetched: Fetched
    state: HarvestPage | None
    digest: str
    page: PageReader | None = None
    next_url: str | None = None  # an unchanged page's stored link


def _pages(
    session: Session,
    source: HarvestSource,
    run: HarvestRun,
    fetcher: Fetcher,
    url: str | None,
    checkpoint: Callable[[], None],
) -> None:
    """Every page in turn, each stored and committed before the next is fetched."""
    read: set[str] = set()
    while url:
        with _collector_paused():
            current = _fetch(session, source, run, fetcher, url, read)
            if current.page is None:
                run.unchanged += harvest_seen.mark_page_seen(session, source.id, run.id, current.url)
                url = current.next_url
            else:
                _store(session, source, run, current, current.page)
                url = current.page.links.next
            del current
        session.add(run)
        checkpoint()
        session.expunge_all()  # nothing of this page stays in memory
        session.add(run)
        session.add(source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a page is handled: a parsed page is a hundred thousand small,
    acyclic containers, and collecting while they are built would walk every live object of the process
    again and again (about a third of a harvest's time). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fetch(
    session: Session, source: HarvestSource, run: HarvestRun, fetcher: Fetcher, url: str, read: set[str]
) -> _Fetched:
    """Fetch a page (after the loop and cap checks) and parse it, unless it has not changed."""
    if url in read:
        raise HarvestStop(f"paging loop: the next page {url} was already read in this run")
    if run.pages >= source.max_pages:
        raise HarvestStop(f"more than {source.max_pages} pages: stopped at {url} (the source's page cap)")
    read.add(url)
    state = None
    if not run.incremental:
        state = session.exec(
            select(HarvestPage).where(HarvestPage.source_id == source.id, HarvestPage.url == url)
        ).first()
    fetched = fetcher.get(url, state.etag if state else None)
    read.add(fetched.url)
    run.pages += 1
    digest = hashlib.sha256(fetched.body).hexdigest() if fetched.status == 200 else ""
    same = state is not None and (fetched.status == 304 or digest == state.digest)
    if same and state and harvest_seen.live_records_on(session, source.id, url) == state.records:
        return _Fetched(url, fetched, state, digest, next_url=state.next_url)
    if fetched.status == 304:  # unchanged, says the server, but records were lost here: read it again
        fetched = fetcher.get(url)
        digest = hashlib.sha256(fetched.body).hexdigest()
    hint = None if source.format == "auto" else source.format
    try:
        page = read_page(fetched.body, hint or fetched.content_type, fetched.url)
    except CatalogParseError as error:
        raise CatalogParseError(f"page {fetched.url} is not a readable catalog: {error}") from None
    return _Fetched(url, fetched, state, digest, page)


def _store(
    session: Session, source: HarvestSource, run: HarvestRun, current: _Fetched, page: PageReader
) -> None:
    """Store a parsed page: its new and changed datasets, its tombstones, its errors, what it looked like."""
    now = utcnow()
    plan = harvest_store.plan_page(
        session, source.id, current.url, [(e.key, e.content_hash) for e in page.entries]
    )
    records = [page.entries[i].read() for i in plan.to_read]
    counts = harvest_store.store_page(session, source, run.id, plan, records, now)
    for unreadable in page.errors:
        counts.fail(unreadable.iri, "; ".join(unreadable.problems), current.url)
    gone = [t.iri for t in page.tombstones]
    if gone:
        run.withdrawn += harvest_withdrawals.withdraw(
            session, source, harvest_withdrawals.records_with_keys(session, source.id, gone), now
        )
    run.new += counts.new
    run.updated += counts.updated
    run.unchanged += counts.unchanged
    run.failed += counts.failed
    room = MAX_ERRORS_KEPT - len(run.errors)
    if counts.errors and room > 0:
        run.errors = [*run.errors, *counts.errors[:room]]
    if not run.incremental:
        live = counts.new + counts.updated + counts.unchanged
        _remember(session, source, current, live, page.links.next)


def _remember(
    session: Session, source: HarvestSource, page: _Fetched, records: int, next_url: str | None
) -> None:
    """What the page looked like, to skip it next time if it has not changed."""
    state = page.state or HarvestPage(source_id=source.id, url=page.url, digest=page.digest)
    etag = page.fetched.etag
    state.etag = etag if etag and len(etag) <= 500 else None
    state.digest, state.records, state.fetched_at = page.digest, records, utcnow()
    state.next_url = next_url if next_url and len(next_url) <= 2000 else None
    session.add(state)
