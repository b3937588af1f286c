"""ODRL policies in the shape the Dataspace Protocol 2025-1 carries them.

The node keeps policies as compact ODRL JSON-LD (what `policy.to_jsonld` writes, or what a provider
typed). DSP wants a little more and a little less: an `@id` rather than `uid`, the `@type` Offer or
Agreement, no `@context` of its own (the message's context covers ODRL), no `target` inside rules, and
right operands that are strings or objects, never bare JSON numbers. These functions translate, and
refuse what cannot be said in that shape rather than dropping it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dsp.validate import MessageError

_RULE_KINDS = ("permission", "prohibition", "obligation")
_NESTED_RULES = ("duty", "remedy", "consequence")
_CONSTRAINT_LISTS = ("constraint", "refinement")
_LOGICAL = ("and", "andSequence", "or", "xone")
_SET_BY_OFFER = frozenset({"@context", "uid", "@id", "@type", "target"})
_SET_BY_AGREEMENT = _SET_BY_OFFER | {"assigner", "assignee", "timestamp"}


def dsp_offer(
    policy: Mapping[str, Any], *, offer_id: str | None = None, target: str | None = None
) -> dict[str, Any]:
    """The policy as a DSP Offer: `@id` from `offer_id` or the policy, `target` when given or present."""
    offer = _policy_body(policy, "offer", _SET_BY_OFFER)
    offer_id = offer_id or _policy_id(policy, "offer")
    target = target or _optional_str(policy.get("target"), "offer.target")
    return {"@id": offer_id, "@type": "Offer", **({"target": target} if target else {}), **offer}


def catalog_offer(policy: Mapping[str, Any], dataset_id: str) -> dict[str, Any]:
    """The policy as an Offer inside a catalog or dataset, where DSP forbids a `target`."""
    offer = dsp_offer(policy)
    target = offer.pop("target", None)
    if target is not None and target != dataset_id:
        raise MessageError("offer.target", f"targets {target!r}, but it is offered on dataset {dataset_id!r}")
    return offer


def dsp_agreement(
    policy: Mapping[str, Any],
    *,
    agreement_id: str,
    target: str,
    assigner: str,
    assignee: str,
    timestamp: datetime,
) -> dict[str, Any]:
    """The agreed policy as a DSP Agreement between `assigner` (provider) and `assignee` (consumer)."""
    if timestamp.tzinfo is None:
        raise MessageError("agreement.timestamp", "must be timezone-aware (UTC)")
    return {
        "@id": agreement_id,
        "@type": "Agreement",
        "target": target,
        "timestamp": xsd_datetime(timestamp),
        "assigner": assigner,
        "assignee": assignee,
        **_policy_body(policy, "agreement", _SET_BY_AGREEMENT),
    }


def xsd_datetime(moment: datetime) -> str:
    """An aware datetime as the xsd:dateTime in UTC that DSP agreements carry, e.g. 2026-01-31T12:00:00Z."""
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _policy_id(policy: Mapping[str, Any], path: str) -> str:
    for key in ("@id", "uid"):
        if isinstance(policy.get(key), str) and policy[key]:
            return str(policy[key])
    raise MessageError(f"{path}['@id']", "a DSP policy needs an identifier (@id), e.g. urn:uuid:...")


def _optional_str(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MessageError(path, f"must be a string, not {type(value).__name__}")


def _policy_body(policy: Mapping[str, Any], path: str, replaced: frozenset[str]) -> dict[str, Any]:
    if not isinstance(policy, Mapping):
        raise MessageError(path, "a policy is a JSON object")
    body: dict[str, Any] = {}
    for key, value in policy.items():
        if key in replaced:
            continue
        if key in _RULE_KINDS:
            body[key] = _rules(value, policy.get("target"), f"{path}.{key}")
        else:
            body[key] = value
    if not any(body.get(kind) for kind in ("permission", "prohibition")):
        raise MessageError(path, "a DSP policy needs at least one permission or prohibition")
    return body


def _rules(rules: Any, policy_target: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(rules, Sequence) or isinstance(rules, str) or not rules:
        raise MessageError(path, "must be a non-empty list of rules")
    return [_rule(rule, policy_target, f"{path}[{index}]") for index, rule in enumerate(rules)]


def _rule(rule: Any, policy_target: Any, path: str) -> dict[str, Any]:
    if not isinstance(rule, Mapping):
        raise MessageError(path, "a rule is a JSON object")
    out: dict[str, Any] = {}
    for key, value in rule.items():
        if key == "target":
            if value != policy_target:
                raise MessageError(
                    f"{path}.target", "DSP forbids targets inside rules; set the policy's target"
                )
        elif key == "uid":
            out["@id"] = value
        elif key == "action":
            out["action"] = _action(value, f"{path}.action")
        elif key in _NESTED_RULES:
            out[key] = _rules(value, policy_target, f"{path}.{key}")
        elif key in _CONSTRAINT_LISTS:
            out[key] = _constraints(value, f"{path}.{key}")
        else:
            out[key] = value
    if "action" not in out:
        raise MessageError(f"{path}.action", "every rule needs an action")
    return out


def _action(action: Any, path: str) -> str:
    if isinstance(action, str) and action:
        return action
    if isinstance(action, Mapping) and isinstance(action.get("@id"), str) and len(action) == 1:
        return str(action["@id"])
    raise MessageError(path, "DSP actions are plain names such as 'use'; refined actions cannot be sent")


def _constraints(constraints: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(constraints, Sequence) or isinstance(constraints, str):
        raise MessageError(path, "must be a list of constraints")
    return [_constraint(item, f"{path}[{index}]") for index, item in enumerate(constraints)]


def _constraint(constraint: Any, path: str) -> dict[str, Any]:
    if not isinstance(constraint, Mapping):
        raise MessageError(path, "a constraint is a JSON object")
    out: dict[str, Any] = {}
    for key, value in constraint.items():
        if key in _LOGICAL:
            out[key] = _constraints(value, f"{path}.{key}")
        elif key == "rightOperand":
            out[key] = _right_operand(value, f"{path}.rightOperand")
        elif key == "uid":
            out["@id"] = value
        else:
            out[key] = value
    return out


def _right_operand(value: Any, path: str) -> Any:
    if isinstance(value, bool):
        return {"@value": "true" if value else "false", "@type": "xsd:boolean"}
    if isinstance(value, int):
        return {"@value": str(value), "@type": "xsd:integer"}
    if isinstance(value, Decimal):
        return {"@value": str(value), "@type": "xsd:decimal"}
    if isinstance(value, float):
        raise MessageError(path, "write decimal values as strings such as '12.50', not binary floats")
    if isinstance(value, list):
        return [_right_operand(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value
