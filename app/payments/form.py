"""Stripe's form encoding of nested parameters (``application/x-www-form-urlencoded``).

Stripe reads nested parameters from bracketed keys: ``metadata[invoice]=inv_1``, ``expand[]=customer``,
``items[0][price]=price_1``. This module flattens a mapping into those pairs. The rules:

- ``None`` is left out (a parameter not given);
- ``True``/``False`` become ``true``/``false``; ints become decimal digits; strings stay as they are;
- a mapping nests with ``[key]``; a list of scalars repeats ``key[]``; a list holding mappings or lists
  numbers its items, ``key[0]``, ``key[1]``;
- an empty mapping or list is sent as ``key=`` (Stripe's way of saying "none", e.g. to clear metadata);
- floats (and anything else) are refused: amounts are integers of minor units, never floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

__all__ = ["encode", "flatten"]


def flatten(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of ``params`` in Stripe's bracket notation, in the mapping's order."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        _flatten_into(pairs, _checked_key(key), value)
    return pairs


def encode(params: Mapping[str, Any]) -> str:
    """``params`` as a form-encoded body or query string."""
    return urlencode(flatten(params))


def _flatten_into(pairs: list[tuple[str, str]], key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        if not value:
            pairs.append((key, ""))
        for sub_key, sub_value in value.items():
            _flatten_into(pairs, f"{key}[{_checked_key(sub_key)}]", sub_value)
        return
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        if not value:
            pairs.append((key, ""))
        elif any(isinstance(item, Mapping | list | tuple) for item in value):
            for index, item in enumerate(value):
                _flatten_into(pairs, f"{key}[{index}]", item)
        else:
            for item in value:
                _flatten_into(pairs, f"{key}[]", item)
        return
    pairs.append((key, _scalar(key, value)))


def _scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    raise TypeError(f"parameter {key!r}: cannot send a {type(value).__name__} to Stripe")


def _checked_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError(f"parameter names are non-empty strings, not {key!r}")
    return key
