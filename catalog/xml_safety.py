"""Refuse XML documents whose entity declarations could read files or explode in memory.

pyoxigraph's RDF/XML parser already refuses external entities (``SYSTEM``/``PUBLIC``), but it
expands internal ones without limit: a "billion laughs" document of 1 KB expands to gigabytes. Old
RDF/XML tools still declare entities as namespace abbreviations (``<!ENTITY dct
"http://purl.org/dc/terms/">``), so instead of refusing every DOCTYPE we allow only plain internal
entities whose value refers to no other entity, and cap the total text their references expand to.
Everything else (parameter entities, external entities, nested references, a large expansion) is
refused before any parser sees the document.
"""

from __future__ import annotations

import re
from typing import Final

MAX_ENTITIES: Final = 64
MAX_EXPANSION: Final = 1_000_000  # characters added by expanding entity references

_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>", re.DOTALL)
_PLAIN_ENTITY = re.compile(rb"""<!ENTITY\s+([A-Za-z_][\w.\-]*)\s+("[^"%&<]*"|'[^'%&<]*')\s*>""")
_UNCLOSED_ENTITY = re.compile(rb"<!ENTITY\b(?![^>]*>)")


class UnsafeXmlError(ValueError):
    """The XML document declares entities that are external, nested or expand too far."""


def check_xml_safety(data: bytes) -> None:
    """Raise :class:`UnsafeXmlError` unless every entity of ``data`` is plain, internal and small."""
    if not _DOCTYPE.search(data):
        return
    if _UNCLOSED_ENTITY.search(data):
        raise UnsafeXmlError("refused: an <!ENTITY declaration is not closed")
    declarations = _ENTITY_DECL.findall(data)
    if len(declarations) > MAX_ENTITIES:
        raise UnsafeXmlError(f"refused: {len(declarations)} entity declarations (at most {MAX_ENTITIES})")
    expansion = 0
    for declaration in declarations:
        plain = _PLAIN_ENTITY.fullmatch(declaration)
        if plain is None:
            shown = declaration[:80].decode("utf-8", "replace")
            raise UnsafeXmlError(
                f"refused: entity declaration {shown!r} is external, a parameter entity or refers to other "
                "entities; XML entities are never resolved"
            )
        name, value = plain.group(1), plain.group(2)
        expansion += data.count(b"&" + name + b";") * (len(value) - 2)
        if expansion > MAX_EXPANSION:
            raise UnsafeXmlError(
                f"refused: entity references would expand to more than {MAX_EXPANSION} characters"
            )
