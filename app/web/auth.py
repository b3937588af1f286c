"""Logging in and out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for

from ..db import get_session
from ..services import parties
from . import bp
from .forms import EmptyForm, LoginForm
from .session import log_in, log_out


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Password login; on success go back to where the user was heading (same site only)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = parties.authenticate(get_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            log_in(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong email or password.", "error")
        return render_template("login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form), status


@bp.post("/logout")
def logout() -> Any:
    """End the session (a POST with a CSRF token, so no other site can log a user out)."""
    if EmptyForm().validate_on_submit():
        log_out()
    return redirect(url_for("web.index"))


def _safe_next(target: str | None) -> str:
    """Only relative paths on this site, never another host."""
    if not target:
        return url_for("web.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.index")
    return target
