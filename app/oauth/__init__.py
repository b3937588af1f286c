"""OAuth 2 authorization server (Authlib) and the resource-side token checks."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from ..db import EXTENSION as DB_EXTENSION
from .keys import KeyRing
from .resource import RevocationList
from .server import create_server


def init_app(app: Flask) -> None:
    """Create the key ring, the revocation list and the authorization server, and mount the endpoints."""
    from .views import bp

    sessions = app.extensions[DB_EXTENSION]
    keyring = KeyRing(app.config["SECRET_KEY"], sessions)
    app.extensions["dxnode.keyring"] = keyring
    revocations = RevocationList(sessions.kw["bind"], float(app.config["REVOCATION_POLL"]))
    app.extensions["dxnode.revocations"] = revocations
    event.listen(sessions, "after_commit", revocations.on_commit)
    event.listen(sessions, "after_soft_rollback", lambda session, _tx: revocations.on_rollback(session))
    app.extensions["dxnode.oauth_server"] = create_server(app)
    app.register_blueprint(bp)
