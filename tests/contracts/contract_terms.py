"""Helpers for the contract tests: changing one term at a time, and the Markdown structure of a text."""

import copy
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from markdown_it import MarkdownIt

from contracts_templates.manifest import TemplateVersion, record_types, vocabulary

_ALTERNATIVES = {
    "currency": ["EUR", "USD"],
    "jurisdiction": ["DE", "SG"],
    "duration": ["P3M", "P1Y"],
    "grade": list(vocabulary("grades")),
    "delivery_mode": list(vocabulary("delivery_modes")),
}


def set_term(terms: Mapping[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A deep copy of `terms` with the term at `path` replaced (or removed when `value` is ...)."""
    changed = copy.deepcopy(dict(terms))
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def dotted(path: list[str | int]) -> str:
    """`["distributions", 0, "format"]` as `distributions[0].format`."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


def one_term_changed(
    template: TemplateVersion, terms: Mapping[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every leaf term changed to another well-typed value, one at a time, with its path."""
    for path, spec, value, taken in _leaves(template.variables, terms, []):
        yield dotted(path), set_term(terms, path, _another(spec, value, taken))


def required_paths(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[list[str | int]]:
    """The path of every required term present in `terms`, nested ones included."""
    yield from _required(template.variables, terms, [])


def _required(
    fields: Mapping[str, Any], values: Mapping[str, Any], path: list[str | int]
) -> Iterator[list[Any]]:
    for name, spec in fields.items():
        if spec.get("required", True) and name in values:
            yield [*path, name]
            if spec["type"] in record_types():
                yield from _required(record_types()[spec["type"]]["fields"], values[name], [*path, name])


def _leaves(
    fields: Mapping[str, Any], values: Mapping[str, Any], path: list[Any]
) -> Iterator[tuple[Any, ...]]:
    for name, spec in fields.items():
        if name in values:
            yield from _leaves_of(spec, values[name], [*path, name])


def _leaves_of(
    spec: Mapping[str, Any], value: Any, path: list[Any], taken: Any = ()
) -> Iterator[tuple[Any, ...]]:
    kind = spec["type"]
    if kind == "list":
        for index, item in enumerate(value):
            yield from _leaves_of(spec["items"], item, [*path, index], value if spec.get("unique") else ())
    elif kind in record_types():
        yield from _leaves(record_types()[kind]["fields"], value, path)
    elif kind == "odrl_policy":
        yield from _json_leaves(value, path)
    else:
        yield path, spec, value, taken


def _json_leaves(value: Any, path: list[Any]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_leaves(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_leaves(item, [*path, index])
    elif path[-1] == "@type" and len(path) == 2:
        yield path, {"type": "enum", "values": ["Offer", "Agreement"]}, value, ()
    else:
        yield path, {"type": "text"}, value, ()


def _another(spec: Mapping[str, Any], value: Any, taken: Any) -> Any:
    kind = spec["type"]
    if kind in ("text", "iri", "url"):
        return f"{value}-amended"
    if kind == "integer":
        return value + 1 if value + 1 <= spec.get("max", value + 1) else value - 1
    if kind == "boolean":
        return not value
    if kind == "datetime":
        return (datetime.fromisoformat(value) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    options = spec.get("values") or _ALTERNATIVES[kind]
    return next(option for option in options if option != value and option not in taken)


_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def structure(text: str) -> list[str]:
    """The Markdown structure of a text: its block and inline tokens, without the words."""
    shape: list[str] = []
    for token in _MARKDOWN.parse(text):
        shape.append(f"{token.type}:{token.tag}")
        shape.extend(f"  {child.type}:{child.tag}" for child in token.children or [] if child.type != "text")
    return shape


def html(text: str) -> str:
    """The text rendered to HTML as a CommonMark viewer with tables would show it."""
    return str(_MARKDOWN.render(text))
