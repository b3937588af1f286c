"""The browser session: who is logged in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, request, session, url_for

from .. import scopes as registry
from ..db import get_session
from ..errors import forbidden
from ..models import Organization, OrgStatus, User
from ..services.actors import Actor

SESSION_KEY = "user_id"


def current_user() -> User | None:
    """The logged-in, active user of this request, or None."""
    if "web_user" not in g:
        user = None
        user_id = session.get(SESSION_KEY)
        if user_id:
            user = get_session().get(User, user_id)
            if user is not None and not user.active:
                user = None
            if user is not None:
                org = get_session().get(Organization, user.org_id)
                if org is None or org.status == OrgStatus.SUSPENDED.value:
                    user = None
        g.web_user = user
    return g.web_user  # type: ignore[no-any-return]


def log_in(user: User) -> None:
    """Start a fresh session for the user (a new session, so a fixed session id cannot be reused)."""
    session.clear()
    session[SESSION_KEY] = user.id
    session.permanent = True
    g.web_user = user


def log_out() -> None:
    """End the session."""
    session.clear()
    g.pop("web_user", None)


def web_actor(user: User, org: Organization) -> Actor:
    """A logged-in user acting on the pages, with every scope their organisation's kind allows."""
    return Actor.for_user(user, org, frozenset(registry.allowed_for(org.kind)))


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send people who are not logged in to the login page, and back here afterwards."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("web.login", next=request.path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


def may(user: User | None, org: Organization | None, kind: str, roles: frozenset[str]) -> bool:
    """Whether the user belongs to an organisation of the kind with one of the roles."""
    return user is not None and org is not None and org.kind == kind and bool(roles & set(user.roles))


def member(kind: str, roles: frozenset[str], refusal: str) -> tuple[Organization, Actor]:
    """The logged-in user's organisation and actor, or 403 unless the kind and a role fit."""
    user = current_user()
    org = get_session().get(Organization, user.org_id) if user else None
    if user is None or org is None or not may(user, org, kind, roles):
        raise forbidden(refusal)
    return org, web_actor(user, org)
