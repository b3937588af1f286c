"""Offers, access requests and agreements from the shell: the operator's view, or a named user's."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from dsp import NegotiationState

from ..db import unit_of_work
from ..errors import Problem
from ..models import Agreement, AgreementStatus, Negotiation, Organization, User
from ..node import contract_context
from ..scopes import allowed_for
from ..services import agreement_checks, agreements, negotiations, offers
from ..services.actors import Actor
from .common import fail, org_by_name_or_id

ROLES = ("consumer", "provider", "operator")
Row = TypeVar("Row", Negotiation, Agreement)

as_user = click.option(
    "--as", "as_email", metavar="EMAIL", help="act as this user (default: the node itself, as operator)"
)
role_option = click.option(
    "--role", type=click.Choice(ROLES), help="with --org: the organisation's side (default: either)"
)


def _actor(session: Session, email: str | None) -> Actor:
    """The node itself, or an active user with every scope their organisation's kind may hold."""
    if email is None:
        return Actor.node()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active:
        raise click.ClickException(f"no active user {email!r}")
    org = session.get(Organization, user.org_id)
    assert org is not None
    return Actor.for_user(user, org, frozenset(allowed_for(org.kind)))


def _print(data: Any) -> None:
    """Print a document as indented JSON, times in ISO 8601."""

    def encode(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON")

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=encode))


def _org_rows(session: Session, rows: list[Row], org_ref: str | None, role: str | None) -> list[Row]:
    """The rows in which an organisation takes the role (either side without one); every row without --org."""
    if org_ref is None:
        return rows
    org_id = org_by_name_or_id(session, org_ref).id
    sides = {"consumer": ["consumer_org_id"], "provider": ["provider_org_id"]}
    columns = sides.get(role or "", ["consumer_org_id", "provider_org_id"])
    return [row for row in rows if any(getattr(row, column) == org_id for column in columns)]


def _check_role(org_ref: str | None, role: str | None) -> None:
    """The node itself is neither consumer nor provider: those roles need --org."""
    if org_ref is None and role in ("consumer", "provider"):
        raise click.UsageError(f"--role {role} needs --org: the node itself is neither consumer nor provider")


def _org_names(session: Session) -> dict[str, str]:
    return {org.id: org.name for org in session.exec(select(Organization))}


# -- offers -----------------------------------------------------------------------------------------------


@click.group("offer")
def offer_group() -> None:
    """Offers: the terms on which a dataset is available."""


@offer_group.command("create")
@click.argument("dataset_id")
@click.argument("payload", type=click.File("rb"))
@as_user
@with_appcontext
def offer_create(dataset_id: str, payload: IO[bytes], as_email: str | None) -> None:
    """Offer a dataset on the terms in a JSON file shaped like the API's offer body."""
    try:
        try:
            document = json.loads(payload.read())
        except ValueError as error:
            raise Problem(400, f"{payload.name} is not JSON: {error}") from None
        data = offers.validate_offer(document)
        with unit_of_work() as session:
            actor = _actor(session, as_email)
            offer = offers.create_offer(session, actor, dataset_id, data, current_app.config["BASE_URL"])
            output = offers.to_output(offer)
    except Problem as exc:
        fail(exc)
    _print(output)


@offer_group.command("list")
@click.argument("dataset_id")
@click.option("--all", "every", is_flag=True, help="withdrawn offers too")
@with_appcontext
def offer_list(dataset_id: str, every: bool) -> None:
    """List a dataset's active offers (or every one)."""
    try:
        with unit_of_work() as session:
            rows = offers.list_offers(session, Actor.node(), dataset_id, active_only=not every)
            for offer in rows:
                click.echo(f"{offer.id}  {offer.status:<9} {offer.template_id:<21} {offer.title}")
    except Problem as exc:
        fail(exc)


@offer_group.command("withdraw")
@click.argument("offer_id")
@with_appcontext
def offer_withdraw(offer_id: str) -> None:
    """Take an offer off the market; agreements already made on it stay in force."""
    try:
        with unit_of_work() as session:
            offer = offers.withdraw_offer(session, Actor.node(), offer_id)
            output = {"id": offer.id, "status": offer.status}
    except Problem as exc:
        fail(exc)
    click.echo(json.dumps(output))


# -- access requests --------------------------------------------------------------------------------------


@click.group("request")
def request_group() -> None:
    """Access requests (contract negotiations)."""


@request_group.command("list")
@role_option
@click.option("--org", "org_ref", help="only this organisation's requests (by id or name)")
@click.option("--state", type=click.Choice([s.value for s in NegotiationState], case_sensitive=False))
@with_appcontext
def request_list(role: str | None, org_ref: str | None, state: str | None) -> None:
    """List every request (the operator's view), or one organisation's; overdue ones expire first."""
    _check_role(org_ref, role)
    with unit_of_work() as session:
        rows = negotiations.list_negotiations(session, Actor.node(), "operator", contract_context(), state)
        names = _org_names(session)
        for row in _org_rows(session, rows, org_ref, role):
            parties = f"{names[row.consumer_org_id]} -> {names[row.provider_org_id]}"
            click.echo(f"{row.id}  {row.state:<10} {parties}  {row.purpose}")


@request_group.command("show")
@click.argument("negotiation_id")
@with_appcontext
def request_show(negotiation_id: str) -> None:
    """Print a request with its history, as the API shows it."""
    try:
        with unit_of_work() as session:
            row = negotiations.get_negotiation(session, Actor.node(), negotiation_id, contract_context())
            output = negotiations.to_output(session, row)
    except Problem as exc:
        fail(exc)
    _print(output)


