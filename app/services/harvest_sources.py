"""Harvest sources: the operator registers, changes and removes the catalogs this node harvests.

Each source gets an organisation of its own, named after it, which stands as the publisher of its
datasets here, so the publisher facet and pages work for harvested datasets as for local ones.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from ..errors import field_error, not_found
from ..models import Dataset, HarvestedRecord, HarvestSource, Organization, OrgKind, OrgStatus
from ..models.base import utcnow
from ..schemas.harvest import SourceIn, SourcePatch
from .actors import Actor, require_operator


def create_source(session: Session, actor: Actor, data: SourceIn) -> HarvestSource:
    """Register a source (and its publisher organisation); the name must be free among organisations too."""
    require_operator(session, actor)
    if session.exec(select(HarvestSource).where(HarvestSource.name == data.name)).first():
        raise field_error("name", f"a harvest source named {data.name!r} exists", status=409)
    if session.exec(select(Organization).where(Organization.name == data.name)).first():
        raise field_error(
            "name", f"an organisation named {data.name!r} exists; choose another name", status=409
        )
    url = str(data.url)
    org = Organization(
        name=data.name,
        kind=OrgKind.PROVIDER.value,
        jurisdiction=data.jurisdiction,
        status=OrgStatus.ACTIVE.value,
        homepage=url[:500],
    )
    session.add(org)
    session.flush()
    source = HarvestSource(
        name=data.name,
        url=url,
        format=data.format,
        org_id=org.id,
        grade=data.grade,
        schedule_minutes=data.schedule_minutes,
        allow_private=data.allow_private,
        republish=data.republish,
        modified_since_param=data.modified_since_param,
        max_pages=data.max_pages,
    )
    if source.schedule_minutes:
        source.next_run_at = utcnow()
    session.add(source)
    session.flush()
    return source


def update_source(session: Session, actor: Actor, source_id: str, data: SourcePatch) -> HarvestSource:
    """Change the given settings of a source."""
    source = get_source(session, actor, source_id)
    given = data.model_dump(exclude_unset=True)
    for name in ("url", "format", "allow_private", "republish", "max_pages"):
        if name in given and given[name] is None:
            raise field_error(name, "may not be null")
    for name, value in given.items():
        setattr(source, name, str(value) if name == "url" else value)
    if "schedule_minutes" in given:
        source.next_run_at = (
            utcnow() + timedelta(minutes=source.schedule_minutes) if source.schedule_minutes else None
        )
    source.updated_at = utcnow()
    session.add(source)
    session.flush()
    return source


def delete_source(session: Session, actor: Actor, source_id: str) -> None:
    """Remove a source with its runs, its datasets here and their records."""
    source = get_source(session, actor, source_id)
    session.execute(delete(HarvestedRecord).where(col(HarvestedRecord.source_id) == source.id))
    session.execute(delete(Dataset).where(col(Dataset.harvest_source_id) == source.id))
    org = session.get(Organization, source.org_id)
    session.delete(source)
    session.flush()
    if org is not None and not session.exec(select(Dataset.id).where(Dataset.org_id == org.id)).first():
        session.delete(org)
        session.flush()


def get_source(session: Session, actor: Actor, ref: str) -> HarvestSource:
    """A source by id or by name, for the operator."""
    require_operator(session, actor)
    source = (
        session.get(HarvestSource, ref)
        or session.exec(select(HarvestSource).where(HarvestSource.name == ref)).first()
    )
    if source is None:
        raise not_found("harvest source", ref)
    return source


def list_sources(session: Session, actor: Actor) -> list[HarvestSource]:
    """Every source, by name."""
    require_operator(session, actor)
    return list(session.exec(select(HarvestSource).order_by(col(HarvestSource.name))))


def live_counts(session: Session, source_ids: list[str]) -> dict[str, int]:
    """Live harvested datasets per source."""
    rows = session.exec(
        select(HarvestedRecord.source_id, func.count())  # type: ignore[call-overload]
        .where(col(HarvestedRecord.source_id).in_(source_ids), col(HarvestedRecord.withdrawn_at).is_(None))
        .group_by(col(HarvestedRecord.source_id))
    )
    return {source_id: int(n) for source_id, n in rows}


def source_output(source: HarvestSource, datasets: int) -> dict[str, Any]:
    """A source as the API shows it."""
    return {**source.model_dump(), "datasets": datasets}
