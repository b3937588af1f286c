"""A provider's datasets: list them, describe them in a form, upload their files, submit and withdraw them.

The views only translate: a form becomes the schema's input, one service does the work, and its errors,
named by schema paths (``distributions.0.access_url``), are shown next to the fields they name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, has_request_context, redirect, render_template, request, url_for
from pydantic import ValidationError
from wtforms import FieldList, FormField

from ..db import get_session
from ..errors import Problem, not_found
from ..extensions import csrf
from ..models import Organization, OrgKind
from ..schemas.catalog import DatasetCreate, DatasetIn, Transition
from ..services import dataset_status, datasets, grading
from ..services.actors import Actor
from ..services.dataset_bundles import Bundle
from ..services.storage import Storage
from . import bp
from .catalog_pages import human_size
from .dataset_forms import (
    ROWS,
    DatasetForm,
    ReasonForm,
    Rows,
    UploadForm,
    initial,
    keep_unlisted,
    moved_stored_file,
    to_input,
)
from .session import current_user, login_required, may, member

SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
STEWARDS = frozenset({"steward", "admin"})
OWNER_ACTIONS = [name for name, action in dataset_status.ACTIONS.items() if action.by_owner]
STATUS_NEWS = {
    "published": "is published: it is in the catalog, its feeds and the next harvests",
    "in_review": "waits for the operator's review",
    "withdrawn": "is withdrawn: its address now answers 410 Gone",
    "draft": "is a draft again",
}
MESSAGES = {
    "missing": "Required.",
    "too_short": "Fill in at least one language.",
    "url_parsing": "Enter a full web address, such as https://example.org/data.",
    "url_scheme": "Enter a full web address, such as https://example.org/data.",
    "int_parsing": "Enter a whole number.",
    "date_from_datetime_parsing": "Enter a date.",
    "datetime_from_date_parsing": "Enter a date.",
}


# ---------------------------------------------------------------------------------------------------------
# Who may


def _steward() -> tuple[Organization, Actor]:
    return member(
        OrgKind.PROVIDER.value, STEWARDS, "datasets are managed by stewards and admins of providers"
    )


@bp.app_context_processor
def _navigation() -> dict[str, bool]:
    user = current_user() if has_request_context() else None
    org = get_session().get(Organization, user.org_id) if user else None
    return {"may_list_datasets": may(user, org, OrgKind.PROVIDER.value, STEWARDS)}


# ---------------------------------------------------------------------------------------------------------
# Views


@bp.get("/account/datasets")
@login_required
def my_datasets() -> Any:
    """The organisation's datasets in every status, with what each status allows."""
    org, actor = _steward()
    return _list_page(org, actor)


@bp.route("/account/datasets/new", methods=["GET", "POST"])
@login_required
def new_dataset() -> Any:
    """Describe a new dataset; it is saved as a draft."""
    org, actor = _steward()
    if request.method == "GET":
        return _form_page(DatasetForm(data=initial(org)), org, None)
    form = posted(DatasetForm())
    data, rows = to_input(form, org, None)
    try:
        row = datasets.create_dataset(
            get_session(), actor, org.id, DatasetCreate.model_validate(data), _base()
        )
    except (ValidationError, Problem) as exc:
        return _form_page(form, org, None, problem=as_problem(exc), rows=rows)
    flash(f"“{title_of(row.title)}” is saved as a draft; submit it when it is ready.", "info")
    return redirect(url_for("web.my_datasets"))


@bp.route("/account/datasets/<dataset_id>/edit", methods=["GET", "POST"])
@login_required
def edit_dataset(dataset_id: str) -> Any:
    """Change a dataset's description; a published one stays published and must stay conformant."""
    org, actor = _steward()
    bundle = _own(org, actor, dataset_id)
    if request.method == "GET":
        return _form_page(DatasetForm(data=initial(org, bundle)), org, bundle)
    form = posted(DatasetForm())
    data, rows = to_input(form, org, bundle)
    try:
        if moved := moved_stored_file(rows, bundle):
            raise Problem(422, moved["reason"], slug="invalid-input", errors=[moved])
        datasets.update_dataset(get_session(), actor, dataset_id, DatasetIn.model_validate(data), _base())
    except (ValidationError, Problem) as exc:
        problem = as_problem(exc)
        return _form_page(form, org, _own(org, actor, dataset_id), problem=problem, rows=rows)
    flash(f"“{title_of(bundle.dataset.title)}” is saved.", "info")
    return redirect(url_for("web.dataset", dataset_id=dataset_id))


@bp.post("/account/datasets/<dataset_id>/<action>")
@login_required
def change_status(dataset_id: str, action: str) -> Any:
    """Submit, withdraw or republish a dataset."""
    org, actor = _steward()
    if action not in OWNER_ACTIONS:
        raise not_found("action", action)
    form = posted(ReasonForm())
    try:
        reason = Transition(reason=form.reason.data or None).reason
        row = dataset_status.transition(get_session(), actor, dataset_id, action, reason, _base())
    except (ValidationError, Problem) as exc:
        return _list_page(org, actor, problem=as_problem(exc))
    flash(f"“{title_of(row.title)}” {STATUS_NEWS[row.status]}.", "info")
    return redirect(url_for("web.my_datasets"))


