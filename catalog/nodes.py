"""The small in-memory RDF model the writers print: a node is a subject with its properties.

IRIs are plain ``str``, blank nodes are :class:`BNode` (a ``str`` subclass holding the label) and
literals are :class:`Lit`, or the records' own :class:`~catalog.records.LangText` (no copy needed).
Grouping triples by subject and predicate up front lets every format be written in one pass
(Turtle's ``;`` and ``,``, RDF/XML's ``rdf:Description``, JSON-LD's node objects).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple

from catalog.records import LangText
from catalog.vocab import RDF, XSD

RDF_TYPE = RDF.type


class BNode(str):
    """A blank node label (without ``_:``), unique within one output document."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal: lexical value, language tag or datatype IRI (neither means ``xsd:string``)."""

    value: str
    lang: str | None = None
    datatype: str | None = None


Term = str | BNode | Lit | LangText


class Node:
    """A subject and its properties, predicates in insertion order, each with its list of objects."""

    __slots__ = ("props", "subject")

    def __init__(self, subject: str, *types: str) -> None:
        self.subject = subject
        self.props: dict[str, list[Term]] = {RDF_TYPE: list(types)} if types else {}

    def add(self, predicate: str, value: Term) -> None:
        """Add one value of a property."""
        values = self.props.get(predicate)
        if values is None:
            self.props[predicate] = [value]
        else:
            values.append(value)

    def add_all(self, predicate: str, values: tuple[Term, ...] | list[Term]) -> None:
        """Add several values of a property (nothing if there are none)."""
        if values:
            existing = self.props.get(predicate)
            if existing is None:
                self.props[predicate] = list(values)
            else:
                existing.extend(values)

    def triples(self) -> list[tuple[str, str, Term]]:
        """Return the node's triples, for tests and for building other graph objects."""
        return [(self.subject, p, o) for p, values in self.props.items() for o in values]


@lru_cache(maxsize=8192)
def instant_literal(value: date | datetime) -> Lit:
    """Return an ``xsd:date`` or (in UTC) ``xsd:dateTime`` literal."""
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
        if text.endswith("+00:00"):
            text = text[:-6] + "Z"
        return Lit(text, None, XSD.dateTime)
    return Lit(value.isoformat(), None, XSD.date)
