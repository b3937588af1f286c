"""The Dataspace Protocol 2025-1 provider endpoints (HTTPS binding), for dataspace connectors.

A consumer's connector finds the node's offers and negotiates a contract in DSP messages instead of
the JSON API; both reach the same services, so a negotiation started here is answered by the provider
through the JSON API or the pages. These endpoints speak DSP, not Problem Details, and are not in
/openapi.json: bodies are DSP messages checked against the official schemas (`dsp/schemas/`).

| endpoint (below `/dsp/2025-1` but the first) | message in | answer |
|---|---|---|
| `GET /.well-known/dspace-version` | | the version document (path `/dsp/2025-1`) |
| `POST /catalog/request` | CatalogRequestMessage | 200 Catalog, paged by `Link` headers |
| `GET /catalog/datasets/<id>` | | 200 Dataset, or 404 CatalogError |
| `POST /negotiations/request` | ContractRequestMessage | 201 ContractNegotiation (REQUESTED) |
| `GET /negotiations/<providerPid>` | | 200 ContractNegotiation |
| `POST /negotiations/<providerPid>/request` | ContractRequestMessage | 200 ContractNegotiation |
| `POST /negotiations/<providerPid>/events` | ContractNegotiationEventMessage (ACCEPTED) | 200 |
| `POST /negotiations/<providerPid>/agreement/verification` | ContractAgreementVerificationMessage | 200 |
| `POST /negotiations/<providerPid>/termination` | ContractNegotiationTerminationMessage | 200 |

The catalog is public (a bearer token, if sent, must be valid). Negotiations need a token of the
consumer organisation's client with the scope `access:request`; a negotiation of another organisation
is answered 404. Refusals are ContractNegotiationError (or CatalogError) bodies: 400 for a message that
fails its schema, a transition the state does not allow (naming the allowed ones) or a request the
offer's policy refuses; 404 for an unknown negotiation.

The provider's messages (offer, agreement, FINALIZED, termination) go to the consumer's
`callbackAddress` once the transaction that made them commits (see :mod:`app.dsp_api.callbacks`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from sqlalchemy import event

from dsp import version_document

from ..db import EXTENSION as DB_EXTENSION
from ..extensions import csrf
from .callbacks import Outbox
from .wire import BASE_PATH, service_id


def init_app(app: Flask) -> None:
    """Mount the DSP endpoints and send the provider's messages when their transaction commits."""
    from .catalog import bp as catalog_bp
    from .negotiations import bp as negotiations_bp

    for bp in (catalog_bp, negotiations_bp):
        csrf.exempt(bp)  # bearer tokens or nothing, never cookies
        app.register_blueprint(bp)
    app.add_url_rule("/.well-known/dspace-version", view_func=dspace_version)
    outbox = Outbox(app)
    sessions = app.extensions[DB_EXTENSION]
    event.listen(sessions, "before_commit", outbox.before_commit)
    event.listen(sessions, "after_commit", outbox.after_commit)
    event.listen(sessions, "after_soft_rollback", lambda session, _tx: outbox.on_rollback(session))


def dspace_version() -> Any:
    """Which DSP versions the node speaks and where: unversioned and unauthenticated, as the spec asks."""
    auth = {"protocol": "OAuth", "version": "2", "profile": ["client_credentials"]}
    document = version_document(BASE_PATH, service_id=service_id(current_app.config["BASE_URL"]), auth=auth)
    return jsonify(document)
