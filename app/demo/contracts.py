"""The demo's access requests, each played up to the state the demo shows, as its parties would play it.

The agreements in force were made weeks before the demo is loaded, so that the ten days of use the demo
shows fall within their terms: their requests are played on the node's clock set back to their day, the
later steps a few hours apart. The requests still open are made when the demo is loaded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ..models import Agreement, Negotiation
from ..schemas.contracts import NegotiationIn
from ..services import agreements, negotiations
from ..services.contract_context import NodeContext
from .cast import Cast
from .listings import northwind, qianhai, shenzhen
from .specs import RequestSpec, Step

SZ, NW, QH = shenzhen.STEWARD, northwind.STEWARD, qianhai.STEWARD
LUMEN = "analyst@lumen-analytics.example.cn"
LUMEN_ADMIN = "admin@lumen-analytics.example.cn"
ATLAS = "admin@atlas-mutual.example.de"
OPERATOR = "review@exchange.example.org"
STEP_GAP = timedelta(hours=3)

REQUESTS: tuple[RequestSpec, ...] = (
    # In force: automatic approvals, signed by the consumer and countersigned by the node.
    RequestSpec(
        LUMEN,
        "air-quality/open",
        "Publishing neighbourhood air-quality dashboards",
        "Hourly readings feed the public dashboards we build for district governments.",
        (Step("sign", LUMEN),),
        days_ago=40,
    ),
    RequestSpec(
        ATLAS,
        "air-quality/api",
        "climate risk assessment",
        "Air-quality extremes enter our property and health risk models for the Pearl River Delta.",
        (Step("sign", ATLAS),),
        days_ago=33,
    ),
    RequestSpec(
        ATLAS,
        "port-throughput/download",
        "Marine cargo insurance exposure analysis",
        "Monthly terminal volumes calibrate our accumulation of cargo risk per port.",
        (Step("sign", ATLAS),),
        days_ago=26,
    ),
    RequestSpec(
        ATLAS,
        "freight-volumes/subscription",
        "insurance pricing",
        "Corridor volumes and punctuality price our transit and delay covers.",
        (Step("sign", ATLAS),),
        days_ago=19,
    ),
    # In force after the provider's approval: the derived product, and a charging feed later suspended.
    RequestSpec(
        LUMEN_ADMIN,
        "mobility-air-index/licence",
        "sustainability reporting",
        "District indices for the sustainability reports of two property developers.",
        (Step("approve", QH), Step("sign", LUMEN_ADMIN)),
        days_ago=63,
    ),
    RequestSpec(
        LUMEN,
        "ev-charging/api",
        "charging network planning",
        "Station utilisation guides where our client builds its next fast chargers.",
        (
            Step("approve", QH),
            Step("sign", LUMEN),
            Step(
                "suspend",
                QH,
                "The invoice for the first month is 30 days overdue; access resumes on payment.",
                days_ago=0,
            ),
        ),
        days_ago=64,
    ),
    # Important data: aggregate queries approved by the provider and by the exchange.
    RequestSpec(
        LUMEN_ADMIN,
        "water-telemetry/aggregate",
        "infrastructure resilience planning",
        "Zone-level pressure statistics for the municipal resilience plan we prepare under contract.",
        (Step("approve", SZ), Step("approve", OPERATOR), Step("sign", LUMEN_ADMIN)),
        days_ago=12,
    ),
    # Waiting for the provider.
    RequestSpec(
        ATLAS,
        "driver-fatigue/aggregate",
        "motor fleet insurance pricing",
        "Fatigue rates by depot and shift pattern, to price fleet policies for logistics customers.",
    ),
    # Approved by the provider, waiting for the exchange.
    RequestSpec(
        LUMEN,
        "mobility-grid/aggregate",
        "urban planning",
        "Footfall by grid cell for the transit-oriented development study of Qianhai.",
        (Step("approve", QH),),
    ),
    # The provider offers a shorter term; the consumer has not answered yet.
    RequestSpec(
        LUMEN,
        "ride-hailing/records",
        "transport planning",
        "Origin-destination flows for a bus network redesign.",
        (
            Step(
                "counter_offer",
                QH,
                "Trip records with personal information are licensed for 90 days at a time.",
                validity_days=90,
            ),
        ),
        validity_days=365,
    ),
    # Approved and signed by the provider, waiting for the consumer's signature.
    RequestSpec(
        ATLAS,
        "freight-invoices/api",
        "trade credit insurance underwriting",
        "Payment behaviour of insured shippers for our trade credit limits.",
        (Step("approve", NW),),
    ),
    # Declined, with the reason.
    RequestSpec(
        LUMEN,
        "hospital-beds/licence",
        "hospital capacity planning",
        "Occupancy trends for a private hospital group's expansion plan.",
        (
            Step(
                "decline",
                SZ,
                "Bed-occupancy data is shared for planning commissioned by a health authority; "
                "please request again with the commissioning letter.",
            ),
        ),
    ),
)


def earliest(now: datetime) -> datetime:
    """When the first demo request is made."""
    return now - timedelta(days=max(spec.days_ago for spec in REQUESTS))


def make_requests(session: Session, cast: Cast, offer_ids: dict[str, str], ctx: NodeContext) -> list[str]:
    """Play every demo request on its day; the negotiation ids in order."""
    now = ctx.now()
    played = []
    for spec in REQUESTS:
        request = NegotiationIn(
            offer_id=offer_ids[spec.offer],
            purpose=spec.purpose,
            purpose_note=spec.note,
            validity_days=spec.validity_days,
        )
        moment = now - timedelta(days=spec.days_ago) if spec.days_ago else None
        negotiation = negotiations.request_access(
            session, cast.actor(spec.consumer), request, _at(ctx, moment)
        )
        if moment is not None:  # the node stamps a new row with its running clock
            negotiation.created_at = moment
        for step in spec.steps:
            if step.days_ago is not None:
                moment = now - timedelta(days=step.days_ago) if step.days_ago else None
            elif moment is not None:
                moment += STEP_GAP
            _play(session, cast, negotiation, step, _at(ctx, moment))
        played.append(negotiation.id)
    return played


def _at(ctx: NodeContext, moment: datetime | None) -> NodeContext:
    """The node's context with its clock stopped at `moment`; None keeps the running clock."""
    return ctx if moment is None else replace(ctx, now=lambda: moment)


def _play(session: Session, cast: Cast, negotiation: Negotiation, step: Step, ctx: NodeContext) -> None:
    actor = cast.actor(step.by)
    if step.action == "approve":
        negotiations.approve(session, actor, negotiation.id, step.reason, ctx)
    elif step.action == "counter_offer":
        assert step.validity_days is not None
        negotiations.counter_offer(session, actor, negotiation.id, step.validity_days, step.reason, ctx)
    elif step.action == "decline":
        negotiations.decline(session, actor, negotiation.id, step.reason, ctx)
    elif step.action == "sign":
        agreement = _agreement(session, negotiation)
        negotiations.sign(session, actor, negotiation.id, agreement.contract_sha256, ctx)
    elif step.action == "suspend":
        agreements.change(session, actor, _agreement(session, negotiation).id, "suspend", step.reason, ctx)
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


def _agreement(session: Session, negotiation: Negotiation) -> Agreement:
    return session.exec(select(Agreement).where(Agreement.negotiation_id == negotiation.id)).one()
