"""The demo catalog's datasets, by provider, in the order they are listed (inputs before products)."""

from __future__ import annotations

from ..specs import Listing
from . import northwind, qianhai, shenzhen

LISTINGS: tuple[Listing, ...] = (*shenzhen.LISTINGS, *northwind.LISTINGS, *qianhai.LISTINGS)
