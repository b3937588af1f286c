"""The resource side: validate JWT access tokens locally, with no database query per request.

Signature, issuer, audience, expiry and scopes are checked from the token itself. Revocation is the
one fact the token cannot carry: each worker keeps the ids of revoked, unexpired tokens in memory,
learns of its own revocations when their transaction commits, and of other workers' every
``REVOCATION_POLL`` seconds with one small query.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from ..errors import Problem
from ..models import AccessTokenRecord
from ..models.base import utcnow
from ..services.actors import Actor
from ..services.revocation import PENDING_KEY

LEEWAY = 30  # seconds of clock skew tolerated on iat/nbf
POLL_MARGIN = timedelta(seconds=60)  # overlap between polls, for transactions that commit late


class RevocationList:
    """In-memory ids of revoked, unexpired access tokens, kept fresh by polling."""

    def __init__(self, engine: Engine, poll_seconds: float) -> None:
        self._engine = engine
        self._poll = poll_seconds
        self._revoked: dict[str, float] = {}  # jti -> expiry (epoch seconds)
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._since: datetime | None = None

    def is_revoked(self, jti: str) -> bool:
        """True when the token has been revoked, here or in another worker."""
        if time.monotonic() - self._checked_at >= self._poll:
            self._refresh()
        return jti in self._revoked

    def add(self, jtis: Any, expires: float | None = None) -> None:
        """Record revocations made by this process."""
        horizon = expires or time.time() + 24 * 3600
        with self._lock:
            for jti in jtis:
                self._revoked[jti] = horizon

    def on_commit(self, session: Session) -> None:
        """Session hook: revocations in a committed transaction take effect in this worker at once."""
        pending = session.info.pop(PENDING_KEY, None)
        if pending:
            self.add(pending)

    def on_rollback(self, session: Session) -> None:
        """Session hook: revocations in a rolled-back transaction never happened."""
        session.info.pop(PENDING_KEY, None)

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._checked_at < self._poll:
                return
            started = utcnow()
            query = select(col(AccessTokenRecord.jti), col(AccessTokenRecord.expires_at)).where(
                col(AccessTokenRecord.revoked_at).is_not(None),
                col(AccessTokenRecord.expires_at) > started,
            )
            if self._since is not None:
                query = query.where(col(AccessTokenRecord.revoked_at) >= self._since - POLL_MARGIN)
            with Session(self._engine) as session:
                rows = session.exec(query).all()  # type: ignore[call-overload]
            now = time.time()
            for jti, expires_at in rows:
                self._revoked[jti] = expires_at.timestamp()
            self._revoked = {jti: exp for jti, exp in self._revoked.items() if exp > now}
            self._since = started
            self._checked_at = time.monotonic()


def _unauthorized(description: str | None = None) -> Problem:
    header = 'Bearer realm="dxnode"'
    if description:
        header += f', error="invalid_token", error_description="{description}"'
    return Problem(
        401,
        description or "this operation needs a bearer access token",
        slug="unauthorized",
        headers={"WWW-Authenticate": header},
    )


def bearer_token() -> str | None:
    """The bearer token of the current request, if it sent one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class Admitted:
    """What never changes about a verified token for one resource server: its actor and its times."""

    actor: Actor
    expires: int
    not_before: float
    jti: str


def authenticate(resource: str) -> Actor:
    """Validate the request's access token for one of this node's resource servers and return its actor.

    Signature, type, issuer and audience are checked once per token and resource and remembered (with
    the keyring's verified tokens, forgotten when the keys change); expiry and revocation on every call.
    """
    token = bearer_token()
    if token is None:
        raise _unauthorized()
    app = current_app
    keyring = app.extensions["dxnode.keyring"]
    admitted: Admitted | None = keyring.admitted.get((token, resource))
    if admitted is None:
        admitted = _admit(keyring, token, str(app.config["BASE_URL"]), resource)
        keyring.remember(token, resource, admitted)
    now = time.time()
    if admitted.expires <= now:
        raise _unauthorized("the token has expired")
    if admitted.not_before > now + LEEWAY:
        raise _unauthorized("the token is not valid yet")
    if app.extensions["dxnode.revocations"].is_revoked(admitted.jti):
        raise _unauthorized("the token has been revoked")
    return admitted.actor


def _admit(keyring: Any, token: str, issuer: str, resource: str) -> Admitted:
    """The checks that hold for the token's whole life: signature, type, issuer, audience, claims."""
    try:
        decoded = keyring.verified(token)
    except Exception as exc:
        raise _unauthorized("the token is malformed or its signature does not verify") from exc
    if decoded.header.get("typ") != "at+jwt":
        raise _unauthorized("not an access token (typ must be at+jwt)")
    claims = decoded.claims
    if claims.get("iss") != issuer:
        raise _unauthorized("the token was issued by another server")
    expected = f"{issuer}/{resource}"
    aud = claims.get("aud")
    if expected not in (aud if isinstance(aud, list) else [aud]):
        raise _unauthorized(f"the token is not meant for this resource server ({expected})")
    if not isinstance(claims.get("exp"), int):
        raise _unauthorized("the token has expired")
    not_before = max(claims.get("nbf", 0), claims.get("iat", 0))
    return Admitted(_actor(claims), claims["exp"], not_before, str(claims.get("jti")))


def _actor(claims: dict[str, Any]) -> Actor:
    """The actor a verified token's claims describe."""
    client_id = claims.get("client_id")
    sub = claims.get("sub")
    return Actor(
        org_id=claims.get("org"),
        org_kind=claims.get("org_kind"),
        user_id=sub if sub != client_id else None,
        client_id=client_id,
        scopes=frozenset(str(claims.get("scope", "")).split()),
        roles=frozenset(claims.get("roles", ())),
        agreement_id=claims.get("agreement"),
    )


def insufficient_scope(scopes: list[str]) -> Problem:
    """RFC 6750 403 naming the scopes the operation needs."""
    needed = " ".join(scopes)
    return Problem(
        403,
        f"the token lacks the scope this operation needs: {needed}",
        slug="insufficient-scope",
        headers={"WWW-Authenticate": f'Bearer realm="dxnode", error="insufficient_scope", scope="{needed}"'},
    )
