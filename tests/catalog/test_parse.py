"""The harvest parser over real catalogs, our own feeds, paging, hashes and per-record errors."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from catalog import spellings
from catalog.parse import CatalogParseError, parse_catalog
from catalog.records import CatalogRecord, DatasetRecord, HydraView, Tombstone
from catalog.serialize import Format, serialize_catalog, serialize_dataset

from .conftest import EXAMPLES, FIXTURES

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".ttl", ".rdf", ".jsonld", ".trig"})
READABLE = [p for p in FIXTURE_FILES if not p.name.startswith("NEGATIVE_")]
NEGATIVE = [p for p in FIXTURE_FILES if p.name.startswith("NEGATIVE_")]


def canonical(value: object) -> object:
    """A record with every tuple sorted, so records compare whatever order their values came in."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple((f.name, canonical(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, tuple):
        return tuple(sorted((canonical(v) for v in value), key=repr))
    return value


def as_harvested(record: DatasetRecord) -> object:
    """What a harvest reads back of a record we wrote: all of it, except derived service links."""
    distributions = tuple(
        dataclasses.replace(
            d, access_services=tuple(dataclasses.replace(s, serves_dataset=()) for s in d.access_services)
        )
        for d in record.distributions
    )
    return canonical(dataclasses.replace(record, distributions=distributions))


