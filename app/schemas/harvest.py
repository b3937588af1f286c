"""Harvest sources and runs as the operator's API and CLI see them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, UrlConstraints

from .catalog import GradeName
from .common import PageQuery, Strict

SourceFormat = Literal["auto", "turtle", "rdfxml", "jsonld", "ntriples"]
SourceUrl = Annotated[HttpUrl, UrlConstraints(max_length=1000)]


class SourceIn(Strict):
    """A catalog to harvest: where, in what syntax (``auto`` sniffs it), how often, and what it may do."""

    name: str = Field(min_length=1, max_length=200, description="also the publisher of its datasets here")
    url: SourceUrl = Field(description="the catalog's first page (DCAT or DCAT-AP in any RDF syntax)")
    format: SourceFormat = "auto"
    schedule_minutes: int | None = Field(
        None, ge=5, le=525_600, description="harvest every N minutes; null: only when asked"
    )
    allow_private: bool = Field(
        False, description="the source's own host may be on loopback or a private network"
    )
    republish: bool = Field(False, description="its datasets appear in this node's feeds, with provenance")
    modified_since_param: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$",
        description="query parameter for incremental runs (dxnodes: modified_since)",
    )
    max_pages: int = Field(1000, ge=1, le=100_000, description="pages read at most in one run")
    grade: GradeName = Field("general-1", description="the grade its datasets get on this node")
    jurisdiction: str = Field("ZZ", pattern=r"^[A-Z]{2}$", description="the source's country, if known")


class SourcePatch(Strict):
    """Change a source; only the given fields change."""

    url: SourceUrl | None = None
    format: SourceFormat | None = None
    schedule_minutes: int | None = Field(None, ge=5, le=525_600)
    allow_private: bool | None = None
    republish: bool | None = None
    modified_since_param: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
    max_pages: int | None = Field(None, ge=1, le=100_000)


class SourceOut(BaseModel):
    """A harvest source."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    url: str
    format: str
    org_id: str
    grade: str
    schedule_minutes: int | None
    next_run_at: datetime | None
    allow_private: bool
    republish: bool
    modified_since_param: str | None
    max_pages: int
    datasets: int = Field(0, description="live datasets harvested from it")
    created_at: datetime
    updated_at: datetime


class RunStart(Strict):
    """Start a run now; ``full`` reads the whole catalog even when the source supports incremental runs."""

    full: bool = False


class RunError(BaseModel):
    """A record a run could not keep, and why."""

    iri: str
    reason: str
    page: str | None = None


class RunOut(BaseModel):
    """A harvest run: its counts, how it ended, and its per-record errors."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    source_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    trigger: str
    incremental: bool
    complete: bool
    pages: int
    new: int
    updated: int
    unchanged: int
    withdrawn: int
    failed: int
    error: str | None
    errors: list[RunError] = Field(default_factory=list)
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RunQuery(PageQuery):
    """Paging of a source's runs, newest first."""

    per_page: int = Field(20, ge=1, le=100)


class RunPage(BaseModel):
    """One page of runs."""

    items: list[RunOut]
    total: int
    page: int
    per_page: int


def run_output(run: Any) -> dict[str, Any]:
    """A run as the API shows it."""
    return RunOut.model_validate(run).model_dump()
