"""RFC 8414 authorization server metadata."""

from __future__ import annotations

from typing import Any

from .. import scopes
from .clients import CONFIDENTIAL_METHODS


def server_metadata(base_url: str) -> dict[str, Any]:
    """What a client needs to know to talk to this node's authorization server."""
    return {
        "issuer": base_url,
        "authorization_endpoint": f"{base_url}/oauth/authorize",
        "token_endpoint": f"{base_url}/oauth/token",
        "jwks_uri": f"{base_url}/oauth/jwks",
        "introspection_endpoint": f"{base_url}/oauth/introspect",
        "revocation_endpoint": f"{base_url}/oauth/revoke",
        "scopes_supported": list(scopes.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": [*CONFIDENTIAL_METHODS, "none"],
        "introspection_endpoint_auth_methods_supported": list(CONFIDENTIAL_METHODS),
        "revocation_endpoint_auth_methods_supported": [*CONFIDENTIAL_METHODS, "none"],
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": f"{base_url}/openapi.json",
        "resource_indicators_supported": [f"{base_url}/{scopes.API}", f"{base_url}/{scopes.DATA}"],
    }
