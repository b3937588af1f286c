"""Records refuse only what no serialisation could write."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from catalog import vocab
from catalog.records import (
    Checksum,
    ContactPoint,
    DistributionRecord,
    LangText,
    PeriodOfTime,
    Tombstone,
)
from catalog.wellformed import check_iri, clean_text

from .conftest import minimal_dataset


@pytest.mark.parametrize(
    "iri",
    [
        "relative/path",
        "http://x.example/a b",
        "http://x.example/<a>",
        'http://x.example/"',
        "http://x.example/\x01",
        "dcat:Dataset",
        "DCT:title",
        "",
        "http://x.example/\ufffe",
    ],
)
def test_unwritable_iris_are_refused(iri: str) -> None:
    with pytest.raises(ValueError, match="IRI"):
        check_iri(iri)


@pytest.mark.parametrize(
    "iri",
    [
        "https://x.example/a?b=c&d=[1]",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "http://例子.测试/路径",
    ],
)
def test_real_iris_are_accepted(iri: str) -> None:
    assert check_iri(iri) == iri


def test_text_that_xml_cannot_carry_is_refused_and_can_be_cleaned() -> None:
    with pytest.raises(ValueError, match="U\\+000B"):
        LangText("vertical\x0btab", "en")
    assert clean_text("vertical\x0btab") == "vertical\ufffdtab"
    assert LangText("tabs\tand\nnewlines\r", "en").text == "tabs\tand\nnewlines\r"


def test_language_tags_are_checked_and_lower_cased() -> None:
    assert LangText("x", "ZH-Hant-TW").lang == "zh-hant-tw"
    with pytest.raises(ValueError, match="language tag"):
        LangText("x", "en_GB")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        minimal_dataset(modified=datetime(2024, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        Tombstone("https://x.example/d", datetime(2024, 1, 1))


def test_period_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="start or an end"):
        PeriodOfTime()
    assert PeriodOfTime(end=date(2024, 1, 1)).start is None


def test_checksum_and_media_type_and_size_are_checked() -> None:
    with pytest.raises(ValueError, match="hexadecimal"):
        Checksum("not hex")
    with pytest.raises(ValueError, match="media type"):
        DistributionRecord(None, "https://x.example/a", media_type="csv")
    with pytest.raises(ValueError, match="byte size"):
        DistributionRecord(None, "https://x.example/a", byte_size=-1)


def test_contact_email_must_be_writable_as_mailto() -> None:
    assert ContactPoint(email="desk@example.org").email == "desk@example.org"
    with pytest.raises(ValueError, match="e-mail"):
        ContactPoint(email="desk at example dot org")


def test_records_are_values() -> None:
    assert minimal_dataset() == minimal_dataset()
    assert hash(minimal_dataset()) == hash(minimal_dataset())
    assert minimal_dataset() != minimal_dataset(version="2")


def test_vocabularies_offer_the_eu_choices() -> None:
    assert len(vocab.DATA_THEMES) == 13
    assert vocab.DATA_THEMES["ECON"].iri == "http://publications.europa.eu/resource/authority/data-theme/ECON"
    assert vocab.FILE_TYPES["PARQUET"].iri.endswith("/file-type/PARQUET")
    assert set(vocab.ACCESS_RIGHTS) == {"PUBLIC", "RESTRICTED", "NON_PUBLIC"}
    assert vocab.LANGUAGES["ZHO"].iri.endswith("/language/ZHO")
    assert {"CC_BY_4_0", "CC0", "ODC_BY"} <= set(vocab.LICENCES)
    assert all(concept.scheme in vocab.SCHEMES for concept in vocab.CONCEPTS.values())
    assert vocab.DCT.title == "http://purl.org/dc/terms/title"
    assert vocab.DCT["format"] == "http://purl.org/dc/terms/format"