@pytest.mark.parametrize("path", READABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_world_fixture_yields_datasets(path: Path) -> None:
    page = parse_catalog(path.read_bytes(), None, f"https://harvest.example/{path.name}")
    assert page.datasets, page.errors
    for harvested in page.datasets:
        assert harvested.record.titles
        assert harvested.record.descriptions
        assert len(harvested.content_hash) == 64


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_broken_fixtures_fail_with_a_located_error(path: Path) -> None:
    with pytest.raises(CatalogParseError, match=r"line \d+"):
        parse_catalog(path.read_bytes(), "text/turtle")


@pytest.mark.parametrize("fmt", list(Format))
def test_our_feed_reads_back_into_the_same_records(
    fmt: Format, catalog: CatalogRecord, page_items: list, view: HydraView
) -> None:
    data = b"".join(serialize_catalog(catalog, page_items, fmt, view))
    page = parse_catalog(data, fmt.media_type, view.iri)
    datasets = [item for item in page_items if isinstance(item, DatasetRecord)]
    assert page.errors == ()
    assert sorted((canonical(h.record) for h in page.datasets), key=repr) == sorted(
        (as_harvested(d) for d in datasets), key=repr
    )
    assert page.tombstones == tuple(item for item in page_items if isinstance(item, Tombstone))
    assert page.links.next == view.next
    assert page.links.previous == view.previous
    assert page.links.total_items == view.total_items


def test_content_hash_is_the_same_in_every_syntax(rich_dataset: DatasetRecord) -> None:
    hashes = {parse_catalog(serialize_dataset(rich_dataset, fmt)).datasets[0].content_hash for fmt in Format}
    assert len(hashes) == 1


def test_content_hash_ignores_blank_node_ids_and_order_but_not_content() -> None:
    original = (FIXTURES / "ckanext-dcat" / "dataset_afs.ttl").read_bytes()
    relabelled = ox.serialize(
        reversed(list(ox.parse(original, ox.RdfFormat.TURTLE, rename_blank_nodes=True))),
        format=ox.RdfFormat.N_QUADS,
    )
    first, second = (
        parse_catalog(original).datasets[0],
        parse_catalog(relabelled, "application/n-quads").datasets[0],
    )
    assert first.content_hash == second.content_hash
    edited = parse_catalog(original.replace(b"text/csv", b"text/plain")).datasets[0]
    assert edited.content_hash != first.content_hash


def test_content_hash_does_not_depend_on_the_other_datasets_of_the_page(
    catalog: CatalogRecord, dataset: DatasetRecord
) -> None:
    alone = parse_catalog(b"".join(serialize_catalog(catalog, [dataset], Format.TURTLE)))
    from catalog import synthetic

    crowded = parse_catalog(
        b"".join(serialize_catalog(catalog, [synthetic.dataset(5), dataset], Format.TURTLE))
    )
    by_iri = {h.record.iri: h.content_hash for h in crowded.datasets}
    assert by_iri[dataset.iri] == alone.datasets[0].content_hash


def test_blank_node_dataset_gets_a_stable_iri_from_its_content() -> None:
    document = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        [] a dcat:Dataset ; dct:title "Anonymous"@en ; dct:description "No IRI."@en ;
           dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://x.example/data> ] ."""
    first, again = (
        parse_catalog(document).datasets[0],
        parse_catalog(document.replace(b"[] a", b"_:z a")).datasets[0],
    )
    assert first.record.iri.startswith("urn:uuid:")
    assert first.record.iri == again.record.iri
    assert any("blank node" in issue for issue in first.issues)
    assert first.record.distributions[0].iri is None


def test_unreadable_records_are_reported_without_aborting_the_page() -> None:
    document = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://x.example/good> a dcat:Dataset ; dct:title "Good" ; dct:description "Complete." .
        <https://x.example/bad> a dcat:Dataset ; dct:description "No title." ."""
    page = parse_catalog(document, "text/turtle")
    assert [h.record.iri for h in page.datasets] == ["https://x.example/good"]
    assert [(e.iri, e.problems) for e in page.errors] == [
        ("https://x.example/bad", ("dct:title is missing",))
    ]


def test_dirty_values_are_dropped_with_an_issue_or_understood() -> None:
    document = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://x.example/d> a dcat:Dataset ; dct:title "T" ; dct:description "D" ;
          dct:language "en" ; dct:accessRights "PUBLIC" ; dcat:theme "weather" ; dct:issued "06/05/2009" ;
          dcat:landingPage "https://x.example/landing" ;
          dcat:distribution [ dcat:downloadURL <https://x.example/f.csv> ; dct:format "CSV" ;
                              dcat:byteSize "1024.0"^^<http://www.w3.org/2001/XMLSchema#decimal> ] ."""
    harvested = parse_catalog(document).datasets[0]
    record = harvested.record
    assert record.languages == ("http://publications.europa.eu/resource/authority/language/ENG",)
    assert record.access_rights == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    assert record.landing_page == "https://x.example/landing"
    assert record.themes == ()
    assert record.issued is None
    distribution = record.distributions[0]
    assert distribution.access_url == distribution.download_url == "https://x.example/f.csv"
    assert distribution.format == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert distribution.byte_size == 1024
    issues = " | ".join(harvested.issues)
    assert "'weather' is not an IRI" in issues
    assert "'06/05/2009' is not a date" in issues
    assert "no dcat:accessURL" in issues


def test_the_declared_content_type_is_only_a_hint(dataset: DatasetRecord) -> None:
    for fmt, claimed in [
        (Format.TURTLE, "application/rdf+xml"),
        (Format.RDFXML, "text/plain"),
        (Format.JSONLD, "application/octet-stream"),
        (Format.NTRIPLES, None),
    ]:
        page = parse_catalog(serialize_dataset(dataset, fmt), claimed)
        assert [h.record.iri for h in page.datasets] == [dataset.iri], fmt


def test_utf16_documents_are_transcoded(dataset: DatasetRecord) -> None:
    text = serialize_dataset(dataset, Format.RDFXML).decode().replace('encoding="utf-8"', 'encoding="UTF-16"')
    page = parse_catalog(text.encode("utf-16"))
    assert page.datasets[0].record.titles == dataset.titles


@pytest.mark.parametrize("document", [b"", b"   \n", b"\x00\x01binary", b"<html><body>Not RDF</body></html>"])
def test_non_rdf_is_a_parse_error(document: bytes) -> None:
    with pytest.raises(CatalogParseError):
        parse_catalog(document, "text/html")


def test_unknown_remote_jsonld_context_is_refused_not_fetched() -> None:
    document = b'{"@context": "https://contexts.example.net/dcat.jsonld", "@id": "https://x.example/d"}'
    with pytest.raises(CatalogParseError, match=r"contexts\.example\.net"):
        parse_catalog(document, "application/ld+json")


@pytest.mark.parametrize("name", ["example-bee-population", "example-bee-population-2022-2023"])
def test_jsonld_examples_with_the_known_remote_context_read_like_their_turtle_twins(name: str) -> None:
    from_jsonld = parse_catalog((EXAMPLES / f"{name}.jsonld").read_bytes())
    from_turtle = parse_catalog((EXAMPLES / f"{name}.ttl").read_bytes())
    assert from_jsonld.datasets == from_turtle.datasets
    assert len(from_turtle.datasets) >= 1


def test_paged_synthetic_catalog_is_followed_to_the_end(tmp_path: Path) -> None:
    generator = FIXTURES / "synthetic" / "generate.py"
    subprocess.run(
        [sys.executable, str(generator), "25", "10", str(tmp_path)], check=True, capture_output=True
    )
    pages = {
        f"https://node.example.org/catalog.ttl?page={k}": tmp_path / "paged" / f"catalog_page_{k}.ttl"
        for k in (1, 2, 3)
    }
    url: str | None = "https://node.example.org/catalog.ttl?page=1"
    seen: list[str] = []
    while url:
        page = parse_catalog(pages[url].read_bytes(), "text/turtle", url)
        assert page.errors == ()
        assert page.links.total_items == 25
        seen += [h.record.iri for h in page.datasets]
        url = page.next_page
    assert len(seen) == len(set(seen)) == 25
    whole = parse_catalog((tmp_path / "catalog_25.ttl").read_bytes(), "text/turtle")
    assert sorted(h.record.iri for h in whole.datasets) == sorted(seen)


def test_legacy_paged_collection_of_ckan() -> None:
    page = parse_catalog(
        (FIXTURES / "ckanext-dcatde" / "catalog-endpoint.rdf").read_bytes(), "application/rdf+xml"
    )
    assert page.links.total_items == 6
    assert page.links.first == page.links.last == "http://data.example-domain.de/catalog.rdf?page=1"
    assert page.next_page is None
    assert len(page.datasets) == 6


def test_next_page_given_as_a_literal_or_relative_iri() -> None:
    legacy = b"""<?xml version="1.0"?>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:hydra="http://www.w3.org/ns/hydra/core#">
        <hydra:PagedCollection rdf:about="https://ckan.example/catalog.rdf?page=1">
          <hydra:nextPage>https://ckan.example/catalog.rdf?page=2</hydra:nextPage>
          <hydra:totalItems rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">250</hydra:totalItems>
        </hydra:PagedCollection>
      </rdf:RDF>"""
    page = parse_catalog(legacy, "application/rdf+xml", "https://ckan.example/catalog.rdf?page=1")
    assert page.next_page == "https://ckan.example/catalog.rdf?page=2"
    assert page.links.total_items == 250
    current = b"""@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
        <https://n.example/catalog> hydra:totalItems 40 ; hydra:view <?page=3> .
        <?page=3> a hydra:PartialCollectionView ; hydra:next <?page=4> ; hydra:previous "?page=2" ."""
    page = parse_catalog(current, "text/turtle", "https://n.example/catalog?page=3")
    assert page.next_page == "https://n.example/catalog?page=4"
    assert page.links.previous == "https://n.example/catalog?page=2"
    assert page.links.total_items == 40


def test_trig_named_graphs_are_read() -> None:
    page = parse_catalog(
        (FIXTURES / "piveau" / "hub-registry_example_metric.trig").read_bytes(), "application/trig"
    )
    assert page.syntax == "turtle"
    assert [h.record.identifier for h in page.datasets] == ["sampleDataset"]


@pytest.mark.parametrize(
    ("text", "is_iri", "expected"),
    [
        ("CSV", False, ("http://publications.europa.eu/resource/authority/file-type/CSV", None)),
        ("text/csv", False, ("http://publications.europa.eu/resource/authority/file-type/CSV", "text/csv")),
        (
            "https://www.iana.org/assignments/media-types/application/x-netcdf",
            True,
            (None, "application/x-netcdf"),
        ),
        ("http://example.org/formats/netcdf", True, ("http://example.org/formats/netcdf", None)),
        ("Zipped CSV", False, None),
    ],
)
def test_format_spellings(text: str, is_iri: bool, expected: tuple | None) -> None:
    assert spellings.file_format(text, is_iri) == expected


def test_size_and_checksum_spellings() -> None:
    assert spellings.whole_number("1234.0") == 1234
    assert spellings.whole_number("12.5") is None
    assert spellings.whole_number("-1") is None
    assert spellings.whole_number("NaN") is None
    assert spellings.checksum_algorithm("http://spdx.org/rdf/terms#checksumAlgorithm_sha256") == "sha256"
    assert spellings.checksum_algorithm("http://dcat-ap.de/def/hashalgorithms/sha/256") == "sha256"
