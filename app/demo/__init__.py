"""The demo marketplace that ``make run`` loads, so a new node has something real to show.

The demo's parties list datasets, make offers and negotiate agreements through the node's services, as
they would through its pages: a catalog across every grade with stored CSV and Parquet files, offers in
every pricing model, access requests in every state of a negotiation, and ten days of metered use of the
agreements in force, then last month closed, its invoices paid and their revenue shared.

Passwords and client secrets are random per installation and written to
``instance/demo-credentials.json``; the node keeps only their hashes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete
from sqlmodel import Session, col, select

from ..db import unit_of_work
from ..models import (
    AccessRefusal,
    Dataset,
    DatasetLineage,
    Distribution,
    HarvestedRecord,
    HarvestPage,
    HarvestRun,
    HarvestSource,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    LedgerTransaction,
    OAuthClient,
    Organization,
    Payment,
    Payout,
    Refund,
    RevenueShare,
    StripeEvent,
    User,
)
from ..models.base import utcnow
from ..models.billing import BillingPeriod
from ..node import contract_context
from ..schemas.harvest import SourceIn
from ..schemas.parties import ClientCreate, OrganizationCreate
from ..security import random_token
from ..services import clients, harvest_sources, parties
from ..services.actors import Actor
from ..services.storage import Storage
from . import partner
from .billing import close_and_pay
from .cast import Cast
from .catalog import load_catalog
from .contracts import earliest, make_requests
from .offers import make_offers
from .organizations import CLIENT_REDIRECT_URI, ORGANIZATIONS
from .usage import record_usage

CREDENTIALS_FILE = "demo-credentials.json"
DEPENDENT_TABLES = (
    HarvestedRecord,
    HarvestPage,
    HarvestRun,
    HarvestSource,
    LedgerEntry,
    LedgerTransaction,
    RevenueShare,
    Refund,
    Payout,
    Payment,
    InvoiceLine,
    Invoice,
    BillingPeriod,
    StripeEvent,
)


class DemoRefused(Exception):
    """The database holds data that is not the demo's."""


def credentials_path() -> Path:
    """Where the demo credentials are written."""
    return Path(current_app.instance_path) / CREDENTIALS_FILE


def load(partner_of: str | None = None) -> tuple[Path, bool]:
    """Create the demo marketplace, or with `partner_of` (another demo node's catalog URL) the partner
    exchange that harvests it; returns the credentials file and whether anything was created."""
    path = credentials_path()
    organizations = partner.ORGANIZATIONS if partner_of else ORGANIZATIONS
    demo_names = {org["name"] for org in organizations} | ({partner.SOURCE} if partner_of else set())
    # The node's first signing key is written in a transaction of its own, which SQLite would keep
    # waiting behind the demo's: have it made before the demo's unit of work begins.
    current_app.extensions["dxnode.keyring"].jwks()
    with unit_of_work() as session:
        existing = set(session.exec(select(Organization.name)).all())
        if existing - demo_names:
            raise DemoRefused(
                "the database holds organisations that are not demo data "
                f"({', '.join(sorted(existing - demo_names)[:3])}…); refusing to mix demo data into it"
            )
        if existing == demo_names and path.exists():
            return path, False
        old_files = _clear(session) if existing else []  # credentials lost: start the demo afresh
        credentials = _create(session, organizations)
        if partner_of:
            _create_partner(session, partner_of)
        else:
            offer_ids = _create_marketplace(session)
    storage = Storage(Path(current_app.config["STORAGE_PATH"]))
    for key in old_files:  # once the new demo is committed
        storage.delete(key)
    if partner_of:
        return _write(path, credentials), True
    # Metering commits every call on its own, as on the data plane: the marketplace is committed first.
    # Should this step fail, the credentials are not written and the next load starts afresh.
    with unit_of_work() as session:
        now = utcnow()
        record_usage(session, offer_ids, now)
    with unit_of_work() as session:
        close_and_pay(session, Cast.load(session), now)
    return _write(path, credentials), True


def _write(path: Path, credentials: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(credentials, indent=2, ensure_ascii=False))
    os.chmod(path, 0o600)
    return path


