"""Period close at scale: 1,000,000 usage events over 1,000 agreements on PostgreSQL, set-based, against
a per-event loop.

Seeds a PostgreSQL database of its own with set-based INSERT … SELECT over ``generate_series``: two
organisations, one dataset, four offers (per call with a free allowance, tiered per record, per GB with
a monthly cap, a monthly subscription), 1,000 agreements spread over them, and usage events spread
evenly over the agreements and the days of a month. Then it closes the month with
``billing_periods.close_period`` (one GROUP BY over the month's events, the plans priced in Python per
agreement, invoices, lines and ledger postings written with bulk inserts) and prints the time.

The baseline is the obvious loop: every event of a month read as an ORM object, priced alone against
its agreement's running quantity (allowance, tiers), and written as an invoice line of its own. Both
close the same 10,000-event month in the same run (the loop first, its transaction rolled back after
it has flushed everything, so it is spared only its COMMIT); the ratio of their times is printed.

    python -m benchmarks.settlement [--events 1000000] [--agreements 1000] [--baseline-events 10000]
        [--database postgresql://postgres@127.0.0.1:5432/bench_settlement]

The database is dropped and recreated; never point it at one you need.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from app.config import normalise_database_url

from ._harness import machine, print_json

SECRET = "benchmark-secret-key"  # noqa: S105 - a throwaway key for a temporary database
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/bench_settlement"
BIG_MONTH = date(2026, 1, 1)
SMALL_MONTH = date(2026, 2, 1)
PLANS: list[dict[str, Any]] = [
    {"model": "per_call", "currency": "EUR", "price_minor": 5, "free_allowance": 100},
    {
        "model": "tiered",
        "currency": "EUR",
        "unit": "record",
        "tiers": [{"up_to": 10_000, "unit_price_minor": 2}, {"unit_price_minor": 1}],
    },
    {"model": "per_gb", "currency": "EUR", "price_minor": 900, "monthly_cap_minor": 50_000},
    {"model": "subscription", "currency": "EUR", "price_minor": 90_000, "period": "P1M"},
]


def fresh_database(url: str) -> str:
    """Drop and recreate the benchmark's database; its SQLAlchemy URL."""
    parsed = make_url(normalise_database_url(url))
    name = parsed.database
    if not name or name in ("postgres", "test"):
        raise SystemExit("name a database of the benchmark's own, e.g. bench_settlement")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def seed(app: Any, agreements: int, big: int, small: int) -> None:
    """Parties, a dataset, four offers, `agreements` agreements, and two months of usage, set-based."""
    from app.db import engine, get_session
    from app.models import Agreement, Dataset, Negotiation, Offer, Organization

    with app.app_context():
        session = get_session()
        provider = Organization(name="Provider", kind="provider", jurisdiction="CN", status="active")
        consumer = Organization(name="Consumer", kind="consumer", jurisdiction="CN", status="active")
        session.add_all([provider, consumer])
        session.flush()
        dataset = Dataset(
            org_id=provider.id, grade="general-2", title={"en": "Bench"}, description={}, rights=[]
        )
        session.add(dataset)
        session.flush()
        offers = [
            Offer(
                dataset_id=dataset.id,
                org_id=provider.id,
                title=plan["model"],
                pricing=plan,
                policy={},
                delivery_modes=["records"],
                template_id="standard-data-licence",
                template_version="2",
            )
            for plan in PLANS
        ]
        session.add_all(offers)
        session.flush()
        start = datetime(2025, 12, 15, tzinfo=UTC)
        negotiation = Negotiation(
            consumer_pid="bench",
            offer_id=offers[0].id,
            dataset_id=dataset.id,
            consumer_org_id=consumer.id,
            provider_org_id=provider.id,
            state="FINALIZED",
            purpose="benchmark",
            validity_days=365,
            expires_at=start,
        )
        session.add(negotiation)
        session.flush()
        agreement = Agreement(
            negotiation_id=negotiation.id,
            offer_id=offers[0].id,
            dataset_id=dataset.id,
            consumer_org_id=consumer.id,
            provider_org_id=provider.id,
            status="active",
            purpose="benchmark",
            delivery_modes=["records"],
            template_id="standard-data-licence",
            template_version="2",
            terms="{}",
            contract_text="",
            contract_sha256="0" * 64,
            policy={},
            valid_from=start,
            valid_until=datetime(2026, 12, 15, tzinfo=UTC),
        )
        session.add(agreement)
        session.commit()
        offer_ids = "ARRAY[" + ",".join(f"'{o.id}'" for o in offers) + "]"
        with engine().begin() as connection:
            _clone(connection, "negotiation", negotiation.id, agreements, {"id": "md5('n' || g)::uuid::text"})
            _clone(
                connection,
                "agreement",
                agreement.id,
                agreements,
                {
                    "id": "md5('a' || g)::uuid::text",
                    "negotiation_id": "md5('n' || g)::uuid::text",
                    "offer_id": f"({offer_ids})[g % {len(offers)} + 1]",
                },
            )
            connection.execute(text("DELETE FROM agreement WHERE id = :id"), {"id": agreement.id})
            connection.execute(text("DELETE FROM negotiation WHERE id = :id"), {"id": negotiation.id})
            for month, count in ((BIG_MONTH, big), (SMALL_MONTH, small)):
                _usage(connection, month, count, agreements, dataset.id, consumer.id, provider.id)
            connection.execute(text("ANALYZE"))


