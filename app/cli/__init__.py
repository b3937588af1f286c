"""The ``dxnode`` command: run and migrate the node; parties, clients, keys, datasets, contracts, demo."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def main() -> None:
    """Entry point of the ``dxnode`` console script."""
    from .. import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Run and administer a dxnode data-exchange node.")
    cli.main(prog_name="dxnode")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    from .billing import billing_group, ledger_group
    from .catalog import dataset_group
    from .clients import client_group, keys_group
    from .contracts import agreement_group, contracts_group, offer_group, request_group
    from .database import db_group
    from .demo import demo_group
    from .harvest import harvest_group
    from .jobs import jobs_group
    from .parties import org_group, user_group

    for group in (
        db_group,
        org_group,
        user_group,
        client_group,
        keys_group,
        dataset_group,
        offer_group,
        request_group,
        agreement_group,
        contracts_group,
        demo_group,
        jobs_group,
        billing_group,
        ledger_group,
        harvest_group,
    ):
        app.cli.add_command(group)
