"""The data plane at /data: what an agreement in force allows, in the mode its grade allows, metered.

| endpoint | delivers |
|---|---|
| `GET /data/v1/agreements/<id>` | what the agreement lets the caller fetch (not metered) |
| `GET …/distributions/<dist>/file` | the stored file, streamed, with `Range` requests |
| `GET …/distributions/<dist>/records` | records (`page`, `per_page`, `format`), masked as offered |
| `POST …/distributions/<dist>/aggregate` | a restricted aggregate query ("usable but not visible") |

Every call passes the gate (`gate.py`): token, agreement, policy, quota; every delivery writes exactly
one usage event, committed before the data is sent, and honours `Idempotency-Key`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file
from sqlalchemy import event

from aggregates import QueryError, SourceError

from .. import journal
from ..db import EXTENSION as DB_EXTENSION
from ..db import get_session
from ..errors import Problem
from ..extensions import csrf
from ..models.base import utcnow
from ..services import metering
from ..services.agreements import CHANGED
from . import gate, queries
from .snapshots import FileRef, SnapshotCache
from .tables import Tables, is_tabular

bp = Blueprint("gateway", __name__, url_prefix="/data/v1")
TABLES = "dxnode.tables"
MAX_PER_PAGE = 1000


def init_app(app: Flask) -> None:
    """Mount the data plane, with its per-process caches."""
    sessions = app.extensions[DB_EXTENSION]
    cache = SnapshotCache(
        sessions.kw["bind"], Path(app.config["STORAGE_PATH"]), float(app.config["REVOCATION_POLL"])
    )
    app.extensions[gate.CACHE] = cache
    app.extensions[TABLES] = Tables()

    def _drop_changed(session: Any) -> None:
        changed = session.info.pop(CHANGED, None)
        if changed:
            cache.drop(changed)

    event.listen(sessions, "after_commit", _drop_changed)
    event.listen(sessions, "after_soft_rollback", lambda session, _tx: session.info.pop(CHANGED, None))
    csrf.exempt(bp)
    app.register_blueprint(bp)


@bp.get("/agreements/<agreement_id>")
def agreement_access(agreement_id: str) -> Any:
    """What the agreement lets the caller fetch: distributions, modes, uses left, the term (not metered)."""
    _, snapshot = gate.admit(agreement_id, utcnow())
    base = current_app.config["BASE_URL"]
    journal.settle()
    counter = metering.counter(get_session(), agreement_id)
    root = f"{base}/data/v1/agreements/{snapshot.id}/distributions"
    return jsonify(
        {
            "agreement": snapshot.id,
            "dataset": f"{base}/dataset/{snapshot.dataset_id}",
            "purpose": snapshot.purpose,
            "delivery_modes": sorted(snapshot.delivery_modes),
            "valid_until": snapshot.valid_until.isoformat().replace("+00:00", "Z"),
            "uses": {"used": counter.used if counter else 0, "limit": counter.max_uses if counter else None},
            "distributions": [_offered(root, f, snapshot.delivery_modes) for f in snapshot.files.values()],
        }
    )


@bp.get("/agreements/<agreement_id>/distributions/<distribution_id>/file")
def download(agreement_id: str, distribution_id: str) -> Response:
    """The stored file, streamed; a `Range` request is metered by the bytes it asks for."""
    passed = gate.enter(agreement_id, "download")
    file = gate.file_of(passed, distribution_id)
    if file.path is None or not file.path.exists():
        raise Problem(404, "this distribution has no file stored on the node", slug="no-file")
    size = file.path.stat().st_size
    requested = request.range
    span = requested.range_for_length(size) if requested is not None else None
    if requested is not None and span is None:
        return send_file(file.path, mimetype=file.media_type, conditional=True)  # 416, nothing delivered
    length = span[1] - span[0] if span else size
    gate.meter(passed, passed.delivery(file, size=length))
    response = send_file(
        file.path,
        mimetype=file.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=f"{distribution_id}{file.path.suffix}",
        conditional=True,
        etag=file.checksum or True,
        max_age=0,
    )
    return _replay_header(response, passed)


@bp.get("/agreements/<agreement_id>/distributions/<distribution_id>/records")
def records(agreement_id: str, distribution_id: str) -> Response:
    """A page of records (JSON or CSV), with the offer's masked fields replaced by `***`."""
    passed = gate.enter(agreement_id, "records")
    file = gate.file_of(passed, distribution_id)
    number, size, fmt = _paging()
    if not is_tabular(file):
        raise Problem(
            409, "records are served from CSV or Parquet files stored on the node", slug="not-tabular"
        )
    tables: Tables = current_app.extensions[TABLES]
    page = tables.page(file, number, size, fmt, passed.snapshot.masked_fields)
    gate.meter(passed, passed.delivery(file, records=page.records, size=len(page.body)))
    response = Response(page.body, mimetype=page.media_type)
    response.headers["X-Total-Count"] = str(page.total)
    return _replay_header(response, passed)


@bp.post("/agreements/<agreement_id>/distributions/<distribution_id>/aggregate")
def aggregate(agreement_id: str, distribution_id: str) -> Response:
    """Run a restricted aggregate query; only groups of at least the offer's minimum size are released."""
    passed = gate.enter(agreement_id, "aggregate")
    file = gate.file_of(passed, distribution_id)
    if not is_tabular(file) or file.path is None:
        raise Problem(
            409, "aggregate queries run over CSV or Parquet files stored on the node", slug="not-tabular"
        )
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise Problem(400, "send the query as a JSON object", slug="invalid-input")
    try:
        groups, body = queries.answer(passed.snapshot, file, payload)
    except QueryError as refused:
        gate.refuse(passed, "query-refused", refused.reason, 422, refused.field or "query")
    except SourceError as broken:
        raise Problem(
            409, f"the distribution's file cannot be queried: {broken}", slug="not-queryable"
        ) from None
    gate.meter(passed, passed.delivery(file, records=groups, size=len(body)))
    return _replay_header(Response(body, mimetype="application/json"), passed)


def _offered(root: str, file: FileRef, modes: frozenset[str]) -> dict[str, Any]:
    """A distribution and the endpoints that deliver it in the agreement's modes."""
    tabular = is_tabular(file)
    return {
        "id": file.id,
        "media_type": file.media_type,
        "byte_size": file.byte_size,
        "file": f"{root}/{file.id}/file" if file.path and "download" in modes else None,
        "records": f"{root}/{file.id}/records" if tabular and "records" in modes else None,
        "aggregate": f"{root}/{file.id}/aggregate" if tabular and "aggregate" in modes else None,
    }


def _paging() -> tuple[int, int, str]:
    args = request.args
    try:
        number = int(args.get("page", "1"))
        size = int(args.get("per_page", "100"))
    except ValueError:
        raise Problem(400, "page and per_page are whole numbers", slug="invalid-input") from None
    if number < 1 or not 1 <= size <= MAX_PER_PAGE:
        raise Problem(400, f"page is 1 or more; per_page is 1 to {MAX_PER_PAGE}", slug="invalid-input")
    fmt = args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Problem(400, "format is json or csv", slug="invalid-input")
    return number, size, fmt


def _replay_header(response: Response, passed: gate.Pass) -> Response:
    if passed.key:
        response.headers["Idempotent-Replayed"] = "true" if passed.replayed is not None else "false"
    return response
