"""What the contract services need to know of the node they run on: its name, its clock, its key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..models.base import utcnow


@dataclass(frozen=True)
class NodeContext:
    """The node's identity and settings as the contract services use them."""

    base_url: str
    name: str
    negotiation_ttl: timedelta
    auto_min_credit: int
    sign: Callable[[bytes, str], tuple[str, str]] = field(repr=False)
    now: Callable[[], datetime] = utcnow
