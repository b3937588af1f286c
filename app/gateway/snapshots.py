"""What the gateway needs of an agreement, loaded once per process and dropped when it changes.

A snapshot holds the agreement's status and term, its parsed ODRL policy, the delivery modes, the
offer's masking and aggregation terms and the distributions' files. Every lifecycle change updates the
agreement's `updated_at`; each worker asks for agreements changed since its last look at most every
`REVOCATION_POLL` seconds and drops their snapshots (suspension and termination also revoke the
tokens, which every worker learns of on the same schedule), and the worker that made the change drops
the snapshot when its transaction commits.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from policy import Policy, parse_policy

from ..models import Agreement, Distribution, Offer, Organization
from ..models.base import utcnow
from ..services.metering import count_limit

MARGIN = timedelta(seconds=60)  # overlap between polls, for transactions that commit late
TEMPLATE_FUNCTIONS = {"mean": "avg", "count": "count", "sum": "sum", "min": "min", "max": "max"}


@dataclass(frozen=True)
class FileRef:
    """A distribution's stored file."""

    id: str
    path: Path | None
    media_type: str | None
    byte_size: int | None
    checksum: str | None


@dataclass(frozen=True)
class Snapshot:
    """An agreement as the data plane sees it."""

    id: str
    status: str
    status_reason: str | None
    valid_from: datetime
    valid_until: datetime
    dataset_id: str
    consumer_org_id: str
    provider_org_id: str
    consumer_jurisdiction: str
    purpose: str
    delivery_modes: frozenset[str]
    policy: Policy
    masked_fields: frozenset[str]
    columns: frozenset[str]
    functions: frozenset[str]
    min_group_size: int
    max_groups: int
    files: dict[str, FileRef]
    max_uses: int | None
    """The policy's `count` limit: None when uses are not limited."""
    decisions: dict[tuple[str, str], tuple[datetime, bool, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Policy decisions by (action, purpose), each good until the next time the policy's answer can change."""


class SnapshotCache:
    """Per-process snapshots of agreements, kept fresh by polling `agreement.updated_at`."""

    def __init__(self, engine: Engine, storage_root: Path, poll_seconds: float) -> None:
        self._engine = engine
        self._root = storage_root
        self._poll = poll_seconds
        self._items: dict[str, Snapshot] = {}
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._since: datetime | None = None

    def get(self, agreement_id: str) -> Snapshot | None:
        """The agreement's snapshot, loaded on first use; None when it does not exist."""
        if time.monotonic() - self._checked_at >= self._poll:
            self._refresh()
        found = self._items.get(agreement_id)
        if found is None:
            found = self._load(agreement_id)
            if found is not None:
                with self._lock:
                    self._items[agreement_id] = found
        return found

    def drop(self, agreement_ids: Any) -> None:
        """Forget snapshots (their agreements changed in this process)."""
        with self._lock:
            for agreement_id in agreement_ids:
                self._items.pop(agreement_id, None)

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._checked_at < self._poll:
                return
            started = utcnow()
            if self._since is None:
                changed: list[str] = list(self._items)
            else:
                with Session(self._engine) as session:
                    changed = list(
                        session.exec(  # type: ignore[call-overload]
                            select(col(Agreement.id)).where(col(Agreement.updated_at) >= self._since - MARGIN)
                        ).scalars()
                    )
            for agreement_id in changed:
                self._items.pop(agreement_id, None)
            self._since, self._checked_at = started, time.monotonic()

    def _load(self, agreement_id: str) -> Snapshot | None:
        with Session(self._engine) as session:
            agreement = session.get(Agreement, agreement_id)
            if agreement is None:
                return None
            offer = session.get(Offer, agreement.offer_id)
            consumer = session.get(Organization, agreement.consumer_org_id)
            assert offer is not None
            assert consumer is not None
            files = {
                d.id: FileRef(
                    d.id,
                    self._root / d.storage_key if d.storage_key else None,
                    d.media_type,
                    d.byte_size,
                    d.checksum_sha256,
                )
                for d in session.exec(
                    select(Distribution).where(col(Distribution.dataset_id) == agreement.dataset_id)
                ).scalars()  # type: ignore[call-overload]
            }
            terms = dict(offer.template_terms)
            aggregation = terms.get("aggregation") or {}
            functions = {TEMPLATE_FUNCTIONS.get(f, f) for f in aggregation.get("functions", [])}
            return Snapshot(
                id=agreement.id,
                status=agreement.status,
                status_reason=agreement.status_reason,
                valid_from=agreement.valid_from,
                valid_until=agreement.valid_until,
                dataset_id=agreement.dataset_id,
                consumer_org_id=agreement.consumer_org_id,
                provider_org_id=agreement.provider_org_id,
                consumer_jurisdiction=consumer.jurisdiction,
                purpose=agreement.purpose,
                delivery_modes=frozenset(agreement.delivery_modes),
                policy=parse_policy(agreement.policy),
                masked_fields=frozenset(terms.get("masked_fields") or ()),
                columns=frozenset(terms.get("columns") or ()),
                functions=frozenset(functions or TEMPLATE_FUNCTIONS.values()),
                min_group_size=int(aggregation.get("min_group_size") or terms.get("min_group_size") or 10),
                max_groups=int(aggregation.get("max_rows_per_result") or 1000),
                files=files,
                max_uses=count_limit(agreement.policy),
            )
