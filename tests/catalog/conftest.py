"""Fixtures of the catalog library's tests: the shared reference files, the shapes, a sample catalog."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import rdflib

from catalog import synthetic, vocab
from catalog.records import (
    CatalogRecord,
    ContactPoint,
    DatasetRecord,
    DistributionRecord,
    HydraView,
    LangText,
    Tombstone,
)
from catalog.serialize import hydra_view
from catalog.validate import shapes_graph

SHARED = Path(__file__).resolve().parents[3] / "shared"
FIXTURES = SHARED / "fixtures" / "dcat"
EXAMPLES = SHARED / "standards" / "dcat-ap-3.0.1" / "examples"
HVD_EXAMPLES = SHARED / "standards" / "dcat-ap-hvd-3.0.0" / "examples"
BASE = synthetic.BASE


@pytest.fixture(scope="session", autouse=True)
def shapes() -> rdflib.Graph:
    """The DCAT-AP shapes, parsed once for the whole session (validate() reuses the cached graph)."""
    return shapes_graph()


@pytest.fixture
def catalog() -> CatalogRecord:
    """The header of a bilingual node catalog with its catalog service."""
    return synthetic.catalog()


@pytest.fixture
def dataset() -> DatasetRecord:
    """A complete dataset in Chinese and English with two distributions."""
    return synthetic.dataset(1)


@pytest.fixture
def rich_dataset() -> DatasetRecord:
    """A dataset using every field: three distributions, one served by an API, provenance, a source."""
    base = synthetic.dataset(2, distributions=3)
    api = dataclasses.replace(
        synthetic.catalog_service(),
        iri=f"{BASE}/service/indicators-api",
        endpoint_url=f"{BASE}/api/indicators",
        titles=(LangText("Indicators API", "en"), LangText("指标接口", "zh")),
    )
    served = dataclasses.replace(base.distributions[2], access_services=(api,), checksum=None, byte_size=None)
    return dataclasses.replace(
        base,
        distributions=(*base.distributions[:2], served),
        keywords=(*base.keywords, LangText('统计 & <数据> "引号"', "zh")),
        descriptions=(*base.descriptions[:1], LangText("多行\n描述\t与 \\ 反斜杠", "zh")),
        applicable_legislation=("http://data.europa.eu/eli/reg_impl/2023/138/oj",),
        was_generated_by=f"{BASE}/activity/survey-2024",
        provenance=(LangText("Collected by the statistics office.", "en"),),
        source="https://other-node.example.net/dataset/42",
        contact_points=(ContactPoint(None, "Helpdesk", "help@example.org", f"{BASE}/help"),),
        licence=vocab.LICENCES["CC_BY_4_0"].iri,
        issued=datetime(2024, 3, 1, 8, 30, tzinfo=UTC),
    )


@pytest.fixture
def tombstone() -> Tombstone:
    """A withdrawn dataset."""
    return Tombstone(f"{BASE}/dataset/withdrawn-7", datetime(2025, 5, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def view() -> HydraView:
    """Page 2 of 4 of a paged catalog feed."""
    return hydra_view(f"{BASE}/catalog.ttl?page=2", page=2, page_size=3, total_items=12)


@pytest.fixture
def page_items(dataset: DatasetRecord, rich_dataset: DatasetRecord, tombstone: Tombstone) -> list:
    """Two datasets and a tombstone: the items of one feed page."""
    return [dataset, rich_dataset, tombstone]


def minimal_dataset(iri: str = f"{BASE}/dataset/minimal", **changes: object) -> DatasetRecord:
    """A small dataset that conforms, to be changed field by field in tests."""
    record = DatasetRecord(
        iri=iri,
        titles=(LangText("Minimal", "en"),),
        descriptions=(LangText("A minimal dataset.", "en"),),
        publisher=synthetic.publisher(),
        distributions=(
            DistributionRecord(
                f"{BASE}/distribution/minimal-1", f"{BASE}/data/minimal-1", format=vocab.FILE_TYPES["CSV"].iri
            ),
        ),
        issued=date(2024, 1, 1),
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]
