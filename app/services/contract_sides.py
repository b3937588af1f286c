"""The two sides of a negotiation or agreement, and which ones an actor may list."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import select

from ..errors import forbidden
from .actors import Actor


class BetweenParties(Protocol):
    """A row between a consumer and a provider organisation."""

    consumer_org_id: str
    provider_org_id: str


Row = TypeVar("Row")


def side_of(actor: Actor, row: BetweenParties) -> str | None:
    """Which side the actor is on: consumer, provider, operator (overseeing), or None."""
    if actor.org_id == row.consumer_org_id:
        return "consumer"
    if actor.org_id == row.provider_org_id:
        return "provider"
    if actor.is_operator:
        return "operator"
    return None


def listing(model: type[Row], actor: Actor, role: str, what: str) -> Any | None:
    """A query of the rows the actor sees in `role`: its own side's, or (operator) all; None for none."""
    query = select(model)
    if role == "operator":
        if not actor.is_operator:
            raise forbidden(f"only the operator sees every {what}")
        return query
    if actor.org_id is None:
        return None
    column = model.consumer_org_id if role == "consumer" else model.provider_org_id  # type: ignore[attr-defined]
    return query.where(column == actor.org_id)
