"""The streaming writers: conformant, identical across formats and parsers, paged, with tombstones."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from catalog import synthetic
from catalog.records import CatalogRecord, DatasetRecord, HydraView, Tombstone
from catalog.serialize import Format, hydra_view, serialize_catalog, serialize_dataset
from catalog.validate import validate
from catalog.vocab import AS, DCAT, HYDRA, PREFIXES, RDF

RDFLIB_FORMATS = {
    Format.TURTLE: "turtle",
    Format.NTRIPLES: "nt",
    Format.RDFXML: "xml",
    Format.JSONLD: "json-ld",
}
OX_FORMATS = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    Format.RDFXML: ox.RdfFormat.RDF_XML,
    Format.JSONLD: ox.RdfFormat.JSON_LD,
}


def rdflib_graph(data: bytes, fmt: Format) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])


def oxigraph_dataset(data: bytes, fmt: Format) -> ox.Dataset:
    dataset = ox.Dataset(ox.parse(data, OX_FORMATS[fmt]))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


@pytest.fixture
def feeds(catalog: CatalogRecord, page_items: list, view: HydraView) -> dict[Format, bytes]:
    """The sample page in every format."""
    return {fmt: b"".join(serialize_catalog(catalog, page_items, fmt, view)) for fmt in Format}


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_of_a_page_conforms_to_the_shapes(feeds: dict[Format, bytes], fmt: Format) -> None:
    report = validate(feeds[fmt], fmt.value[0])
    assert report.violations == ()
    # what remains are recommendations no record field can meet: a geometry for each place
    assert {w.path for w in report.warnings} <= {"dcat:bbox", "dcat:centroid"}


def test_all_formats_parse_to_isomorphic_graphs_with_rdflib(feeds: dict[Format, bytes]) -> None:
    reference = rdflib_graph(feeds[Format.TURTLE], Format.TURTLE)
    assert len(reference) > 200
    for fmt in Format:
        assert isomorphic(rdflib_graph(feeds[fmt], fmt), reference), fmt


def test_all_formats_parse_to_the_same_canonical_dataset_with_pyoxigraph(feeds: dict[Format, bytes]) -> None:
    reference = oxigraph_dataset(feeds[Format.NTRIPLES], Format.NTRIPLES)
    for fmt in Format:
        assert oxigraph_dataset(feeds[fmt], fmt) == reference, fmt


def test_rdflib_and_pyoxigraph_read_the_same_triples(feeds: dict[Format, bytes]) -> None:
    from_rdflib = rdflib_graph(feeds[Format.JSONLD], Format.JSONLD)
    from_oxigraph = rdflib.Graph().parse(data=feeds[Format.NTRIPLES], format="nt")
    assert isomorphic(from_rdflib, from_oxigraph)
    assert len(oxigraph_dataset(feeds[Format.RDFXML], Format.RDFXML)) == len(from_rdflib)


def test_tombstone_is_written_but_not_listed_in_the_catalog(
    feeds: dict[Format, bytes], tombstone: Tombstone
) -> None:
    graph = rdflib_graph(feeds[Format.TURTLE], Format.TURTLE)
    node = rdflib.URIRef(tombstone.iri)
    assert (node, rdflib.URIRef(RDF.type), rdflib.URIRef(AS.Tombstone)) in graph
    assert (node, rdflib.URIRef(AS.formerType), rdflib.URIRef(DCAT.Dataset)) in graph
    deleted = graph.value(node, rdflib.URIRef(AS.deleted))
    assert deleted is not None
    assert deleted.toPython() == tombstone.deleted_at
    assert (None, rdflib.URIRef(DCAT.dataset), node) not in graph
    assert (node, rdflib.URIRef(RDF.type), rdflib.URIRef(DCAT.Dataset)) not in graph


def test_hydra_view_links_the_page_to_its_neighbours(
    feeds: dict[Format, bytes], catalog: CatalogRecord
) -> None:
    graph = rdflib_graph(feeds[Format.JSONLD], Format.JSONLD)
    h = rdflib.Namespace(HYDRA.iri)
    page = graph.value(rdflib.URIRef(catalog.iri), h.view)
    assert str(page) == f"{synthetic.BASE}/catalog.ttl?page=2"
    assert (page, rdflib.RDF.type, h.PartialCollectionView) in graph
    assert {str(p): str(graph.value(page, h[p])) for p in ("first", "previous", "next", "last")} == {
        "first": f"{synthetic.BASE}/catalog.ttl?page=1",
        "previous": f"{synthetic.BASE}/catalog.ttl?page=1",
        "next": f"{synthetic.BASE}/catalog.ttl?page=3",
        "last": f"{synthetic.BASE}/catalog.ttl?page=4",
    }
    assert graph.value(rdflib.URIRef(catalog.iri), h.totalItems).toPython() == 12


def test_hydra_view_of_first_and_last_pages() -> None:
    first = hydra_view("https://n.example/catalog.jsonld?q=bees&page=9", page=1, page_size=10, total_items=25)
    assert first.previous is None
    assert first.next == "https://n.example/catalog.jsonld?q=bees&page=2"
    assert first.last == "https://n.example/catalog.jsonld?q=bees&page=3"
    last = hydra_view("https://n.example/catalog.jsonld", page=3, page_size=10, total_items=25)
    assert last.next is None
    assert last.previous == "https://n.example/catalog.jsonld?page=2"
    empty = hydra_view("https://n.example/catalog.jsonld", page=1, page_size=10, total_items=0)
    assert empty.last == empty.first
    assert empty.next is None


def test_turtle_declares_prefixes_once_at_the_top(feeds: dict[Format, bytes]) -> None:
    text = feeds[Format.TURTLE].decode()
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("@prefix")] == lines[: len(PREFIXES)]
    assert "dcat:Dataset" in text


def test_jsonld_is_one_json_document_with_context_and_graph(feeds: dict[Format, bytes]) -> None:
    document = json.loads(feeds[Format.JSONLD])
    assert set(document) == {"@context", "@graph"}
    assert document["@context"]["dcat"] == DCAT.iri
    assert any(node.get("@type") == ["dcat:Dataset"] for node in document["@graph"])


def test_distribution_iris_are_flat(feeds: dict[Format, bytes], dataset: DatasetRecord) -> None:
    graph = rdflib_graph(feeds[Format.NTRIPLES], Format.NTRIPLES)
    distributions = set(graph.objects(rdflib.URIRef(dataset.iri), rdflib.URIRef(DCAT.distribution)))
    assert len(distributions) == 2
    assert all(str(d).startswith(f"{synthetic.BASE}/distribution/") for d in distributions)


def test_shared_resources_are_described_once_per_document(catalog: CatalogRecord) -> None:
    items = (synthetic.dataset(i) for i in range(20))
    text = b"".join(serialize_catalog(catalog, items, Format.TURTLE)).decode()
    licence = "<http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> a dct:LicenseDocument"
    assert text.count(licence) == 1
    assert text.count(f"<{synthetic.publisher().iri}> a foaf:Agent") == 1


def test_feed_streams_in_chunks_from_a_lazy_iterable(catalog: CatalogRecord) -> None:
    produced = []

    def items():  # a generator, as a database cursor would be
        for i in range(100):
            produced.append(i)
            yield synthetic.dataset(i)

    chunks = serialize_catalog(catalog, items(), Format.TURTLE, chunk_size=8 * 1024)
    first = next(chunks)
    assert 0 < len(produced) < 100  # the first chunk left before the last record was read
    rest = list(chunks)
    assert len(rest) > 5
    quads = ox.parse(first + b"".join(rest), ox.RdfFormat.TURTLE)
    datasets = {q.subject for q in quads if q.predicate.value == RDF.type and q.object.value == DCAT.Dataset}
    assert len(datasets) == 100


@pytest.mark.parametrize("fmt", list(Format))
def test_single_dataset_document_conforms_and_parses(rich_dataset: DatasetRecord, fmt: Format) -> None:
    data = serialize_dataset(rich_dataset, fmt)
    assert validate(data, fmt.media_type).violations == ()
    graph = rdflib_graph(data, fmt)
    assert (rdflib.URIRef(rich_dataset.iri), rdflib.RDF.type, rdflib.URIRef(DCAT.Dataset)) in graph
    assert isomorphic(graph, rdflib_graph(serialize_dataset(rich_dataset, Format.NTRIPLES), Format.NTRIPLES))


@pytest.mark.parametrize("fmt", list(Format))
def test_single_tombstone_document(tombstone: Tombstone, fmt: Format) -> None:
    graph = rdflib_graph(serialize_dataset(tombstone, fmt), fmt)
    assert len(graph) == 3


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ttl", Format.TURTLE),
        ("text/turtle; charset=utf-8", Format.TURTLE),
        ("nt", Format.NTRIPLES),
        ("application/rdf+xml", Format.RDFXML),
        ("xml", Format.RDFXML),
        (".jsonld", Format.JSONLD),
        ("json-ld", Format.JSONLD),
        ("JSONLD", Format.JSONLD),
    ],
)
def test_format_names(name: str, fmt: Format) -> None:
    assert Format.of(name) is fmt


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown RDF format"):
        Format.of("text/html")


@pytest.mark.parametrize("fmt", list(Format))
def test_spliced_fragments_give_the_same_graph_as_streamed_records(fmt):
    """Fragments rendered one by one and spliced into a feed equal the feed written from the records."""
    from catalog import synthetic
    from catalog.serialize import render_fragment

    header = synthetic.catalog()
    records = [synthetic.dataset(i) for i in range(5)]
    service = header.service.iri if header.service else None
    fragments = [render_fragment(r, fmt, header.iri, service) for r in records]
    streamed = b"".join(serialize_catalog(header, records, fmt))
    spliced = b"".join(serialize_catalog(header, fragments, fmt))
    parse_as = {
        Format.TURTLE: "turtle",
        Format.NTRIPLES: "nt",
        Format.RDFXML: "xml",
        Format.JSONLD: "json-ld",
    }[fmt]
    assert rdflib.compare.isomorphic(
        rdflib.Graph().parse(data=streamed, format=parse_as),
        rdflib.Graph().parse(data=spliced, format=parse_as),
    )
