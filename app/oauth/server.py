"""The Authlib authorization server of the node, with its grants and endpoints."""

from __future__ import annotations

import json
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from flask import Flask, Response

from .. import scopes
from ..db import get_session
from ..errors import PROBLEM_TYPE_BASE
from ..services.tokens import active_client
from .clients import Client
from .endpoints import Introspection, Revocation
from .grants import AuthorizationCodeGrant, ClientCredentialsGrant, RefreshTokenGrant, S256Challenge


class NodeAuthorizationServer(AuthorizationServer):
    """Authlib's server bound to the node's clients; errors also carry Problem Details members."""

    def query_client(self, client_id: str) -> Client | None:
        found = active_client(get_session(), client_id)
        return Client(*found) if found else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Nothing to do: tokens are recorded as they are minted (see ``issuing.issue``)."""

    def handle_response(self, status_code: int, payload: Any, headers: Any) -> Response:
        if isinstance(payload, dict) and "error" in payload:
            payload = {
                **payload,
                "type": PROBLEM_TYPE_BASE + "oauth/" + payload["error"],
                "title": payload["error"].replace("_", " ").capitalize(),
                "status": status_code,
                "detail": payload.get("error_description") or payload["error"].replace("_", " "),
            }
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        return Response(payload, status=status_code, headers=headers)


def create_server(app: Flask) -> NodeAuthorizationServer:
    """Configure the server: the grants RFC 9700 allows, introspection and revocation."""
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(scopes.SCOPES))
    app.config.setdefault("OAUTH2_REFRESH_TOKEN_GENERATOR", True)
    server = NodeAuthorizationServer()
    server.init_app(app)
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(AuthorizationCodeGrant, [S256Challenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)
    return server
