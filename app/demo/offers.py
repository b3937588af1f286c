"""The demo's offers: every pricing model, within what each grade and contract template allow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from ..schemas.contracts import OfferIn
from ..services import offers
from .cast import Cast
from .listings import northwind, qianhai, shenzhen
from .specs import OfferSpec

SZ, NW, QH = shenzhen.STEWARD, northwind.STEWARD, qianhai.STEWARD

#: The template of the record-API offers.
API_TEMPLATE = "api-subscription"
#: The offers were made a week before the first request.
OFFERED_BEFORE = timedelta(days=7)


def open_data(dataset: str, modes: list[str], attribution: str | None = None) -> OfferSpec:
    """The Bureau's open data licence on a dataset: free, approved at once, for anybody anywhere."""
    terms = {
        "title": "Open data licence",
        "pricing": {"model": "free", "currency": "CNY"},
        "delivery_modes": modes,
        "template": "open-data-licence",
        "approval": "automatic",
        "validity_days": 1825,
        "cross_border": True,
    }
    return OfferSpec(
        f"{dataset}/open", dataset, SZ, terms | ({"attribution": attribution} if attribution else {})
    )


OFFERS: tuple[OfferSpec, ...] = (
    open_data(
        "air-quality",
        ["download", "records"],
        "Source: Shenzhen Municipal Open Data Bureau, hourly air quality readings",
    ),
    OfferSpec(
        "air-quality/api",
        "air-quality",
        SZ,
        {
            "title": "Live readings API, monthly subscription",
            "pricing": {"model": "subscription", "currency": "CNY", "price_minor": 80000, "period": "P1M"},
            "delivery_modes": ["records"],
            "template": API_TEMPLATE,
            "approval": "automatic",
            "cross_border": True,
            "purposes": ["environmental research", "public information services", "climate risk assessment"],
            "max_uses": 50000,
        },
    ),
    open_data("bus-ridership", ["download"]),
    open_data("traffic-incidents", ["download", "records"]),
    OfferSpec(
        "hospital-beds/licence",
        "hospital-beds",
        SZ,
        {
            "title": "Health-service planning licence, per record",
            "pricing": {
                "model": "per_record",
                "currency": "CNY",
                "price_minor": 5,
                "free_allowance": 500,
                "monthly_cap_minor": 300000,
            },
            "delivery_modes": ["download", "records"],
            "template": "standard-data-licence",
            "purposes": ["public health research", "hospital capacity planning"],
            "max_uses": 120,
            "deletion_days": 30,
        },
    ),
    OfferSpec(
        "water-telemetry/aggregate",
        "water-telemetry",
        SZ,
        {
            "title": "Aggregate queries for resilience planning, quarterly subscription",
            "pricing": {"model": "subscription", "currency": "CNY", "price_minor": 1500000, "period": "P3M"},
            "delivery_modes": ["aggregate"],
            "template": "aggregate-query-only",
            "validity_days": 180,
            "purposes": ["infrastructure resilience planning", "flood and drought risk modelling"],
            "aggregation": {
                "functions": ["count", "avg", "min", "max"],
                "columns": [
                    "zone_id",
                    "district",
                    "observed_at",
                    "pressure_kpa",
                    "flow_m3h",
                    "turbidity_ntu",
                ],
                "min_group_size": 24,
                "query_budget": 500,
                "max_rows_per_result": 200,
            },
        },
    ),
    OfferSpec(
        "freight-volumes/subscription",
        "freight-volumes",
        NW,
        {
            "title": "Corridor volumes, monthly subscription",
            "pricing": {"model": "subscription", "currency": "EUR", "price_minor": 45000, "period": "P1M"},
            "delivery_modes": ["download", "records"],
            "template": "standard-data-licence",
            "approval": "automatic",
            "cross_border": True,
            "jurisdictions": ["DE", "NL", "PL", "CN"],
            "purposes": ["supply-chain planning", "insurance pricing", "market analysis"],
            "max_uses": 1000,
        },
    ),
    OfferSpec(
        "port-throughput/download",
        "port-throughput",
        NW,
        {
            "title": "Bulk download, per gigabyte",
            "pricing": {"model": "per_gb", "currency": "EUR", "price_minor": 1500, "free_allowance": 1},
            "delivery_modes": ["download"],
            "template": "standard-data-licence",
            "approval": "automatic",
            "cross_border": True,
            "jurisdictions": ["DE", "NL", "CN"],
            "max_uses": 20,
        },
        window_years=2,
    ),
    OfferSpec(
        "freight-invoices/api",
        "freight-invoices",
        NW,
        {
            "title": "Payment behaviour API, per call",
            "pricing": {"model": "per_call", "currency": "EUR", "price_minor": 25, "free_allowance": 200},
            "delivery_modes": ["records"],
            "template": API_TEMPLATE,
            "validity_days": 180,
            "purposes": ["credit risk assessment", "trade credit insurance underwriting"],
            "masked_fields": ["shipper_vat_id", "shipper_iban"],
            "max_uses": 20000,
        },
    ),
    OfferSpec(
        "driver-fatigue/aggregate",
        "driver-fatigue",
        NW,
        {
            "title": "Aggregate fatigue statistics, per query",
            "pricing": {"model": "per_call", "currency": "EUR", "price_minor": 400},
            "delivery_modes": ["aggregate"],
            "template": "aggregate-query-only",
            "validity_days": 365,
            "purposes": ["motor fleet insurance pricing", "road safety research"],
            "max_uses": 300,
            "aggregation": {
                "functions": ["count", "avg", "min", "max"],
                "columns": [
                    "depot",
                    "age_band",
                    "event_type",
                    "shift_start_hour",
                    "hours_on_duty",
                    "perclos",
                ],
                "min_group_size": 20,
                "max_rows_per_result": 100,
            },
        },
    ),
    OfferSpec(
        "ev-charging/api",
        "ev-charging",
        QH,
        {
            "title": "Charging sessions API, tiered per call",
            "pricing": {
                "model": "tiered",
                "currency": "CNY",
                "unit": "call",
                "tiers": [
                    {"up_to": 10000, "unit_price_minor": 8},
                    {"up_to": 100000, "unit_price_minor": 5},
                    {"unit_price_minor": 3},
                ],
                "monthly_cap_minor": 200000,
            },
            "delivery_modes": ["records"],
            "template": API_TEMPLATE,
            "purposes": ["charging network planning", "energy demand forecasting"],
            "max_uses": 100000,
        },
        window_years=3,
    ),
    OfferSpec(
        "ride-hailing/records",
        "ride-hailing",
        QH,
        {
            "title": "Masked trip records, per record",
            "pricing": {"model": "per_record", "currency": "CNY", "price_minor": 2},
            "delivery_modes": ["records"],
            "template": "standard-data-licence",
            "validity_days": 365,
            "purposes": ["transport planning", "road safety research"],
            "masked_fields": ["rider_id", "rider_phone"],
            "max_uses": 2000,
            "deletion_days": 14,
        },
    ),
    OfferSpec(
        "mobility-grid/aggregate",
        "mobility-grid",
        QH,
        {
            "title": "Grid aggregates, tiered per query",
            "pricing": {
                "model": "tiered",
                "currency": "CNY",
                "unit": "call",
                "tiers": [
                    {"up_to": 1000, "unit_price_minor": 200},
                    {"up_to": 10000, "unit_price_minor": 120},
                    {"unit_price_minor": 80},
                ],
            },
            "delivery_modes": ["aggregate"],
            "template": "aggregate-query-only",
            "validity_days": 365,
            "purposes": ["urban planning", "retail site selection"],
            "aggregation": {
                "functions": ["count", "sum", "avg"],
                "columns": ["grid_cell", "hour_starting", "devices", "arrivals", "departures"],
                "min_group_size": 10,
                "query_budget": 2000,
                "max_rows_per_result": 500,
            },
        },
    ),
    OfferSpec(
        "mobility-air-index/licence",
        "mobility-air-index",
        QH,
        {
            "title": "Index licence, per call",
            "pricing": {
                "model": "per_call",
                "currency": "CNY",
                "price_minor": 300,
                "free_allowance": 50,
                "monthly_cap_minor": 500000,
            },
            "delivery_modes": ["download", "records"],
            "template": "standard-data-licence",
            "purposes": ["urban planning", "sustainability reporting", "insurance pricing"],
            "max_uses": 5000,
        },
        # Half of the index's revenue goes upstream, shared by the Shapley values of what each
        # combination of inputs would be worth: air quality alone carries most of the index.
        contribution={
            "method": "shapley",
            "upstream_basis_points": 5000,
            "coalitions": [
                {"inputs": ["air-quality"], "value": 60},
                {"inputs": ["freight-volumes"], "value": 10},
                {"inputs": ["ev-charging"], "value": 20},
                {"inputs": ["air-quality", "freight-volumes"], "value": 75},
                {"inputs": ["air-quality", "ev-charging"], "value": 85},
                {"inputs": ["freight-volumes", "ev-charging"], "value": 35},
                {"inputs": ["air-quality", "freight-volumes", "ev-charging"], "value": 100},
            ],
        },
    ),
)


