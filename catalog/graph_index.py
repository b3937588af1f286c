"""A harvested page's triples indexed by subject, with the typed readers the record reader needs.

Values come back sorted, so a record read from a page does not depend on the order of its triples,
and dirty values (a literal where an IRI belongs, a date in an odd form) are either understood or
reported through the ``issues`` list the caller passes in, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

import pyoxigraph as ox

from catalog.records import LangText
from catalog.vocab import RDF
from catalog.wellformed import check_iri, clean_text

Subject = ox.NamedNode | ox.BlankNode
Value = ox.NamedNode | ox.BlankNode | ox.Literal

_RDF_TYPE = RDF.type
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?")


def term_label(term: Value) -> str:
    """A short human reading of a term for messages: the IRI, ``_:id`` or the literal text."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return "a blank node"
    return repr(term.value[:60])


class GraphIndex:
    """Subject -> predicate IRI -> distinct objects, over every graph of a parsed document."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        index: dict[Subject, dict[str, dict[Value, None]]] = {}
        triple = ox.Triple
        for subject, iri, obj, _ in quads:  # unpacking a quad is cheaper than reading its attributes
            if isinstance(subject, triple) or isinstance(obj, triple):  # RDF-star is not DCAT
                continue
            props = index.get(subject)
            if props is None:
                props = index[subject] = {}
            predicate = iri.value
            values = props.get(predicate)
            if values is None:
                props[predicate] = {obj: None}
            else:
                values[obj] = None
        self.props = index

    def subjects_of_type(self, *classes: str) -> list[Subject]:
        """Subjects typed with any of ``classes``, in a stable order."""
        wanted = {ox.NamedNode(c) for c in classes}
        found = [s for s, props in self.props.items() if wanted.intersection(props.get(_RDF_TYPE, ()))]
        return sorted(found, key=str)

    def values(self, subject: Subject, predicate: str) -> list[Value]:
        """All objects of ``subject predicate``, sorted by their N-Triples form."""
        found = self.props.get(subject, {}).get(predicate)
        if not found:
            return []
        return list(found) if len(found) == 1 else sorted(found, key=str)

    def has_type(self, subject: Subject, cls: str) -> bool:
        """Whether ``subject`` is stated to be a ``cls``."""
        return ox.NamedNode(cls) in self.props.get(subject, {}).get(_RDF_TYPE, ())

    def texts(self, subject: Subject, predicate: str) -> tuple[LangText, ...]:
        """Literal values as LangText, sorted by language then text (a malformed language tag is dropped)."""
        texts = set()
        for value in self.values(subject, predicate):
            if isinstance(value, ox.Literal) and value.value.strip():
                try:
                    texts.add(LangText(clean_text(value.value), value.language or None))
                except ValueError:  # a tag the lenient parser let through; the text is still worth having
                    texts.add(LangText(clean_text(value.value)))
        return tuple(sorted(texts, key=lambda t: (t.lang or "", t.text)))

    def first_text(self, subject: Subject, predicate: str) -> str | None:
        """The first literal (or IRI) value as plain text."""
        for value in self.values(subject, predicate):
            if not isinstance(value, ox.BlankNode) and value.value.strip():
                return clean_text(value.value.strip())
        return None

    def iris(self, subject: Subject, predicate: str, issues: list[str], what: str) -> tuple[str, ...]:
        """IRI values; literals that hold an absolute IRI are accepted, anything else is reported."""
        found: list[str] = []
        for value in self.values(subject, predicate):
            iri = as_iri(value)
            if iri is None:
                issues.append(f"{what}: {term_label(value)} is not an IRI and was not kept")
            else:
                found.append(iri)
        return tuple(dict.fromkeys(found))

    def first_iri(self, subject: Subject, predicate: str, issues: list[str], what: str) -> str | None:
        """The first IRI value, reporting extra or unusable values."""
        iris = self.iris(subject, predicate, issues, what)
        if len(iris) > 1:
            issues.append(f"{what}: {len(iris)} values, kept {iris[0]}")
        return iris[0] if iris else None

    def instant(
        self, subject: Subject, predicate: str, issues: list[str], what: str
    ) -> date | datetime | None:
        """A date or dateTime value (naive times read as UTC); other forms are reported."""
        for value in self.values(subject, predicate):
            parsed = as_instant(value)
            if parsed is None:
                issues.append(f"{what}: {term_label(value)} is not a date or date-time and was not kept")
            else:
                return parsed
        return None


def as_iri(value: Value) -> str | None:
    """The IRI of a named node, or of a literal that spells an absolute IRI; None otherwise."""
    if isinstance(value, ox.BlankNode):
        return None
    text = value.value.strip()
    try:
        return check_iri(text)
    except ValueError:
        return None


def as_instant(value: Value) -> date | datetime | None:
    """Read a literal spelling an ISO 8601 date or date-time, whatever its datatype (naive times are UTC)."""
    if not isinstance(value, ox.Literal):
        return None
    text = value.value.strip()
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
        return date.fromisoformat(text[:10]) if _DATE.fullmatch(text) else None
    except ValueError:
        return None
