"""The node's JWT signing keys: created, rotated and retired in the database, cached per process.

Verification never queries the database on the hot path: public keys are cached and the cache is
reloaded only when a token names a key id it has not seen (after a rotation in another worker).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws, jwt
from joserfc.jwk import KeySet, RSAKey
from sqlmodel import Session, select

from ..models import SigningKey
from ..models.base import utcnow
from ..security import random_token

ALG = "RS256"
VERIFIED_CACHE_SIZE = 4096  # tokens whose signature was verified, per process
RELOAD_INTERVAL = 5.0  # seconds between reloads of the key cache, at most, when a kid is unknown


def create_key(session: Session, secret: str) -> SigningKey:
    """Generate a new RSA key, make it the active signing key, and demote the previous one to retiring."""
    for old in session.exec(select(SigningKey).where(SigningKey.status == "active")):
        old.status = "retiring"
        session.add(old)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = random_token(nbytes=12)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret.encode()),
    ).decode()
    public = RSAKey.import_key(private.public_key(), {"kid": kid, "use": "sig", "alg": ALG})
    key = SigningKey(kid=kid, alg=ALG, private_pem=pem, public_jwk=json.dumps(public.as_dict(private=False)))
    session.add(key)
    session.flush()
    return key


def retire_keys(session: Session, older_than: timedelta) -> list[str]:
    """Retire retiring keys demoted long enough ago that no token they signed is still valid."""
    cutoff = utcnow() - older_than
    retired = []
    for key in session.exec(select(SigningKey).where(SigningKey.status == "retiring")):
        if key.created_at <= cutoff:
            key.status, key.retired_at = "retired", utcnow()
            session.add(key)
            retired.append(key.kid)
    session.flush()
    return retired


class KeyRing:
    """Per-process cache of the signing key and the published verification keys."""

    def __init__(self, secret: str, sessions: Any) -> None:
        self._secret = secret.encode()
        self._sessions = sessions
        self._lock = threading.Lock()
        self._signing: RSAKey | None = None
        self._public: dict[str, RSAKey] = {}
        self._loaded_at = 0.0
        self._verified: dict[str, jwt.Token] = {}
        self.admitted: dict[tuple[str, str], Any] = {}  # (token, resource) -> what resource.py checked

    def load(self, session: Session) -> None:
        """(Re)read the keys from the database, creating the first key when there is none."""
        rows = list(session.exec(select(SigningKey).where(SigningKey.status != "retired")))
        if not any(row.status == "active" for row in rows):
            rows.append(create_key(session, self._secret.decode()))
            session.commit()
        public = {row.kid: RSAKey.import_key(json.loads(row.public_jwk)) for row in rows}
        active = max((row for row in rows if row.status == "active"), key=lambda row: row.created_at)
        private = serialization.load_pem_private_key(active.private_pem.encode(), password=self._secret)
        signing = RSAKey.import_key(private, {"kid": active.kid, "use": "sig", "alg": ALG})  # type: ignore[arg-type]
        with self._lock:
            self._public, self._signing, self._loaded_at = public, signing, time.monotonic()
            self._verified = {}  # a retired key's tokens must be verified afresh
            self.admitted = {}

    def ensure_loaded(self) -> None:
        """Load the keys (creating the first one on a new node) before any other write begins.

        The first key is committed in a session of its own; on SQLite that must not happen while the
        caller's transaction holds the write lock, so callers that sign documents call this first.
        """
        if self._signing is None:
            with self._sessions() as session:
                self.load(session)

    def sign(self, claims: dict[str, Any], typ: str = "at+jwt") -> str:
        """Sign claims as a compact JWT with the active key."""
        self.ensure_loaded()
        assert self._signing is not None
        header = {"alg": ALG, "typ": typ, "kid": self._signing.kid}
        return jwt.encode(header, claims, self._signing, algorithms=[ALG])

    def sign_document(self, payload: bytes, typ: str) -> tuple[str, str]:
        """Sign a document (not a token) as a compact JWS with the active key; returns it and the key id."""
        self.ensure_loaded()
        assert self._signing is not None
        header = {"alg": ALG, "typ": typ, "kid": self._signing.kid}
        return jws.serialize_compact(header, payload, self._signing, algorithms=[ALG]), str(self._signing.kid)

    def decode(self, token: str) -> jwt.Token:
        """Verify a JWT's signature with a published key (claims are checked by the caller)."""
        self.ensure_loaded()
        kid = _unverified_kid(token)
        key = self._public.get(kid)
        if key is None and time.monotonic() - self._loaded_at > RELOAD_INTERVAL:
            with self._sessions() as session:  # another worker may have rotated the key
                self.load(session)
            key = self._public.get(kid)
        if key is None:
            raise KeyError(f"unknown key id {kid!r}")
        return jwt.decode(token, key, algorithms=[ALG])

    def verified(self, token: str) -> jwt.Token:
        """Like :meth:`decode`, remembering verified tokens: a client's repeated calls cost a lookup."""
        cached = self._verified.get(token)
        if cached is not None:
            return cached
        decoded = self.decode(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)), None)  # drop the oldest entry
        self._verified[token] = decoded
        return decoded

    def remember(self, token: str, resource: str, admitted: Any) -> None:
        """Keep what a resource server checked of a verified token, until the keys change."""
        if len(self.admitted) >= VERIFIED_CACHE_SIZE:
            self.admitted.pop(next(iter(self.admitted)), None)  # drop the oldest entry
        self.admitted[(token, resource)] = admitted

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set."""
        self.ensure_loaded()
        return dict(KeySet(list(self._public.values())).as_dict(private=False))

    def reload(self) -> None:
        """Forget the cached keys (after a rotation in this process)."""
        with self._lock:
            self._signing = None


def _unverified_kid(token: str) -> str:
    """The ``kid`` from a JWT header, read before verification to pick the key."""
    try:
        header_b64 = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
        return str(header["kid"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError("malformed token header") from exc
