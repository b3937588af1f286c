"""The shapes the demo's catalog is written in, and the EU vocabularies its metadata uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AUTH = "http://publications.europa.eu/resource/authority/"
CSV = f"{AUTH}file-type/CSV"
JSON = f"{AUTH}file-type/JSON"
PARQUET = f"{AUTH}file-type/PARQUET"
CC_BY = f"{AUTH}licence/CC_BY_4_0"
ODC_BY = f"{AUTH}licence/ODC_BY"
PUBLIC = f"{AUTH}access-right/PUBLIC"
RESTRICTED = f"{AUTH}access-right/RESTRICTED"
NON_PUBLIC = f"{AUTH}access-right/NON_PUBLIC"
CHINA = f"{AUTH}country/CHN"
GERMANY = f"{AUTH}country/DEU"
NETHERLANDS = f"{AUTH}country/NLD"
LANGUAGES = [f"{AUTH}language/ENG", f"{AUTH}language/ZHO"]

#: Cities by their GeoNames IRI, beside the country they are in.
SHENZHEN = "https://sws.geonames.org/1795565/"
HAMBURG = "https://sws.geonames.org/2911298/"
DUISBURG = "https://sws.geonames.org/2934691/"


def themes(*codes: str) -> list[str]:
    """EU data themes by code (TRAN, ENVI, HEAL, ...)."""
    return [f"{AUTH}data-theme/{code}" for code in codes]


def frequency(code: str) -> str:
    """An EU frequency by code (HOURLY, DAILY, WEEKLY, MONTHLY, ...)."""
    return f"{AUTH}frequency/{code}"


@dataclass(frozen=True)
class Dist:
    """A distribution of a demo dataset and, if its bytes are stored on the node, the file in ``data/``."""

    metadata: dict[str, Any]
    file: str | None = None


@dataclass(frozen=True)
class Listing:
    """A demo dataset: who lists it, its DCAT-AP metadata, its distributions and what it is derived from."""

    key: str
    provider: str
    steward: str
    metadata: dict[str, Any]
    distributions: tuple[Dist, ...]
    lineage: tuple[tuple[str, int], ...] = ()
    publish: bool = True


@dataclass(frozen=True)
class OfferSpec:
    """An offer on a demo dataset, as its provider's steward writes it."""

    key: str
    dataset: str
    steward: str
    terms: dict[str, Any]
    window_years: int | None = None  # open from the start of the first request's year for so many years
    contribution: dict[str, Any] | None = None  # a derived product's rule, its inputs named by dataset key


@dataclass(frozen=True)
class Step:
    """One move in an access request after the consumer asks: who acts, and how."""

    action: str  # approve, counter_offer, decline, sign, suspend
    by: str  # the acting user's email
    reason: str | None = None
    validity_days: int | None = None
    days_ago: int | None = None  # when it happens, if not a few hours after the step before


@dataclass(frozen=True)
class RequestSpec:
    """A consumer's access request and the moves that bring it to the state the demo shows."""

    consumer: str  # the buyer's email
    offer: str
    purpose: str
    note: str
    steps: tuple[Step, ...] = field(default_factory=tuple)
    validity_days: int | None = None
    days_ago: int = 0  # made so many days before the demo is loaded


@dataclass(frozen=True)
class Call:
    """A data-plane request of a consumer's job: its delivery mode, which stored file, what it asks of it."""

    mode: str  # download, records or aggregate
    source: str = "csv"  # the stored file it reads: csv or parquet
    page: int = 1
    per_page: int = 100
    fmt: str = "json"
    query: dict[str, Any] | None = None
    purpose: str | None = None  # an X-Purpose header stating another purpose than the agreed one


@dataclass(frozen=True)
class Routine:
    """A consumer's job on one agreement: the calls of one run, the days it runs, how often a day."""

    offer: str  # the offer the agreement was made on
    calls: tuple[Call, ...]
    days: tuple[int, ...] | str  # days before the demo is loaded, 0 being that day; or "previous month"
    runs: int = 1
    hours: tuple[float, float] | None = (6.0, 22.0)  # the UTC hours its runs start in; None: at loading


def csv_file(
    file: str,
    title: tuple[str, str],
    description: tuple[str, str],
    *,
    page: str,
    licence: str,
) -> Dist:
    """A CSV distribution whose bytes the node stores; ``page`` is the provider's page for it."""
    return _stored(file, CSV, "text/csv", title, description, page, licence)


def parquet_file(
    file: str,
    title: tuple[str, str],
    description: tuple[str, str],
    *,
    page: str,
    licence: str,
) -> Dist:
    """A Parquet copy of a demo CSV file, stored on the node; ``page`` is the provider's page for it.

    The copies were made once with DuckDB and are shipped as files:
    ``COPY (SELECT * FROM read_csv('x.csv')) TO 'x.parquet' (FORMAT parquet)``.
    """
    return _stored(file, PARQUET, "application/vnd.apache.parquet", title, description, page, licence)


def _stored(
    file: str,
    file_type: str,
    media_type: str,
    title: tuple[str, str],
    description: tuple[str, str],
    page: str,
    licence: str,
) -> Dist:
    return Dist(
        {
            "title": {"en": title[0], "zh": title[1]},
            "description": {"en": description[0], "zh": description[1]},
            "access_url": page,
            "format": file_type,
            "media_type": media_type,
            "licence": licence,
        },
        file,
    )


def api(
    title: tuple[str, str], description: tuple[str, str], *, endpoint: str, licence: str | None = None
) -> Dist:
    """A distribution served by the provider's own API (no stored bytes)."""
    return Dist(
        {
            "title": {"en": title[0], "zh": title[1]},
            "description": {"en": description[0], "zh": description[1]},
            "access_url": endpoint,
            "format": JSON,
            "media_type": "application/json",
            **({"licence": licence} if licence else {}),
        }
    )


def describe(
    *,
    title: tuple[str, str],
    description: tuple[str, str],
    keywords: tuple[list[str], list[str]],
    grade: str,
    data_themes: list[str],
    contact: dict[str, str],
    licence: str,
    access_rights: str,
    spatial: list[str],
    temporal: tuple[str, str | None],
    update: str,
    issued: str,
    landing_page: str,
    personal_info: str = "none",
    **more: Any,
) -> dict[str, Any]:
    """A dataset's DCAT-AP metadata in English and Chinese, in the shape ``DatasetCreate`` takes."""
    start, end = temporal
    return {
        "title": {"en": title[0], "zh": title[1]},
        "description": {"en": description[0], "zh": description[1]},
        "keywords": {"en": keywords[0], "zh": keywords[1]},
        "grade": grade,
        "personal_info": personal_info,
        "themes": data_themes,
        "contact_point": contact,
        "licence": licence,
        "access_rights": access_rights,
        "spatial": spatial,
        "temporal": {"start": start, **({"end": end} if end else {})},
        "frequency": frequency(update),
        "issued": issued,
        "landing_page": landing_page,
        "languages": LANGUAGES,
        "version": "1.0",
        **more,
    }
