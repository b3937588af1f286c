"""Running Alembic from the node: upgrade, check, and the revision the database is at."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text

from .db import engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the current app's database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    return cfg


def upgrade(revision: str = "head") -> None:
    """Migrate the database to a revision (the latest by default)."""
    with engine().begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def check() -> None:
    """Fail if the models and the migrations disagree (``alembic check``)."""
    with engine().connect() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.check(cfg)


def current_revision() -> str | None:
    """The revision the database is at (None before the first migration)."""
    with engine().connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@cache
def head_revision() -> str | None:
    """The newest revision in the code."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
