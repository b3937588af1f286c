"""What a month of use costs under a pricing plan: the charges an invoice lists, each explained.

The plan's models are those of the offers: ``free``; ``subscription`` (a fee per period, e.g. P1M);
``per_call``, ``per_record`` and ``per_gb`` (a price per unit of use); ``tiered`` (graduated bands of a
unit price). Rules, in order:

1. the month's quantity is summed from usage (calls are the quota units counted, records the records
   delivered, GB the bytes sent divided by 10^9, exactly);
2. the free allowance covers the first units of the calendar month;
3. unit prices apply to the rest: a single price, or graduated bands in which the n-th unit of the month
   is priced by the band containing n;
4. a subscription charges its fee once for every period that starts within the month and within the
   agreement's term (periods are counted from the first day of the term);
5. the monthly cap, if any, limits the month's total; the reduction is its own (negative) charge.

GB charges are the only ones with fractions of a minor unit; they are rounded half up, once per charge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

GB = 10**9
_DURATION = re.compile(r"^P(\d+)([YMWD])$")


@dataclass(frozen=True)
class Tier:
    """A band: units up to `up_to` (None for the last band) at `unit_price_minor` each."""

    up_to: int | None
    unit_price_minor: int


@dataclass(frozen=True)
class Plan:
    """A pricing plan, as the offer states it."""

    model: str
    currency: str
    price_minor: int | None = None
    period: str | None = None
    unit: str | None = None
    tiers: tuple[Tier, ...] = ()
    free_allowance: int | None = None
    monthly_cap_minor: int | None = None

    @property
    def usage_unit(self) -> str | None:
        """What a unit of use is: call, record or gb (None for free and subscription plans)."""
        if self.model == "tiered":
            return self.unit
        return {"per_call": "call", "per_record": "record", "per_gb": "gb"}.get(self.model)


@dataclass(frozen=True)
class MonthUsage:
    """One agreement's use in one calendar month, as the database summed it."""

    calls: int = 0
    records: int = 0
    bytes: int = 0
    events: int = 0

    def quantity(self, unit: str) -> Fraction:
        """How many units of `unit` were used (GB exactly, as a fraction)."""
        if unit == "call":
            return Fraction(self.calls)
        if unit == "record":
            return Fraction(self.records)
        if unit == "gb":
            return Fraction(self.bytes, GB)
        raise ValueError(f"unit: {unit!r} is not call, record or gb")


@dataclass(frozen=True)
class Charge:
    """One line of an invoice: what was counted, at which price, and the amount."""

    kind: str  # usage | allowance | subscription | cap
    unit: str | None
    quantity: Fraction
    unit_price_minor: int
    amount_minor: int
    description: str


def month_charges(
    plan: Plan, usage: MonthUsage, month: date, term_start: date | None = None, term_end: date | None = None
) -> list[Charge]:
    """The charges of one month (`month` is its first day) of an agreement under `plan`."""
    if month.day != 1:
        raise ValueError("month: the first day of a calendar month")
    if plan.model == "free":
        return []
    if plan.model == "subscription":
        charges = _subscription(plan, month, term_start or month, term_end)
    else:
        charges = _usage(plan, usage)
    return _capped(plan, charges)


def month_end(month: date) -> date:
    """The last day of the month that starts on `month`."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _usage(plan: Plan, usage: MonthUsage) -> list[Charge]:
    unit = plan.usage_unit
    assert unit is not None
    quantity = usage.quantity(unit)
    free = min(Fraction(plan.free_allowance or 0), quantity)
    charges = []
    if free:
        charges.append(Charge("allowance", unit, free, 0, 0, f"free allowance: first {_n(free)} {unit}s"))
    bands = plan.tiers if plan.model == "tiered" else (Tier(None, plan.price_minor or 0),)
    lower = Fraction(0)
    for band in bands:
        upper = quantity if band.up_to is None else min(quantity, Fraction(band.up_to))
        start = max(lower, free)
        if upper > start:
            counted = upper - start
            label = _band_label(plan, lower, band.up_to, unit)
            amount = _round_half_up(counted * band.unit_price_minor)
            charges.append(Charge("usage", unit, counted, band.unit_price_minor, amount, label))
        if band.up_to is None or quantity <= band.up_to:
            break
        lower = Fraction(band.up_to)
    return charges


def _band_label(plan: Plan, lower: Fraction, up_to: int | None, unit: str) -> str:
    if plan.model != "tiered":
        return f"{unit}s at the unit price"
    top = "and above" if up_to is None else f"to {up_to}"
    return f"{unit}s {_n(lower + 1)} {top}"


def _subscription(plan: Plan, month: date, term_start: date, term_end: date | None) -> list[Charge]:
    assert plan.period is not None
    assert plan.price_minor is not None
    starts = period_starts(plan.period, term_start, month, month_end(month))
    if term_end is not None:
        starts = [s for s in starts if s <= term_end]
    if not starts:
        return []
    count = Fraction(len(starts))
    label = f"subscription {plan.period} from {', '.join(s.isoformat() for s in starts)}"
    return [Charge("subscription", None, count, plan.price_minor, len(starts) * plan.price_minor, label)]


def period_starts(period: str, anchor: date, first: date, last: date) -> list[date]:
    """The days from `first` to `last` on which a period counted from `anchor` begins."""
    match = _DURATION.match(period)
    if match is None:
        raise ValueError(f"period: {period!r} is not an ISO 8601 duration such as P1M")
    n, designator = int(match.group(1)), match.group(2)
    if n < 1:
        raise ValueError("period: at least one unit long")
    starts = []
    if designator in "DW":
        step = n * (7 if designator == "W" else 1)
        offset = max((first - anchor).days, 0)
        k = -(-offset // step)
        day = anchor + timedelta(days=k * step)
        while day <= last:
            starts.append(day)
            day += timedelta(days=step)
        return starts
    months = n * (12 if designator == "Y" else 1)
    k = 0
    while True:
        day = _add_months(anchor, k * months)
        if day > last:
            return starts
        if day >= first:
            starts.append(day)
        k += 1


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_end(date(year, month, 1)).day))


def _capped(plan: Plan, charges: list[Charge]) -> list[Charge]:
    total = sum(c.amount_minor for c in charges)
    cap = plan.monthly_cap_minor
    if cap is None or total <= cap:
        return charges
    return [*charges, Charge("cap", None, Fraction(1), cap - total, cap - total, f"monthly cap of {cap}")]


def _round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)


def _n(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.9g}"
