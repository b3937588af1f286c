"""Minting tokens: RFC 9068 JWT access tokens and rotating opaque refresh tokens."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, InvalidScopeError
from flask import current_app

from .. import scopes as registry
from ..db import get_session
from ..models import User
from ..node import contract_context
from ..security import random_token
from ..services import agreements
from ..services import tokens as token_store
from .clients import Client

DATA_READ = "data:read"


def audiences(base_url: str, scope: str, resource: str | None) -> list[str]:
    """The token's audience: the requested resource, or the resource servers its scopes are for."""
    if resource:
        return [resource]
    return [f"{base_url}/{name}" for name in registry.resources_for(scope.split())]


def resource_uris(base_url: str) -> list[str]:
    """The resource indicators (RFC 8707) this node accepts."""
    return [f"{base_url}/{registry.API}", f"{base_url}/{registry.DATA}"]


def issue(
    client: Client,
    grant_type: str,
    user: User | None,
    scope: str | None,
    *,
    resource: str | None = None,
    family_id: str | None = None,
    family_expires_at: datetime | None = None,
    include_refresh_token: bool = False,
    agreement_id: str | None = None,
) -> dict[str, Any]:
    """Sign an access token for the client (and user), record it, and add a refresh token when asked.

    A token with the ``data:read`` scope serves exactly one active agreement of the client's
    organisation: it names the agreement in its ``agreement`` claim and expires no later than it.
    """
    config = current_app.config
    requested = (scope or "").split()
    granted = client.get_allowed_scope(scope)
    if requested and len(granted.split()) != len(requested):
        raise InvalidScopeError(f"the client may not request {sorted(set(requested) - set(granted.split()))}")
    ttl = int(config["ACCESS_TOKEN_TTL"])
    now = int(time.time())
    granted, agreement_end = _bind_agreement(client, granted, requested, agreement_id)
    if agreement_end is not None:
        ttl = max(1, min(ttl, agreement_end - now))
    aud = audiences(config["BASE_URL"], granted, resource)
    jti = random_token(nbytes=16)
    claims: dict[str, Any] = {
        "iss": config["BASE_URL"],
        "sub": user.id if user else client.row.client_id,
        "aud": aud[0] if len(aud) == 1 else aud,
        "exp": now + ttl,
        "iat": now,
        "nbf": now,
        "jti": jti,
        "client_id": client.row.client_id,
        "scope": granted,
        "org": client.org.id,
        "org_kind": client.org.kind,
    }
    if user is not None:
        claims["roles"] = sorted(user.roles)
    if agreement_end is not None:
        claims["agreement"] = agreement_id
    keyring = current_app.extensions["dxnode.keyring"]
    token: dict[str, Any] = {
        "token_type": "Bearer",
        "access_token": keyring.sign(claims),
        "expires_in": ttl,
        "scope": granted,
    }
    session = get_session()
    token_store.record_access_token(
        session,
        jti=jti,
        client=client.row,
        user_id=user.id if user else None,
        family_id=family_id,
        scope=granted,
        audience=aud,
        expires_at=datetime.fromtimestamp(now + ttl, UTC),
        agreement_id=agreement_id if agreement_end is not None else None,
    )
    if include_refresh_token and family_id is not None:
        expires_at = family_expires_at or datetime.now(UTC) + timedelta(
            seconds=int(config["REFRESH_TOKEN_TTL"])
        )
        if agreement_end is not None:
            expires_at = min(expires_at, datetime.fromtimestamp(agreement_end, UTC))
        token["refresh_token"] = token_store.issue_refresh_token(
            session,
            client_id=client.row.client_id,
            user_id=user.id if user else None,
            family_id=family_id,
            scope=granted,
            resource=resource,
            expires_at=expires_at,
            agreement_id=agreement_id if agreement_end is not None else None,
        )
    return token


def _bind_agreement(
    client: Client, granted: str, requested: list[str], agreement_id: str | None
) -> tuple[str, int | None]:
    """The scopes to grant and, for a data:read token, the end of the agreement it serves (epoch seconds)."""
    scopes = granted.split()
    if DATA_READ not in scopes:
        if agreement_id is not None:
            raise InvalidRequestError("'agreement' goes with the data:read scope")
        return granted, None
    if agreement_id is None:
        if DATA_READ in requested:
            raise InvalidRequestError(
                "data:read tokens serve one usage agreement: send its id as the 'agreement' parameter"
            )
        return " ".join(s for s in scopes if s != DATA_READ), None  # not asked for: left out
    try:
        agreement = agreements.usable_for_tokens(
            get_session(), client.org.id, agreement_id, contract_context()
        )
    except LookupError as error:
        raise InvalidGrantError(f"no data token for this agreement: {error}") from None
    return granted, int(agreement.valid_until.timestamp())
