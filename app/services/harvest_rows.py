"""A harvested DCAT record as the rows of a local dataset: the dataset, its distributions, keywords,
themes and search text, written in bulk by :mod:`app.services.harvest_store`.

Nothing is invented: what the record does not say stays empty. A value longer than its column is
dropped and reported as an issue of the record (an IRI cut short would point somewhere else).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from catalog.records import DatasetRecord, DistributionRecord, LangText

from ..models.base import new_id
from . import search

IANA = "http://www.iana.org/assignments/media-types/"


@dataclass
class DatasetRows:
    """Everything a harvested record writes, keyed to one dataset id."""

    dataset: dict[str, Any]
    distributions: list[dict[str, Any]] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    document: str = ""
    issues: list[str] = field(default_factory=list)


def lang_map(texts: tuple[LangText, ...]) -> dict[str, str]:
    """``{lang: text}`` from language-tagged texts; untagged text goes under ``und``."""
    out: dict[str, str] = {}
    for text in texts:
        out.setdefault((text.lang or "und").lower(), text.text)
    return out


def dataset_rows(
    record: DatasetRecord, dataset_id: str | None, org_id: str, grade: str, holder: str
) -> DatasetRows:
    """The rows of a record; ``dataset_id`` None makes a new dataset."""
    issues: list[str] = []
    fit = _Fitter(issues)
    dataset_id = dataset_id or new_id()
    contact = record.contact_points[0] if record.contact_points else None
    period = record.temporal[0] if record.temporal else None
    publisher = lang_map(record.publisher.names) if record.publisher else {}
    dataset: dict[str, Any] = {
        "id": dataset_id,
        "org_id": org_id,
        "grade": grade,
        "personal_info": "none",
        "identifier": fit(record.identifier, 500, "dct:identifier"),
        "title": lang_map(record.titles),
        "description": lang_map(record.descriptions),
        "contact_point": {
            "name": contact.fn or "Contact",
            "email": (contact.email or "").removeprefix("mailto:") or None,
            "url": contact.url,
        }
        if contact
        else None,
        "licence": fit(record.licence, 500, "dct:license"),
        "access_rights": fit(record.access_rights, 500, "dct:accessRights"),
        "spatial": list(record.spatial),
        "temporal_start": _date(period.start) if period else None,
        "temporal_end": _date(period.end) if period else None,
        "frequency": fit(record.frequency, 500, "dct:accrualPeriodicity"),
        "issued": _instant(record.issued),
        "conforms_to": list(record.conforms_to),
        "version": fit(record.version, 100, "dcat:version"),
        "landing_page": fit(record.landing_page, 1000, "dcat:landingPage"),
        "languages": list(record.languages),
        "rights": [{"right": "holding", "holder": next(iter(publisher.values()), holder)}],
        "remote_iri": fit(record.iri, 1000, "the dataset's IRI"),
    }
    modified = _instant(record.modified)
    if modified is not None:
        dataset["modified"] = modified
    rows = DatasetRows(dataset, issues=issues)
    for position, dist in enumerate(record.distributions):
        row = _distribution(dist, dataset_id, position, fit)
        if row is not None:
            rows.distributions.append(row)
    seen: set[tuple[str, str]] = set()
    for position, text in enumerate(record.keywords):
        lang, word = (text.lang or "und").lower(), text.text.strip()
        if not word or (lang, word) in seen or fit(word, 200, "dcat:keyword") is None:
            continue
        seen.add((lang, word))
        rows.keywords.append({"dataset_id": dataset_id, "lang": lang, "keyword": word, "position": position})
    for theme in dict.fromkeys(record.themes):
        if fit(theme, 500, "dcat:theme") is not None:
            rows.themes.append({"dataset_id": dataset_id, "theme": theme})
    words = [
        *dataset["title"].values(),
        *dataset["description"].values(),
        *(k["keyword"] for k in rows.keywords),
    ]
    rows.document = " ".join(search.tokens(" ".join(words)))
    return rows


def _distribution(
    dist: DistributionRecord, dataset_id: str, position: int, fit: _Fitter
) -> dict[str, Any] | None:
    what = f"distribution {position + 1}"
    access = fit(dist.access_url, 1000, f"{what} dcat:accessURL")
    download = fit(dist.download_url, 1000, f"{what} dcat:downloadURL")
    if access is None and download is None:
        return None
    checksum = dist.checksum.value.lower() if dist.checksum and dist.checksum.algorithm == "sha256" else None
    return {
        "id": new_id(),
        "dataset_id": dataset_id,
        "position": position,
        "title": lang_map(dist.titles),
        "description": lang_map(dist.descriptions),
        "access_url": access,
        "download_url": download,
        "format": fit(dist.format, 500, f"{what} dct:format"),
        "media_type": fit(dist.media_type.removeprefix(IANA) if dist.media_type else None, 200, "mediaType"),
        "byte_size": dist.byte_size if dist.byte_size is None or dist.byte_size < 2**63 else None,
        "checksum_sha256": checksum if checksum and len(checksum) == 64 else None,
        "licence": fit(dist.licence, 500, f"{what} dct:license"),
        "availability": fit(dist.availability, 500, f"{what} availability"),
    }


class _Fitter:
    """Keeps a value that fits its column; reports one that does not."""

    def __init__(self, issues: list[str]) -> None:
        self.issues = issues

    def __call__(self, value: str | None, limit: int, what: str) -> str | None:
        if value is None or len(value) <= limit:
            return value
        self.issues.append(f"{what} is longer than {limit} characters and was not kept")
        return None


def _instant(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


def _date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
