"""Datasets, their distributions and data services, as a provider lists them.

Language-tagged texts are JSON objects ``{"en": "...", "zh": "..."}``; the values that search and
facets need (themes, keywords, formats) also live in small tables so they can be counted in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_dict, json_list, new_id, utcnow


class Grade(StrEnum):
    """Classified and graded authorisation (after GB/T 43697-2024), strictest first."""

    CORE = "core"
    IMPORTANT = "important"
    GENERAL_4 = "general-4"
    GENERAL_3 = "general-3"
    GENERAL_2 = "general-2"
    GENERAL_1 = "general-1"


class DatasetStatus(StrEnum):
    """Where a listing is in its life: draft → in_review → published → withdrawn."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Dataset(SQLModel, table=True):
    """A dataset as DCAT-AP describes it, with its grade, rights and status on this node."""

    __table_args__ = (Index("ix_dataset_feed", "feed_at", "id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    status: str = Field(default=DatasetStatus.DRAFT.value, max_length=16, index=True)
    grade: str = Field(max_length=16, index=True)
    personal_info: str = Field(default="none", max_length=16, description="none | personal | sensitive")
    identifier: str | None = Field(default=None, max_length=500)
    title: dict[str, str] = Field(sa_column=Column(json_dict(), nullable=False))
    description: dict[str, str] = Field(sa_column=Column(json_dict(), nullable=False))
    contact_point: dict[str, Any] | None = Field(default=None, sa_column=Column(json_dict()))
    licence: str | None = Field(default=None, max_length=500)
    access_rights: str | None = Field(default=None, max_length=500)
    spatial: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    temporal_start: date | None = None
    temporal_end: date | None = None
    frequency: str | None = Field(default=None, max_length=500)
    issued: datetime | None = Field(default=None, sa_type=UTCDateTime)
    modified: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    conforms_to: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    version: str | None = Field(default=None, max_length=100)
    landing_page: str | None = Field(default=None, max_length=1000)
    languages: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    rights: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(json_list(), nullable=False),
        description="separated rights: [{right: holding|processing|operation, holder, holder_org_id}]",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feed_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="position in the catalog feed: published or withdrawn at",
    )
    # No foreign key: adding one would rebuild this table on SQLite; deleting a source deletes its datasets.
    harvest_source_id: str | None = Field(
        default=None,
        index=True,
        max_length=36,
        description="set on datasets harvested from another catalog, which are offered at their home node",
    )
    remote_iri: str | None = Field(default=None, max_length=1000, description="a harvested dataset's own IRI")


class DatasetTheme(SQLModel, table=True):
    """A dataset's theme (EU data-theme IRI)."""

    __tablename__ = "dataset_theme"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="CASCADE")
    theme: str = Field(primary_key=True, max_length=500, index=True)


class DatasetKeyword(SQLModel, table=True):
    """A dataset's keyword in one language."""

    __tablename__ = "dataset_keyword"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="CASCADE")
    lang: str = Field(primary_key=True, max_length=16)
    keyword: str = Field(primary_key=True, max_length=200, index=True)
    position: int = Field(default=0, description="the order the provider gave")


class DatasetLineage(SQLModel, table=True):
    """A dataset derived from another, with the weight of that input's contribution."""

    __tablename__ = "dataset_lineage"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="CASCADE")
    source_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="RESTRICT")
    weight: int = Field(ge=1, description="relative contribution weight of this input")


class Distribution(SQLModel, table=True):
    """One way to get a dataset's data: a stored file, a table for queries, or an upstream URL."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36, ondelete="CASCADE")
    position: int = Field(default=0)
    title: dict[str, str] = Field(default_factory=dict, sa_column=Column(json_dict(), nullable=False))
    description: dict[str, str] = Field(default_factory=dict, sa_column=Column(json_dict(), nullable=False))
    access_url: str | None = Field(default=None, max_length=1000)
    download_url: str | None = Field(default=None, max_length=1000)
    format: str | None = Field(default=None, max_length=500, index=True)
    media_type: str | None = Field(default=None, max_length=200)
    byte_size: int | None = None
    checksum_sha256: str | None = Field(default=None, max_length=64)
    licence: str | None = Field(default=None, max_length=500)
    availability: str | None = Field(default=None, max_length=500, description="planned availability IRI")
    storage_key: str | None = Field(default=None, max_length=500, description="file in the node's storage")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    modified: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DataService(SQLModel, table=True):
    """An API through which datasets are served."""

    __tablename__ = "data_service"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    title: dict[str, str] = Field(sa_column=Column(json_dict(), nullable=False))
    description: dict[str, str] = Field(default_factory=dict, sa_column=Column(json_dict(), nullable=False))
    endpoint_url: str = Field(max_length=1000)
    endpoint_description: str | None = Field(default=None, max_length=1000)
    licence: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DatasetService(SQLModel, table=True):
    """A data service serves a dataset."""

    __tablename__ = "dataset_service"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="CASCADE")
    service_id: str = Field(
        foreign_key="data_service.id", primary_key=True, max_length=36, ondelete="CASCADE"
    )


class DatasetReview(SQLModel, table=True):
    """A status change of a listing: who, when, and why."""

    __tablename__ = "dataset_review"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36, ondelete="CASCADE")
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    actor_user_id: str | None = Field(default=None, max_length=36)
    actor_org_id: str | None = Field(default=None, max_length=36)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DatasetSearch(SQLModel, table=True):
    """The text search matches on: titles, descriptions and keywords, CJK runs split into bigrams.

    SQLite indexes it with FTS5 (``dataset_fts``), PostgreSQL with a GIN index over its tsvector;
    both are created by the migration for their dialect.
    """

    __tablename__ = "dataset_search"
    __table_args__ = (UniqueConstraint("dataset_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: str = Field(foreign_key="dataset.id", max_length=36, ondelete="CASCADE")
    document: str = Field(sa_column=Column(Text, nullable=False))


class DatasetRendering(SQLModel, table=True):
    """A published dataset already written in one RDF format, for feeds to splice instead of re-describing.

    ``stamp`` records what the text was written from (the dataset's and its publisher's last change, and
    the node's base URL); a feed uses the text only while the stamp still matches.
    """

    __tablename__ = "dataset_rendering"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36, ondelete="CASCADE")
    format: str = Field(primary_key=True, max_length=8)
    stamp: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
