"""The dxnode Flask application: ``create_app`` assembles it in named steps."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a node: settings from code defaults, then ``DXNODE_*`` variables, then ``config``."""
    app = Flask(
        __name__,
        static_folder=None,  # assets are the web blueprint's, served at /static
        instance_path=os.environ.get("DXNODE_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    register_settings(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    return app


def register_settings(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Resolve settings and apply the secure defaults of sessions and cookies."""
    instance = Path(app.instance_path)
    app.config.update(settings.load_settings(instance, config))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config["SESSION_COOKIE_SECURE"]) or app.config["ENV"] == "production",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=3600,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )
    if "TESTING" in (config or {}):
        app.testing = bool(config["TESTING"])  # type: ignore[index]
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def register_extensions(app: Flask) -> None:
    """Bind the database, the job queue, CSRF protection and the OAuth server."""
    from . import db, jobs, journal, oauth
    from .extensions import csrf

    db.init_app(app)
    jobs.init_app(app)
    journal.init_app(app)
    csrf.init_app(app)
    oauth.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount the JSON API, the pages, the health checks and the metrics."""
    from . import api, dsp_api, gateway, health, metrics, web

    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    api.init_app(app)
    gateway.init_app(app)
    dsp_api.init_app(app)
    web.init_app(app)


def register_errors(app: Flask) -> None:
    """Problem Details for JSON, pages for browsers."""
    from . import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    """The ``dxnode`` command groups."""
    from .cli import register

    register(app)
