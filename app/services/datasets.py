"""Listing datasets: create, edit, look up, with the grade rules and DCAT-AP conformance enforced."""

from __future__ import annotations

from typing import IO, Any

from sqlmodel import Session, col, delete, select

from catalog.validate import validate_dataset

from ..errors import Problem, field_error, not_found
from ..models import (
    DataService,
    Dataset,
    DatasetKeyword,
    DatasetLineage,
    DatasetService,
    DatasetStatus,
    DatasetTheme,
    Distribution,
    Organization,
    OrgKind,
    Role,
)
from ..models.base import utcnow
from ..schemas.catalog import DatasetCreate, DatasetIn, DistributionIn, RightIn
from . import grading, renderings, search
from .actors import Actor, require_active_org, require_role
from .dataset_bundles import Bundle, load_bundles
from .dataset_records import dataset_record
from .harvested_datasets import refuse_if_harvested
from .storage import Storage

_SIMPLE_FIELDS = (
    "identifier",
    "grade",
    "personal_info",
    "licence",
    "access_rights",
    "frequency",
    "issued",
    "version",
    "landing_page",
)
_IRI_LISTS = ("spatial", "conforms_to", "languages")


def create_dataset(
    session: Session, actor: Actor, org_id: str, data: DatasetCreate, base_url: str
) -> Dataset:
    """A provider lists a dataset as a draft; its metadata must already be DCAT-AP conformant."""
    org = _provider(session, actor, org_id)
    dataset = Dataset(org_id=org.id, grade=data.grade, title=data.title, description=data.description)
    if data.rights is None:
        holding = RightIn(right="holding", holder=org.name, holder_org_id=org.id)
        data = data.model_copy(update={"rights": [holding]})
    session.add(dataset)
    session.flush()
    _apply(session, dataset, org, data)
    ensure_conformant(session, dataset, base_url)
    renderings.refresh(session, [bundle(session, dataset)], base_url)
    return dataset


def update_dataset(
    session: Session, actor: Actor, dataset_id: str, data: DatasetIn, base_url: str
) -> Dataset:
    """Edit a listing; a published one must stay conformant and cannot become core-grade."""
    dataset = get_dataset(session, actor, dataset_id)
    refuse_if_harvested(dataset, "edited")
    org = _provider(session, actor, dataset.org_id)
    if dataset.status == DatasetStatus.WITHDRAWN.value:
        raise Problem(409, "a withdrawn dataset cannot be edited; republish it first", slug="conflict")
    _apply(session, dataset, org, data)
    if dataset.status == DatasetStatus.PUBLISHED.value and not grading.listable(dataset.grade):
        raise field_error(
            "grade", "a published dataset cannot become core-grade; withdraw it first", status=409
        )
    ensure_conformant(session, dataset, base_url)
    renderings.refresh(session, [bundle(session, dataset)], base_url)
    return dataset


def get_dataset(session: Session, actor: Actor | None, dataset_id: str) -> Dataset:
    """A dataset the actor may see: listed ones for everybody, every one for its owner and the operator."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or not visible(dataset, actor):
        raise not_found("dataset", dataset_id)
    return dataset


def visible(dataset: Dataset, actor: Actor | None) -> bool:
    """Whether the actor may see a dataset at all."""
    if actor is not None and (actor.is_operator or actor.org_id == dataset.org_id):
        return True
    return dataset.status == DatasetStatus.PUBLISHED.value and grading.listable(dataset.grade)


def list_org_datasets(
    session: Session, actor: Actor, org_id: str, status: str | None = None
) -> list[Dataset]:
    """An organisation's datasets in every status, for its members and the operator."""
    if not (actor.is_operator or actor.org_id == org_id):
        query = select(Dataset).where(
            Dataset.org_id == org_id, Dataset.status == DatasetStatus.PUBLISHED.value, Dataset.grade != "core"
        )
    else:
        query = select(Dataset).where(Dataset.org_id == org_id)
    if status:
        query = query.where(Dataset.status == status)
    return list(session.exec(query.order_by(col(Dataset.created_at), col(Dataset.id))))


def bundle(session: Session, dataset: Dataset) -> Bundle:
    """The dataset with its related rows."""
    return load_bundles(session, [dataset])[0]


