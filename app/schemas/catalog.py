"""Datasets, distributions and data services as providers submit them and the API returns them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from catalog.vocab import DATA_THEMES

from .common import PageQuery, Strict

THEME_IRIS = frozenset(concept.iri for concept in DATA_THEMES.values())
AVAILABLE = "http://publications.europa.eu/resource/authority/planned-availability/AVAILABLE"

GradeName = Literal["core", "important", "general-4", "general-3", "general-2", "general-1"]
PersonalInfo = Literal["none", "personal", "sensitive"]
RightName = Literal["holding", "processing", "operation"]

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _lang_map(value: dict[str, str]) -> dict[str, str]:
    for lang, text in value.items():
        if not _LANG.match(lang):
            raise ValueError(f"{lang!r} is not a language tag such as 'en' or 'zh'")
        if not text.strip():
            raise ValueError(f"the {lang!r} text is empty")
    return {lang: text.strip() for lang, text in value.items()}


def _theme(value: str) -> str:
    if value not in THEME_IRIS:
        raise ValueError(
            f"{value!r} is not an EU data theme (http://publications.europa.eu/resource/authority/data-theme/...)"
        )
    return value


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.match(value.lower()):
        raise ValueError(f"{value!r} is not a media type such as 'text/csv'")
    return value.lower()


def _sha256(value: str) -> str:
    if not _SHA256.match(value.lower()):
        raise ValueError("a SHA-256 checksum is 64 hexadecimal digits")
    return value.lower()


LangMap = Annotated[
    dict[str, str],
    Field(min_length=1, examples=[{"en": "Air quality", "zh": "空气质量"}]),
    AfterValidator(_lang_map),
]
Iri = Annotated[HttpUrl, Field(description="an http(s) IRI")]
Theme = Annotated[str, AfterValidator(_theme)]
MediaType = Annotated[str, AfterValidator(_media_type)]
Sha256 = Annotated[str, AfterValidator(_sha256)]


class ContactPointIn(Strict):
    """Who to ask about the dataset."""

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _reachable(self) -> ContactPointIn:
        if not self.email and not self.url:
            raise ValueError("a contact point needs an email or a url")
        return self


class RightIn(Strict):
    """One of the separated rights: holding the data resource, processing/use, operating products."""

    right: RightName
    holder: str = Field(min_length=1, max_length=200, description="the holder's name")
    holder_org_id: str | None = Field(None, description="the holder's organisation on this node, if any")


class LineageIn(Strict):
    """An input the dataset is derived from, with the weight of its contribution."""

    dataset_id: str = Field(min_length=1, max_length=36)
    weight: int = Field(ge=1, le=1_000_000, description="relative contribution weight")


class TemporalIn(Strict):
    """The period the data covers."""

    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TemporalIn:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end is before start")
        return self


class DistributionIn(Strict):
    """A distribution: where and in which form the data can be had."""

    title: LangMap | None = None
    description: LangMap | None = None
    access_url: HttpUrl | None = None
    download_url: HttpUrl | None = None
    format: Iri | None = Field(None, description="EU file-type IRI, e.g. .../file-type/CSV")
    media_type: MediaType | None = None
    byte_size: int | None = Field(None, ge=0)
    checksum_sha256: Sha256 | None = None
    licence: Iri | None = None
    availability: Iri | None = Field(
        AVAILABLE,
        validate_default=True,
        description="planned availability (EU authority); default: available for the foreseeable future",
    )


class DatasetIn(Strict):
    """The metadata of a dataset (every field optional, for updates)."""

    title: LangMap | None = None
    description: LangMap | None = None
    identifier: str | None = Field(None, max_length=500)
    keywords: dict[str, list[Annotated[str, Field(min_length=1, max_length=200)]]] | None = Field(
        None, description="keywords per language", examples=[{"en": ["air"], "zh": ["空气"]}]
    )
    themes: list[Theme] | None = None
    grade: GradeName | None = None
    personal_info: PersonalInfo | None = None
    contact_point: ContactPointIn | None = None
    licence: Iri | None = None
    access_rights: Iri | None = None
    spatial: list[Iri] | None = None
    temporal: TemporalIn | None = None
    frequency: Iri | None = None
    issued: AwareDatetime | None = None
    conforms_to: list[Iri] | None = None
    version: str | None = Field(None, max_length=100)
    landing_page: HttpUrl | None = None
    languages: list[Iri] | None = None
    rights: list[RightIn] | None = None
    lineage: list[LineageIn] | None = None
    distributions: list[DistributionIn] | None = Field(None, max_length=100)
    data_service_ids: list[str] | None = None


class DatasetCreate(DatasetIn):
    """A new dataset: title, description and grade are required."""

    title: LangMap
    description: LangMap
    grade: GradeName


class Transition(Strict):
    """A status change, with the reason where one is required (rejection, withdrawal)."""

    reason: str | None = Field(None, max_length=2000)


class DistributionOut(BaseModel):
    """A distribution."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: dict[str, str]
    description: dict[str, str]
    access_url: str | None
    download_url: str | None
    format: str | None
    media_type: str | None
    byte_size: int | None
    checksum_sha256: str | None
    licence: str | None
    availability: str | None
    stored: bool = Field(description="the bytes are in the node's storage")


