"""Plain records of what a node publishes: datasets, distributions, services, agents, tombstones.

The records are frozen dataclasses without any RDF machinery, so the database layer, the web app and
the harvester can build and compare them cheaply. Construction checks only what every serialisation
needs to stay well-formed (see :mod:`catalog.wellformed`), timezone-aware datetimes and well-formed
language tags. Whether a record satisfies DCAT-AP is the job of :mod:`catalog.validate`, so a record
may lack mandatory properties and still be built, and then reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from catalog.wellformed import check_iri, check_text

_LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_LOWER_TAGS: set[str] = {"en", "zh", "de", "fr", "es", "it", "nl", "pt", "el", "ja", "ko", "ru", "ar"}
_HEX: Final = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_SPDX_NAME: Final = re.compile(r"[a-z0-9_]+")
_MEDIA_TYPE: Final = re.compile(r"[A-Za-z0-9][\w!#$&^.+\-]*/[A-Za-z0-9][\w!#$&^.+\-]*")

Instant = date | datetime


def _check_instant(value: Instant | None, what: str) -> None:
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value.isoformat()}")
    if value is not None and not isinstance(value, date):
        raise ValueError(f"{what} must be a date or datetime, got {value!r}")


def _check_iris(values: tuple[str, ...], what: str) -> None:
    if not isinstance(values, tuple):
        raise ValueError(f"{what} must be a tuple, got {type(values).__name__}")
    for value in values:
        check_iri(value, what)


def _check_optional_iri(value: str | None, what: str) -> None:
    if value is not None:
        check_iri(value, what)


@dataclass(frozen=True, slots=True)
class LangText:
    """A literal with an optional language tag (normalised to lower case, as RDF compares tags)."""

    text: str
    lang: str | None = None

    def __post_init__(self) -> None:
        check_text(self.text)
        if self.lang is not None and self.lang not in _LOWER_TAGS:
            if not _LANGUAGE_TAG.fullmatch(self.lang):
                raise ValueError(f"malformed language tag {self.lang!r}")
            object.__setattr__(self, "lang", self.lang.lower())
            if len(_LOWER_TAGS) < 1000:
                _LOWER_TAGS.add(self.lang)


@dataclass(frozen=True, slots=True)
class Agent:
    """A publisher or creator: IRI (None for a blank node), names and type (an ADMS publisher type)."""

    iri: str | None
    names: tuple[LangText, ...] = ()
    type: str | None = None

    def __post_init__(self) -> None:
        _check_optional_iri(self.iri, "agent IRI")
        _check_optional_iri(self.type, "agent type")


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """A vCard contact: formatted name, e-mail address (without ``mailto:``) and web page."""

    iri: str | None = None
    fn: str | None = None
    email: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        _check_optional_iri(self.iri, "contact point IRI")
        if self.fn is not None:
            check_text(self.fn, "contact name")
        if self.email is not None:
            check_iri("mailto:" + self.email, "contact e-mail")
        _check_optional_iri(self.url, "contact URL")


@dataclass(frozen=True, slots=True)
class PeriodOfTime:
    """A temporal coverage: start and/or end as dates or timezone-aware datetimes."""

    start: Instant | None = None
    end: Instant | None = None

    def __post_init__(self) -> None:
        _check_instant(self.start, "period start")
        _check_instant(self.end, "period end")
        if self.start is None and self.end is None:
            raise ValueError("a period of time needs a start or an end")


@dataclass(frozen=True, slots=True)
class Checksum:
    """The checksum of a distribution's bytes, hex encoded (SPDX algorithm name, e.g. ``sha256``)."""

    value: str
    algorithm: str = "sha256"

    def __post_init__(self) -> None:
        if not _HEX.fullmatch(self.value):
            raise ValueError(f"checksum value must be hexadecimal, got {self.value!r}")
        if not _SPDX_NAME.fullmatch(self.algorithm):
            raise ValueError(
                f"checksum algorithm must be an SPDX name such as 'sha256', got {self.algorithm!r}"
            )


@dataclass(frozen=True, slots=True)
class DataServiceRecord:
    """A data service (an API or the node's own catalog endpoint)."""

    iri: str
    titles: tuple[LangText, ...]
    endpoint_url: str
    endpoint_description: str | None = None
    descriptions: tuple[LangText, ...] = ()
    serves_dataset: tuple[str, ...] = ()
    licence: str | None = None
    access_rights: str | None = None
    conforms_to: tuple[str, ...] = ()
    publisher: Agent | None = None
    contact_points: tuple[ContactPoint, ...] = ()
    keywords: tuple[LangText, ...] = ()
    themes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_iri(self.iri, "data service IRI")
        check_iri(self.endpoint_url, "endpoint URL")
        _check_optional_iri(self.endpoint_description, "endpoint description")
        _check_optional_iri(self.licence, "licence")
        _check_optional_iri(self.access_rights, "access rights")
        _check_iris(self.serves_dataset, "served dataset")
        _check_iris(self.conforms_to, "standard")
        _check_iris(self.themes, "theme")


