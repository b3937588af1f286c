"""Response shapes the JSON API and the pages share."""

from __future__ import annotations

from flask import Response


def csv_attachment(body: str, filename: str) -> Response:
    """A CSV document sent as a download named `filename`."""
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
