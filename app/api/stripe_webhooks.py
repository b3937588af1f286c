"""Stripe's webhook endpoint, `POST /webhooks/stripe`: signed by Stripe, not by a token."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from ..db import get_session
from ..services import billing_webhooks

bp = Blueprint("stripe_webhooks", __name__)


@bp.post("/webhooks/stripe")
def stripe_webhook() -> ResponseReturnValue:
    """Verify the delivery's signature on the raw body, apply its event once, and say what it did
    (400 Problem Details for a bad signature, 200 for an event applied before)."""
    config = current_app.config
    outcome = billing_webhooks.receive(
        get_session(),
        request.get_data(cache=False),
        request.headers.get("Stripe-Signature"),
        str(config.get("STRIPE_WEBHOOK_SECRET") or ""),
        int(config.get("STRIPE_WEBHOOK_TOLERANCE") or 300),
    )
    return jsonify(outcome)
