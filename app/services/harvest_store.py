"""Storing one harvested page: new records inserted, changed ones rewritten, unchanged ones only marked seen.

A page is written in a few set-based statements (one per table), inside a savepoint. If the database
refuses the batch, each record is written again in a savepoint of its own, so one bad record fails
alone and never aborts the page or the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from catalog.parse import HarvestedDataset, RecordError

from ..models import (
    Dataset,
    DatasetKeyword,
    DatasetRendering,
    DatasetSearch,
    DatasetStatus,
    DatasetTheme,
    Distribution,
    HarvestedRecord,
    HarvestSource,
)
from ..models.base import new_id
from .harvest_rows import DatasetRows, dataset_rows
from .harvest_sql import insert_rows

CHUNK = 500  # keys per IN (...) list


@dataclass
class PageCounts:
    """What storing a page did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, iri: str, reason: str, page: str) -> None:
        """Count a record that could not be kept, and say why."""
        self.failed += 1
        self.errors.append({"iri": iri, "reason": reason, "page": page})


@dataclass
class _Known:
    record_id: str
    content_hash: str
    dataset_id: str
    withdrawn: bool


@dataclass
class _Write:
    key: str
    content_hash: str
    rows: DatasetRows
    known: _Known | None


@dataclass
class PagePlan:
    """What a page needs, decided before any record is read: which to read, which only to mark seen."""

    entries: Sequence[tuple[str, str]]
    page_url: str
    to_read: list[int] = field(default_factory=list)
    known: dict[str, _Known] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    counts: PageCounts = field(default_factory=PageCounts)


def plan_page(
    session: Session, source_id: str, page_url: str, entries: Sequence[tuple[str, str]]
) -> PagePlan:
    """Compare the page's (key, content hash) pairs with what is stored: new or changed ones are read."""
    plan = PagePlan(entries, page_url, known=_known(session, source_id, [key for key, _ in entries]))
    seen: set[str] = set()
    for position, (key, digest) in enumerate(entries):
        if key in seen:
            plan.counts.fail(key, "the dataset appears twice in the page; the first was kept", page_url)
            continue
        seen.add(key)
        previous = plan.known.get(key)
        if previous and previous.content_hash == digest and not previous.withdrawn:
            plan.unchanged.append(previous.record_id)
        else:
            plan.to_read.append(position)
    return plan


def store_page(
    session: Session,
    source: HarvestSource,
    run_id: str,
    plan: PagePlan,
    results: Sequence[HarvestedDataset | RecordError],
    now: datetime,
) -> PageCounts:
    """Write what the plan found new or changed (``results`` are its records, read in plan order)."""
    counts, page_url = plan.counts, plan.page_url
    writes: list[_Write] = []
    for position, result in zip(plan.to_read, results, strict=True):
        key, digest = plan.entries[position]
        if isinstance(result, RecordError):
            counts.fail(result.iri, "; ".join(result.problems), page_url)
            continue
        try:
            writes.append(_prepare(result, key, digest, plan.known.get(key), source))
        except (ValueError, TypeError) as error:
            counts.fail(key, str(error), page_url)
    _mark_seen(session, plan.unchanged, run_id, page_url)
    counts.unchanged += len(plan.unchanged)
    try:
        with session.begin_nested():
            _write(session, writes, source, run_id, page_url, now)
        ok = writes
    except SQLAlchemyError:
        ok = []
        for write in writes:
            try:
                with session.begin_nested():
                    _write(session, [write], source, run_id, page_url, now)
                ok.append(write)
            except SQLAlchemyError as error:
                reason = getattr(error, "orig", None) or error
                counts.fail(write.key, f"not stored: {type(error).__name__}: {reason}", page_url)
    for write in ok:
        if write.known is None:
            counts.new += 1
        else:
            counts.updated += 1
    return counts


def _prepare(
    result: HarvestedDataset, key: str, digest: str, known: _Known | None, source: HarvestSource
) -> _Write:
    rows = dataset_rows(
        result.record, known.dataset_id if known else None, source.org_id, source.grade, source.name
    )
    rows.issues[:0] = result.issues
    return _Write(key, digest, rows, known)


