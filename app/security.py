"""Password hashing, secret digests and random tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    """An Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises on a wrong password or a malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (client secrets, codes, refresh tokens), as hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digest_matches(expected_digest: str | None, secret: str) -> bool:
    """Constant-time comparison of a secret against a stored digest."""
    return expected_digest is not None and hmac.compare_digest(expected_digest, digest(secret))


def random_token(prefix: str = "", nbytes: int = 32) -> str:
    """A URL-safe random token, optionally prefixed so leaked tokens are recognisable."""
    return prefix + secrets.token_urlsafe(nbytes)
