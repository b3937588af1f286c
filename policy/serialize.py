"""Writing a policy back as compact ODRL JSON-LD, so that `parse_policy(to_jsonld(p)) == p`."""

from typing import Any

from policy.model import AnyConstraint, Constraint, Policy, RightOperand, Rule, Scalar
from policy.right_operands import default_datatype
from policy.terms import ODRL, XSD
from policy.values import Iri, format_value

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"


def to_jsonld(policy: Policy) -> dict[str, Any]:
    """The policy as a compact JSON-LD object using the W3C ODRL context; only JSON types inside."""
    document: dict[str, Any] = {"@context": ODRL_CONTEXT, "@type": policy.type}
    _put(document, "uid", policy.uid)
    _put(document, "profile", policy.profile)
    _put(document, "conflict", policy.conflict)
    _put(document, "assigner", policy.assigner)
    _put(document, "assignee", policy.assignee)
    _put(document, "target", policy.target)
    for key, rules in (
        ("permission", policy.permissions),
        ("prohibition", policy.prohibitions),
        ("obligation", policy.obligations),
    ):
        if rules:
            document[key] = [_rule(rule) for rule in rules]
    return document


def _put(document: dict[str, Any], key: str, value: str | None) -> None:
    if value is not None:
        document[key] = value


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "uid", rule.uid)
    if rule.action is not None and rule.refinements:
        iri = rule.action if ":" in rule.action else ODRL + rule.action
        out["action"] = {"rdf:value": {"@id": iri}, "refinement": [_constraint(c) for c in rule.refinements]}
    else:
        _put(out, "action", rule.action)
    _put(out, "target", rule.target)
    _put(out, "assigner", rule.assigner)
    _put(out, "assignee", rule.assignee)
    for role, party in rule.party_functions:
        out[role] = party
    if rule.constraints:
        out["constraint"] = [_constraint(c) for c in rule.constraints]
    for key, nested in (("duty", rule.duties), ("remedy", rule.remedies), ("consequence", rule.consequences)):
        if nested:
            out[key] = [_rule(item) for item in nested]
    return out


def _constraint(constraint: AnyConstraint) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "uid", constraint.uid)
    if not isinstance(constraint, Constraint):
        out[constraint.operator] = [_constraint(part) for part in constraint.constraints]
        return out
    out["leftOperand"] = constraint.left_operand
    out["operator"] = constraint.operator
    out["rightOperand"] = _right_operand(constraint.right_operand, constraint.data_type)
    _put(out, "unit", constraint.unit)
    return out


def _right_operand(value: RightOperand, datatype: str | None) -> Any:
    if isinstance(value, tuple):
        return [_scalar(item, default_datatype(item)) for item in value]
    return _scalar(value, datatype)


def _scalar(value: Scalar, datatype: str | None) -> Any:
    if isinstance(value, Iri):
        return {"@id": value.value}
    if datatype is None and isinstance(value, str):
        return value
    if datatype == XSD + "boolean" and isinstance(value, bool):
        return value
    if datatype == XSD + "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    compact = "xsd:" + datatype[len(XSD) :] if datatype and datatype.startswith(XSD) else datatype
    return {
        "@value": format_value(value).lower() if isinstance(value, bool) else format_value(value),
        "@type": compact,
    }
