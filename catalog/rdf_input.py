"""Read RDF bytes of any common syntax, whatever the Content-Type claims, safely and fast.

The declared type is only a hint: servers send Turtle as ``text/plain`` and RDF/XML as
``application/octet-stream``. We look at the bytes, try the most likely syntax first and the others
after, and report the error of the most likely one if none fits. Parsing is pyoxigraph's (about 30
times faster than rdflib); TriG's parser reads Turtle and N-Triples as well, so the three are one.
Text is transcoded to UTF-8 first (pyoxigraph reads nothing else), RDF/XML goes through
:mod:`catalog.xml_safety`, and JSON-LD through :mod:`catalog.jsonld_offline`.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

import pyoxigraph as ox

from catalog.jsonld_offline import RemoteContextError, prepare_jsonld
from catalog.xml_safety import UnsafeXmlError, check_xml_safety

TURTLE: Final = "turtle"  # Turtle, N-Triples and TriG, read by the TriG parser
NQUADS: Final = "nquads"
RDFXML: Final = "rdfxml"
JSONLD: Final = "jsonld"

_OX_FORMATS: Final = {
    TURTLE: ox.RdfFormat.TRIG,
    NQUADS: ox.RdfFormat.N_QUADS,
    RDFXML: ox.RdfFormat.RDF_XML,
    JSONLD: ox.RdfFormat.JSON_LD,
}
_HINTS: Final = {
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "application/n-triples": TURTLE,
    "text/n3": TURTLE,
    "ntriples": TURTLE,
    "nt": TURTLE,
    "application/trig": TURTLE,
    "trig": TURTLE,
    "application/n-quads": NQUADS,
    "nquads": NQUADS,
    "nq": NQUADS,
    "application/rdf+xml": RDFXML,
    "application/xml": RDFXML,
    "text/xml": RDFXML,
    "rdfxml": RDFXML,
    "rdf": RDFXML,
    "xml": RDFXML,
    "application/ld+json": JSONLD,
    "application/json": JSONLD,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "json": JSONLD,
}
_XML_START: Final = re.compile(rb"<(\?xml|!--|!DOCTYPE|[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?[\s/>])")
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_ENCODING: Final = re.compile(rb"""(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


class RdfInputError(ValueError):
    """The bytes are not an RDF document we can read (syntax error, unsafe XML, unknown context)."""


def format_hint(content_type_or_format: str | None) -> str | None:
    """Map a Content-Type, a format name or a file suffix to one of our syntax names, if known."""
    if not content_type_or_format:
        return None
    key = content_type_or_format.split(";", 1)[0].strip().lower().lstrip(".")
    return _HINTS.get(key)


def to_utf8(data: bytes) -> bytes:
    """Return the document as UTF-8 without a byte-order mark (UTF-16/32 are recognised by their BOM)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding)
            data = text.encode("utf-8")
            return _XML_ENCODING.sub(rb"\1", data, count=1) if encoding != "utf-8" else data
    return data


def sniff_formats(data: bytes, hint: str | None = None) -> list[str]:
    """Return the syntaxes worth trying for ``data``, most likely first."""
    head = data[:4096].lstrip()
    if head.startswith((b"{", b"[")):
        guesses = [JSONLD, TURTLE]
    elif _XML_START.match(head):
        guesses = [RDFXML, TURTLE]
    else:
        guesses = [TURTLE, NQUADS]
    if hint is not None:
        guesses = [hint, *(g for g in guesses if g != hint)]
    return guesses


def _parse(data: bytes, syntax: str, base_iri: str | None) -> list[ox.Quad]:
    if syntax == RDFXML:
        check_xml_safety(data)
    elif syntax == JSONLD:
        data = prepare_jsonld(data)
    return list(ox.parse(data, _OX_FORMATS[syntax], base_iri=base_iri, lenient=True))


def read_quads(
    data: bytes, content_type_or_format: str | None = None, base_iri: str | None = None
) -> tuple[str, list[ox.Quad]]:
    """Parse ``data`` into quads; return the syntax that worked and the quads, or raise RdfInputError."""
    try:
        data = to_utf8(data)
    except UnicodeDecodeError as error:
        raise RdfInputError(f"cannot decode the document: {error}") from None
    if not data.strip():
        raise RdfInputError("the document is empty")
    candidates = sniff_formats(data, format_hint(content_type_or_format))
    first_error: Exception | None = None
    for syntax in candidates:
        try:
            return syntax, _parse(data, syntax, base_iri)
        except (UnsafeXmlError, RemoteContextError) as error:
            raise RdfInputError(str(error)) from None
        except (SyntaxError, ValueError) as error:
            first_error = first_error or error
    raise RdfInputError(f"not readable as {candidates[0]}: {first_error}")
