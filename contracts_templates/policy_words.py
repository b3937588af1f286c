"""An ODRL policy (compact JSON-LD, DSP shape) as numbered contract clauses in plain English.

The clauses quote the agreed values exactly as the policy states them (a date-time is also shown in
UTC), so the text and the machine-readable policy say the same. Every value is escaped on the way in;
the result is `MarkdownSafe` list items that a template prints one per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from contracts_templates.markdown import MarkdownSafe, escape_markdown
from contracts_templates.wording import join_words, moment

ASSET = "the Data Resource"

_ACTIONS: Mapping[str, str] = {
    "use": "use {asset}",
    "read": "read {asset} record by record",
    "aggregate": "compute aggregate statistics over {asset}",
    "distribute": "distribute {asset} to third parties",
    "reproduce": "make copies of {asset}",
    "derive": "create derived data from {asset}",
    "transfer": "transfer the holding of {asset} (the holding right)",
    "grantUse": "grant third parties any right to use {asset}",
    "sell": "sell {asset}",
    "commercialize": "operate commercial products built on {asset}",
    "attribute": "name the Provider as the source of {asset}",
    "compensate": "pay the Provider for {asset}",
    "delete": "delete {asset}",
    "anonymize": "anonymise {asset}",
    "inform": "inform the Provider of each use of {asset}",
    "obtainConsent": "obtain the required consent before using {asset}",
    "archive": "archive {asset}",
    "index": "index {asset}",
    "display": "display {asset}",
    "modify": "modify {asset}",
    "extract": "extract parts of {asset}",
    "transform": "transform {asset} into another format",
    "translate": "translate {asset}",
    "watermark": "watermark {asset}",
    "concurrentUse": "use {asset} concurrently on several systems",
    "ensureExclusivity": "keep the use of {asset} exclusive",
    "reviewPolicy": "review this usage policy before using {asset}",
}

_SUBJECTS: Mapping[str, str] = {
    "dateTime": "the time of the action",
    "elapsedTime": "the time elapsed since the action was first exercised",
    "count": "the number of times the action is exercised",
    "purpose": "the purpose",
    "spatial": "the jurisdiction in which the action is exercised",
    "recipient": "the recipient",
    "payAmount": "the amount",
    "industry": "the industry sector of the user",
    "deliveryChannel": "the delivery channel",
    "fileFormat": "the file format",
    "version": "the version",
    "event": "the event",
    "product": "the product",
}

_OPERATORS: Mapping[str, str] = {
    "eq": "is",
    "neq": "is not",
    "lt": "is less than",
    "lteq": "is at most",
    "gt": "is more than",
    "gteq": "is at least",
    "term-lteq": "is at most",
    "isA": "is a",
    "hasPart": "includes",
    "isPartOf": "lies within",
    "isAllOf": "is all of",
    "isAnyOf": "is one of",
    "isNoneOf": "is none of",
}
_TIME_OPERATORS: Mapping[str, str] = {
    "eq": "is exactly",
    "lt": "is before",
    "lteq": "is no later than",
    "gt": "is after",
    "gteq": "is no earlier than",
}
_LOGICAL: Mapping[str, str] = {
    "and": "all of the following hold",
    "andSequence": "all of the following hold, in this order",
    "or": "at least one of the following holds",
    "xone": "exactly one of the following holds",
}
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
_NUMBER_OR_DATE = re.compile(r"[+-]?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}")


def policy_clauses(policy: Mapping[str, Any]) -> list[MarkdownSafe]:
    """One Markdown list item per rule: permissions, then prohibitions, then obligations."""
    clauses: list[MarkdownSafe] = []
    for key, title, modal in (
        ("permission", ("Permission", "许可"), "may"),
        ("prohibition", ("Prohibition", "禁止"), "shall not"),
        ("obligation", ("Obligation", "义务"), "shall"),
    ):
        for number, rule in enumerate(policy.get(key) or [], start=1):
            heading = f"{title[0]} {number} · {title[1]} {number}"
            clauses.append(MarkdownSafe(f"- **{heading}.** {_rule(rule, modal)}"))
    return clauses


def _rule(rule: Mapping[str, Any], modal: str) -> str:
    sentence = f"The Consumer {modal} {_action(rule.get('action'))}"
    conditions = rule.get("constraint") or []
    if conditions:
        sentence += f", {'where' if modal == 'shall not' else 'provided that'} {_conditions(conditions)}"
    sentence += "."
    for key, lead in (("duty", "In doing so the Consumer shall"), ("remedy", "If it does, it shall")):
        for duty in rule.get(key) or []:
            sentence += f" {lead} {_action(duty.get('action'))}"
            if duty.get("constraint"):
                sentence += f", where {_conditions(duty['constraint'])}"
            sentence += "."
    return sentence


def _action(action: Any) -> str:
    name = _local_name(str(action))
    phrase = _ACTIONS.get(name)
    if phrase is None:
        return f"perform the action “{escape_markdown(action)}” on {ASSET}"
    return phrase.format(asset=ASSET)


def _conditions(constraints: Sequence[Mapping[str, Any]]) -> str:
    parts = [_constraint(constraint) for constraint in constraints]
    return parts[0] if len(parts) == 1 else "; and ".join(parts)


def _constraint(constraint: Mapping[str, Any]) -> str:
    for operator, phrase in _LOGICAL.items():
        if operator in constraint:
            items = [
                f"({_ROMAN[index % len(_ROMAN)]}) {_constraint(item)}"
                for index, item in enumerate(constraint[operator])
            ]
            return f"{phrase}: {' '.join(items)}"
    left = _local_name(str(constraint["leftOperand"]))
    operator = str(constraint["operator"])
    subject = _SUBJECTS.get(left) or f"the “{escape_markdown(_spaced(left))}”"
    phrases = _TIME_OPERATORS if left == "dateTime" else _OPERATORS
    verb = (
        phrases.get(operator)
        or _OPERATORS.get(operator)
        or f"stands in relation “{escape_markdown(operator)}” to"
    )
    value = _value(constraint["rightOperand"], "or" if operator in ("isAnyOf", "isNoneOf") else "and")
    unit = constraint.get("unit")
    if unit is not None:
        value += f" {escape_markdown(_local_name(str(unit)))}"
    return f"{subject} {verb} {value}"


def _value(operand: Any, conjunction: str) -> str:
    if isinstance(operand, list):
        return join_words((_value(item, conjunction) for item in operand), conjunction)
    if isinstance(operand, Mapping):
        if "@list" in operand or "@set" in operand:
            return _value(operand.get("@list", operand.get("@set")), conjunction)
        if "@id" in operand:
            return f"“{escape_markdown(operand['@id'])}”"
        operand = operand.get("@value", "")
    text = str(operand)
    if _DATE_TIME.fullmatch(text):
        return escape_markdown(text if text.endswith("Z") else f"{text} ({_utc(text)})")
    if _NUMBER_OR_DATE.fullmatch(text):
        return escape_markdown(text)
    return f"“{escape_markdown(text)}”"


def _utc(text: str) -> str:
    try:
        return moment(text)
    except ValueError:
        return "not a valid date-time"


def _local_name(iri: str) -> str:
    return iri[max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1 :]


def _spaced(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