class HarvestedFrom(BaseModel):
    """Where a harvested dataset comes from: access is requested at its home node, not here."""

    source_id: str
    source: str = Field(description="the harvest source, also the dataset's publisher here")
    remote_iri: str | None = Field(description="the dataset's IRI at its home node")
    request_access_at: str | None = Field(description="its page at the home node (landing page or IRI)")


class DatasetOut(BaseModel):
    """A dataset as the API returns it."""

    id: str
    iri: str
    org_id: str
    publisher: str
    status: str
    grade: str
    personal_info: str
    identifier: str | None
    title: dict[str, str]
    description: dict[str, str]
    keywords: dict[str, list[str]]
    themes: list[str]
    contact_point: dict[str, str | None] | None
    licence: str | None
    access_rights: str | None
    spatial: list[str]
    temporal: dict[str, date | None] | None
    frequency: str | None
    issued: datetime | None
    modified: datetime
    conforms_to: list[str]
    version: str | None
    landing_page: str | None
    languages: list[str]
    rights: list[dict[str, str | None]]
    lineage: list[dict[str, str | int]]
    distributions: list[DistributionOut]
    data_service_ids: list[str]
    published_at: datetime | None
    withdrawn_at: datetime | None
    harvested: HarvestedFrom | None = Field(
        None, description="set on datasets harvested from another catalog"
    )


class DatasetQuery(PageQuery):
    """Search and facet filters."""

    q: str | None = Field(
        None, max_length=200, description="full text over titles, descriptions and keywords"
    )
    theme: list[str] | str | None = None
    publisher: list[str] | str | None = Field(None, description="organisation id")
    format: list[str] | str | None = None
    licence: list[str] | str | None = None
    grade: list[GradeName] | GradeName | None = None
    keyword: list[str] | str | None = None
    sort: Literal["relevance", "title", "modified", "-modified", "published", "-published"] = "relevance"
    per_page: int = Field(20, ge=1, le=100)


class FacetValue(BaseModel):
    """One value of a facet and how many results carry it."""

    value: str
    label: str
    count: int


class SearchResult(BaseModel):
    """One page of search results with the facets of the whole result set."""

    items: list[DatasetOut]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]]


class DataServiceIn(Strict):
    """An API through which an organisation serves its datasets."""

    title: LangMap
    description: LangMap | None = None
    endpoint_url: HttpUrl
    endpoint_description: HttpUrl | None = Field(None, description="e.g. its OpenAPI document")
    licence: Iri | None = None


class DataServiceOut(BaseModel):
    """A data service."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    title: dict[str, str]
    description: dict[str, str]
    endpoint_url: str
    endpoint_description: str | None
    licence: str | None
