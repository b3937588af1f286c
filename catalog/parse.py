"""The harvest parser: one fetched catalog page in, records, tombstones and paging links out.

:func:`parse_catalog` reads a page in any RDF syntax (see :mod:`catalog.rdf_input` for the format
sniffing and the XML and JSON-LD safety rules), finds every ``dcat:Dataset`` in it and returns a
:class:`ParsedPage`. Each readable dataset comes with a canonical content hash
(:mod:`catalog.content_hash`) and the issues met while reading it; a dataset that cannot be read is
a :class:`RecordError` of its own and never aborts the page. A page that cannot be parsed at all
raises :class:`CatalogParseError`.

Paging is read from Hydra in both of its forms: the current ``hydra:PartialCollectionView``
(``hydra:next``) and the older ``hydra:PagedCollection`` (``hydra:nextPage``) that CKAN writes, with
links given as IRIs or as literals, relative links resolved against the page's IRI. Tombstones
written by :mod:`catalog.describe` (``as:Tombstone`` with ``as:formerType dcat:Dataset``) are read
back so a harvester learns of deletions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import pyoxigraph as ox

from catalog.content_hash import content_hash
from catalog.graph_index import GraphIndex, Subject, as_instant
from catalog.rdf_input import RdfInputError, read_quads
from catalog.read_records import RecordReader
from catalog.records import DatasetRecord, Tombstone
from catalog.vocab import AS, DCAT, HYDRA
from catalog.wellformed import check_iri

_AS_HTTP = "http://www.w3.org/ns/activitystreams#"
_HASH_NAMESPACE = uuid.UUID("5b0d4e3e-8a51-4c5e-9d6a-2f4f1f1a7c11")


class CatalogParseError(ValueError):
    """The page as a whole cannot be read: not RDF, a syntax error, unsafe XML, an unknown context."""


@dataclass(frozen=True, slots=True)
class HarvestedDataset:
    """A dataset read from a page, its canonical content hash and what could not be kept of it."""

    record: DatasetRecord
    content_hash: str
    issues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordError:
    """A dataset of the page that could not be read, and why."""

    iri: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageLinks:
    """Hydra paging information of a page (None where the page does not say)."""

    next: str | None = None
    previous: str | None = None
    first: str | None = None
    last: str | None = None
    total_items: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything a harvester needs from one page."""

    syntax: str
    datasets: tuple[HarvestedDataset, ...]
    errors: tuple[RecordError, ...] = ()
    tombstones: tuple[Tombstone, ...] = ()
    links: PageLinks = field(default_factory=PageLinks)

    @property
    def next_page(self) -> str | None:
        """The URL of the next page, if there is one."""
        return self.links.next


@dataclass(frozen=True, slots=True)
class PageEntry:
    """A dataset of a page before it is read: its key and content hash, and how to read it when needed.

    A harvester compares the hash with what it stored and reads the record only when it changed,
    which is most of the cost of a page.
    """

    key: str
    content_hash: str
    _reader: RecordReader = field(repr=False, compare=False)
    _subject: Subject = field(repr=False, compare=False)

    def read(self) -> HarvestedDataset | RecordError:
        """The dataset's record with its issues, or why it cannot be read."""
        issues: list[str] = []
        if isinstance(self._subject, ox.BlankNode):
            issues.append(f"the dataset is a blank node; it was given the IRI {self.key} from its content")
        result = self._reader.dataset(self._subject, self.key, issues)
        if isinstance(result, DatasetRecord):
            return HarvestedDataset(result, self.content_hash, tuple(issues))
        return RecordError(self.key, tuple(result))


@dataclass(frozen=True, slots=True)
class PageReader:
    """A parsed page whose datasets are read one at a time: entries, tombstones, links."""

    syntax: str
    entries: tuple[PageEntry, ...]
    tombstones: tuple[Tombstone, ...]
    errors: tuple[RecordError, ...]
    links: PageLinks


