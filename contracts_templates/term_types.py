"""Checking terms against the variables a template version declares in the manifest.

A variable has a type: a scalar (`text`, `iri`, `url`, `date`, `datetime`, `duration`, `integer`,
`boolean`, `currency`, `jurisdiction`, `grade`, `delivery_mode`, `enum`), `list` of a type, a record type
of the manifest (`party`, `money`, `pricing_plan`, `tier`, ...), or `odrl_policy`. A variable is
required unless it says `"required": false`. Problems name the term by its path, e.g.
`distributions[0].format` or `pricing.tiers[1].unit_price`. Which fields a pricing plan needs for its
model is a rule (`rules.py`), not a type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from contracts_templates.errors import TermProblem
from contracts_templates.manifest import record_types, vocabulary

MAX_TEXT_LENGTH = 2000

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
_DURATION = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")
_RULE_KEYS = ("permission", "prohibition", "obligation")
_LOGICAL = ("and", "andSequence", "or", "xone")


def check_terms(variables: Mapping[str, Any], terms: Any) -> list[TermProblem]:
    """Every problem with `terms` against `variables`: missing, mistyped, out of range or unexpected."""
    if not isinstance(terms, Mapping):
        return [TermProblem("", "terms are a JSON object")]
    return _check_fields(variables, terms, "")


def check_value(spec: Mapping[str, Any], value: Any, path: str) -> list[TermProblem]:
    """Every problem with one value of a declared type, named from `path`, e.g. an offer's pricing plan."""
    return _check(spec, value, path)


def _check_fields(fields: Mapping[str, Any], values: Mapping[str, Any], prefix: str) -> list[TermProblem]:
    problems: list[TermProblem] = []
    for name, spec in fields.items():
        path = f"{prefix}{name}"
        if values.get(name) is None:
            if spec.get("required", True):
                problems.append(TermProblem(path, f"required ({_describe(spec)})"))
            continue
        problems.extend(_check(spec, values[name], path))
    unexpected = "not a field of this record" if prefix else "not a term of this template"
    problems.extend(TermProblem(f"{prefix}{name}", unexpected) for name in values if name not in fields)
    return problems


def _check(spec: Mapping[str, Any], value: Any, path: str) -> list[TermProblem]:
    kind = spec["type"]
    if kind == "list":
        return _check_list(spec, value, path)
    if kind == "odrl_policy":
        return _check_policy(value, path)
    types = record_types()
    if kind in types:
        if not isinstance(value, Mapping):
            return [TermProblem(path, f"must be an object ({_describe(spec)})")]
        return _check_fields(types[kind]["fields"], value, f"{path}.")
    reason = _SCALARS[kind](spec, value)
    return [TermProblem(path, reason)] if reason else []


def _check_list(spec: Mapping[str, Any], value: Any, path: str) -> list[TermProblem]:
    if not isinstance(value, list):
        return [TermProblem(path, "must be a list")]
    problems: list[TermProblem] = []
    if len(value) < spec.get("min_items", 0):
        problems.append(TermProblem(path, f"needs at least {spec['min_items']} item(s)"))
    if spec.get("unique") and len({repr(item) for item in value}) != len(value):
        problems.append(TermProblem(path, "items must not repeat"))
    for index, item in enumerate(value):
        problems.extend(_check(spec["items"], item, f"{path}[{index}]"))
    return problems


def _check_policy(value: Any, path: str) -> list[TermProblem]:
    if not isinstance(value, Mapping):
        return [TermProblem(path, "must be an ODRL policy (a JSON object)")]
    problems: list[TermProblem] = []
    if value.get("@type") not in ("Offer", "Agreement", "Set"):
        problems.append(TermProblem(f"{path}.@type", "must be Offer, Agreement or Set"))
    if not any(value.get(key) for key in _RULE_KEYS):
        problems.append(TermProblem(path, "needs at least one permission, prohibition or obligation"))
    for key in _RULE_KEYS:
        problems.extend(_check_rules(value.get(key), f"{path}.{key}"))
    return problems


