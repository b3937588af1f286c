"""The database: one engine per app, one session per request or command, committed at its end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

EXTENSION = "dxnode.db"


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so writers queue politely."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **options)


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to the app and close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
    app.after_request(_commit_unit_of_work)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The current app's engine."""
    bind = current_app.extensions[EXTENSION].kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def get_session() -> Session:
    """The session of the current request or command, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION]()
    session: Session = g.db_session
    return session


def streaming(body: Callable[[Session], Iterator[bytes]]) -> Iterator[bytes]:
    """Run a response body's generator on a session of its own, closed when the body ends or is abandoned.

    A streamed body runs after the request's own session was committed and closed, so it must not use
    that one: a closed session would quietly begin a new transaction that nobody ends.
    """
    session: Session = current_app.extensions[EXTENSION]()

    def generate() -> Iterator[bytes]:
        try:
            yield from body(session)
        finally:
            session.close()

    return generate()


def keep_changes() -> None:
    """Commit this request's changes even if it answers with an error (a token family revoked on reuse)."""
    g.db_keep_changes = True


def _commit_unit_of_work(response: Response) -> Response:
    session = g.get("db_session")
    if session is not None and session.in_transaction():
        if response.status_code < 400 or g.get("db_keep_changes"):
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session committed when the block succeeds and rolled back when it raises (CLI commands, jobs)."""
    session = get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
