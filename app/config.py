"""Settings: code defaults, then ``DXNODE_*`` environment variables, then an override mapping."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Every setting the node reads, with its default and what it means (the README's table is made from this).
SETTINGS: dict[str, tuple[Any, str]] = {
    "NODE_NAME": ("dxnode", "the node's display name in pages and catalog feeds"),
    "ENV": ("development", "`development` or `production`; production refuses to start without a secret key"),
    "SECRET_KEY": (
        None,
        "signs sessions and CSRF tokens, encrypts signing keys; generated under instance/ in development",
    ),
    "DATABASE_URL": (None, "SQLAlchemy URL; default the embedded SQLite file `instance/dxnode.sqlite`"),
    "BASE_URL": (
        "http://127.0.0.1:5000",
        "public base URL of the node: the OAuth issuer and the root of dataset IRIs",
    ),
    "CATALOG_LANGUAGES": (
        "ENG ZHO",
        "languages of the catalog's metadata (EU language codes, space-separated)",
    ),
    "CATALOG_SPATIAL": ("", "countries the catalog covers (EU country codes such as CHN, space-separated)"),
    "STORAGE_PATH": (None, "folder of uploaded distribution files (default `instance/storage`)"),
    "UPLOAD_MAX_BYTES": (2 * 1024**3, "largest distribution file accepted, in bytes"),
    "REDIS_URL": (None, "Redis for the job queue (RQ); background jobs run in-process when unset"),
    "SCHEDULER_INTERVAL": (30.0, "seconds between checks for due periodic jobs by `dxnode jobs scheduler`"),
    "HARVEST_MAX_PAGE_BYTES": (50 * 1024**2, "largest catalog page a harvest reads, in bytes"),
    "HARVEST_PAGE_TIMEOUT": (60.0, "seconds a harvest may spend fetching one catalog page"),
    "ACCESS_TOKEN_TTL": (600, "lifetime of access tokens in seconds (10 minutes)"),
    "REFRESH_TOKEN_TTL": (30 * 24 * 3600, "lifetime of a refresh-token family in seconds"),
    "AUTHORIZATION_CODE_TTL": (60, "lifetime of an authorization code in seconds"),
    "REVOCATION_POLL": (1.0, "seconds between checks of the revocation list by each worker"),
    "SESSION_COOKIE_SECURE": (
        False,
        "send the session cookie over HTTPS only (always on when `DXNODE_ENV=production`)",
    ),
    "STRIPE_API_KEY": (None, "Stripe secret key (`sk_...`) for payments, refunds and payouts"),
    "STRIPE_API_BASE": ("https://api.stripe.com", "base URL of Stripe's API (a localstripe server in tests)"),
    "STRIPE_WEBHOOK_SECRET": (None, "signing secret (`whsec_...`) of the `/webhooks/stripe` endpoint"),
    "STRIPE_WEBHOOK_TOLERANCE": (300, "seconds a webhook's signature time may differ from now"),
    "NEGOTIATION_TTL_DAYS": (14, "days an access request may stay undecided before it expires"),
    "AUTO_APPROVAL_MIN_CREDIT": (
        600,
        "credit score (0..1000) a consumer needs for automatic approval of general-2 requests",
    ),
    "DSP_CALLBACK_ALLOW_PRIVATE": (
        False,
        "deliver Dataspace Protocol messages to callback addresses on loopback or private networks",
    ),
    "USAGE_JOURNAL_PATH": (
        None,
        "folder of the usage journals of this host's processes (default `instance/usage-journal`)",
    ),
    "USAGE_FLUSH_INTERVAL": (0.2, "seconds between writes of a process's usage journal to the database"),
    "LOG_LEVEL": ("INFO", "Python logging level"),
    "METRICS_TOKEN": (
        None,
        "bearer token Prometheus must send to read `/metrics`; unset, `/metrics` is open "
        "(loopback deployments)",
    ),
    "INSTANCE_PATH": (
        None,
        "folder for the embedded database, the development secret and demo credentials "
        "(default `instance/` beside the code)",
    ),
}


def _coerce(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load_settings(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Resolve every setting: defaults, then ``DXNODE_<NAME>`` variables, then ``overrides``."""
    settings = {name: default for name, (default, _) in SETTINGS.items()}
    for name, (default, _) in SETTINGS.items():
        raw = os.environ.get(f"DXNODE_{name}")
        if raw is not None and raw != "":
            settings[name] = _coerce(raw, default)
    settings.update(overrides or {})

    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance_path / 'dxnode.sqlite'}"
    if not settings["SECRET_KEY"]:
        if settings["ENV"] == "production":
            raise RuntimeError("DXNODE_SECRET_KEY must be set when DXNODE_ENV=production")
        settings["SECRET_KEY"] = _development_secret(instance_path)
    settings["DATABASE_URL"] = normalise_database_url(str(settings["DATABASE_URL"]))
    settings["STORAGE_PATH"] = str(settings["STORAGE_PATH"] or instance_path / "storage")
    settings["BASE_URL"] = str(settings["BASE_URL"]).rstrip("/")
    return settings


def _development_secret(instance_path: Path) -> str:
    """A random secret kept under instance/ so development sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def normalise_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
