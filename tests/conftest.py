"""Layered fixtures: a migrated database, a fresh app per test, clients, factories and actions.

The suite runs on SQLite by default and on PostgreSQL when ``DXNODE_TEST_DATABASE_URL`` is set. The
schema is migrated once per session with the real migrations; each test gets its own SQLite file
(a copy of the migrated template) or, on PostgreSQL, empty tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalise_database_url
from app.models.base import metadata

pytest_plugins = [
    "tests.support.factories",
    "tests.support.actions",
    "tests.support.contract_data",
    "tests.support.localstripe",
    "tests.support.stripe_transfers_fake",
]

SHARED = Path(__file__).resolve().parents[2] / "shared"
POSTGRES_URL = os.environ.get("DXNODE_TEST_DATABASE_URL")
BASE_URL = "http://localhost"


def _migrate(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "migrations", "TESTING": True})
    with app.app_context():
        from app.db import engine
        from app.migrate import upgrade

        upgrade()
        engine().dispose()  # closing the last connection checkpoints SQLite's WAL into the file


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head: a template SQLite file, or the PostgreSQL test database."""
    if POSTGRES_URL:
        url = normalise_database_url(POSTGRES_URL)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("template") / "dxnode.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A database for one test, with the schema and no rows."""
    if POSTGRES_URL:
        yield template_database
        engine = create_engine(template_database)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "dxnode.sqlite"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def settings() -> dict[str, object]:
    """Overrides for the app under test; a test may change them before asking for ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "BASE_URL": BASE_URL,
        "REVOCATION_POLL": 1.0,
        "CATALOG_SPATIAL": "CHN",
    }


@pytest.fixture
def app(database_url: str, settings: dict[str, object], tmp_path: Path) -> Iterator[Flask]:
    """A fresh node on its own database."""
    folders = {"STORAGE_PATH": str(tmp_path / "storage"), "USAGE_JOURNAL_PATH": str(tmp_path / "journal")}
    application = create_app({**folders, **settings, "DATABASE_URL": database_url})
    application.instance_path = str(tmp_path / "instance")
    yield application
    from app.db import EXTENSION
    from app.journal import EXTENSION as JOURNAL

    application.extensions[JOURNAL].close()
    application.extensions[EXTENSION].kw["bind"].dispose()


class BufferedClient(FlaskClient):
    """Reads every response to its end, as a real client does, so no streamed body keeps its request open."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client; cookies persist between its requests like a browser's."""
    app.test_client_class = BufferedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """The ``dxnode`` CLI of the app under test."""
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[object]:
    """A session inside an app context, committed by the factories that use it."""
    with app.app_context():
        from app.db import get_session

        yield get_session()