@dataclass(frozen=True, slots=True)
class DistributionRecord:
    """One way to get a dataset's data: a file, a feed or an API, with its format and licence."""

    iri: str | None
    access_url: str
    titles: tuple[LangText, ...] = ()
    descriptions: tuple[LangText, ...] = ()
    download_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    byte_size: int | None = None
    checksum: Checksum | None = None
    licence: str | None = None
    availability: str | None = None
    access_services: tuple[DataServiceRecord, ...] = ()
    issued: Instant | None = None
    modified: Instant | None = None

    def __post_init__(self) -> None:
        _check_optional_iri(self.iri, "distribution IRI")
        check_iri(self.access_url, "access URL")
        _check_optional_iri(self.download_url, "download URL")
        _check_optional_iri(self.format, "format")
        _check_optional_iri(self.licence, "licence")
        _check_optional_iri(self.availability, "availability")
        if self.media_type is not None and not _MEDIA_TYPE.fullmatch(self.media_type):
            raise ValueError(f"media type must look like 'text/csv', got {self.media_type!r}")
        if self.byte_size is not None and (not isinstance(self.byte_size, int) or self.byte_size < 0):
            raise ValueError(f"byte size must be a non-negative integer, got {self.byte_size!r}")
        _check_instant(self.issued, "distribution issued")
        _check_instant(self.modified, "distribution modified")


@dataclass(frozen=True, slots=True)
class DatasetRecord:
    """A dataset as the node publishes it (or as a harvest read it), with its distributions."""

    iri: str
    titles: tuple[LangText, ...]
    descriptions: tuple[LangText, ...]
    identifier: str | None = None
    keywords: tuple[LangText, ...] = ()
    themes: tuple[str, ...] = ()
    publisher: Agent | None = None
    contact_points: tuple[ContactPoint, ...] = ()
    licence: str | None = None
    access_rights: str | None = None
    spatial: tuple[str, ...] = ()
    temporal: tuple[PeriodOfTime, ...] = ()
    frequency: str | None = None
    issued: Instant | None = None
    modified: Instant | None = None
    conforms_to: tuple[str, ...] = ()
    version: str | None = None
    landing_page: str | None = None
    languages: tuple[str, ...] = ()
    distributions: tuple[DistributionRecord, ...] = ()
    applicable_legislation: tuple[str, ...] = ()
    was_generated_by: str | None = None
    provenance: tuple[LangText, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        check_iri(self.iri, "dataset IRI")
        if self.identifier is not None:
            check_text(self.identifier, "identifier")
        if self.version is not None:
            check_text(self.version, "version")
        _check_iris(self.themes, "theme")
        _check_iris(self.spatial, "spatial")
        _check_iris(self.conforms_to, "standard")
        _check_iris(self.languages, "language")
        _check_iris(self.applicable_legislation, "applicable legislation")
        _check_optional_iri(self.licence, "licence")
        _check_optional_iri(self.access_rights, "access rights")
        _check_optional_iri(self.frequency, "frequency")
        _check_optional_iri(self.landing_page, "landing page")
        _check_optional_iri(self.was_generated_by, "was generated by")
        _check_optional_iri(self.source, "source")
        _check_instant(self.issued, "issued")
        _check_instant(self.modified, "modified")


@dataclass(frozen=True, slots=True)
class CatalogRecord:
    """The header of a catalog feed: the catalog itself and the node's own catalog service."""

    iri: str
    titles: tuple[LangText, ...]
    descriptions: tuple[LangText, ...]
    publisher: Agent
    homepage: str | None = None
    languages: tuple[str, ...] = ()
    licence: str | None = None
    issued: Instant | None = None
    modified: Instant | None = None
    spatial: tuple[str, ...] = ()
    theme_taxonomies: tuple[str, ...] = ("http://publications.europa.eu/resource/authority/data-theme",)
    service: DataServiceRecord | None = None

    def __post_init__(self) -> None:
        check_iri(self.iri, "catalog IRI")
        _check_optional_iri(self.homepage, "homepage")
        _check_optional_iri(self.licence, "licence")
        _check_iris(self.languages, "language")
        _check_iris(self.spatial, "spatial")
        _check_iris(self.theme_taxonomies, "theme taxonomy")
        _check_instant(self.issued, "catalog issued")
        _check_instant(self.modified, "catalog modified")


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A dataset that was published and then withdrawn, so harvesters can delete their copy."""

    iri: str
    deleted_at: datetime

    def __post_init__(self) -> None:
        check_iri(self.iri, "tombstone IRI")
        if not isinstance(self.deleted_at, datetime):
            raise ValueError("deleted_at must be a datetime")
        _check_instant(self.deleted_at, "deleted_at")


@dataclass(frozen=True, slots=True)
class HydraView:
    """Links of one page of a paged collection (``hydra:PartialCollectionView``) and the collection size."""

    iri: str
    total_items: int
    first: str | None = None
    last: str | None = None
    next: str | None = None
    previous: str | None = None

    def __post_init__(self) -> None:
        check_iri(self.iri, "page IRI")
        for name in ("first", "last", "next", "previous"):
            _check_optional_iri(getattr(self, name), f"hydra:{name}")
        if self.total_items < 0:
            raise ValueError("total_items must not be negative")
