"""The browser session: who is logged in."""

from __future__ import annotations

from flask import g, session

from ..db import get_session
from ..models import Organization, OrgStatus, User

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
