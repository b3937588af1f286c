"""The data plane at /data: every call shows a data:read token bound to one agreement in force.

Here, a consumer reads what its agreement covers; downloads, record pages and aggregate queries build on
the same check.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from ..db import get_session
from ..errors import Problem
from ..extensions import csrf
from ..node import contract_context
from ..oauth.resource import authenticate, insufficient_scope
from ..services import agreements, offers
from ..services.actors import Actor

bp = Blueprint("gateway", __name__, url_prefix="/data")

DATA_READ = "data:read"


def init_app(app: Flask) -> None:
    """Mount the data plane."""
    csrf.exempt(bp)
    app.register_blueprint(bp)


def agreement_in_force(agreement_id: str) -> tuple[Actor, Any]:
    """The caller and the agreement its token serves, refused unless both are good for this call."""
    actor = authenticate("data")
    if DATA_READ not in actor.scopes:
        raise insufficient_scope([DATA_READ])
    if actor.agreement_id != agreement_id:
        raise Problem(403, "the token serves another agreement", slug="wrong-agreement")
    session = get_session()
    agreement = session.get(agreements.Agreement, agreement_id)
    if agreement is None or agreement.consumer_org_id != actor.org_id:
        raise Problem(404, f"agreement {agreement_id!r} does not exist or is not yours", slug="not-found")
    agreements.expire_if_due(session, agreement, contract_context())
    if agreement.status != "active":
        raise Problem(
            403,
            f"the agreement is {agreement.status}: {agreement.status_reason}",
            slug=f"agreement-{agreement.status}",
        )
    return actor, agreement


@bp.get("/v1/agreements/<agreement_id>")
def agreement_access(agreement_id: str) -> Any:
    """What the agreement lets the caller fetch: the dataset's distributions, the modes and the term."""
    _, agreement = agreement_in_force(agreement_id)
    base = current_app.config["BASE_URL"]
    distributions = offers.distributions(get_session(), agreement.dataset_id)
    return jsonify(
        {
            "agreement": agreement.id,
            "dataset": f"{base}/dataset/{agreement.dataset_id}",
            "purpose": agreement.purpose,
            "delivery_modes": list(agreement.delivery_modes),
            "valid_until": agreement.valid_until.isoformat().replace("+00:00", "Z"),
            "distributions": [
                {"id": d.id, "title": d.title, "media_type": d.media_type, "byte_size": d.byte_size}
                for d in distributions
            ],
        }
    )
