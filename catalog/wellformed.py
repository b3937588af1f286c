"""What every serialisation needs of IRIs and text, checked once when a record is built.

Turtle, N-Triples, RDF/XML and JSON-LD each forbid a few characters: IRIs may not hold spaces,
quotes, angle brackets, braces, ``|``, ``^``, backquotes or backslashes, and XML 1.0 cannot carry
most control characters, lone surrogates, U+FFFE or U+FFFF at all. A value that passes these checks
can be written by our writers in every format without further escaping decisions.
"""

from __future__ import annotations

import re
from typing import Final

# Characters XML 1.0 cannot carry (so RDF/XML could not write them), including lone surrogates.
_XML_FORBIDDEN: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# JSON-LD would expand an IRI whose scheme equals a prefix of our @context; such IRIs are refused.
RESERVED_SCHEMES: Final = frozenset(
    "adms as dcat dcatap dct eli foaf hydra locn prov rdf rdfs skos spdx time vcard xsd".split()
)
# An absolute IRI without the characters RFC 3987, Turtle's IRIREF and XML 1.0 leave out.
_IRI: Final = re.compile(
    r"(?!(?i:" + "|".join(sorted(RESERVED_SCHEMES)) + r"):)"
    r"[A-Za-z][A-Za-z0-9+.\-]*:"
    r'[^\x00-\x20<>"{}|^`\\\x7f\ud800-\udfff\ufffe\uffff]*'
)


# IRIs already found good: the same IRIs (themes, licences, formats, publishers) recur in every record
# of a catalog and each is checked when read and again when its record is built.
_GOOD_IRIS: set[str] = set()
_GOOD_IRIS_KEPT = 50_000


def check_iri(value: str, what: str = "IRI") -> str:
    """Return ``value`` if it is an absolute IRI that every output format can write, else raise ValueError."""
    if value.__class__ is str and value in _GOOD_IRIS:
        return value
    if isinstance(value, str) and _IRI.fullmatch(value):
        if len(_GOOD_IRIS) >= _GOOD_IRIS_KEPT:
            _GOOD_IRIS.clear()
        _GOOD_IRIS.add(value)
        return value
    if not isinstance(value, str) or ":" not in value:
        raise ValueError(f"{what} must be an absolute IRI, got {value!r}")
    if value.split(":", 1)[0].lower() in RESERVED_SCHEMES:
        raise ValueError(f"{what} {value!r} uses a scheme that clashes with a vocabulary prefix")
    raise ValueError(
        f"{what} must be an absolute IRI without spaces, quotes, <, > or controls, got {value!r}"
    )


def check_text(value: str, what: str = "text") -> str:
    """Return ``value`` if XML 1.0 (hence every RDF format) can carry it, else raise ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, got {type(value).__name__}")
    if value.isprintable():  # the common case, and much faster than the search below
        return value
    bad = _XML_FORBIDDEN.search(value)
    if bad:
        raise ValueError(f"{what} contains the character U+{ord(bad.group()):04X}, which XML cannot carry")
    return value


def clean_text(value: str) -> str:
    """Replace the characters XML 1.0 cannot carry by U+FFFD, for text that comes from elsewhere."""
    return _XML_FORBIDDEN.sub("\ufffd", value)
