"""Hand-written, streaming writers for Turtle, N-Triples, RDF/XML and JSON-LD.

Each writer prints a document in three parts: :meth:`begin` (prefixes, the opening of the root
element or of ``@graph``), :meth:`nodes` for each group of nodes as they are produced, and
:meth:`end`. Nothing is kept between calls except a flag or two, so a feed of any length streams in
constant memory. The records guarantee that IRIs hold no character these syntaxes forbid and that
text holds none XML cannot carry; literals are escaped here.

String literals of Turtle and N-Triples are escaped with the JSON string encoder: every escape JSON
produces (``\\"``, ``\\\\``, ``\\n``, ``\\uXXXX`` ...) means the same in those two grammars, and the C
encoder is far faster than a Python loop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol, cast

from catalog.nodes import RDF_TYPE, BNode, Lit, Node, Term
from catalog.records import LangText
from catalog.vocab import PREFIXES

_quote: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_NAMESPACES = sorted(((iri, prefix) for prefix, iri in PREFIXES.items()), key=lambda pair: -len(pair[0]))
_XML_SPECIAL = re.compile(r"[&<>\r]")


@lru_cache(maxsize=4096)
def qname(iri: str) -> str | None:
    """Return ``prefix:local`` for an IRI in one of our namespaces with a simple local name, else None."""
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def _name(iri: str) -> str:
    """A predicate, class or datatype IRI as Turtle writes it: its QName, else ``<iri>`` (cached)."""
    name = _NAMES[iri] = qname(iri) or f"<{iri}>"
    return name


_NAMES: dict[str, str] = {}


def _bare_name(iri: str) -> str:
    """A predicate, class or datatype IRI as JSON-LD writes it: its compact IRI, else the IRI (cached)."""
    name = _BARE_NAMES[iri] = qname(iri) or iri
    return name


_BARE_NAMES: dict[str, str] = {}


class Writer(Protocol):
    """What the serialiser needs of a format: a beginning, groups of nodes, an end."""

    def begin(self) -> str: ...

    def nodes(self, nodes: list[Node]) -> str: ...

    def end(self) -> str: ...

    def splice(self, fragment: str) -> str: ...


def _subject(node: Node) -> str:
    return f"_:{node.subject}" if type(node.subject) is BNode else f"<{node.subject}>"


class NTriplesWriter:
    """N-Triples: one triple a line, no prefixes."""

    def begin(self) -> str:
        return ""

    def end(self) -> str:
        return ""

    def splice(self, fragment: str) -> str:
        """Text to insert a fragment written by a fresh writer of this format."""
        return fragment

    def nodes(self, nodes: list[Node]) -> str:
        lines = []
        for node in nodes:
            subject = _subject(node)
            for predicate, values in node.props.items():
                head = f"{subject} <{predicate}> "
                for v in values:
                    lines.append(f"{head}<{v}> .\n" if type(v) is str else f"{head}{_nt_term(v)} .\n")
        return "".join(lines)


def _nt_term(term: Term) -> str:
    if type(term) is LangText:
        return f"{_quote(term.text)}@{term.lang}" if term.lang else _quote(term.text)
    if type(term) is BNode:
        return f"_:{term}"
    value, lang, datatype = cast(Lit, term)
    if lang:
        return f"{_quote(value)}@{lang}"
    if datatype:
        return f"{_quote(value)}^^<{datatype}>"
    return _quote(value)


class TurtleWriter:
    """Turtle with the prefixes declared once at the top and one block per subject."""

    def begin(self) -> str:
        return "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in PREFIXES.items())

    def end(self) -> str:
        return ""

    def splice(self, fragment: str) -> str:
        """Text to insert a fragment written by a fresh writer of this format."""
        return fragment

    def nodes(self, nodes: list[Node]) -> str:
        names = _NAMES
        out = []
        for node in nodes:
            if not node.props:
                continue
            out.append(f"\n{_subject(node)} ")
            separator = ""
            for predicate, values in node.props.items():
                if predicate == RDF_TYPE:
                    objects = ", ".join([names.get(v) or _name(v) for v in values])  # type: ignore[arg-type]
                    out.append(f"{separator}a {objects}")
                elif len(values) == 1:  # the common case, without a comprehension's frame
                    v = values[0]
                    objects = f"<{v}>" if type(v) is str else _ttl_term(v)
                    out.append(f"{separator}{names.get(predicate) or _name(predicate)} {objects}")
                else:
                    objects = ", ".join([f"<{v}>" if type(v) is str else _ttl_term(v) for v in values])
                    out.append(f"{separator}{names.get(predicate) or _name(predicate)} {objects}")
                separator = " ;\n    "
            out.append(" .\n")
        return "".join(out)


def _ttl_term(term: Term) -> str:
    if type(term) is LangText:
        return f"{_quote(term.text)}@{term.lang}" if term.lang else _quote(term.text)
    if type(term) is BNode:
        return f"_:{term}"
    value, lang, datatype = cast(Lit, term)
    if lang:
        return f"{_quote(value)}@{lang}"
    if datatype:
        return f"{_quote(value)}^^{_NAMES.get(datatype) or _name(datatype)}"
    return _quote(value)


def _xml_text(text: str) -> str:
    if _XML_SPECIAL.search(text) is None:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    # IRIs, language tags and blank node labels cannot hold '<', '"' or whitespace.
    return text.replace("&", "&amp;") if "&" in text else text


class RdfXmlWriter:
    """RDF/XML with a typed node element per subject; every predicate of ours has a QName."""

    def begin(self) -> str:
        namespaces = "".join(f'\n    xmlns:{prefix}="{iri}"' for prefix, iri in PREFIXES.items())
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{namespaces}>\n'

    def end(self) -> str:
        return "</rdf:RDF>\n"

    def splice(self, fragment: str) -> str:
        """Text to insert a fragment written by a fresh writer of this format."""
        return fragment

    def nodes(self, nodes: list[Node]) -> str:
        out = []
        for node in nodes:
            if not node.props:
                continue
            types = node.props.get(RDF_TYPE, ())
            element = qname(types[0]) if types else None  # type: ignore[arg-type]
            element = element or "rdf:Description"
            if type(node.subject) is BNode:
                out.append(f'<{element} rdf:nodeID="{node.subject}">\n')
            else:
                out.append(f'<{element} rdf:about="{_xml_attr(node.subject)}">\n')
            for predicate, values in node.props.items():
                if predicate == RDF_TYPE and element != "rdf:Description":
                    values = values[1:]
                name = _XML_NAMES.get(predicate) or _xml_name(predicate)
                for v in values:
                    if type(v) is str:
                        out.append(f'  <{name} rdf:resource="{_xml_attr(v)}"/>\n')
                    else:
                        out.append(_xml_property(name, v))
            out.append(f"</{element}>\n")
        return "".join(out)


def _xml_name(predicate: str) -> str:
    name = qname(predicate)
    if name is None:
        raise ValueError(f"RDF/XML cannot write the predicate {predicate}: no namespace prefix for it")
    _XML_NAMES[predicate] = name
    return name


_XML_NAMES: dict[str, str] = {}


def _xml_property(name: str, value: Term) -> str:
    if type(value) is BNode:
        return f'  <{name} rdf:nodeID="{value}"/>\n'
    if type(value) is LangText:
        text, lang, datatype = value.text, value.lang, None
    else:
        text, lang, datatype = cast(Lit, value)
    if lang:
        return f'  <{name} xml:lang="{lang}">{_xml_text(text)}</{name}>\n'
    if datatype:
        return f'  <{name} rdf:datatype="{_xml_attr(datatype)}">{_xml_text(text)}</{name}>\n'
    return f"  <{name}>{_xml_text(text)}</{name}>\n"


class JsonLdWriter:
    """JSON-LD 1.1: a ``@context`` of prefixes and a ``@graph`` of node objects, one a line.

    The node objects are written as text: IRIs and blank node labels need no JSON escaping (the
    records refuse quotes, backslashes and control characters in IRIs) and literals go through the
    JSON string encoder, which is several times faster than building dicts for ``json.dumps``.
    """

    def __init__(self) -> None:
        self._separator = ""

    def begin(self) -> str:
        context = json.dumps(PREFIXES, indent=2)
        return '{\n"@context": ' + context + ',\n"@graph": [\n'

    def end(self) -> str:
        return "\n]\n}\n"

    def splice(self, fragment: str) -> str:
        """A fragment's node objects, after a comma when something came before."""
        if not fragment:
            return ""
        text, self._separator = self._separator + fragment, ",\n"
        return text

    def nodes(self, nodes: list[Node]) -> str:
        names = _BARE_NAMES
        out = []
        for node in nodes:
            if not node.props:
                continue
            subject = f"_:{node.subject}" if type(node.subject) is BNode else node.subject
            out.append(f'{self._separator}{{"@id":"{subject}"')
            self._separator = ",\n"
            for predicate, values in node.props.items():
                if predicate == RDF_TYPE:
                    types = ",".join([f'"{names.get(v) or _bare_name(v)}"' for v in values])  # type: ignore[arg-type]
                    out.append(f',"@type":[{types}]')
                elif len(values) == 1:  # the common case, without a comprehension's frame
                    v = values[0]
                    objects = f'{{"@id":"{v}"}}' if type(v) is str else _json_term(v)
                    out.append(f',"{names.get(predicate) or _bare_name(predicate)}":[{objects}]')
                else:
                    objects = ",".join(
                        [f'{{"@id":"{v}"}}' if type(v) is str else _json_term(v) for v in values]
                    )
                    out.append(f',"{names.get(predicate) or _bare_name(predicate)}":[{objects}]')
            out.append("}")
        return "".join(out)


def _json_term(term: Term) -> str:
    if type(term) is LangText:
        if term.lang:
            return f'{{"@value":{_quote(term.text)},"@language":"{term.lang}"}}'
        return f'{{"@value":{_quote(term.text)}}}'
    if type(term) is BNode:
        return f'{{"@id":"_:{term}"}}'
    value, lang, datatype = cast(Lit, term)
    if lang:
        return f'{{"@value":{_quote(value)},"@language":"{lang}"}}'
    if datatype:
        return f'{{"@value":{_quote(value)},"@type":"{_BARE_NAMES.get(datatype) or _bare_name(datatype)}"}}'
    return f'{{"@value":{_quote(value)}}}'
