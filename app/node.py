"""The node as the contract services see it, built from the running app's settings and signing key."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from .services.contract_context import NodeContext


def contract_context() -> NodeContext:
    """The current app's name, base URL, negotiation settings and document signer."""
    config = current_app.config
    keyring = current_app.extensions["dxnode.keyring"]
    keyring.ensure_loaded()  # before the caller's transaction writes: a new node creates its first key
    return NodeContext(
        base_url=config["BASE_URL"],
        name=config["NODE_NAME"],
        negotiation_ttl=timedelta(days=int(config["NEGOTIATION_TTL_DAYS"])),
        auto_min_credit=int(config["AUTO_APPROVAL_MIN_CREDIT"]),
        sign=keyring.sign_document,
    )
