"""No secret is stored as given: the database holds digests of secrets, codes and refresh tokens."""

from __future__ import annotations

from sqlalchemy import inspect, text

from app.db import engine
from app.models.base import metadata


def _dump_every_value(app) -> str:
    with app.app_context(), engine().connect() as connection:
        parts = []
        for table in metadata.sorted_tables:
            if not inspect(connection).has_table(table.name):
                continue
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.extend(str(value) for value in row)
        return "\n".join(parts)


def test_no_secret_token_or_password_in_the_database(flow, consumer, app):
    tokens = flow.user_tokens(consumer)
    rotated = flow.refresh(consumer, tokens["refresh_token"]).get_json()
    client_token = flow.token(consumer)

    dump = _dump_every_value(app)
    for secret in (
        consumer.secret,
        consumer.password,
        tokens["refresh_token"],
        rotated["refresh_token"],
        tokens["access_token"],
        client_token,
    ):
        assert secret not in dump
    assert "BEGIN ENCRYPTED PRIVATE KEY" in dump  # the signing key is stored, encrypted
    assert "BEGIN PRIVATE KEY" not in dump
