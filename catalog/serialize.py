"""Streaming DCAT-AP serialisation of catalog feeds and of single datasets.

:func:`serialize_catalog` turns a catalog header and a lazy iterable of datasets and tombstones (a
database cursor, say) into byte chunks of Turtle, N-Triples, RDF/XML or JSON-LD. It never builds a
graph of the catalog: each record is described, printed and forgotten, so 100,000 datasets stream
in constant memory. :func:`serialize_dataset` writes one dataset (or its tombstone) for
``/dataset/<id>``, and :func:`hydra_view` computes the paging links of a feed page.

A withdrawn dataset is written as an ActivityStreams tombstone (``as:Tombstone``, ``as:formerType
dcat:Dataset``, ``as:deleted``) and is deliberately not a ``dcat:dataset`` of the catalog: the catalog
lists live datasets only, and harvesters still learn of the deletion from the same feed. The rest of
what is written, and why (the range typing the shapes demand, ``prov:wasDerivedFrom`` for harvested
copies), is explained in :mod:`catalog.describe`. Distribution IRIs are expected flat
(``<base>/distribution/<id>``), which keeps prefix-compressing writers elsewhere (rdflib's Turtle)
from going quadratic.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from catalog.describe import Describer
from catalog.records import CatalogRecord, DatasetRecord, HydraView, Tombstone
from catalog.writers import JsonLdWriter, NTriplesWriter, RdfXmlWriter, TurtleWriter, Writer


class Format(enum.Enum):
    """An output format with its name, media type and file suffix."""

    TURTLE = ("turtle", "text/turtle", "ttl")
    NTRIPLES = ("ntriples", "application/n-triples", "nt")
    RDFXML = ("rdfxml", "application/rdf+xml", "rdf")
    JSONLD = ("jsonld", "application/ld+json", "jsonld")

    @property
    def media_type(self) -> str:
        """The media type to send as Content-Type."""
        return self.value[1]

    @property
    def suffix(self) -> str:
        """The file suffix of the format, as in ``/catalog.ttl``."""
        return self.value[2]

    @classmethod
    def of(cls, name: Format | str) -> Format:
        """Return the format named by an enum member, a name, a suffix or a media type."""
        if isinstance(name, Format):
            return name
        key = name.split(";", 1)[0].strip().lower().lstrip(".")
        for fmt in cls:
            if key in fmt.value or key == fmt.name.lower():
                return fmt
        aliases = {"xml": cls.RDFXML, "json-ld": cls.JSONLD, "n-triples": cls.NTRIPLES, "nt11": cls.NTRIPLES}
        if key in aliases:
            return aliases[key]
        raise ValueError(f"unknown RDF format {name!r}; use one of {', '.join(f.value[0] for f in cls)}")

    def writer(self) -> Writer:
        """Return a fresh writer for one document in this format."""
        writers: dict[Format, type[Writer]] = {
            Format.TURTLE: TurtleWriter,
            Format.NTRIPLES: NTriplesWriter,
            Format.RDFXML: RdfXmlWriter,
            Format.JSONLD: JsonLdWriter,
        }
        return writers[self]()


@dataclass(frozen=True, slots=True)
class Fragment:
    """A dataset already written in one format by :func:`render_fragment`, to be spliced into a feed.

    A publisher renders each dataset once, when it changes, and streams the stored fragments: a feed of
    100,000 datasets is then mostly string concatenation.
    """

    text: str


Item = DatasetRecord | Tombstone
FeedItem = DatasetRecord | Tombstone | Fragment


def render_fragment(
    record: Item, fmt: Format | str, catalog_iri: str | None = None, service_iri: str | None = None
) -> Fragment:
    """Write one dataset (linked from the catalog and its service) or tombstone as a spliceable fragment."""
    writer = Format.of(fmt).writer()
    describer = Describer(bnode_prefix="b" + hashlib.sha256(record.iri.encode()).hexdigest()[:12] + "x")
    if isinstance(record, Tombstone):
        return Fragment(writer.nodes(describer.tombstone(record)))
    return Fragment(writer.nodes(describer.dataset(record, catalog_iri, service_iri)))


def serialize_catalog(
    catalog: CatalogRecord,
    items: Iterable[FeedItem],
    fmt: Format | str,
    view: HydraView | None = None,
    chunk_size: int = 64 * 1024,
) -> Iterator[bytes]:
    """Yield a catalog page (header, datasets, tombstones, optional Hydra view) as UTF-8 byte chunks."""
    writer = Format.of(fmt).writer()
    describer = Describer()
    service_iri = catalog.service.iri if catalog.service else None
    buffer = [writer.begin(), writer.nodes(describer.catalog(catalog, view))]
    size = 0
    for item in items:
        if isinstance(item, Fragment):
            text = writer.splice(item.text)
        elif isinstance(item, Tombstone):
            text = writer.nodes(describer.tombstone(item))
        else:
            text = writer.nodes(describer.dataset(item, catalog.iri, service_iri))
        buffer.append(text)
        size += len(text)
        if size >= chunk_size:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    buffer.append(writer.end())
    yield "".join(buffer).encode()


def serialize_dataset(record: Item, fmt: Format | str) -> bytes:
    """Return one dataset (with its distributions) or one tombstone as a complete document."""
    writer = Format.of(fmt).writer()
    describer = Describer()
    nodes = describer.tombstone(record) if isinstance(record, Tombstone) else describer.dataset(record)
    return (writer.begin() + writer.nodes(nodes) + writer.end()).encode()


def hydra_view(page_url: str, page: int, page_size: int, total_items: int, param: str = "page") -> HydraView:
    """Return the Hydra view of page ``page`` (1-based) of a collection, links set in query ``param``."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size must be at least 1")
    last = max(1, -(-total_items // page_size))
    scheme, netloc, path, query, _ = urlsplit(page_url)
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != param]

    def link(number: int) -> str:
        return urlunsplit((scheme, netloc, path, urlencode([*kept, (param, str(number))]), ""))

    return HydraView(
        iri=link(page),
        total_items=total_items,
        first=link(1),
        last=link(last),
        previous=link(page - 1) if page > 1 else None,
        next=link(page + 1) if page < last else None,
    )
