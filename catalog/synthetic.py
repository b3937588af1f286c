"""Deterministic synthetic records of realistic size, for benchmarks, demos and tests.

Every value derives from the dataset number, so two runs produce the same catalog. A dataset has
English and Chinese titles, two distributions with flat IRIs, a checksum, a temporal coverage and
values from each EU vocabulary the node offers.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from functools import cache

from catalog import vocab
from catalog.records import (
    Agent,
    CatalogRecord,
    Checksum,
    ContactPoint,
    DataServiceRecord,
    DatasetRecord,
    DistributionRecord,
    LangText,
    PeriodOfTime,
)

BASE = "https://node.example.org"
_THEMES = list(vocab.DATA_THEMES.values())
_FORMATS = ["CSV", "JSON", "PARQUET", "XML", "XLSX", "RDF_TURTLE"]
_FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL"]
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@cache
def publisher(base: str = BASE) -> Agent:
    """The synthetic node's publishing organisation."""
    return Agent(
        f"{base}/organization/exchange",
        (LangText("Example Data Exchange", "en"), LangText("示例数据交易所", "zh")),
        vocab.PUBLISHER_TYPES["Company"].iri,
    )


@cache
def catalog_service(base: str = BASE) -> DataServiceRecord:
    """The node's own catalog endpoint as a DCAT data service."""
    return DataServiceRecord(
        iri=f"{base}/service/catalog",
        titles=(LangText("DCAT-AP catalog feed", "en"), LangText("DCAT-AP 目录接口", "zh")),
        endpoint_url=f"{base}/catalog",
        endpoint_description=f"{base}/openapi.json",
        conforms_to=("http://data.europa.eu/r5r/",),
        publisher=publisher(base),
        contact_points=(ContactPoint(f"{base}/contact/catalog", "Catalog desk", "catalog@node.example.org"),),
        keywords=(LangText("catalog", "en"), LangText("目录", "zh")),
        themes=(vocab.DATA_THEMES["GOVE"].iri,),
        licence=vocab.LICENCES["CC0"].iri,
    )


def catalog(base: str = BASE) -> CatalogRecord:
    """The header of the synthetic node's catalog."""
    return CatalogRecord(
        iri=f"{base}/catalog",
        titles=(LangText("Example exchange catalog", "en"), LangText("示例交易所目录", "zh")),
        descriptions=(LangText("Datasets listed on the example data exchange.", "en"),),
        publisher=publisher(base),
        homepage=f"{base}/",
        languages=(vocab.LANGUAGES["ENG"].iri, vocab.LANGUAGES["ZHO"].iri),
        licence=vocab.LICENCES["CC0"].iri,
        issued=date(2024, 1, 1),
        modified=datetime(2025, 6, 1, tzinfo=UTC),
        spatial=(vocab.COUNTRIES["CHN"].iri,),
        service=catalog_service(base),
    )


def distribution(i: int, k: int, base: str = BASE) -> DistributionRecord:
    """Distribution ``k`` of synthetic dataset ``i``, with a flat IRI."""
    code = _FORMATS[(i + k) % len(_FORMATS)]
    ident = f"{i:07d}-{k}"
    return DistributionRecord(
        iri=f"{base}/distribution/{ident}",
        access_url=f"{base}/data/{ident}",
        titles=(LangText(f"{code} export {k} of dataset {i}", "en"),),
        descriptions=(LangText(f"Full {code} export of dataset {i}, refreshed with each release.", "en"),),
        download_url=f"{base}/data/{ident}.{code.lower()}",
        format=vocab.FILE_TYPES[code].iri,
        media_type=vocab.FILE_TYPE_MEDIA_TYPES[code],
        byte_size=10_000 + i * 37 + k,
        checksum=Checksum(hashlib.sha256(ident.encode()).hexdigest()),
        licence=vocab.LICENCES["CC_BY_4_0"].iri,
        availability=vocab.AVAILABILITY["STABLE"].iri,
        issued=_EPOCH + timedelta(days=i % 365),
    )


def dataset(i: int, base: str = BASE, distributions: int = 2) -> DatasetRecord:
    """Synthetic dataset number ``i`` with ``distributions`` distributions."""
    theme = _THEMES[i % len(_THEMES)]
    ident = f"{i:07d}"
    return DatasetRecord(
        iri=f"{base}/dataset/{ident}",
        identifier=ident,
        titles=(LangText(f"{theme.label}: indicator series {i}", "en"), LangText(f"指标序列 {i}", "zh")),
        descriptions=(
            LangText(
                f"Monthly indicator series number {i} on {theme.label.lower()}, collected from the "
                "providers of the exchange, checked for completeness and published with its methodology.",
                "en",
            ),
            LangText(f"第 {i} 号月度指标序列，经完整性检查后发布。", "zh"),  # noqa: RUF001 - Chinese punctuation
        ),
        keywords=(LangText("indicators", "en"), LangText(theme.code.lower(), "en"), LangText("指标", "zh")),
        themes=(theme.iri,),
        publisher=publisher(base),
        contact_points=(
            ContactPoint(f"{base}/contact/desk-{i % 50}", f"Data desk {i % 50}", f"desk{i % 50}@example.org"),
        ),
        access_rights=vocab.ACCESS_RIGHTS["PUBLIC"].iri,
        spatial=(vocab.COUNTRIES["CHN"].iri,),
        temporal=(PeriodOfTime(date(2015 + i % 5, 1, 1), date(2024, 12, 31)),),
        frequency=vocab.FREQUENCIES[_FREQUENCIES[i % len(_FREQUENCIES)]].iri,
        issued=date(2024, 1, 1) + timedelta(days=i % 365),
        modified=_EPOCH + timedelta(days=365 + i % 300, seconds=i),
        conforms_to=(f"{base}/schema/indicator-series",),
        version=f"1.{i % 10}",
        landing_page=f"{base}/datasets/{ident}",
        languages=(vocab.LANGUAGES["ZHO"].iri, vocab.LANGUAGES["ENG"].iri),
        distributions=tuple(distribution(i, k, base) for k in range(1, distributions + 1)),
    )
