"""The dxnode command: parties, clients and demo data from the shell."""

from __future__ import annotations

import json

from sqlmodel import select

from app.db import get_session
from app.models import OAuthClient, Organization, User


def test_create_operator_org_user_and_client(runner, app):
    op = runner.invoke(
        args=["org", "create", "--name", "The Exchange", "--kind", "operator", "--jurisdiction", "CN"]
    )
    assert op.exit_code == 0, op.output
    assert json.loads(op.output)["status"] == "active"
    user = runner.invoke(
        args=[
            "user",
            "create",
            "--org",
            "The Exchange",
            "--email",
            "ops@exchange.example",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
    )
    assert user.exit_code == 0, user.output
    client = runner.invoke(
        args=[
            "client",
            "create",
            "--org",
            "The Exchange",
            "--name",
            "Back office",
            "--scope",
            "org:read operator",
        ]
    )
    assert client.exit_code == 0, client.output
    secret = json.loads(client.output)["client_secret"]
    with app.app_context():
        session = get_session()
        assert session.exec(select(User).where(User.email == "ops@exchange.example")).one().roles == ["admin"]
        stored = session.exec(select(OAuthClient)).one()
        assert stored.secret_hash != secret


def test_cli_reports_bad_input_by_field(runner):
    result = runner.invoke(
        args=["org", "create", "--name", "X", "--kind", "provider", "--jurisdiction", "ZZ"]
    )
    assert result.exit_code == 2
    assert "jurisdiction" in result.output


def test_set_status(runner, make_org, app):
    org = make_org("consumer")
    result = runner.invoke(args=["org", "set-status", org.name, "suspended"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_session().get(Organization, org.id).status == "suspended"


def test_demo_load_is_idempotent_and_writes_credentials(runner, app, flow):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "loaded" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already present" in second.output

    from pathlib import Path

    credentials = json.loads((Path(app.instance_path) / "demo-credentials.json").read_text())
    kinds = [org["kind"] for org in credentials["organizations"]]
    assert kinds.count("operator") == 1
    assert kinds.count("provider") >= 2
    assert kinds.count("consumer") >= 2
    consumer = next(org for org in credentials["organizations"] if org["kind"] == "consumer")
    client = consumer["clients"][0]
    response = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert response.status_code == 200
    user = consumer["users"][0]
    assert flow.login(user["email"], user["password"]).status_code == 302

    shown = runner.invoke(args=["demo", "credentials"])
    assert "DEMO CREDENTIALS ONLY" in shown.output
    assert client["client_secret"] in shown.output


def test_demo_refuses_a_database_with_other_data(runner, make_org):
    make_org("provider", name="A Real Customer")
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "not demo data" in result.output