@bp.post("/account/datasets/<dataset_id>/distributions/<distribution_id>/file")
@csrf.exempt  # the form checks its token itself, once the upload limit (not the page limit) applies
@login_required
def upload_file(dataset_id: str, distribution_id: str) -> Any:
    """Store a distribution's file; the node computes its size and SHA-256."""
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    request.max_content_length = limit
    org, actor = _steward()
    form = UploadForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, "The form expired or did not come from this site; reload the page and try again.")
        flash(" ".join(form.file.errors), "error")
        return redirect(url_for("web.edit_dataset", dataset_id=dataset_id))
    upload = form.file.data
    storage = Storage(Path(current_app.config["STORAGE_PATH"]))
    try:
        dist = datasets.store_distribution_file(
            get_session(),
            actor,
            distribution_id,
            upload.stream,
            upload.mimetype or None,
            storage,
            limit,
            _base(),
        )
    except Problem as exc:
        problem = as_problem(exc)
        bundle = _own(org, actor, dataset_id)
        return _form_page(DatasetForm(data=initial(org, bundle)), org, bundle, problem=problem)
    flash(f"Stored {human_size(dist.byte_size)}, SHA-256 {dist.checksum_sha256}.", "info")
    return redirect(url_for("web.edit_dataset", dataset_id=dist.dataset_id))


# ---------------------------------------------------------------------------------------------------------
# Pages


def _list_page(org: Organization, actor: Actor, problem: Problem | None = None) -> Any:
    rows = datasets.list_org_datasets(get_session(), actor, org.id)
    items = [
        (row, [a for a in dataset_status.allowed_actions(row.status) if a in OWNER_ACTIONS], _reviewed(row))
        for row in rows
    ]
    page = render_template("listings/index.html", org=org, items=items, problem=problem, errors={})
    return page, problem.status if problem else 200


def _form_page(
    form: DatasetForm,
    org: Organization,
    bundle: Bundle | None,
    *,
    problem: Problem | None = None,
    rows: Rows | None = None,
) -> Any:
    keep_unlisted(form)
    labels = _labels(form)
    errors: dict[str, list[str]] = {}
    summary = []
    for error in problem.errors if problem else []:
        field, reason = str(error["field"]), str(error["reason"])
        slot = _slot(field, rows or {}, labels, other_licence=bool(form.licence_other.data))
        if slot:
            errors.setdefault(slot, []).append(reason)
        label = labels[slot] if slot else _readable(field)
        summary.append({"slot": slot, "label": label, "reason": reason, "path": None if slot else field})
    page = render_template(
        "listings/form.html",
        form=form,
        org=org,
        bundle=bundle,
        errors=errors,
        summary=summary,
        problem=problem,
        upload=UploadForm(),
    )
    return page, problem.status if problem else 200


# ---------------------------------------------------------------------------------------------------------
# Helpers


def posted(form: Any) -> Any:
    """The posted form, or 400 when its CSRF token is missing or stale."""
    if not form.validate_on_submit():
        abort(400, "The form expired or did not come from this site; reload the page and try again.")
    return form


def _own(org: Organization, actor: Actor, dataset_id: str) -> Bundle:
    """One of the organisation's own datasets (other providers' ones are not edited here)."""
    row = datasets.get_dataset(get_session(), actor, dataset_id)
    if row.org_id != org.id:
        raise not_found("dataset", dataset_id)
    return datasets.bundle(get_session(), row)


def as_problem(exc: ValidationError | Problem) -> Problem:
    """A refusal as a problem whose errors say, in words, what to change."""
    get_session().rollback()  # nothing of a refused change is kept, nor shown
    if isinstance(exc, Problem):
        return exc
    errors = [
        {"field": ".".join(map(str, e["loc"])), "reason": _message(e)} for e in exc.errors(include_url=False)
    ]
    return Problem(422, "Some fields need another look.", slug="invalid-input", errors=errors)


def _message(error: Any) -> str:
    if error["type"] == "string_pattern_mismatch" and error["loc"][-1] == "email":
        return "Enter an email address, such as desk@example.org."
    return MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")


def _labels(form: Any, prefix: str = "") -> dict[str, str]:
    """Every field and group of the form by id, with a name people read (``Distribution 2 > Format``)."""
    labels: dict[str, str] = {}
    for field in form:
        if field.type in {"CSRFTokenField", "HiddenField"}:
            continue
        labels[field.id] = prefix + field.label.text
        if isinstance(field, FieldList):
            for i, entry in enumerate(field.entries):
                labels[entry.id] = name = f"{prefix}{ROWS[field.short_name]} {i + 1}"
                labels.update(_labels(entry.form, name + SEP))
        elif isinstance(field, FormField):
            labels.update(_labels(field.form, labels[field.id] + SEP))
    return labels


def _slot(field: str, rows: Rows, labels: dict[str, str], other_licence: bool) -> str | None:
    """The form field (or group) a schema path names, or None when no field of the form fits."""
    parts = field.split(".")
    if field == "licence" and other_licence:
        return "licence_other"
    if parts[0] in rows and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rows[parts[0]]):
        parts[1] = str(rows[parts[0]][int(parts[1])])
    for n in range(len(parts), 0, -1):
        if (candidate := "-".join(parts[:n])) in labels:
            return candidate
    return None


def _readable(path: str) -> str:
    """An RDF property path (``dct:temporal/dcat:startDate``) in words (``Temporal > Start date``)."""
    return SEP.join(_words(step.partition(":")[2] or step) for step in path.split("/"))


def _words(name: str) -> str:
    words = [w if w.isupper() else w.lower() for w in re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _reviewed(row: Any) -> bool:
    return grading.needs_review(row.grade, row.personal_info)


def title_of(texts: dict[str, str]) -> str:
    """The English title, or the first one there is."""
    return texts.get("en") or next(iter(texts.values()), "")


def _base() -> str:
    return str(current_app.config["BASE_URL"])