def _provider(session: Session, actor: Actor, org_id: str) -> Organization:
    org = session.get(Organization, org_id)
    if org is None or not (actor.is_operator or actor.org_id == org_id):
        raise not_found("organization", org_id)
    require_role(session, actor, org.id, Role.STEWARD, Role.ADMIN)
    require_active_org(org)
    if org.kind != OrgKind.PROVIDER.value and not actor.is_operator:
        raise Problem(403, "only provider organisations list datasets", slug="forbidden")
    return org


def _apply(session: Session, dataset: Dataset, org: Organization, data: DatasetIn) -> None:
    """Write the given fields (and only those) to the dataset and its related rows."""
    given = data.model_dump(exclude_unset=True)
    for name in _SIMPLE_FIELDS:
        if name in given:
            value = given[name]
            setattr(
                dataset,
                name,
                str(value)
                if name in {"licence", "access_rights", "frequency", "landing_page"} and value is not None
                else value,
            )
    for name in ("title", "description"):
        if name in given and given[name] is not None:
            setattr(dataset, name, dict(given[name]))
    for name in _IRI_LISTS:
        if name in given:
            setattr(dataset, name, [str(v) for v in given[name] or []])
    if "contact_point" in given:
        cp = data.contact_point
        dataset.contact_point = (
            {"name": cp.name, "email": cp.email, "url": str(cp.url) if cp.url else None} if cp else None
        )
    if "temporal" in given:
        dataset.temporal_start = data.temporal.start if data.temporal else None
        dataset.temporal_end = data.temporal.end if data.temporal else None
    if "rights" in given:
        dataset.rights = _rights(session, given["rights"] or [])
    _check_grade(dataset)
    if "themes" in given:
        session.exec(delete(DatasetTheme).where(col(DatasetTheme.dataset_id) == dataset.id))
        for theme in dict.fromkeys(given["themes"] or []):
            session.add(DatasetTheme(dataset_id=dataset.id, theme=theme))
    if "keywords" in given:
        session.exec(delete(DatasetKeyword).where(col(DatasetKeyword.dataset_id) == dataset.id))
        for lang, words in (given["keywords"] or {}).items():
            for position, word in enumerate(dict.fromkeys(w.strip() for w in words)):
                session.add(DatasetKeyword(dataset_id=dataset.id, lang=lang, keyword=word, position=position))
    if "lineage" in given:
        _set_lineage(session, dataset, data.lineage or [])
    if "distributions" in given:
        _set_distributions(session, dataset, data.distributions or [])
    if "data_service_ids" in given:
        _set_services(session, dataset, org, given["data_service_ids"] or [])
    _check_lineage_grade(session, dataset)
    dataset.modified = dataset.updated_at = utcnow()
    session.add(dataset)
    session.flush()
    search.index(session, bundle(session, dataset))