def _check_rules(rules: Any, path: str) -> list[TermProblem]:
    if rules is None:
        return []
    if not isinstance(rules, list):
        return [TermProblem(path, "must be a list of rules")]
    problems: list[TermProblem] = []
    for index, rule in enumerate(rules):
        here = f"{path}[{index}]"
        if not isinstance(rule, Mapping) or not isinstance(rule.get("action"), str):
            problems.append(TermProblem(f"{here}.action", "each rule is an object with an action name"))
            continue
        problems.extend(_check_constraints(rule.get("constraint"), f"{here}.constraint"))
        for nested in ("duty", "remedy"):
            problems.extend(_check_rules(rule.get(nested), f"{here}.{nested}"))
    return problems


def _check_constraints(constraints: Any, path: str) -> list[TermProblem]:
    if constraints is None:
        return []
    if not isinstance(constraints, list):
        return [TermProblem(path, "must be a list of constraints")]
    problems: list[TermProblem] = []
    for index, constraint in enumerate(constraints):
        here = f"{path}[{index}]"
        logical = [key for key in _LOGICAL if isinstance(constraint, Mapping) and key in constraint]
        if logical:
            problems.extend(_check_constraints(constraint[logical[0]], f"{here}.{logical[0]}"))
        elif not (
            isinstance(constraint, Mapping)
            and isinstance(constraint.get("leftOperand"), str)
            and isinstance(constraint.get("operator"), str)
            and "rightOperand" in constraint
        ):
            problems.append(TermProblem(here, "a constraint has leftOperand, operator and rightOperand"))
    return problems


def _text(spec: Mapping[str, Any], value: Any) -> str | None:
    if not isinstance(value, str) or not any(unicodedata.category(char)[0] not in "CZ" for char in value):
        return "must be non-empty text (control and format characters alone do not count)"
    limit = spec.get("max_length", MAX_TEXT_LENGTH)
    return f"must be at most {limit} characters" if len(value) > limit else None


def _pattern(pattern: re.Pattern[str], what: str) -> Callable[[Mapping[str, Any], Any], str | None]:
    def check(spec: Mapping[str, Any], value: Any) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value):
            return None
        return f"must be {what}"

    return check


def _parses(pattern: re.Pattern[str], parse: Callable[[str], Any], what: str) -> Callable[..., str | None]:
    def check(spec: Mapping[str, Any], value: Any) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value):
            try:
                parse(value)
                return None
            except ValueError:
                pass
        return f"must be {what}"

    return check


def _integer(spec: Mapping[str, Any], value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return "must be an integer"
    if "min" in spec and value < spec["min"]:
        return f"must be at least {spec['min']}"
    if "max" in spec and value > spec["max"]:
        return f"must be at most {spec['max']}"
    return None


def _one_of(values: Sequence[str]) -> Callable[[Mapping[str, Any], Any], str | None]:
    def check(spec: Mapping[str, Any], value: Any) -> str | None:
        allowed = spec.get("values", values)
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


_SCALARS: Mapping[str, Callable[[Mapping[str, Any], Any], str | None]] = {
    "text": _text,
    "iri": _pattern(_IRI, "an absolute IRI such as urn:uuid:... or https://..."),
    "url": _pattern(_URL, "an http(s) URL"),
    "date": _parses(_DATE, date.fromisoformat, "a date such as 2026-12-31"),
    "datetime": _parses(
        _DATETIME, datetime.fromisoformat, "a date-time with offset, e.g. 2026-12-31T23:59:59Z"
    ),
    "duration": _pattern(_DURATION, "an ISO 8601 duration such as P1M or P1Y"),
    "integer": _integer,
    "boolean": lambda spec, value: None if isinstance(value, bool) else "must be true or false",
    "currency": _pattern(_CURRENCY, "an ISO 4217 currency code such as CNY"),
    "jurisdiction": _pattern(_JURISDICTION, "an ISO 3166 code such as CN or CN-SH"),
    "grade": _one_of(vocabulary("grades")),
    "delivery_mode": _one_of(vocabulary("delivery_modes")),
    "enum": _one_of(()),
}


def _describe(spec: Mapping[str, Any]) -> str:
    kind = spec["type"]
    if kind == "list":
        return f"a list of {_describe(spec['items'])}"
    if kind == "enum":
        return "one of " + ", ".join(spec["values"])
    return str(spec.get("description") or kind)