def _create_partner(session: Session, catalog_url: str) -> None:
    """The partner exchange's catalog, and the main demo node's catalog as its harvest source."""
    config = current_app.config
    cast = Cast.load(session)
    storage = Storage(Path(config["STORAGE_PATH"]))
    load_catalog(
        session,
        cast,
        storage,
        int(config["UPLOAD_MAX_BYTES"]),
        config["BASE_URL"],
        partner.LISTINGS,
        partner.OPERATOR_ADMIN,
    )
    source = SourceIn.model_validate(
        {
            "name": partner.SOURCE,
            "url": catalog_url,
            "schedule_minutes": 15,
            "allow_private": True,  # the demo nodes share one machine
            "modified_since_param": "modified_since",
            "jurisdiction": "CN",
        }
    )
    harvest_sources.create_source(session, cast.actor(partner.OPERATOR_ADMIN), source)


def _create_marketplace(session: Session) -> dict[str, str]:
    """The catalog, the offers and the access requests, made by the demo's people; the offer ids by key."""
    config = current_app.config
    base = config["BASE_URL"]
    ctx = contract_context()
    cast = Cast.load(session)
    storage = Storage(Path(config["STORAGE_PATH"]))
    dataset_ids = load_catalog(session, cast, storage, int(config["UPLOAD_MAX_BYTES"]), base)
    offer_ids = make_offers(session, cast, dataset_ids, earliest(ctx.now()), base)
    make_requests(session, cast, offer_ids, ctx)
    return offer_ids


def _clear(session: Session) -> list[str]:
    """Remove the demo's organisations and all they own (derived products first); their stored files' keys.

    Usage events and quota counters go with their agreements; refusals name their consumer without a key.
    """
    session.exec(delete(AccessRefusal))  # the node holds only demo parties (checked by the caller)
    for table in DEPENDENT_TABLES:  # harvests and money movements first: they keep their parties
        session.exec(delete(table))
    keys = [str(key) for key in session.exec(select(Distribution.storage_key)) if key is not None]
    derived = select(DatasetLineage.dataset_id)
    for dataset in session.exec(select(Dataset).where(col(Dataset.id).in_(derived))):
        session.delete(dataset)
    session.flush()
    for org in session.exec(select(Organization)):
        session.delete(org)
    session.flush()
    return keys


def _create(session: Session, organizations: list[dict[str, Any]]) -> dict[str, Any]:
    node = Actor.node()
    base = current_app.config["BASE_URL"]
    out: dict[str, Any] = {
        "warning": "DEMO CREDENTIALS ONLY: never use them, or this demo database, in production.",
        "base_url": base,
        "organizations": [],
    }
    for spec in organizations:
        data = OrganizationCreate.model_validate(
            {k: spec[k] for k in ("name", "jurisdiction", "publisher_type", "homepage", "email")}
            | {"kind": "provider" if spec["kind"] == "operator" else spec["kind"]}
        )
        org = parties.create_organization(session, node, data, kind=spec["kind"])
        entry: dict[str, Any] = {"id": org.id, "name": org.name, "kind": org.kind, "users": [], "clients": []}
        for person in spec["users"]:
            password = random_token(nbytes=12)
            user = parties.create_user_unchecked(
                session, org, person["email"], person["name"], password, person["roles"]
            )
            entry["users"].append({"email": user.email, "password": password, "roles": user.roles})
        for client_spec in spec.get("clients", []):
            client, secret = clients.register_client(
                session, node, org.id, ClientCreate.model_validate(client_spec)
            )
            entry["clients"].append(
                {
                    "name": client.name,
                    "client_id": client.client_id,
                    "client_secret": secret,
                    "scope": client.scope,
                    "grant_types": client.grant_types,
                    "redirect_uris": client.redirect_uris,
                }
            )
        out["organizations"].append(entry)
    return out


def summary(credentials: dict[str, Any]) -> str:
    """A short text of the demo logins and clients, for the console."""
    lines = [f"*** {credentials['warning']} ***", f"node: {credentials['base_url']}"]
    for org in credentials["organizations"]:
        lines.append(f"{org['name']} ({org['kind']})")
        lines += [
            f"  user   {u['email']}  password {u['password']}  roles {','.join(u['roles'])}"
            for u in org["users"]
        ]
        lines += [f"  client {c['client_id']}  secret {c['client_secret']}" for c in org["clients"]]
    return "\n".join(lines)


__all__ = ["CLIENT_REDIRECT_URI", "DemoRefused", "OAuthClient", "User", "load", "summary"]
