"""Withdrawing harvested datasets: those a complete run did not see, and those the source tombstoned.

A withdrawn copy stays (status ``withdrawn``) so its page can say it is gone; when the source allowed
republishing, it takes a new place in this node's feed as a tombstone, as a local withdrawal does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from ..models import Dataset, DatasetRendering, DatasetStatus, HarvestedRecord, HarvestSource

CHUNK = 500


def withdraw(session: Session, source: HarvestSource, record_ids: list[str], now: datetime) -> int:
    """Withdraw the local copies of remote datasets that are gone; how many were live."""
    feed_at = now if source.republish else None
    done = 0
    for start in range(0, len(record_ids), CHUNK):
        chunk = record_ids[start : start + CHUNK]
        dataset_ids = list(
            session.exec(
                select(HarvestedRecord.dataset_id).where(
                    col(HarvestedRecord.id).in_(chunk), col(HarvestedRecord.withdrawn_at).is_(None)
                )
            )
        )
        if not dataset_ids:
            continue
        session.execute(
            update(Dataset)
            .where(col(Dataset.id).in_(dataset_ids))
            .values(status=DatasetStatus.WITHDRAWN.value, withdrawn_at=now, updated_at=now, feed_at=feed_at)
        )
        session.execute(delete(DatasetRendering).where(col(DatasetRendering.dataset_id).in_(dataset_ids)))
        session.execute(
            update(HarvestedRecord)
            .where(col(HarvestedRecord.dataset_id).in_(dataset_ids))
            .values(withdrawn_at=now)
        )
        done += len(dataset_ids)
    return done


def records_with_keys(session: Session, source_id: str, keys: list[str]) -> list[str]:
    """The ids of the source's records with these remote keys (tombstoned datasets)."""
    found: list[str] = []
    for start in range(0, len(keys), CHUNK):
        found += session.exec(
            select(HarvestedRecord.id).where(
                HarvestedRecord.source_id == source_id,
                col(HarvestedRecord.remote_key).in_(keys[start : start + CHUNK]),
            )
        ).all()
    return found
