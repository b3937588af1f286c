"""Alembic environment: the node's metadata, its database URL, batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import app.models  # noqa: F401 - registers every table on the metadata
from app.models.base import metadata

config = context.config

# Search indexes are created by hand for their dialect (FTS5 on SQLite, a GIN tsvector index on
# PostgreSQL); autogenerate and `alembic check` leave them alone.
_DIALECT_SPECIFIC = ("dataset_fts", "ix_dataset_search_document_tsv")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Leave the dialect-specific search objects out of autogenerate."""
    return not (name or "").startswith(_DIALECT_SPECIFIC)


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from pathlib import Path

    from app.config import load_settings

    return str(load_settings(Path("instance").resolve())["DATABASE_URL"])


def run_offline() -> None:
    """Write SQL instead of running it."""
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations against the database."""
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = engine_from_config({"sqlalchemy.url": _url()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
        with engine.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