def _rights(session: Session, rights: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, right in enumerate(rights):
        holder_org = right.get("holder_org_id")
        if holder_org and session.get(Organization, holder_org) is None:
            raise field_error(f"rights.{i}.holder_org_id", f"no organisation {holder_org!r}")
    if not any(r["right"] == "holding" for r in rights):
        raise field_error("rights", "name who holds the data resource (a right of kind 'holding')")
    return [dict(r) for r in rights]


def _check_grade(dataset: Dataset) -> None:
    floor = grading.effective_floor(dataset.personal_info)
    if not grading.at_least_as_strict(dataset.grade, floor):
        raise field_error("grade", f"sensitive personal information must be graded {floor} or stricter")


def _set_lineage(session: Session, dataset: Dataset, lineage: list[Any]) -> None:
    session.exec(delete(DatasetLineage).where(col(DatasetLineage.dataset_id) == dataset.id))
    seen: set[str] = set()
    for i, link in enumerate(lineage):
        source = session.get(Dataset, link.dataset_id)
        if source is None or link.dataset_id == dataset.id or link.dataset_id in seen:
            raise field_error(f"lineage.{i}.dataset_id", "no such dataset, a repeat, or the dataset itself")
        if source.status != DatasetStatus.PUBLISHED.value and source.org_id != dataset.org_id:
            raise field_error(
                f"lineage.{i}.dataset_id", "only published datasets (or your own) can be inputs"
            )
        if dataset.id in _ancestors(session, source.id):
            raise field_error(f"lineage.{i}.dataset_id", "this would make the lineage a cycle")
        seen.add(link.dataset_id)
        session.add(DatasetLineage(dataset_id=dataset.id, source_id=source.id, weight=link.weight))
    session.flush()


def _ancestors(session: Session, dataset_id: str) -> set[str]:
    """Every dataset the given one is derived from, directly or not."""
    found: set[str] = set()
    frontier = {dataset_id}
    while frontier:
        rows = session.exec(
            select(DatasetLineage.source_id).where(col(DatasetLineage.dataset_id).in_(frontier))
        )
        frontier = set(rows) - found
        found |= frontier
    return found


def _check_lineage_grade(session: Session, dataset: Dataset) -> None:
    """A derived product takes at least the highest grade of its inputs."""
    sources = session.exec(
        select(Dataset)
        .join(DatasetLineage, col(DatasetLineage.source_id) == col(Dataset.id))
        .where(DatasetLineage.dataset_id == dataset.id)
    ).all()
    for source in sources:
        if not grading.at_least_as_strict(dataset.grade, source.grade):
            raise field_error(
                "grade", f"derived from a {source.grade} dataset, so it must be {source.grade} or stricter"
            )


def _set_distributions(session: Session, dataset: Dataset, distributions: list[DistributionIn]) -> None:
    """Replace the distributions; those whose bytes are stored keep them when given back by id order."""
    existing = list(
        session.exec(
            select(Distribution)
            .where(Distribution.dataset_id == dataset.id)
            .order_by(col(Distribution.position))
        )
    )
    for old in existing[len(distributions) :]:
        session.delete(old)
    for position, data in enumerate(distributions):
        dist = existing[position] if position < len(existing) else Distribution(dataset_id=dataset.id)
        fields = data.model_dump()
        if not (data.access_url or data.download_url or dist.storage_key):
            raise field_error(f"distributions.{position}.access_url", "give an access_url or a download_url")
        dist.position = position
        dist.title = fields["title"] or {}
        dist.description = fields["description"] or {}
        for name in ("access_url", "download_url", "format", "licence", "availability"):
            setattr(dist, name, str(fields[name]) if fields[name] is not None else None)
        for name in ("media_type", "byte_size", "checksum_sha256"):
            setattr(dist, name, fields[name])
        dist.modified = utcnow()
        session.add(dist)
    session.flush()


def _set_services(session: Session, dataset: Dataset, org: Organization, service_ids: list[str]) -> None:
    session.exec(delete(DatasetService).where(col(DatasetService.dataset_id) == dataset.id))
    for i, service_id in enumerate(dict.fromkeys(service_ids)):
        service = session.get(DataService, service_id)
        if service is None or service.org_id != org.id:
            raise field_error(f"data_service_ids.{i}", f"no data service {service_id!r} of this organisation")
        session.add(DatasetService(dataset_id=dataset.id, service_id=service_id))


def ensure_conformant(session: Session, dataset: Dataset, base_url: str) -> None:
    """Refuse metadata that does not satisfy the DCAT-AP 3.0.1 shapes, listing the failing properties."""
    report = validate_dataset(dataset_record(bundle(session, dataset), base_url))
    if report.conforms:
        return
    errors = [
        {"field": v.property_path or v.path or "dataset", "reason": v.message} for v in report.violations
    ]
    raise Problem(
        422,
        "the metadata is not DCAT-AP 3.0.1 conformant: " + ", ".join(sorted({e["field"] for e in errors})),
        slug="not-dcat-ap-conformant",
        title="Not DCAT-AP conformant",
        errors=errors,
    )


def store_distribution_file(
    session: Session,
    actor: Actor,
    distribution_id: str,
    stream: IO[bytes],
    media_type: str | None,
    storage: Storage,
    max_bytes: int,
    base_url: str,
) -> Distribution:
    """Upload the bytes of a distribution to the node's storage, recording their size and SHA-256."""
    dist = session.get(Distribution, distribution_id)
    dataset = session.get(Dataset, dist.dataset_id) if dist else None
    if dist is None or dataset is None or not (actor.is_operator or actor.org_id == dataset.org_id):
        raise not_found("distribution", distribution_id)
    _provider(session, actor, dataset.org_id)
    try:
        stored = storage.write(dist.id, stream, max_bytes)
    except ValueError as exc:
        raise Problem(413, str(exc), slug="payload-too-large") from exc
    dist.storage_key, dist.byte_size, dist.checksum_sha256 = stored.key, stored.byte_size, stored.sha256
    if media_type and media_type != "application/octet-stream":
        dist.media_type = media_type
    dist.modified = dataset.modified = dataset.updated_at = utcnow()
    session.add_all([dist, dataset])
    session.flush()
    renderings.refresh(session, [bundle(session, dataset)], base_url)
    return dist
