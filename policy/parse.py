"""Reading a policy from compact ODRL JSON-LD, as the Dataspace Protocol and the node's API write it.

Keys and terms may be bare (`permission`, `use`), prefixed (`odrl:permission`, or any prefix an inline
`@context` binds to the ODRL namespace) or full IRIs. A bare key that is not an ODRL property is refused,
since a misspelt `constraints` would otherwise silently drop a restriction; keys of other vocabularies
(`dct:title`) are ignored. ODRL features the evaluator cannot honour (`inheritFrom`,
`rightOperandReference`, ...) are refused rather than ignored. Every error is a PolicyError whose path
names the element, e.g. `permission[0].constraint[1].operator`.

`policy_from_graph` (RDF) and `to_jsonld` (the way back) live in sibling modules and are re-exported here.
"""

import difflib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from policy.actions import known_action
from policy.errors import PolicyError
from policy.model import AnyConstraint, Constraint, LogicalConstraint, Policy, Rule
from policy.parse_rdf import policy_from_graph, policy_from_turtle
from policy.right_operands import read_right_operand
from policy.serialize import to_jsonld
from policy.terms import (
    CONFLICT_STRATEGIES,
    LOGICAL_OPERATORS,
    ODRL,
    OPERATORS,
    POLICY_TYPES,
    is_iri_like,
    odrl_term,
)
from policy.vocabulary import vocabulary

__all__ = ["parse_policy", "policy_from_graph", "policy_from_turtle", "to_jsonld"]

# Bare keys that Dataspace Protocol messages put on a policy besides the ODRL ones.
FOREIGN_BARE_KEYS = frozenset({"timestamp"})
RULE_KEYS = frozenset({"uid", "@type", "action", "target", "assigner", "assignee", "constraint"})
EXTRA_RULE_KEYS = {
    "permission": {"duty"},
    "prohibition": {"remedy"},
    "obligation": {"consequence"},
    "duty": {"consequence"},
    "remedy": set(),
    "consequence": set(),
}
RULE_TYPES = {"permission": "Permission", "prohibition": "Prohibition"}
CONSTRAINT_KEYS = frozenset(
    {"uid", "@type", "leftOperand", "operator", "rightOperand", "unit", "dataType", *LOGICAL_OPERATORS}
)
POLICY_KEYS = frozenset(
    {"uid", "@type", "assigner", "assignee", "target", "permission", "prohibition", "obligation"}
    | {"profile", "conflict"}
)


