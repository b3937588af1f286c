"""Importing datasets described in RDF (DCAT-AP documents from other tools, the official examples).

The importer keeps what the document says and fills nothing in: a record that lacks what DCAT-AP
requires is refused with the list of what it lacks, and the whole import is refused with it, so an
import is all or nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from catalog.parse import CatalogParseError, parse_catalog
from catalog.records import DatasetRecord, LangText

from ..errors import Problem, from_validation_error
from ..models import Dataset
from ..schemas.catalog import DatasetCreate
from .actors import Actor
from .datasets import create_dataset

IANA = "http://www.iana.org/assignments/media-types/"


def import_rdf(
    session: Session,
    actor: Actor,
    org_id: str,
    data: bytes,
    content_type: str | None,
    grade: str,
    base_url: str,
) -> list[Dataset]:
    """Create a draft for every dataset of an RDF document, or refuse the whole document."""
    try:
        page = parse_catalog(data, content_type)
    except CatalogParseError as exc:
        raise Problem(
            400,
            f"the document cannot be read as RDF: {exc}",
            slug="unreadable-rdf",
            errors=[{"field": "body", "reason": str(exc)}],
        ) from exc
    errors: list[dict[str, str]] = [
        {"field": error.iri, "reason": "; ".join(error.problems)} for error in page.errors
    ]
    if not page.datasets and not errors:
        raise Problem(
            422,
            "the document describes no dcat:Dataset",
            slug="no-datasets",
            errors=[{"field": "body", "reason": "no dcat:Dataset found"}],
        )
    created: list[Dataset] = []
    for harvested in page.datasets:
        try:
            payload = DatasetCreate.model_validate({**to_payload(harvested.record), "grade": grade})
            created.append(create_dataset(session, actor, org_id, payload, base_url))
        except ValidationError as exc:
            problem = from_validation_error(exc)
            errors += [
                {"field": f"{harvested.record.iri} {e['field']}", "reason": e["reason"]}
                for e in problem.errors
            ]
        except Problem as problem:
            if problem.status not in (409, 422):
                raise
            errors += [
                {"field": f"{harvested.record.iri} {e['field']}", "reason": e["reason"]}
                for e in problem.errors or [{"field": "", "reason": problem.detail}]
            ]
    if errors:
        raise Problem(
            422,
            f"{len(errors)} problem(s): nothing was imported",
            slug="import-refused",
            title="Import refused",
            errors=errors,
        )
    return created


def to_payload(record: DatasetRecord) -> dict[str, Any]:
    """The API's dataset fields for a record, with nothing invented."""
    payload: dict[str, Any] = {
        "title": _lang_map(record.titles),
        "description": _lang_map(record.descriptions),
        "identifier": record.identifier,
        "keywords": _keywords(record.keywords) or None,
        "themes": list(record.themes) or None,
        "licence": record.licence,
        "access_rights": record.access_rights,
        "spatial": list(record.spatial) or None,
        "frequency": record.frequency,
        "issued": _instant(record.issued),
        "conforms_to": list(record.conforms_to) or None,
        "version": record.version,
        "landing_page": record.landing_page,
        "languages": list(record.languages) or None,
        "distributions": [_distribution(d) for d in record.distributions] or None,
    }
    if record.contact_points:
        cp = record.contact_points[0]
        payload["contact_point"] = {
            "name": cp.fn or "Contact",
            "email": (cp.email or "").removeprefix("mailto:") or None,
            "url": cp.url,
        }
    if record.temporal:
        period = record.temporal[0]
        payload["temporal"] = {"start": _date(period.start), "end": _date(period.end)}
    return {name: value for name, value in payload.items() if value is not None}


def _lang_map(texts: tuple[LangText, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in texts:
        out.setdefault((text.lang or "und").lower(), text.text)
    return out


def _keywords(texts: tuple[LangText, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for text in texts:
        out.setdefault((text.lang or "und").lower(), []).append(text.text)
    return out


def _distribution(dist: Any) -> dict[str, Any]:
    media = dist.media_type.removeprefix(IANA) if dist.media_type else None
    checksum = dist.checksum.value.lower() if dist.checksum and dist.checksum.algorithm == "sha256" else None
    fields = {
        "title": _lang_map(dist.titles) or None,
        "description": _lang_map(dist.descriptions) or None,
        "access_url": dist.access_url,
        "download_url": dist.download_url,
        "format": dist.format,
        "media_type": media,
        "byte_size": dist.byte_size,
        "checksum_sha256": checksum,
        "licence": dist.licence,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _instant(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=UTC)


def _date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
