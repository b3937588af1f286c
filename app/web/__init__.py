"""Server-rendered pages: usable without JavaScript, assets shipped in the package."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)


def init_app(app):  # type: ignore[no-untyped-def]
    """Mount the pages."""
    from . import (  # noqa: F401 - registers the views
        account,
        auth,
        billing_pages,
        contract_pages,
        feeds,
        harvest_pages,
        home,
        listings,
        offer_forms,
        review,
        usage_pages,
    )

    app.register_blueprint(bp)

    @app.context_processor
    def _inject_user():  # type: ignore[no-untyped-def]
        from .session import current_user

        return {"current_user": current_user()}
