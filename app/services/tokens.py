"""Persistence of the authorization server: codes, refresh-token families and access-token records."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ..models import AccessTokenRecord, AuthorizationCode, OAuthClient, Organization, OrgStatus, RefreshToken
from ..models.base import new_id, utcnow
from ..security import digest, random_token
from .revocation import revoke_family


def active_client(session: Session, client_id: str) -> tuple[OAuthClient, Organization] | None:
    """A client that may obtain tokens now: not disabled, and its organisation not suspended."""
    row = session.exec(
        select(OAuthClient, Organization)
        .join(Organization, col(Organization.id) == col(OAuthClient.org_id))
        .where(OAuthClient.client_id == client_id)
    ).first()
    if row is None:
        return None
    client, org = row
    if client.disabled_at is not None or org.status == OrgStatus.SUSPENDED.value:
        return None
    return client, org


def save_code(
    session: Session,
    code: str,
    *,
    client_id: str,
    user_id: str,
    redirect_uri: str,
    scope: str,
    resource: str | None,
    challenge: str,
    method: str,
    ttl: int,
    agreement_id: str | None = None,
) -> AuthorizationCode:
    """Remember an authorization code by its digest."""
    record = AuthorizationCode(
        code_hash=digest(code),
        client_id=client_id,
        user_id=user_id,
        redirect_uri=redirect_uri,
        scope=scope,
        resource=resource,
        agreement_id=agreement_id,
        code_challenge=challenge,
        code_challenge_method=method,
        expires_at=utcnow() + timedelta(seconds=ttl),
    )
    session.add(record)
    session.flush()
    return record


def redeem_code(session: Session, code: str, client_id: str) -> AuthorizationCode | None:
    """The code if it may be exchanged now; a second use revokes everything issued from the first."""
    record = session.exec(
        select(AuthorizationCode).where(AuthorizationCode.code_hash == digest(code))
    ).first()
    if record is None or record.client_id != client_id:
        return None
    if record.used_at is not None:
        revoke_family(session, record.family_id)
        return None
    if record.expires_at <= utcnow():
        return None
    return record


def mark_code_used(session: Session, record: AuthorizationCode) -> None:
    """Spend a code so it can never be exchanged again."""
    record.used_at = utcnow()
    session.add(record)
    session.flush()


def record_access_token(
    session: Session,
    *,
    jti: str,
    client: OAuthClient,
    user_id: str | None,
    family_id: str | None,
    scope: str,
    audience: list[str],
    expires_at: datetime,
    agreement_id: str | None = None,
) -> None:
    """Remember an issued access token so it can be introspected and revoked."""
    session.add(
        AccessTokenRecord(
            jti=jti,
            client_id=client.client_id,
            org_id=client.org_id,
            user_id=user_id,
            family_id=family_id,
            scope=scope,
            audience=" ".join(audience),
            agreement_id=agreement_id,
            expires_at=expires_at,
        )
    )
    session.flush()


def issue_refresh_token(
    session: Session,
    *,
    client_id: str,
    user_id: str | None,
    family_id: str,
    scope: str,
    resource: str | None,
    expires_at: datetime,
    agreement_id: str | None = None,
) -> str:
    """Create the next refresh token of a family; only its digest is stored."""
    token = random_token("dxr_")
    session.add(
        RefreshToken(
            token_hash=digest(token),
            family_id=family_id,
            client_id=client_id,
            user_id=user_id,
            scope=scope,
            resource=resource,
            agreement_id=agreement_id,
            expires_at=expires_at,
        )
    )
    session.flush()
    return token


def find_refresh_token(session: Session, token: str) -> RefreshToken | None:
    """The stored refresh token for a presented value, whatever its state."""
    return session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()


def use_refresh_token(session: Session, token: str) -> RefreshToken | None:
    """The refresh token if it may be used now; reusing a rotated one revokes its whole family."""
    record = find_refresh_token(session, token)
    if record is None or record.revoked_at is not None:
        return None
    if record.rotated_at is not None:
        revoke_family(session, record.family_id)
        return None
    if record.expires_at <= utcnow():
        return None
    return record


def rotate(session: Session, record: RefreshToken) -> None:
    """Mark a refresh token used: its successor has been issued."""
    record.rotated_at = utcnow()
    session.add(record)
    session.flush()


def find_access_token(session: Session, jti: str) -> AccessTokenRecord | None:
    """The record of an access token by its ``jti``."""
    return session.get(AccessTokenRecord, jti)


def revoke_access_token(session: Session, record: AccessTokenRecord) -> None:
    """Revoke one access token."""
    from .revocation import revoke_access_tokens

    revoke_access_tokens(session, AccessTokenRecord.jti == record.jti)


def new_family_id() -> str:
    """An identifier for a new refresh-token family."""
    return new_id()
