"""The grants the node allows, tightened as RFC 9700 asks: PKCE S256 always, rotating refresh tokens."""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError, InvalidScopeError, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import current_app

from ..db import get_session, keep_changes
from ..models import AuthorizationCode, Organization, OrgStatus, RefreshToken, User
from ..services import tokens as token_store
from . import issuing
from .clients import CONFIDENTIAL_METHODS, Client
from .errors import InvalidTargetError

ANY_CLIENT = [*CONFIDENTIAL_METHODS, "none"]


def requested_resource(grant: grants.BaseGrant) -> str | None:
    """The RFC 8707 ``resource`` parameter, if any, checked against the resource servers of this node."""
    resource = grant.request.payload.data.get("resource")
    if resource and resource not in issuing.resource_uris(current_app.config["BASE_URL"]):
        raise InvalidTargetError(f"unknown resource {resource!r}")
    return resource or None


def _active_user(user_id: str | None) -> User | None:
    """The user behind a code or refresh token, if they and their organisation may still act."""
    if user_id is None:
        return None
    session = get_session()
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    org = session.get(Organization, user.org_id)
    return user if org is not None and org.status != OrgStatus.SUSPENDED.value else None


def requested_agreement(grant: grants.BaseGrant) -> str | None:
    """The ``agreement`` parameter: the usage agreement a data:read token is to serve."""
    agreement = grant.request.payload.data.get("agreement")
    if agreement is not None and (not isinstance(agreement, str) or not 0 < len(agreement) <= 36):
        raise InvalidRequestError("'agreement' must be an agreement id")
    return agreement or None


class S256Challenge(CodeChallenge):
    """PKCE required of every client, with S256 only: ``plain`` and a missing challenge are refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError(
                "PKCE is required: send 'code_challenge' with 'code_challenge_method=S256'"
            )
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'; 'plain' is not accepted")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier': PKCE is required for every client")
        super().validate_code_verifier(grant, result)


class Code:
    """An authorization code as Authlib reads it."""

    def __init__(self, record: AuthorizationCode) -> None:
        self.record = record
        self.code_challenge = record.code_challenge
        self.code_challenge_method = record.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return self.record.scope


class Refresh:
    """A refresh token as Authlib reads it."""

    def __init__(self, record: RefreshToken) -> None:
        self.record = record

    def get_scope(self) -> str:
        return self.record.scope

    def check_client(self, client: Client) -> bool:
        return self.record.client_id == client.get_client_id()


class NodeTokens:
    """Grants mint the node's tokens (``issuing.issue``); each says which family and resource they serve."""

    GRANT_TYPE: str
    request: Any

    def token_context(self, include_refresh_token: bool) -> dict[str, Any]:
        """Keyword arguments of ``issuing.issue`` for this grant's request."""
        raise NotImplementedError

    def generate_token(
        self,
        user: Any = None,
        scope: str | None = None,
        grant_type: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        context = self.token_context(include_refresh_token)
        return issuing.issue(self.request.client, self.GRANT_TYPE, user, scope, **context)


class ClientCredentialsGrant(NodeTokens, grants.ClientCredentialsGrant):
    """An organisation's confidential client acting for the organisation."""

    TOKEN_ENDPOINT_AUTH_METHODS = list(CONFIDENTIAL_METHODS)

    def validate_token_request(self) -> None:
        super().validate_token_request()
        requested_resource(self)

    def token_context(self, include_refresh_token: bool) -> dict[str, Any]:
        return {"resource": requested_resource(self), "agreement_id": requested_agreement(self)}


class AuthorizationCodeGrant(NodeTokens, grants.AuthorizationCodeGrant):
    """A user consents on the node's page; the client exchanges the code with its PKCE verifier."""

    TOKEN_ENDPOINT_AUTH_METHODS = ANY_CLIENT

    def validate_authorization_request(self) -> str:
        redirect_uri = super().validate_authorization_request()
        requested_resource(self)
        client: Client = self.request.client
        scope = self.request.payload.scope
        if scope and len(client.get_allowed_scope(scope).split()) != len(scope.split()):
            raise InvalidScopeError("the client may not request these scopes", redirect_uri=redirect_uri)
        return redirect_uri

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        client: Client = request.client
        token_store.save_code(
            get_session(),
            code,
            client_id=client.get_client_id(),
            user_id=request.user.id,
            redirect_uri=request.payload.redirect_uri or client.get_default_redirect_uri() or "",
            scope=client.get_allowed_scope(request.payload.scope),
            resource=data.get("resource") or None,
            challenge=data["code_challenge"],
            method=data["code_challenge_method"],
            ttl=int(current_app.config["AUTHORIZATION_CODE_TTL"]),
            agreement_id=requested_agreement(self),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        record = token_store.redeem_code(get_session(), code, client.get_client_id())
        if record is None:
            keep_changes()  # a replayed code has just revoked the tokens issued from it
            return None
        return Code(record)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        token_store.mark_code_used(get_session(), authorization_code.record)

    def authenticate_user(self, authorization_code: Code) -> User | None:
        return _active_user(authorization_code.record.user_id)

    def token_context(self, include_refresh_token: bool) -> dict[str, Any]:
        record = self.request.authorization_code.record
        return {
            "resource": record.resource,
            "family_id": record.family_id,
            "include_refresh_token": include_refresh_token,
            "agreement_id": record.agreement_id,
        }


class RefreshTokenGrant(NodeTokens, grants.RefreshTokenGrant):
    """Every use rotates the refresh token; presenting a rotated one revokes its family (RFC 9700 4.14)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ANY_CLIENT
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Refresh | None:
        record = token_store.use_refresh_token(get_session(), refresh_token)
        if record is None:
            keep_changes()  # reuse of a rotated token has just revoked its family
            return None
        return Refresh(record)

    def authenticate_user(self, refresh_token: Refresh) -> User | None:
        return _active_user(refresh_token.record.user_id)

    def revoke_old_credential(self, refresh_token: Refresh) -> None:
        token_store.rotate(get_session(), refresh_token.record)

    def token_context(self, include_refresh_token: bool) -> dict[str, Any]:
        record = self.request.refresh_token.record
        return {
            "resource": record.resource,
            "family_id": record.family_id,
            "family_expires_at": record.expires_at,
            "include_refresh_token": True,
            "agreement_id": record.agreement_id,
        }
