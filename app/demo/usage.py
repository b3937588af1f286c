"""Ten days of the consumers' data calls under their agreements in force, delivered or refused, and a
month of the derived index's use before them.

Each consumer's client runs jobs on its agreements: dashboards refreshing record pages, nightly
downloads, aggregate queries. The calls are judged and metered as the data plane would have done on their
day (`calls.py`), so the usage reports, the quota counters and the refusals all tell the same story:
a download job that runs into its use limit, a purpose the contract does not cover, a query naming a
column the offer withholds, a feed cut off by its suspension.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from ..gateway import gate
from ..models import Agreement, OAuthClient
from .answers import Answers
from .calls import Consumer, make_call
from .specs import Call, Routine

DAYS = 10
EVERY_DAY = tuple(range(DAYS))
PREVIOUS_MONTH = "previous month"  # every day of the last month that has ended, for its billing
NIGHTLY = (0.5, 4.0)
DURATION_MS = {"download": (4, 40), "records": (3, 25), "aggregate": (20, 120)}


def pages(count: int, source: str = "csv", per_page: int = 100, fmt: str = "json") -> tuple[Call, ...]:
    """Record pages 1 to `count`."""
    return tuple(Call("records", source, page, per_page, fmt) for page in range(1, count + 1))


PRESSURE_BY_ZONE = {
    "group_by": ["zone_id"],
    "aggregates": [
        {"fn": "count"},
        {"fn": "avg", "column": "pressure_kpa"},
        {"fn": "min", "column": "pressure_kpa"},
    ],
}
FLOW_BY_DISTRICT = {
    "group_by": ["district"],
    "aggregates": [{"fn": "avg", "column": "flow_m3h"}, {"fn": "max", "column": "turbidity_ntu"}],
}
CHLORINE_BY_ZONE = {"group_by": ["zone_id"], "aggregates": [{"fn": "avg", "column": "free_chlorine_mgl"}]}

ROUTINES: tuple[Routine, ...] = (
    # Lumen's district dashboards refresh from the Parquet copy twice a day; the CSV is archived
    # every third night.
    Routine("air-quality/open", pages(2, "parquet"), EVERY_DAY, runs=2),
    Routine("air-quality/open", (Call("download"),), (9, 6, 3, 0), hours=NIGHTLY),
    # Atlas's climate model reads the readings as CSV pages each night; once an underwriter asked for
    # them for a purpose the subscription does not cover.
    Routine("air-quality/api", pages(4, per_page=50, fmt="csv"), EVERY_DAY, hours=NIGHTLY),
    Routine("air-quality/api", (Call("records", per_page=50, purpose="insurance pricing"),), (4,)),
    # A download job that runs twice a day, and one manual download, use up the licence's 20 downloads
    # before the job's last run.
    Routine("port-throughput/download", (Call("download"),), EVERY_DAY, runs=2),
    Routine("port-throughput/download", (Call("download"),), (5,)),
    # Weekly corridor volumes: the Parquet copy's pages every other day, the CSV now and then.
    Routine("freight-volumes/subscription", pages(3, "parquet"), (9, 7, 5, 3, 1)),
    Routine("freight-volumes/subscription", (Call("download"),), (8, 2)),
    Routine("mobility-air-index/licence", pages(2), EVERY_DAY),
    # The index's monthly sustainability reports read it three times a day all through last month,
    # the month the operator has closed and billed.
    Routine("mobility-air-index/licence", pages(2), PREVIOUS_MONTH, runs=3),
    # The charging feed was read every night until its suspension on the day the demo is loaded.
    Routine("ev-charging/api", pages(3), EVERY_DAY[1:], hours=NIGHTLY),
    Routine("ev-charging/api", pages(1), (0,), hours=None),
    # Zone statistics for the resilience plan, from the Parquet copy and from the CSV file; a column
    # the offer withholds, and records, which important data is never delivered as.
    Routine(
        "water-telemetry/aggregate",
        (Call("aggregate", "parquet", query=PRESSURE_BY_ZONE), Call("aggregate", query=FLOW_BY_DISTRICT)),
        (9, 8, 7, 6, 5, 2, 1, 0),
    ),
    Routine("water-telemetry/aggregate", (Call("aggregate", "parquet", query=CHLORINE_BY_ZONE),), (6,)),
    Routine("water-telemetry/aggregate", pages(1, "parquet"), (3,)),
)


@dataclass(frozen=True)
class _Planned:
    at: datetime
    call: Call
    key: str
    duration_ms: int


def record_usage(session: Session, offer_ids: dict[str, str], now: datetime) -> None:
    """Make the routines' calls of the last ten days, each metered or refused and committed on its own."""
    rng = random.Random(2026)  # noqa: S311 - not a secret: the same story on every load
    consumers = _consumers(session, offer_ids)
    plans: dict[str, list[_Planned]] = {}
    for routine in ROUTINES:
        plans.setdefault(routine.offer, []).extend(_plan(routine, now, rng))
    answers = Answers()
    for offer, planned in plans.items():
        for item in sorted(planned, key=lambda p: p.at):  # a quota is used up in time order
            make_call(
                session,
                consumers[offer],
                item.call,
                at=item.at,
                key=item.key,
                duration_ms=item.duration_ms,
                answers=answers,
            )


def _plan(routine: Routine, now: datetime, rng: random.Random) -> list[_Planned]:
    """The routine's calls, each run at a random time in its hours, its calls a second or two apart."""
    planned = []
    for days_ago in _days(routine, now):
        midnight = datetime.combine(now.date() - timedelta(days=days_ago), time.min, UTC)
        for _ in range(routine.runs):
            if routine.hours is None:
                at = now
            else:
                last = min(midnight + timedelta(hours=routine.hours[1]), now - timedelta(minutes=1))
                # a window that has not opened yet today is taken as the two hours before now
                first = min(midnight + timedelta(hours=routine.hours[0]), last - timedelta(hours=2))
                at = first + (last - first) * rng.random()
            for call in routine.calls:
                key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                planned.append(_Planned(at, call, key, rng.randint(*DURATION_MS[call.mode])))
                at += timedelta(milliseconds=rng.randint(300, 2500))
    return planned


def _days(routine: Routine, now: datetime) -> tuple[int, ...]:
    """The days a routine runs, counted back from the loading day."""
    if not isinstance(routine.days, str):
        return routine.days
    first_of_this_month = now.date().replace(day=1)
    last_of_previous = first_of_this_month - timedelta(days=1)
    first_of_previous = last_of_previous.replace(day=1)
    return tuple(range((now.date() - last_of_previous).days, (now.date() - first_of_previous).days + 1))


def _consumers(session: Session, offer_ids: dict[str, str]) -> dict[str, Consumer]:
    """The agreement on each offer the routines use, with its consumer's client."""
    offers = {offer_ids[routine.offer]: routine.offer for routine in ROUTINES}
    agreements = session.exec(select(Agreement).where(col(Agreement.offer_id).in_(offers))).all()
    clients = {c.org_id: c.client_id for c in session.exec(select(OAuthClient))}
    consumers = {}
    for agreement in agreements:
        snapshot = gate.snapshots().get(agreement.id)
        assert snapshot is not None
        consumers[offers[agreement.offer_id]] = Consumer(
            snapshot, clients[agreement.consumer_org_id], agreement.updated_at
        )
    return consumers
