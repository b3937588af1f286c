"""Federation: the catalogs this node harvests, each run of a harvest, and every remote dataset it keeps.

A harvested dataset is an ordinary :class:`~app.models.catalog.Dataset` row (published, owned by the
source's organisation, marked with its source and remote IRI), so search, facets and pages treat it
like a local one; :class:`HarvestedRecord` ties it to the remote record and its content hash.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_list, new_id, utcnow


class RunStatus(StrEnum):
    """Where a harvest run is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class HarvestSource(SQLModel, table=True):
    """A catalog the operator registered for harvesting: where, how often, and what it may do."""

    __tablename__ = "harvest_source"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=200, unique=True)
    url: str = Field(max_length=1000, description="the catalog's first page")
    format: str = Field(
        default="auto", max_length=16, description="auto | turtle | rdfxml | jsonld | ntriples"
    )
    org_id: str = Field(
        foreign_key="organization.id",
        index=True,
        max_length=36,
        ondelete="RESTRICT",
        description="the organisation that stands for the source as publisher of its datasets",
    )
    grade: str = Field(default="general-1", max_length=16, description="grade given to its datasets here")
    schedule_minutes: int | None = Field(default=None, description="harvest every N minutes; None: by hand")
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    allow_private: bool = Field(default=False, description="may reach loopback and private addresses")
    republish: bool = Field(default=False, description="its datasets appear in this node's own feed")
    modified_since_param: str | None = Field(
        default=None, max_length=64, description="query parameter for incremental runs, e.g. modified_since"
    )
    max_pages: int = Field(default=1000, description="pages read at most in one run")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HarvestRun(SQLModel, table=True):
    """One harvest of a source: its counts, its per-record errors, and whether it saw the whole catalog."""

    __tablename__ = "harvest_run"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    source_id: str = Field(foreign_key="harvest_source.id", index=True, max_length=36, ondelete="CASCADE")
    status: str = Field(default=RunStatus.QUEUED.value, max_length=16, index=True)
    trigger: str = Field(default="manual", max_length=16, description="manual | schedule | api")
    incremental: bool = Field(default=False, description="asked only for what changed since the last run")
    complete: bool = Field(default=False, description="every page was read: absent records are withdrawn")
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    failed: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
    errors: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(json_list(), nullable=False),
        description="per-record errors: [{iri, reason, page}]",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HarvestedRecord(SQLModel, table=True):
    """A remote dataset stored once per source, keyed by its IRI (or a hash-minted IRI for a blank node)."""

    __tablename__ = "harvested_record"
    __table_args__ = (UniqueConstraint("source_id", "remote_key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    source_id: str = Field(foreign_key="harvest_source.id", max_length=36, ondelete="CASCADE")
    remote_key: str = Field(max_length=1000)
    content_hash: str = Field(max_length=64)
    dataset_id: str = Field(foreign_key="dataset.id", unique=True, max_length=36, ondelete="CASCADE")
    page_url: str | None = Field(default=None, max_length=2000, description="the page it was last read on")
    last_seen_run_id: str | None = Field(default=None, max_length=36, index=True)
    issues: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HarvestPage(SQLModel, table=True):
    """What a source's page looked like last time (ETag, digest), to skip it when it has not changed."""

    __tablename__ = "harvest_page"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    source_id: str = Field(foreign_key="harvest_source.id", max_length=36, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    etag: str | None = Field(default=None, max_length=500)
    digest: str = Field(max_length=64, description="SHA-256 of the page's bytes")
    records: int = Field(default=0, description="datasets read from it")
    next_url: str | None = Field(default=None, max_length=2000, description="its link to the next page")
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
