"""The logged-in user's organisation: profile, members and OAuth clients."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from pydantic import ValidationError

from .. import scopes as registry
from ..db import get_session
from ..errors import Problem
from ..models import Organization, User
from ..schemas.parties import ClientCreate, MemberCreate
from ..services import clients, parties
from ..services.actors import Actor
from . import bp
from .forms import ClientForm, EmptyForm, MemberForm
from .session import current_user, web_actor


def _actor() -> tuple[User, Organization, Actor]:
    user = current_user()
    if user is None:
        abort(401)
    org = get_session().get(Organization, user.org_id)
    assert org is not None
    return user, org, web_actor(user, org)


def _render(
    org: Organization, actor: Actor, *, secret: tuple[str, str] | None = None, status: int = 200
) -> Any:
    session = get_session()
    return render_template(
        "account.html",
        org=org,
        members=parties.list_members(session, actor, org.id),
        clients=clients.list_clients(session, actor, org.id),
        client_form=ClientForm(prefix="client"),
        member_form=MemberForm(prefix="member"),
        button=EmptyForm(),
        secret=secret,
        scopes=[registry.SCOPES[s] for s in registry.allowed_for(org.kind)],
    ), status


@bp.get("/account")
def account() -> Any:
    """The organisation page of the logged-in user."""
    user = current_user()
    if user is None:
        return redirect(url_for("web.login", next=url_for("web.account")))
    _, org, actor = _actor()
    return _render(org, actor)


@bp.post("/account/clients")
def create_client() -> Any:
    """Register a client; its secret is shown on the next page only."""
    _, org, actor = _actor()
    form = ClientForm(prefix="client")
    if not form.validate_on_submit():
        return _render(org, actor, status=400)
    try:
        data = ClientCreate(
            name=form.name.data or "",
            client_type=form.client_type.data,  # type: ignore[arg-type]
            grant_types=form.grant_types.data or ["client_credentials"],  # type: ignore[arg-type]
            redirect_uris=(form.redirect_uris.data or "").split(),  # type: ignore[arg-type]
            scope=form.scope.data or "",
            is_resource_server=bool(form.is_resource_server.data),
        )
        client, secret = clients.register_client(get_session(), actor, org.id, data)
    except (ValidationError, Problem) as exc:
        flash(_message(exc), "error")
        return _render(org, actor, status=422)
    return _render(org, actor, secret=(client.client_id, secret or ""), status=201)


@bp.post("/account/clients/<client_id>/disable")
def disable_client(client_id: str) -> Any:
    """Disable a client and revoke its tokens."""
    _, org, actor = _actor()
    if EmptyForm().validate_on_submit():
        clients.disable_client(get_session(), actor, org.id, client_id)
        flash("Client disabled; its tokens are revoked.", "info")
    return redirect(url_for("web.account"))


@bp.post("/account/members")
def add_member() -> Any:
    """Add a member to the organisation."""
    _, org, actor = _actor()
    form = MemberForm(prefix="member")
    if not form.validate_on_submit():
        return _render(org, actor, status=400)
    try:
        data = MemberCreate(
            email=form.email.data or "",
            name=form.name.data or "",
            password=form.password.data or "",
            roles=form.roles.data or ["viewer"],
        )  # type: ignore[arg-type]
        parties.add_member(get_session(), actor, org.id, data)
    except (ValidationError, Problem) as exc:
        flash(_message(exc), "error")
        return _render(org, actor, status=422)
    flash("Member added.", "info")
    return redirect(url_for("web.account"))


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return str(exc)
