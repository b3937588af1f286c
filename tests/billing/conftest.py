"""Billing fixtures: agreements made through the API, usage as the gateway records it, months to close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from app.db import get_session
from app.models import UsageEvent
from app.services.billing_periods import Period, parse_period

from ..support.contract_data import agreement_in_force


def month_before(day: date) -> Period:
    """The calendar month before the one `day` is in."""
    previous = day.replace(day=1) - timedelta(days=1)
    return parse_period(f"{previous:%Y-%m}")


@pytest.fixture
def last_month() -> Period:
    """The month before this one: ended, so it can be closed."""
    return month_before(datetime.now(UTC).date())


@pytest.fixture
def make_agreement(flow: Any, provider: Any, consumer: Any) -> Callable[..., dict[str, Any]]:
    """An agreement in force between the provider and the consumer, on an offer with these fields."""

    def make(**offer: Any) -> dict[str, Any]:
        return agreement_in_force(flow, provider, consumer, **offer)

    return make


@pytest.fixture
def record_use(app: Flask) -> Callable[..., None]:
    """Usage events as the gateway writes them, on the given day: `record_use(agreement, day, n=3)`."""

    def record(agreement: dict[str, Any], day: date, n: int = 1, *, units: int = 1, **sizes: int) -> None:
        with app.app_context():
            session = get_session()
            for i in range(n):
                session.add(
                    UsageEvent(
                        agreement_id=agreement["id"],
                        dataset_id=agreement["dataset_id"],
                        consumer_org_id=agreement["consumer_org_id"],
                        provider_org_id=agreement["provider_org_id"],
                        mode="records",
                        units=units,
                        records=sizes.get("records", 0),
                        bytes=sizes.get("bytes", 0),
                        purpose="academic research",
                        request=f"GET /data/v1/agreements/{agreement['id']}/records?page={i}",
                        at=datetime.combine(day, time(12), UTC),
                        day=day,
                    )
                )
            session.commit()

    return record