def parse_policy(document: Mapping[str, Any] | str | bytes) -> Policy:
    """A policy from compact ODRL JSON-LD (a mapping or JSON text); PolicyError names what is wrong."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise PolicyError("", f"not JSON: {error}") from None
    if not isinstance(document, Mapping):
        raise PolicyError("", "a policy is a JSON object")
    return _Reader(_odrl_prefixes(document.get("@context"))).policy(document)


def _odrl_prefixes(context: Any) -> frozenset[str]:
    prefixes = {"odrl"}
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, Mapping):
            prefixes.update(key for key, value in entry.items() if value == ODRL)
    return frozenset(prefixes)


class _Reader:
    """Reads one JSON-LD policy object; methods read its parts and raise PolicyError with their path."""

    def __init__(self, odrl_prefixes: frozenset[str]) -> None:
        self.prefixes = odrl_prefixes
        self.properties = vocabulary().properties | {"uid"}

    def keys(self, obj: Mapping[str, Any], path: str, allowed: frozenset[str] | set[str]) -> dict[str, Any]:
        """The ODRL properties of a JSON object by local name, refusing unknown and unsupported ones."""
        found: dict[str, Any] = {}
        for key, value in obj.items():
            name = self.property_name(key, path)
            if name is None:
                continue
            if name in found:
                raise PolicyError(_join(path, key), f"{name} is given twice")
            if name not in allowed:
                raise PolicyError(_join(path, key), _unsupported(name))
            found[name] = value
        return found

    def property_name(self, key: str, path: str) -> str | None:
        if key in ("@type", "@context"):
            return None if key == "@context" else key
        if key == "@id":
            return "uid"
        if key.startswith("@"):
            raise PolicyError(_join(path, key), f"JSON-LD keyword {key} is not supported in a policy")
        prefix, _, rest = key.partition(":")
        if key.startswith(ODRL) or (rest and prefix in self.prefixes):
            name = key[len(ODRL) :] if key.startswith(ODRL) else rest
            if name not in self.properties:
                raise PolicyError(_join(path, key), "not an ODRL 2.2 property")
            return name
        if is_iri_like(key) or key in FOREIGN_BARE_KEYS:
            return None
        if key not in self.properties:
            hint = difflib.get_close_matches(key, sorted(self.properties), n=1)
            raise PolicyError(
                _join(path, key), "unknown property" + (f"; did you mean {hint[0]}?" if hint else "")
            )
        return key

    def policy(self, document: Mapping[str, Any]) -> Policy:
        found = self.keys(document, "", POLICY_KEYS)
        policy_type = self.policy_type(found.get("@type"))
        rules = {
            kind: self.rules(found.get(kind), kind, kind)
            for kind in ("permission", "prohibition", "obligation")
        }
        if not any(rules.values()):
            raise PolicyError("", "a policy needs at least one permission, prohibition or obligation")
        conflict = self.optional_text(found, "conflict", "")
        if conflict is not None:
            conflict = odrl_term(conflict, CONFLICT_STRATEGIES)
            if conflict is None:
                raise PolicyError("conflict", f"expected one of {', '.join(CONFLICT_STRATEGIES)}")
        return Policy(
            type=policy_type,
            uid=self.optional_text(found, "uid", ""),
            assigner=self.party(found, "assigner", ""),
            assignee=self.party(found, "assignee", ""),
            target=self.party(found, "target", ""),
            permissions=rules["permission"],
            prohibitions=rules["prohibition"],
            obligations=rules["obligation"],
            profile=self.optional_text(found, "profile", ""),
            conflict=conflict,
        )

    def policy_type(self, raw: Any) -> str:
        if raw is None:
            raise PolicyError("@type", "missing; expected Set, Offer or Agreement")
        raw = _single(raw, "@type")
        if not isinstance(raw, str):
            raise PolicyError("@type", "expected Set, Offer or Agreement")
        name = odrl_term(raw, (*POLICY_TYPES, "Policy"))
        if name is None:
            raise PolicyError("@type", f"unsupported policy type {raw!r}; expected Set, Offer or Agreement")
        return "Set" if name == "Policy" else name

    def rules(self, raw: Any, key: str, path: str) -> tuple[Rule, ...]:
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        return tuple(self.rule(item, key, f"{path}[{index}]") for index, item in enumerate(items))

    def rule(self, obj: Any, kind: str, path: str) -> Rule:
        if not isinstance(obj, Mapping):
            raise PolicyError(path, f"a {kind} is a JSON object")
        allowed = RULE_KEYS | EXTRA_RULE_KEYS[kind] | vocabulary().party_functions
        found = self.keys(obj, path, allowed)
        if "@type" in found:
            expected = RULE_TYPES.get(kind, "Duty")
            if odrl_term(str(_single(found["@type"], f"{path}.@type")), (expected,)) is None:
                raise PolicyError(_join(path, "@type"), f"expected {expected}")
        action, refinements = self.action(found.get("action"), _join(path, "action"))
        functions = tuple(
            (role, self.party(found, role, path))
            for role in sorted(vocabulary().party_functions)
            if role in found
        )
        return Rule(
            action=action,
            refinements=refinements,
            target=self.party(found, "target", path),
            assigner=self.party(found, "assigner", path),
            assignee=self.party(found, "assignee", path),
            constraints=self.constraints(found.get("constraint"), _join(path, "constraint")),
            duties=self.rules(found.get("duty"), "duty", _join(path, "duty")),
            remedies=self.rules(found.get("remedy"), "remedy", _join(path, "remedy")),
            consequences=self.rules(found.get("consequence"), "consequence", _join(path, "consequence")),
            party_functions=tuple((role, party) for role, party in functions if party is not None),
            uid=self.optional_text(found, "uid", path),
        )

    def action(self, raw: Any, path: str) -> tuple[str | None, tuple[AnyConstraint, ...]]:
        if raw is None:
            return None, ()
        raw = _single(raw, path, "a rule has exactly one action; write one rule per action")
        refinements: tuple[AnyConstraint, ...] = ()
        if isinstance(raw, Mapping):
            value = raw.get("rdf:value", raw.get("value", raw.get("@id")))
            extra = set(raw) - {"rdf:value", "value", "@id", "@type", "refinement", "odrl:refinement"}
            if extra:
                raise PolicyError(_join(path, sorted(extra)[0]), "unsupported in an action")
            refinements = self.constraints(
                raw.get("refinement", raw.get("odrl:refinement")), f"{path}.refinement"
            )
            raw = value.get("@id") if isinstance(value, Mapping) else value
        if not isinstance(raw, str) or not raw:
            raise PolicyError(path, "expected an action name or IRI")
        name = known_action(raw)
        if name is None and not is_iri_like(raw):
            raise PolicyError(path, f"unknown action {raw!r}; use an ODRL action or an IRI")
        return name or raw, refinements

    def constraints(self, raw: Any, path: str) -> tuple[AnyConstraint, ...]:
        if raw is None:
            return ()
        if isinstance(raw, Mapping) and "@list" in raw:
            raw = raw["@list"]
        items = raw if isinstance(raw, list) else [raw]
        return tuple(self.constraint(item, f"{path}[{index}]") for index, item in enumerate(items))

    def constraint(self, obj: Any, path: str) -> AnyConstraint:
        if not isinstance(obj, Mapping):
            raise PolicyError(path, "a constraint is a JSON object")
        found = self.keys(obj, path, CONSTRAINT_KEYS)
        logical = [name for name in LOGICAL_OPERATORS if name in found]
        if logical:
            if len(logical) > 1 or "leftOperand" in found:
                raise PolicyError(path, "a logical constraint has exactly one of or, xone, and, andSequence")
            combinator = logical[0]
            parts = self.constraints(found[combinator], _join(path, combinator))
            if len(parts) < 2:
                raise PolicyError(_join(path, combinator), f"{combinator} needs at least two constraints")
            return LogicalConstraint(combinator, parts, self.optional_text(found, "uid", path))
        for required in ("leftOperand", "operator", "rightOperand"):
            if required not in found:
                raise PolicyError(_join(path, required), "missing")
        left = self.term(found["leftOperand"], _join(path, "leftOperand"))
        left = odrl_term(left, vocabulary().left_operands) or left
        operator_text = self.term(found["operator"], _join(path, "operator"))
        operator = odrl_term(operator_text, OPERATORS)
        if operator is None:
            raise PolicyError(_join(path, "operator"), f"unknown operator {operator_text!r}")
        unit = self.optional_text(found, "unit", path)
        datatype = self.optional_text(found, "dataType", path)
        value, value_type = read_right_operand(
            found["rightOperand"], left, operator, unit, datatype, _join(path, "rightOperand")
        )
        return Constraint(left, operator, value, unit, value_type, self.optional_text(found, "uid", path))

    def term(self, raw: Any, path: str) -> str:
        raw = _single(raw, path)
        if isinstance(raw, Mapping):
            raw = raw.get("@id")
        if not isinstance(raw, str) or not raw:
            raise PolicyError(path, "expected a name or IRI")
        return raw

    def party(self, found: Mapping[str, Any], key: str, path: str) -> str | None:
        """A party or asset: an IRI string, or an object with its @id (or uid)."""
        if key not in found:
            return None
        where = _join(path, key)
        raw = _single(found[key], where, f"a rule has at most one {key}")
        if isinstance(raw, Mapping):
            if "refinement" in raw or "odrl:refinement" in raw:
                raise PolicyError(where, "refined party and asset collections are not supported")
            raw = raw.get("@id", raw.get("uid"))
        if not isinstance(raw, str) or not raw:
            raise PolicyError(where, "expected an IRI, or an object with @id")
        return raw

    def optional_text(self, found: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in found:
            return None
        raw = _single(found[key], _join(path, key))
        if isinstance(raw, Mapping):
            raw = raw.get("@id")
        if not isinstance(raw, str) or not raw:
            raise PolicyError(_join(path, key), "expected text or an IRI")
        return raw


def _single(raw: Any, path: str, reason: str = "expected one value") -> Any:
    if isinstance(raw, list):
        if len(raw) != 1:
            raise PolicyError(path, reason)
        return raw[0]
    return raw


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unsupported(name: str) -> str:
    if name in ("duty", "remedy", "consequence"):
        return (
            f"{name} is not allowed here: permissions have duties, prohibitions remedies, duties consequences"
        )
    if name == "action":
        return "a policy-level action is not supported; give each rule its action"
    return f"{name} is not supported here"
