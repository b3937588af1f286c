"""The dxnode command: parties, clients and datasets from the shell (the demo has its own tests)."""

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


def test_import_an_official_example_from_the_shell_and_publish_it(runner, make_org, app):
    from pathlib import Path

    from .conftest import SHARED

    make_org("operator", name="The Exchange")
    org = make_org("provider", name="Bee Observatory")
    example = SHARED / "standards" / "dcat-ap-3.0.1" / "examples" / "example-bee-population.ttl"
    result = runner.invoke(
        args=["dataset", "import", "--org", org.name, "--grade", "general-1", "--submit", str(example)]
    )
    assert result.exit_code == 0, result.output
    imported = [json.loads(line) for line in result.output.splitlines()]
    assert imported
    assert {d["status"] for d in imported} == {"published"}
    listing = runner.invoke(args=["dataset", "list", "--org", org.name, "--status", "published"])
    assert all(d["id"] in listing.output for d in imported)
    assert Path(example).exists()


def test_import_refuses_a_fragment_naming_what_it_lacks(runner, make_org):
    from .conftest import SHARED

    org = make_org("provider")
    fragment = (
        SHARED / "standards" / "dcat-ap-3.0.1" / "examples" / "example-bee-population-dataset-frequency.ttl"
    )
    result = runner.invoke(args=["dataset", "import", "--org", org.name, str(fragment)])
    assert result.exit_code == 2
    assert "nothing was imported" in result.output


def test_create_from_json_and_upload_a_file(runner, make_org, tmp_path, app):
    from .support.catalog_data import dataset_payload

    org = make_org("provider")
    payload = tmp_path / "dataset.json"
    payload.write_text(json.dumps(dataset_payload()))
    created = runner.invoke(args=["dataset", "create", "--org", org.name, str(payload)])
    assert created.exit_code == 0, created.output
    dataset_id = json.loads(created.output)["id"]
    with app.app_context():
        from app.models import Distribution

        dist_id = (
            get_session().exec(select(Distribution.id).where(Distribution.dataset_id == dataset_id)).one()
        )
    data_file = tmp_path / "readings.csv"
    data_file.write_bytes(b"a,b\n1,2\n")
    uploaded = runner.invoke(args=["dataset", "upload", dist_id, str(data_file), "--media-type", "text/csv"])
    assert uploaded.exit_code == 0, uploaded.output
    assert json.loads(uploaded.output)["byte_size"] == 8
