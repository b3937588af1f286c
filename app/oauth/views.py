"""The authorization server's endpoints: consent page, token, introspection, revocation, JWKS, metadata."""

from __future__ import annotations

from typing import Any

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from .. import scopes as registry
from ..db import get_session
from ..extensions import csrf
from ..models import Organization
from ..web.session import current_user
from .metadata import server_metadata

bp = Blueprint("oauth", __name__)


def _server() -> Any:
    return current_app.extensions["dxnode.oauth_server"]


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    """Ask the logged-in user to let one of their organisation's applications act for them."""
    user = current_user()
    if user is None:
        return redirect(url_for("web.login", next=request.full_path))
    try:
        grant = _server().get_consent_grant(end_user=user)
    except OAuth2Error as error:
        if error.redirect_uri:
            return _server().handle_error_response(None, error)
        return render_template("oauth/error.html", error=error), error.status_code
    client = grant.client
    if client.org.id != user.org_id:
        return render_template("oauth/error.html", error=_foreign_client_error()), 403
    if request.method == "GET":
        requested = client.get_allowed_scope(grant.request.payload.scope).split()
        org = get_session().get(Organization, user.org_id)
        return render_template(
            "oauth/consent.html",
            client=client,
            user=user,
            org=org,
            scopes=[registry.SCOPES[name] for name in requested],
        )
    approved = request.form.get("decision") == "allow"
    return _server().create_authorization_response(grant_user=user if approved else None, grant=grant)


@bp.route("/oauth/token", methods=["POST"])
@csrf.exempt
def token() -> Any:
    """Issue tokens (client_credentials, authorization_code with PKCE, refresh_token)."""
    return _server().create_token_response()


@bp.route("/oauth/introspect", methods=["POST"])
@csrf.exempt
def introspect() -> Any:
    """RFC 7662 token introspection, for resource-server clients only."""
    return _server().create_endpoint_response("introspection")


@bp.route("/oauth/revoke", methods=["POST"])
@csrf.exempt
def revoke() -> Any:
    """RFC 7009 token revocation."""
    return _server().create_endpoint_response("revocation")


@bp.route("/oauth/jwks")
def jwks() -> Any:
    """The public keys that verify the node's tokens and signatures."""
    response = jsonify(current_app.extensions["dxnode.keyring"].jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.mimetype = "application/jwk-set+json"
    return response


@bp.route("/.well-known/oauth-authorization-server")
def metadata() -> Any:
    """RFC 8414 metadata."""
    response = jsonify(server_metadata(current_app.config["BASE_URL"]))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


class _ForeignClient:
    error = "access_denied"
    description = "This application belongs to another organisation; only its own members can authorise it."


def _foreign_client_error() -> _ForeignClient:
    return _ForeignClient()
