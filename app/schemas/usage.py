"""Usage reports as the API takes their period and returns their figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .common import Strict

DEFAULT_DAYS = 30
EARLIEST = date(1970, 1, 1)
LATEST = date(9999, 12, 30)  # the day after it must still be a date


def utc_today() -> date:
    """Today in UTC, the calendar of usage events."""
    return datetime.now(UTC).date()


class UsageQuery(Strict):
    """The UTC days a report covers, both inclusive: by default the 30 days ending today."""

    # `to` comes first so that the default of `from` and the check of their order can see it.
    to: date = Field(
        default_factory=utc_today, ge=EARLIEST, le=LATEST, description="last UTC day (default: today)"
    )
    from_: date | None = Field(
        None,
        alias="from",
        ge=EARLIEST,
        le=LATEST,
        validate_default=True,
        description=f"first UTC day (default: {DEFAULT_DAYS} days ending with `to`)",
    )

    @field_validator("from_")
    @classmethod
    def _not_after_to(cls, value: date | None, info: ValidationInfo) -> date | None:
        last = info.data.get("to")
        if last is None:  # `to` is invalid and reported on its own
            return value
        if value is None:
            return max(EARLIEST, last - timedelta(days=DEFAULT_DAYS - 1))
        if value > last:
            raise PydanticCustomError(
                "date_order", "must be on or before `to` ({to})", {"to": last.isoformat()}
            )
        return value

    @property
    def first(self) -> date:
        """The first day of the period (the default filled in)."""
        assert self.from_ is not None
        return self.from_


class UsageSummaryQuery(UsageQuery):
    """Whose agreements to sum up, over which days."""

    role: Literal["consumer", "provider", "operator"] = Field(
        "consumer", description="agreements as consumer, as provider, or (operator) every agreement"
    )


class _Out(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)


class UsageFigures(_Out):
    """What was delivered and refused: uses counted, records, bytes, deliveries (events) and refusals."""

    units: int = Field(description="uses counted against the quota")
    records: int
    bytes: int
    events: int = Field(description="deliveries, one usage event each")
    refusals: int = Field(description="requests the data plane refused")


class _Day(_Out):
    day: date


class DayUsageOut(UsageFigures, _Day):
    """One UTC day with usage or refusals (the day first, then its figures)."""


class QuotaOut(_Out):
    """Uses over the agreement's whole term (whatever the report's period) and what its limit leaves."""

    used: int
    limit: int | None = Field(description="null: no count limit")
    left: int | None = Field(description="null: no count limit")


class AgreementUsageOut(_Out):
    """An agreement's usage per UTC day over a period; days without usage or refusals are left out."""

    agreement_id: str
    from_: date = Field(alias="from")
    to: date
    days: list[DayUsageOut]
    totals: UsageFigures
    quota: QuotaOut


class _Agreement(_Out):
    agreement_id: str
    dataset_id: str
    consumer_org_id: str
    provider_org_id: str
    status: str


class AgreementTotalsOut(UsageFigures, _Agreement):
    """One agreement's totals over the period (the agreement first, then its figures and quota)."""

    quota: QuotaOut


class UsageSummaryOut(_Out):
    """Every agreement of an organisation (or, for the operator, of the node) with its totals."""

    role: str
    from_: date = Field(alias="from")
    to: date
    agreements: list[AgreementTotalsOut]
    totals: UsageFigures
