"""Prepare a JSON-LD document for offline parsing: known remote contexts are inlined, others refused.

A harvester must not fetch whatever ``@context`` URL a document names (that is a request to any host
the document chooses, at parse time), so the contexts we know are shipped in ``catalog/contexts``
and substituted, and an unknown remote context is an error that names it.

pyoxigraph 0.5 applies only one type-scoped context when a node has several types that each bring one
(the DCAT-AP examples type nodes ``["Dataset", "DatasetMemberOfADatasetSeries"]``), losing the terms
of the others. JSON-LD 1.1 applies them all, in lexicographic order of the type terms; we emulate that
by adding the merged scoped contexts to such a node as an embedded context.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

_CONTEXTS: Final = Path(__file__).resolve().parent / "contexts"
KNOWN_CONTEXTS: Final = {
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld": (
        "dcat-ap-examples-context.json"
    ),
}
MAX_DEPTH: Final = 200


class RemoteContextError(ValueError):
    """The document names a remote JSON-LD context that is not known offline."""


@cache
def _load_context(filename: str) -> Any:
    return json.loads((_CONTEXTS / filename).read_text(encoding="utf-8"))["@context"]


def _inline(context: Any) -> Any:
    if isinstance(context, str):
        if context in KNOWN_CONTEXTS:
            return _load_context(KNOWN_CONTEXTS[context])
        raise RemoteContextError(
            f"remote JSON-LD @context {context!r} is not known offline and is not fetched"
        )
    if isinstance(context, list):
        return [_inline(item) for item in context]
    if isinstance(context, dict) and isinstance(context.get("@import"), str):
        raise RemoteContextError(f"JSON-LD @import of {context['@import']!r} is not fetched")
    return context


def _scoped_contexts(context: Any) -> dict[str, Any]:
    """Return the type-scoped contexts (term -> context) of a top-level context."""
    contexts = context if isinstance(context, list) else [context]
    scoped: dict[str, Any] = {}
    for ctx in contexts:
        if isinstance(ctx, dict):
            for term, definition in ctx.items():
                if isinstance(definition, dict) and isinstance(definition.get("@context"), dict):
                    scoped[term] = definition["@context"]
    return scoped


def _merge_scoped_types(node: dict[str, Any], scoped: dict[str, Any]) -> None:
    types = node.get("@type")
    if not isinstance(types, list):
        return
    terms = sorted(t for t in types if isinstance(t, str) and t in scoped)
    if len(terms) < 2:
        return
    merged: dict[str, Any] = {}
    for term in terms:
        merged.update(scoped[term])
    existing = node.get("@context")
    node["@context"] = merged if existing is None else [existing, merged]


def _walk(value: Any, scoped: dict[str, Any], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"JSON-LD document nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        if "@context" in value:
            value["@context"] = _inline(value["@context"])
        if scoped:
            _merge_scoped_types(value, scoped)
        for key, item in value.items():
            if key != "@context":
                _walk(item, scoped, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _walk(item, scoped, depth + 1)


def prepare_jsonld(data: bytes) -> bytes:
    """Return ``data`` with known remote contexts inlined; raise ValueError on unknown ones or bad JSON."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"not valid JSON: {error}") from None
    top = document.get("@context") if isinstance(document, dict) else None
    scoped = _scoped_contexts(_inline(top)) if top is not None else {}
    _walk(document, scoped, 0)
    return json.dumps(document, ensure_ascii=False).encode()
