"""Revoking tokens: a refresh-token family, a client's tokens, or single access tokens.

Revoked access tokens are marked in the database; every worker's resource protector picks the marks
up within ``REVOCATION_POLL`` seconds, and the worker that revoked sees them at once.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from ..models import AccessTokenRecord, RefreshToken
from ..models.base import utcnow

PENDING_KEY = "dxnode.revoked_jtis"


def revoke_access_tokens(session: Session, *criteria: Any) -> list[str]:
    """Mark every live access token matching the criteria revoked; returns their ids."""
    now = utcnow()
    query = select(AccessTokenRecord).where(
        col(AccessTokenRecord.revoked_at).is_(None),
        AccessTokenRecord.expires_at > now,
        *criteria,
    )
    jtis = []
    for record in session.exec(query):
        record.revoked_at = now
        session.add(record)
        jtis.append(record.jti)
    session.flush()
    _notify_local(session, jtis)
    return jtis


def revoke_family(session: Session, family_id: str) -> None:
    """Revoke a whole refresh-token family and the access tokens issued from it (reuse detected)."""
    now = utcnow()
    for token in session.exec(
        select(RefreshToken).where(
            RefreshToken.family_id == family_id, col(RefreshToken.revoked_at).is_(None)
        )
    ):
        token.revoked_at = now
        session.add(token)
    revoke_access_tokens(session, AccessTokenRecord.family_id == family_id)


def _notify_local(session: Session, jtis: list[str]) -> None:
    """Leave the ids on the session; the resource protector takes them when the transaction commits."""
    if jtis:
        session.info.setdefault(PENDING_KEY, set()).update(jtis)


def revoke_holder(
    session: Session, *, org_id: str | None = None, user_id: str | None = None, client_id: str | None = None
) -> None:
    """Revoke every token held by an organisation, a user or a client (suspension, removal, disabling)."""
    now = utcnow()
    refresh = select(RefreshToken).where(col(RefreshToken.revoked_at).is_(None))
    access: list[Any] = []
    if org_id is not None:
        from ..models import OAuthClient

        client_ids = select(OAuthClient.client_id).where(OAuthClient.org_id == org_id)
        refresh = refresh.where(RefreshToken.client_id.in_(client_ids))  # type: ignore[attr-defined]
        access.append(AccessTokenRecord.org_id == org_id)
    if user_id is not None:
        refresh = refresh.where(RefreshToken.user_id == user_id)
        access.append(AccessTokenRecord.user_id == user_id)
    if client_id is not None:
        refresh = refresh.where(RefreshToken.client_id == client_id)
        access.append(AccessTokenRecord.client_id == client_id)
    for token in session.exec(refresh):
        token.revoked_at = now
        session.add(token)
    revoke_access_tokens(session, *access)