def _clone(connection: Any, table: str, template_id: str, n: int, replace: dict[str, str]) -> None:
    """Copy one row `n` times with generate_series, some columns computed from g."""
    columns = [
        row[0]
        for row in connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                "ORDER BY ordinal_position"
            ),
            {"t": table},
        )
    ]
    values = [replace.get(c, f't."{c}"') for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    connection.execute(
        text(
            f"INSERT INTO {table} ({quoted}) SELECT {', '.join(values)} "  # noqa: S608 - our own column names
            f"FROM {table} t, generate_series(1, :n) g WHERE t.id = :template"
        ),
        {"n": n, "template": template_id},
    )


def _usage(
    connection: Any, month: date, count: int, agreements: int, dataset: str, consumer: str, provider: str
) -> None:
    connection.execute(
        text(
            """
            INSERT INTO usage_event (id, agreement_id, dataset_id, consumer_org_id, provider_org_id, mode,
                units, records, bytes, purpose, request, at, day, duration_ms)
            SELECT md5(:tag || i)::uuid::text, md5('a' || (i % :agreements + 1))::uuid::text, :dataset,
                :consumer, :provider, 'records', 1, 100, 250000, 'benchmark', 'GET /bench',
                (:first + (i % 28) * interval '1 day' + interval '12 hours') AT TIME ZONE 'UTC',
                :first + (i % 28), 3
            FROM generate_series(1, :count) i
            """
        ),
        {
            "tag": f"e{month:%Y%m}-",
            "agreements": agreements,
            "dataset": dataset,
            "consumer": consumer,
            "provider": provider,
            "first": month,
            "count": count,
        },
    )


def close_set_based(app: Any, month: date) -> tuple[float, int]:
    """Close a month with the node's period close; seconds and invoices issued."""
    from app.db import unit_of_work
    from app.services.actors import Actor
    from app.services.billing_periods import close_period, parse_period

    with app.app_context():
        started = time.perf_counter()
        with unit_of_work() as session:
            result = close_period(session, Actor.node(), parse_period(f"{month:%Y-%m}"))
        return time.perf_counter() - started, len(result.issued)


def close_per_event(app: Any, month: date) -> tuple[float, int]:
    """The baseline: every event read, priced alone and written as a line of its own; seconds, lines."""
    from app.db import get_session
    from app.models import Agreement, Invoice, InvoiceLine, Offer, UsageEvent
    from app.services.billing_periods import parse_period, plan_of
    from settlement.pricing import GB, MonthUsage, Plan, month_charges

    period = parse_period(f"{month:%Y-%m}")
    with app.app_context():
        started = time.perf_counter()
        session = get_session()
        try:
            invoices: dict[str, Invoice] = {}
            used: dict[str, MonthUsage] = {}
            terms: dict[str, tuple[Agreement, Offer, Plan]] = {}
            lines = 0
            events = session.exec(
                select(UsageEvent)
                .where(col(UsageEvent.day) >= period.first, col(UsageEvent.day) <= period.last)
                .order_by(col(UsageEvent.at))
                .execution_options(yield_per=1000)
            )
            for event in events:
                if event.agreement_id not in terms:  # each agreement and its plan read once
                    agreement = session.get(Agreement, event.agreement_id)
                    assert agreement is not None
                    offer = session.get(Offer, agreement.offer_id)
                    assert offer is not None
                    terms[event.agreement_id] = (agreement, offer, plan_of(offer.pricing))
                agreement, offer, plan = terms[event.agreement_id]
                before = used.get(agreement.id, MonthUsage())
                after = MonthUsage(
                    before.calls + event.units,
                    before.records + event.records,
                    before.bytes + event.bytes,
                    before.events + 1,
                )
                used[agreement.id] = after
                if plan.model == "subscription":
                    continue
                charged = _total(month_charges(plan, after, period.first)) - _total(
                    month_charges(plan, before, period.first)
                )
                invoice = invoices.get(agreement.id)
                if invoice is None:
                    invoice = invoices[agreement.id] = Invoice(
                        agreement_id=agreement.id,
                        offer_id=offer.id,
                        dataset_id=agreement.dataset_id,
                        consumer_org_id=agreement.consumer_org_id,
                        provider_org_id=agreement.provider_org_id,
                        period=period.label,
                        currency=plan.currency,
                        total_minor=0,
                        fee_basis_points=offer.fee_basis_points,
                        status="open",
                        due_at=period.end,
                    )
                    session.add(invoice)
                    session.flush()
                invoice.total_minor += charged
                session.add(
                    InvoiceLine(
                        invoice_id=invoice.id,
                        position=lines,
                        kind="usage",
                        unit=plan.usage_unit,
                        quantity=str(Fraction(event.bytes, GB) if plan.model == "per_gb" else 1),
                        unit_price_minor=plan.price_minor or 0,
                        amount_minor=charged,
                        description=f"event {event.id}",
                        first_day=event.day,
                        last_day=event.day,
                        events=1,
                    )
                )
                lines += 1
            session.flush()
            return time.perf_counter() - started, lines
        finally:
            session.rollback()


def _total(charges: list[Any]) -> int:
    return sum(c.amount_minor for c in charges)


def main() -> None:
    """Seed, close the big month, then both ways on the small month, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--baseline-events", type=int, default=10_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()

    from app import create_app
    from app.migrate import upgrade

    url = fresh_database(args.database)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    seed(app, args.agreements, args.events, args.baseline_events)
    seeded = time.perf_counter() - started
    print(f"machine: {machine()}")
    total = args.events + args.baseline_events
    print(f"seeded {args.agreements:,} agreements and {total:,} events in {seeded:.1f} s")

    big_seconds, big_invoices = close_set_based(app, BIG_MONTH)
    print(f"set-based close of {args.events:,} events: {big_seconds:.2f} s, {big_invoices} invoices")
    again_seconds, again_invoices = close_set_based(app, BIG_MONTH)
    print(f"closing it again: {again_seconds:.2f} s, {again_invoices} invoices (nothing changes)")

    loop_seconds, loop_lines = close_per_event(app, SMALL_MONTH)
    small_seconds, small_invoices = close_set_based(app, SMALL_MONTH)
    ratio = loop_seconds / small_seconds
    print(
        f"{args.baseline_events:,} events: set-based {small_seconds:.3f} s ({small_invoices} invoices), "
        f"per-event loop {loop_seconds:.2f} s ({loop_lines:,} lines): the loop takes {ratio:.1f}x as long"
    )
    per_event_rate = args.baseline_events / loop_seconds
    projected = args.events / per_event_rate
    print(
        f"at the loop's {per_event_rate:,.0f} events/s, {args.events:,} events would take {projected:,.0f} s"
    )
    print_json(
        {
            "benchmark": "settlement",
            "events": args.events,
            "agreements": args.agreements,
            "close_seconds": round(big_seconds, 3),
            "reclose_seconds": round(again_seconds, 3),
            "baseline_events": args.baseline_events,
            "set_based_small_seconds": round(small_seconds, 4),
            "per_event_loop_seconds": round(loop_seconds, 3),
            "ratio": round(ratio, 1),
        }
    )
    from app.db import EXTENSION

    app.extensions[EXTENSION].kw["bind"].dispose()


if __name__ == "__main__":
    main()
