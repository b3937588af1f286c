"""The DSP 2025-1 JSON-LD contexts, served from the local copies so that JSON-LD processing stays offline."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONTEXT_DIR = Path(__file__).parent / "schemas" / "context"

CONTEXT_FILES: Mapping[str, str] = {
    "https://w3id.org/dspace/2025/1/context.jsonld": "dspace-context.json",
    "https://w3id.org/dspace/2025/1/odrl-profile.jsonld": "odrl-profile-context.json",
}
"""The context IRIs that DSP 2025-1 messages use (directly or through `@import`), and their local copies."""


def local_context(iri: str) -> dict[str, Any]:
    """The context document published at `iri`, read from the local copy; LookupError for any other IRI."""
    name = CONTEXT_FILES.get(iri)
    if name is None:
        raise LookupError(f"no local copy of the JSON-LD context {iri!r}; contexts are never fetched")
    return json.loads(_read(name))


@functools.cache
def _read(name: str) -> str:
    return (CONTEXT_DIR / name).read_text(encoding="utf-8")