def make_offers(
    session: Session, cast: Cast, dataset_ids: dict[str, str], first_request: datetime, base_url: str
) -> dict[str, str]:
    """Make every demo offer as its provider's steward, a week before the first request; their ids by key."""
    ids: dict[str, str] = {}
    for spec in OFFERS:
        terms = dict(spec.terms)
        if spec.contribution is not None:
            terms["contribution"] = _by_id(spec.contribution, dataset_ids)
        if spec.window_years is not None:
            year = first_request.year
            opens = datetime(year, 1, 1, tzinfo=UTC)
            terms["available_from"] = opens
            terms["available_until"] = opens.replace(year=year + spec.window_years)
        offer = offers.create_offer(
            session,
            cast.actor(spec.steward),
            dataset_ids[spec.dataset],
            OfferIn.model_validate(terms),
            base_url,
        )
        offer.created_at = first_request - OFFERED_BEFORE  # the node stamps a new row with its running clock
        ids[spec.key] = offer.id
    return ids


def _by_id(rule: dict[str, Any], dataset_ids: dict[str, str]) -> dict[str, Any]:
    """A contribution rule with its inputs named by dataset id instead of demo key."""
    named = dict(rule)
    if "coalitions" in named:
        named["coalitions"] = [
            {**c, "inputs": [dataset_ids[key] for key in c["inputs"]]} for c in named["coalitions"]
        ]
    if "shares" in named:
        named["shares"] = {dataset_ids[key]: part for key, part in named["shares"].items()}
    return named
