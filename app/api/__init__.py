"""The JSON API at /api/v1: thin views over the services, documented at /openapi.json."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Mount the API and its OpenAPI document."""
    from . import billing, contracts, datasets, harvest, organizations, usage  # noqa: F401 - registers the views
    from .openapi import build_document
    from .stripe_webhooks import bp as stripe_webhooks

    csrf.exempt(bp)  # bearer tokens, not cookies: no cross-site request can carry them
    app.register_blueprint(bp)
    csrf.exempt(stripe_webhooks)  # signed by Stripe (Stripe-Signature), not a browser form
    app.register_blueprint(stripe_webhooks)

    @app.get("/openapi.json")
    def openapi_document():  # type: ignore[no-untyped-def]
        """The OpenAPI 3.1 description of the JSON API."""
        document = current_app.extensions.get("dxnode.openapi")
        if document is None:
            document = current_app.extensions["dxnode.openapi"] = build_document(current_app)
        return jsonify(document)
