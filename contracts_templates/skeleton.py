"""Filling a template's ODRL policy skeleton from terms.

A skeleton is a DSP-shaped ODRL Offer whose strings may be placeholders: `"${validity.end}"` becomes
the term at that dotted path, written as text (DSP right operands are strings or typed literals, never
bare numbers); `"${pricing.price|decimal}"` writes a money term as an exact decimal amount and
`"${consumer.jurisdiction|country}"` a jurisdiction such as CN-SH as its country, CN.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from contracts_templates.errors import TermProblem, TermsError
from contracts_templates.manifest import get_template
from contracts_templates.wording import country, decimal_amount

_PLACEHOLDER = re.compile(r"\$\{(?P<path>[A-Za-z_][A-Za-z0-9_.]*)(?:\|(?P<format>decimal|country))?\}")


def fill_policy(skeleton: Mapping[str, Any], terms: Mapping[str, Any]) -> dict[str, Any]:
    """The skeleton with every placeholder replaced; TermsError names each term that is missing."""
    problems: list[TermProblem] = []
    filled = _fill(copy.deepcopy(dict(skeleton)), terms, problems)
    if problems:
        raise TermsError(problems)
    return dict(filled)


def placeholders(skeleton: Mapping[str, Any]) -> list[str]:
    """The term paths a skeleton needs, sorted, e.g. `["dataset.id", "offer_id", "validity.end"]`."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(match["path"] for match in _PLACEHOLDER.finditer(value))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(skeleton)
    return sorted(found)


def example_terms(template_id: str, version: str | int | None = None) -> dict[str, Any]:
    """Terms that render the template: the manifest's example, with the skeleton filled in as the policy."""
    template = get_template(template_id, version)
    terms = dict(copy.deepcopy(template.example_terms))
    terms["policy"] = fill_policy(template.policy_skeleton, terms)
    return terms


def _fill(value: Any, terms: Mapping[str, Any], problems: list[TermProblem]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda match: _substitute(match, terms, problems), value)
    if isinstance(value, dict):
        return {key: _fill(item, terms, problems) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, terms, problems) for item in value]
    return value


def _substitute(match: re.Match[str], terms: Mapping[str, Any], problems: list[TermProblem]) -> str:
    path = match["path"]
    value: Any = terms
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            problems.append(TermProblem(path, "required by the policy skeleton but missing"))
            return match[0]
        value = value[part]
    if match["format"] == "decimal":
        if not isinstance(value, Mapping) or "amount_minor" not in value or "currency" not in value:
            problems.append(TermProblem(path, "must be an amount: {amount_minor, currency}"))
            return match[0]
        return decimal_amount(value)
    if match["format"] == "country":
        return country(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list) or value is None:
        problems.append(TermProblem(path, "must be a single value to fill the policy skeleton"))
        return match[0]
    return str(value)