def _known(session: Session, source_id: str, keys: list[str]) -> dict[str, _Known]:
    found: dict[str, _Known] = {}
    for start in range(0, len(keys), CHUNK):
        rows = session.exec(
            select(  # type: ignore[call-overload]
                col(HarvestedRecord.remote_key),
                col(HarvestedRecord.id),
                col(HarvestedRecord.content_hash),
                col(HarvestedRecord.dataset_id),
                col(HarvestedRecord.withdrawn_at),
            ).where(
                HarvestedRecord.source_id == source_id,
                col(HarvestedRecord.remote_key).in_(keys[start : start + CHUNK]),
            )
        )
        for key, record_id, digest, dataset_id, withdrawn_at in rows:
            found[key] = _Known(record_id, digest, dataset_id, withdrawn_at is not None)
    return found


def _mark_seen(session: Session, record_ids: list[str], run_id: str, page_url: str) -> None:
    for start in range(0, len(record_ids), CHUNK):
        session.execute(
            update(HarvestedRecord)
            .where(col(HarvestedRecord.id).in_(record_ids[start : start + CHUNK]))
            .values(last_seen_run_id=run_id, page_url=page_url)
        )


def _write(
    session: Session,
    writes: Sequence[_Write],
    source: HarvestSource,
    run_id: str,
    page_url: str,
    now: datetime,
) -> None:
    if not writes:
        return
    feed_at = now if source.republish else None
    fresh = [w for w in writes if w.known is None]
    changed = [w for w in writes if w.known is not None]
    common = {"status": DatasetStatus.PUBLISHED.value, "updated_at": now, "withdrawn_at": None}
    if fresh:
        insert_rows(
            session,
            Dataset,
            [
                {
                    "modified": now,
                    **w.rows.dataset,
                    **common,
                    "created_at": now,
                    "published_at": now,
                    "feed_at": feed_at,
                    "harvest_source_id": source.id,
                }
                for w in fresh
            ],
        )
    if changed:
        ids = [w.rows.dataset["id"] for w in changed]
        _delete_children(session, ids)
        session.execute(
            update(Dataset),
            [
                {"modified": now, **w.rows.dataset, **common}
                | ({"feed_at": feed_at} if w.known and w.known.withdrawn else {})
                for w in changed
            ],
        )
    _insert(
        session,
        Distribution,
        ({**row, "created_at": now, "modified": now} for w in writes for row in w.rows.distributions),
    )
    _insert(session, DatasetKeyword, (row for w in writes for row in w.rows.keywords))
    _insert(session, DatasetTheme, (row for w in writes for row in w.rows.themes))
    _insert(
        session,
        DatasetSearch,
        ({"dataset_id": w.rows.dataset["id"], "document": w.rows.document} for w in writes),
    )
    if fresh:
        insert_rows(
            session,
            HarvestedRecord,
            [
                {
                    "id": new_id(),
                    "source_id": source.id,
                    "remote_key": w.key,
                    "content_hash": w.content_hash,
                    "dataset_id": w.rows.dataset["id"],
                    "page_url": page_url,
                    "last_seen_run_id": run_id,
                    "issues": w.rows.issues,
                    "first_seen_at": now,
                    "updated_at": now,
                    "withdrawn_at": None,
                }
                for w in fresh
            ],
        )
    if changed:
        session.execute(
            update(HarvestedRecord),
            [
                {
                    "id": w.known.record_id if w.known else "",
                    "content_hash": w.content_hash,
                    "page_url": page_url,
                    "last_seen_run_id": run_id,
                    "issues": w.rows.issues,
                    "updated_at": now,
                    "withdrawn_at": None,
                }
                for w in changed
            ],
        )


def _insert(session: Session, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    insert_rows(session, model, list(rows))


def _delete_children(session: Session, dataset_ids: list[str]) -> None:
    for start in range(0, len(dataset_ids), CHUNK):
        chunk = dataset_ids[start : start + CHUNK]
        for model in (Distribution, DatasetKeyword, DatasetTheme, DatasetSearch, DatasetRendering):
            session.execute(delete(model).where(col(model.dataset_id).in_(chunk)))