def read_page(
    data: bytes, content_type_or_format: str | None = None, base_iri: str | None = None
) -> PageReader:
    """Parse one catalog page (any RDF syntax, sniffed); its datasets are hashed but not yet read."""
    try:
        syntax, quads = read_quads(data, content_type_or_format, base_iri)
    except RdfInputError as error:
        raise CatalogParseError(str(error)) from None
    index = GraphIndex(quads)
    del quads
    reader = RecordReader(index)
    entries = []
    for subject in index.subjects_of_type(DCAT.Dataset):
        digest = content_hash(index, subject)
        key = subject.value if isinstance(subject, ox.NamedNode) else _minted_iri(digest)
        entries.append(PageEntry(key, digest, reader, subject))
    errors: list[RecordError] = []
    tombstones = _tombstones(index, errors)
    return PageReader(syntax, tuple(entries), tuple(tombstones), tuple(errors), _links(index, base_iri))


def parse_catalog(
    data: bytes, content_type_or_format: str | None = None, base_iri: str | None = None
) -> ParsedPage:
    """Parse one catalog page (any RDF syntax, sniffed) into datasets, errors, tombstones and links."""
    page = read_page(data, content_type_or_format, base_iri)
    datasets: list[HarvestedDataset] = []
    errors: list[RecordError] = []
    for entry in page.entries:
        result = entry.read()
        if isinstance(result, HarvestedDataset):
            datasets.append(result)
        else:
            errors.append(result)
    errors.extend(page.errors)
    return ParsedPage(
        syntax=page.syntax,
        datasets=tuple(datasets),
        errors=tuple(errors),
        tombstones=page.tombstones,
        links=page.links,
    )


def _minted_iri(digest: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_HASH_NAMESPACE, digest)}"


def _tombstones(index: GraphIndex, errors: list[RecordError]) -> list[Tombstone]:
    found = []
    for namespace in (AS.iri, _AS_HTTP):
        for subject in index.subjects_of_type(namespace + "Tombstone"):
            former = {v.value for v in index.values(subject, namespace + "formerType")}
            if DCAT.Dataset not in former or not isinstance(subject, ox.NamedNode):
                continue
            deleted = [as_instant(v) for v in index.values(subject, namespace + "deleted")]
            moment = next((d for d in deleted if isinstance(d, datetime)), None)
            if moment is None:
                errors.append(RecordError(subject.value, ("as:deleted is missing or not a date-time",)))
            else:
                found.append(Tombstone(subject.value, moment))
    return found


def _link(index: GraphIndex, subject: Subject, *predicates: str, base: str | None) -> str | None:
    for predicate in predicates:
        for value in index.values(subject, predicate):
            if isinstance(value, ox.BlankNode) or not value.value.strip():
                continue
            target = urljoin(base, value.value.strip()) if base else value.value.strip()
            try:
                return check_iri(target)
            except ValueError:
                continue
    return None


def _links(index: GraphIndex, base_iri: str | None) -> PageLinks:
    views = index.subjects_of_type(HYDRA.PartialCollectionView, HYDRA.PagedCollection)
    views += [
        s
        for s, props in index.props.items()
        if s not in views and (HYDRA.next in props or HYDRA.nextPage in props)
    ]
    if not views:
        return PageLinks(total_items=_total_items(index, []))
    here = [v for v in views if isinstance(v, ox.NamedNode) and base_iri and v.value == base_iri]
    view = here[0] if here else views[0]
    return PageLinks(
        next=_link(index, view, HYDRA.next, HYDRA.nextPage, base=base_iri),
        previous=_link(index, view, HYDRA.previous, HYDRA.previousPage, base=base_iri),
        first=_link(index, view, HYDRA.first, HYDRA.firstPage, base=base_iri),
        last=_link(index, view, HYDRA.last, HYDRA.lastPage, base=base_iri),
        total_items=_total_items(index, [view]),
    )


def _total_items(index: GraphIndex, views: list[Subject]) -> int | None:
    """hydra:totalItems of the view itself (PagedCollection), of the collection naming the view, or any."""
    candidates = list(views)
    candidates += [
        s for s, props in index.props.items() if any(v in views for v in props.get(HYDRA.view, ()))
    ]
    candidates += [s for s, props in index.props.items() if HYDRA.totalItems in props]
    for subject in candidates:
        for value in index.values(subject, HYDRA.totalItems):
            if isinstance(value, ox.Literal) and value.value.strip().isdigit():
                return int(value.value)
    return None
