"""Which harvested records a run has seen: marked on the pages it read or found unchanged, and the rest."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..models import HarvestedRecord


def mark_page_seen(session: Session, source_id: str, run_id: str, page_url: str) -> int:
    """An unchanged page: every live record last read on it was seen in this run; how many."""
    result = session.execute(
        update(HarvestedRecord)
        .where(
            col(HarvestedRecord.source_id) == source_id,
            col(HarvestedRecord.page_url) == page_url,
            col(HarvestedRecord.withdrawn_at).is_(None),
        )
        .values(last_seen_run_id=run_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def live_records_on(session: Session, source_id: str, page_url: str) -> int:
    """How many live records were last read on a page."""
    rows = session.exec(
        select(HarvestedRecord.id).where(
            HarvestedRecord.source_id == source_id,
            HarvestedRecord.page_url == page_url,
            col(HarvestedRecord.withdrawn_at).is_(None),
        )
    )
    return len(rows.all())


def unseen_records(session: Session, source_id: str, run_id: str) -> list[str]:
    """Live records of the source that this run did not see."""
    return list(
        session.exec(
            select(HarvestedRecord.id).where(
                HarvestedRecord.source_id == source_id,
                col(HarvestedRecord.withdrawn_at).is_(None),
                (col(HarvestedRecord.last_seen_run_id) != run_id)
                | col(HarvestedRecord.last_seen_run_id).is_(None),
            )
        )
    )