@request_group.command("approve")
@click.argument("negotiation_id")
@click.option("--reason", help="a note for the record")
@as_user
@with_appcontext
def request_approve(negotiation_id: str, reason: str | None, as_email: str | None) -> None:
    """Approve a request: as the provider's user (--as), or as the node where the operator must approve."""
    try:
        with unit_of_work() as session:
            actor = _actor(session, as_email)
            row = negotiations.approve(session, actor, negotiation_id, reason, contract_context())
            output = negotiations.to_output(session, row, actor)
    except Problem as exc:
        fail(exc)
    _print(output)


@request_group.command("decline")
@click.argument("negotiation_id")
@click.option("--reason", required=True, help="why; the consumer sees it")
@as_user
@with_appcontext
def request_decline(negotiation_id: str, reason: str, as_email: str | None) -> None:
    """Decline a request, saying why."""
    try:
        with unit_of_work() as session:
            actor = _actor(session, as_email)
            row = negotiations.decline(session, actor, negotiation_id, reason, contract_context())
            output = negotiations.to_output(session, row, actor)
    except Problem as exc:
        fail(exc)
    _print(output)


# -- agreements -------------------------------------------------------------------------------------------


@click.group("agreement")
def agreement_group() -> None:
    """Agreements: the signed usage contracts."""


@agreement_group.command("list")
@role_option
@click.option("--org", "org_ref", help="only this organisation's agreements (by id or name)")
@click.option("--status", type=click.Choice([s.value for s in AgreementStatus]))
@with_appcontext
def agreement_list(role: str | None, org_ref: str | None, status: str | None) -> None:
    """List every agreement (the operator's view), or one organisation's; overdue ones expire first."""
    _check_role(org_ref, role)
    with unit_of_work() as session:
        rows = agreements.list_agreements(session, Actor.node(), "operator", contract_context(), status)
        names = _org_names(session)
        for row in _org_rows(session, rows, org_ref, role):
            parties = f"{names[row.consumer_org_id]} -> {names[row.provider_org_id]}"
            until = row.valid_until.date().isoformat()
            click.echo(f"{row.id}  {row.status:<10} until {until}  {parties}  {row.template_id}")


@agreement_group.command("show")
@click.argument("agreement_id")
@with_appcontext
def agreement_show(agreement_id: str) -> None:
    """Print an agreement with its terms, signatures and the node's countersignature."""
    try:
        with unit_of_work() as session:
            row = agreements.get_agreement(session, Actor.node(), agreement_id, contract_context())
            output = agreements.to_output(session, row)
    except Problem as exc:
        fail(exc)
    _print(output)


@agreement_group.command("contract")
@click.argument("agreement_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to this file")
@with_appcontext
def agreement_contract(agreement_id: str, output: Path | None) -> None:
    """The contract text exactly as signed (Markdown)."""
    try:
        with unit_of_work() as session:
            row = agreements.get_agreement(session, Actor.node(), agreement_id, contract_context())
            text = row.contract_text
    except Problem as exc:
        fail(exc)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_bytes(text.encode("utf-8"))


CHANGE_HELP = {
    "suspend": "Suspend an agreement in force, saying why; its tokens are revoked at once.",
    "resume": "Put a suspended agreement back in force.",
    "terminate": "End an agreement for good, saying why; its tokens are revoked at once.",
}


def _change_command(name: str) -> click.Command:
    @click.argument("agreement_id")
    @click.option("--reason", help="why (required to suspend or terminate)")
    @as_user
    @with_appcontext
    def change(agreement_id: str, reason: str | None, as_email: str | None) -> None:
        try:
            with unit_of_work() as session:
                actor = _actor(session, as_email)
                row = agreements.change(session, actor, agreement_id, name, reason, contract_context())
                output = {"id": row.id, "status": row.status, "status_reason": row.status_reason}
        except Problem as exc:
            fail(exc)
        click.echo(json.dumps(output, ensure_ascii=False))

    return click.command(name, help=CHANGE_HELP[name])(change)


for _name in CHANGE_HELP:
    agreement_group.add_command(_change_command(_name))


@agreement_group.command("verify")
@click.argument("agreement_id")
@with_appcontext
def agreement_verify(agreement_id: str) -> None:
    """Check the stored contract against its hash and the node's countersignature; non-zero on a failure."""
    try:
        with unit_of_work() as session:
            row = agreements.get_agreement(session, Actor.node(), agreement_id, contract_context())
            checks = agreement_checks.verify(row, current_app.extensions["dxnode.keyring"].jwks())
            click.echo(f"agreement {row.id}  contract sha256 {row.contract_sha256}")
    except Problem as exc:
        fail(exc)
    for check, problem in checks:
        click.echo(f"ok    {check}" if problem is None else f"FAIL  {check}: {problem}")
    failed = [check for check, problem in checks if problem is not None]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: {', '.join(failed)}")


# -- jobs -------------------------------------------------------------------------------------------------


@click.group("contracts")
def contracts_group() -> None:
    """Jobs over every negotiation and agreement."""


@contracts_group.command("sweep")
@with_appcontext
def contracts_sweep() -> None:
    """Expire requests past their deadline and agreements past their term (for a scheduler to run)."""
    ctx = contract_context()
    with unit_of_work() as session:
        counts = {
            "negotiations_expired": negotiations.expire_overdue(session, ctx),
            "agreements_expired": agreements.expire_overdue(session, ctx),
        }
    click.echo(json.dumps(counts))
