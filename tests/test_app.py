"""The application itself: settings, health probes, errors, migrations."""

from __future__ import annotations

import pytest

from app import create_app


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_database_and_schema(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "schema": "ok"}


def test_readyz_is_503_on_an_unmigrated_database(tmp_path):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "SECRET_KEY": "x", "TESTING": True}
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DXNODE_ACCESS_TOKEN_TTL", "120")
    monkeypatch.setenv("DXNODE_BASE_URL", "https://node.example.org/")
    monkeypatch.setenv("DXNODE_DATABASE_URL", "postgresql://postgres@db.example/dx")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["ACCESS_TOKEN_TTL"] == 120
    assert app.config["BASE_URL"] == "https://node.example.org"
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://postgres@db.example/dx"


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("DXNODE_ACCESS_TOKEN_TTL", "120")
    assert create_app({"SECRET_KEY": "x", "ACCESS_TOKEN_TTL": 60}).config["ACCESS_TOKEN_TTL"] == 60


def test_production_needs_a_secret_key(monkeypatch):
    monkeypatch.setenv("DXNODE_ENV", "production")
    monkeypatch.delenv("DXNODE_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="DXNODE_SECRET_KEY"):
        create_app()


def test_unknown_api_route_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404
    assert body["type"].startswith("https://")
    assert body["instance"] == "/api/v1/nothing-here"


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.mimetype == "application/problem+json"


def test_server_errors_never_leak_a_traceback(app):
    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text
    assert "Traceback" not in text
    assert response.get_json()["status"] == 500


def test_models_and_migrations_agree(app):
    with app.app_context():
        from app.migrate import check, current_revision, head_revision

        check()
        assert current_revision() == head_revision()


def test_timestamps_round_trip_as_aware_utc(app, make_org):
    from app.db import get_session
    from app.models import Organization

    org = make_org("provider")
    with app.app_context():
        stored = get_session().get(Organization, org.id)
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset().total_seconds() == 0


def test_readme_documents_every_setting():
    from pathlib import Path

    from app.config import SETTINGS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name in SETTINGS:
        assert f"`DXNODE_{name}`" in readme, f"README lacks DXNODE_{name}"
