"""The scopes the node grants, the resource servers (audiences) they belong to, and who may hold them."""

from __future__ import annotations

from dataclasses import dataclass

from .models import OrgKind

API = "api"
DATA = "data"


@dataclass(frozen=True)
class Scope:
    """One permission a token can carry."""

    name: str
    description: str
    resource: str  # API or DATA: the resource server that accepts it
    kinds: frozenset[str]  # organisation kinds whose clients may hold it


_P, _C, _O = OrgKind.PROVIDER.value, OrgKind.CONSUMER.value, OrgKind.OPERATOR.value

SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        Scope(
            "org:read", "Read your organisation, its members and OAuth clients", API, frozenset({_P, _C, _O})
        ),
        Scope(
            "org:write",
            "Manage your organisation, its members and OAuth clients",
            API,
            frozenset({_P, _C, _O}),
        ),
        Scope(
            "catalog:write", "Create and edit datasets, distributions and offers", API, frozenset({_P, _O})
        ),
        Scope(
            "access:request", "Request access to datasets and sign usage contracts", API, frozenset({_C, _P})
        ),
        Scope("contracts:write", "Answer access requests and manage agreements", API, frozenset({_P, _O})),
        Scope("usage:read", "Read usage reports", API, frozenset({_P, _C, _O})),
        Scope("billing:read", "Read invoices, payments and statements", API, frozenset({_P, _C, _O})),
        Scope(
            "operator",
            "Operate the exchange: admit organisations, review listings, settle",
            API,
            frozenset({_O}),
        ),
        Scope("data:read", "Read data under a signed usage agreement", DATA, frozenset({_C, _P})),
    )
}


def allowed_for(kind: str) -> list[str]:
    """Every scope an organisation of this kind may grant its clients."""
    return [name for name, scope in SCOPES.items() if kind in scope.kinds]


def unknown(scopes: list[str]) -> list[str]:
    """The scopes in the list that the node does not define."""
    return [s for s in scopes if s not in SCOPES]


def resources_for(scopes: list[str]) -> list[str]:
    """The resource servers a set of scopes is meant for, in a stable order."""
    found = {SCOPES[s].resource for s in scopes if s in SCOPES}
    return [r for r in (API, DATA) if r in found] or [API]
