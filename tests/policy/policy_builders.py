"""Small builders for policies and requests in the policy tests."""

from datetime import UTC, datetime
from typing import Any

from policy import Decision, Request, evaluate, parse_policy

NOON = datetime(2024, 2, 12, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    """A UTC moment from `2024-02-12T12:00:00`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def constraint(left: str, operator: str, right: Any, **extra: Any) -> dict[str, Any]:
    """A constraint as compact JSON-LD."""
    return {"leftOperand": left, "operator": operator, "rightOperand": right, **extra}


def offer(*constraints: dict[str, Any], action: str = "use", **rule: Any) -> dict[str, Any]:
    """An Offer with one permission of `action` under `constraints`."""
    permission: dict[str, Any] = {"action": action, **rule}
    if constraints:
        permission["constraint"] = list(constraints)
    return {"@type": "Offer", "uid": "urn:offer:1", "permission": [permission]}


def decide(document: dict[str, Any], **request: Any) -> Decision:
    """The decision on a request (action `read` at NOON unless given) under a JSON-LD policy."""
    fields: dict[str, Any] = {"action": "read", "time": NOON, **request}
    return evaluate(parse_policy(document), Request(**fields))
