"""Checking a stored agreement as a third party would: its text, its terms and the node's countersignature.

Each check says what it proves and, when it fails, why: the stored terms render to the stored contract
hash, the stored text hashes to it, and the node's JWS verifies with a published key, covers that hash
and names the agreement.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

import contracts_templates

from ..models import Agreement
from .agreements import JWS_TYPE


def verify(row: Agreement, jwks: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Each check of a stored agreement with why it failed, or None when it passed."""
    stored = row.contract_sha256
    checks: list[tuple[str, str | None]] = []
    try:
        terms = json.loads(row.terms)
        rendered = contracts_templates.contract_sha256(row.template_id, row.template_version, terms)
        problem = None if rendered == stored else f"they render to {rendered}, the stored hash is {stored}"
    except (ValueError, contracts_templates.UnknownTemplate) as error:  # bad JSON or terms are ValueErrors
        problem = f"they do not render: {error}"
    checks.append(("stored terms reproduce the contract hash", problem))
    digest = hashlib.sha256(row.contract_text.encode("utf-8")).hexdigest()
    problem = None if digest == stored else f"it hashes to {digest}, the stored hash is {stored}"
    checks.append(("stored text matches the contract hash", problem))
    claims, problem = _node_claims(row.node_jws, jwks)
    checks.append(("node signature verifies with a published key", problem))
    if claims is not None:
        signed = claims.get("contract_sha256")
        problem = None if signed == stored else f"it signs {signed}, the stored hash is {stored}"
        checks.append(("node signature covers the contract hash", problem))
        named, expected = claims.get("agreement"), f"urn:uuid:{row.id}"
        problem = None if named == expected else f"it names {named}, not {expected}"
        checks.append(("node signature names this agreement", problem))
    return checks


def _node_claims(token: str | None, jwks: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The claims of the node's countersignature once verified, or why it does not verify."""
    if not token:
        return None, "the agreement has no countersignature (it is not finalised)"
    keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # the JWK Set as /oauth/jwks publishes it
    try:
        signed = jws.deserialize_compact(token, keys, algorithms=["RS256"])
    except JoseError as error:
        reason = f"{error.error}: {error.description}" if error.description else error.error
        return None, f"it does not verify with the node's published keys ({reason})"
    typ = signed.headers().get("typ")
    if typ != JWS_TYPE:
        return None, f"its typ is {typ!r}, not {JWS_TYPE!r}"
    return dict(json.loads(signed.payload)), None
