"""Validation reports name the properties a record lacks, from the dataset down."""

from __future__ import annotations

import dataclasses

import rdflib

from catalog import vocab
from catalog.records import Agent, DatasetRecord, LangText
from catalog.serialize import Format, serialize_dataset
from catalog.validate import WITH_VOCABULARIES, validate, validate_dataset

from .conftest import FIXTURES, minimal_dataset


def test_a_complete_record_conforms(dataset: DatasetRecord) -> None:
    report = validate_dataset(dataset)
    assert report.conforms
    assert report.failing_paths() == []


def test_missing_title_and_description_are_reported_by_path() -> None:
    report = validate_dataset(minimal_dataset(titles=(), descriptions=()))
    assert not report.conforms
    assert report.failing_paths() == ["dct:description", "dct:title"]
    assert {v.constraint for v in report.violations} == {"MinCountConstraintComponent"}


def test_failures_below_the_dataset_get_the_path_from_the_dataset() -> None:
    record = minimal_dataset(
        publisher=Agent("https://node.example.org/org/unnamed"),
        themes=("https://themes.example.org/unknown",),
    )
    report = validate_dataset(record)
    assert report.failing_paths() == ["dcat:theme/skos:prefLabel", "dct:publisher/foaf:name"]
    by_path = {v.property_path: v for v in report.violations}
    assert by_path["dct:publisher/foaf:name"].focus_node == "https://node.example.org/org/unnamed"


def test_unmet_recommendations_are_warnings_not_violations() -> None:
    report = validate_dataset(minimal_dataset())
    assert report.conforms
    warned = {w.property_path for w in report.warnings}
    assert {"dcat:keyword", "dcat:contactPoint", "dcat:theme"} <= warned


def test_blank_node_failures_get_a_path_too() -> None:
    record = minimal_dataset(publisher=Agent(None, (), None))
    assert validate_dataset(record).failing_paths() == ["dct:publisher/foaf:name"]


def test_validate_accepts_an_rdflib_graph_and_bytes_in_any_syntax(dataset: DatasetRecord) -> None:
    data = serialize_dataset(dataset, Format.RDFXML)
    assert validate(data, "application/octet-stream").conforms
    graph = rdflib.Graph().parse(data=data, format="xml")
    assert validate(graph).conforms


def test_real_world_files_are_reported_not_refused() -> None:
    report = validate((FIXTURES / "synthetic" / "tiny" / "catalog_3.ttl").read_bytes(), "turtle")
    assert not report.conforms
    assert len(report.violations) == 42  # the range violations the fixtures' README announces
    assert {v.constraint for v in report.violations} == {"ClassConstraintComponent"}


def test_controlled_vocabulary_shapes_are_available_on_request(dataset: DatasetRecord) -> None:
    record = dataclasses.replace(dataset, languages=("https://languages.example.org/klingon",))
    assert validate_dataset(record).conforms
    strict = validate(serialize_dataset(record, Format.NTRIPLES), "nt", shapes=WITH_VOCABULARIES)
    assert any(v.path == "dct:language" for v in strict.violations)


def test_multilingual_text_is_fine(dataset: DatasetRecord) -> None:
    record = dataclasses.replace(dataset, titles=(LangText("Ĉiu", "eo"), LangText("蜜蜂", "zh-Hans")))
    assert validate_dataset(record).conforms
    assert record.titles[1].lang == "zh-hans"


def test_vocabulary_concepts_are_described_with_label_and_scheme(dataset: DatasetRecord) -> None:
    graph = rdflib.Graph().parse(data=serialize_dataset(dataset, Format.TURTLE), format="turtle")
    theme = rdflib.URIRef(dataset.themes[0])
    skos = rdflib.Namespace(vocab.SKOS.iri)
    assert (theme, rdflib.RDF.type, skos.Concept) in graph
    assert graph.value(theme, skos.inScheme) == rdflib.URIRef(vocab.AUTHORITY + "data-theme")
    assert graph.value(theme, skos.prefLabel) is not None
