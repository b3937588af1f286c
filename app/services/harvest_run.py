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

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlmodel import Session, col, select

from catalog.parse import CatalogParseError, PageReader, read_page

from ..models import HarvestPage, HarvestRun, HarvestSource, RunStatus
from ..models.base import utcnow
from . import harvest_store, harvest_withdrawals
from .harvest_fetch import Fetched, Fetcher, FetchError, FetchLimits

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 1000  # per-record errors kept on a run (the count is always exact)


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
            unseen = harvest_withdrawals.unseen_records(session, source.id, run.id)
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
    stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    query = "&".join(q for q in (parts.query, urlencode({source.modified_since_param: stamp})) if q)
    return urlunsplit(parts._replace(query=query))


def _pages(
    session: Session,
    source: HarvestSource,
    run: HarvestRun,
    fetcher: Fetcher,
    url: str | None,
    checkpoint: Callable[[], None],
) -> None:
    read: set[str] = set()
    while url:
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
        url = _page(session, source, run, fetcher, fetched, state, url)
        session.add(run)
        checkpoint()
        session.expunge_all()  # nothing of this page stays in memory
        session.add(run)
        session.add(source)


def _page(
    session: Session,
    source: HarvestSource,
    run: HarvestRun,
    fetcher: Fetcher,
    fetched: Fetched,
    state: HarvestPage | None,
    url: str,
) -> str | None:
    """Handle one fetched page; the URL of the next one."""
    digest = hashlib.sha256(fetched.body).hexdigest() if fetched.status == 200 else None
    same = state is not None and (fetched.status == 304 or digest == state.digest)
    if same and state and harvest_store.live_records_on(session, source.id, url) == state.records:
        run.unchanged += harvest_store.mark_page_seen(session, source.id, run.id, url)
        return state.next_url
    if fetched.status == 304:  # unchanged, says the server, but records were lost here: read it again
        fetched = fetcher.get(url)
        digest = hashlib.sha256(fetched.body).hexdigest()
    hint = None if source.format == "auto" else source.format
    try:
        page: PageReader = read_page(fetched.body, hint or fetched.content_type, fetched.url)
    except CatalogParseError as error:
        raise CatalogParseError(f"page {fetched.url} is not a readable catalog: {error}") from None
    now = utcnow()
    counts = harvest_store.store_page(session, source, run.id, url, page.entries, now)
    for unreadable in page.errors:
        counts.fail(unreadable.iri, "; ".join(unreadable.problems), url)
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
        _remember(session, source, url, fetched, digest or "", live, page.links.next, state)
    return page.links.next


def _remember(
    session: Session,
    source: HarvestSource,
    url: str,
    fetched: Fetched,
    digest: str,
    records: int,
    next_url: str | None,
    state: HarvestPage | None,
) -> None:
    state = state or HarvestPage(source_id=source.id, url=url, digest=digest)
    state.etag = fetched.etag if fetched.etag and len(fetched.etag) <= 500 else None
    state.digest, state.records, state.fetched_at = digest, records, utcnow()
    state.next_url = next_url if next_url and len(next_url) <= 2000 else None
    session.add(state)
