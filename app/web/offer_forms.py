"""Offers on the pages: a dataset's offers with their request forms, and a provider's offer form and list.

The forms only translate what people type into the contract schemas; the services check it, and their
errors are shown next to the fields they name.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from wtforms.fields.choices import SelectChoice

import contracts_templates

from ..db import get_session
from ..errors import Problem, not_found
from ..models import Dataset, Offer, OfferStatus, Organization, OrgKind
from ..node import contract_context
from ..schemas.contracts import NegotiationIn, OfferIn
from ..services import datasets, grading, negotiations, offers
from ..services.actors import Actor
from . import bp
from .catalog_pages import DELIVERY_WORDS
from .forms import AccessRequestForm, EmptyForm, OfferForm
from .listings import posted, title_of
from .offer_views import STEWARDS, offer_block, view_of, viewer
from .session import login_required, member

MESSAGES = {
    "missing": "Required.",
    "string_too_short": "Required.",
    "too_short": "Choose at least one.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "literal_error": "Choose one of the options.",
}
#: Where an offer's schema path is shown in the form.
SLOTS = {
    "title": "title",
    "template": "template",
    "template_version": "template",
    "pricing": "pricing_model",
    "pricing.model": "pricing_model",
    "pricing.currency": "currency",
    "pricing.price_minor": "price_minor",
    "pricing.period": "period",
    "pricing.unit": "unit",
    "pricing.tiers": "tiers",
    "pricing.free_allowance": "free_allowance",
    "pricing.monthly_cap_minor": "monthly_cap_minor",
    "pricing.payment_due_days": "payment_due_days",
    "delivery_modes": "delivery_modes",
    "approval": "approval",
    "validity_days": "validity_days",
    "cross_border": "cross_border",
    "purposes": "purposes",
    "max_uses": "max_uses",
    "masked_fields": "masked_fields",
}
_NAMED = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?: (.+)$", re.DOTALL)


@bp.route("/offers/<offer_id>/request", methods=["GET", "POST"])
@login_required
def request_access(offer_id: str) -> Any:
    """Ask for an offer for a stated purpose; the request page then shows what happens next."""
    session = get_session()
    _, _, actor = viewer()
    assert actor is not None
    offer = offers.get_offer(session, actor, offer_id)
    if request.method == "GET":
        return _request_page(offer, AccessRequestForm())
    form = posted(AccessRequestForm())
    try:
        data = NegotiationIn.model_validate(
            {
                "offer_id": offer.id,
                "purpose": (form.purpose.data or "").strip(),
                "purpose_note": (form.purpose_note.data or "").strip() or None,
            }
        )
        negotiation = negotiations.request_access(session, actor, data, contract_context())
    except (ValidationError, Problem) as exc:
        return _request_page(offer, form, as_problem(exc))
    flash(REQUESTED_NEWS.get(negotiation.state, "Your request is sent."), "info")
    return redirect(url_for("web.access_request", negotiation_id=negotiation.id))


REQUESTED_NEWS = {
    "REQUESTED": "Your request is sent; the provider decides on it.",
    "AGREED": "Your request is approved: read the contract below and sign it to put it in force.",
}


def _request_page(offer: Offer, form: AccessRequestForm, problem: Problem | None = None) -> Any:
    session = get_session()
    dataset = session.get(Dataset, offer.dataset_id)
    assert dataset is not None
    errors: dict[str, list[str]] = {}
    for error in problem.errors if problem else []:
        field = str(error["field"])
        if field in ("purpose", "purpose_note"):
            errors.setdefault(field, []).append(str(error["reason"]))
    page = render_template(
        "contracts/request_form.html",
        offer=view_of(offer, dataset),
        dataset=dataset,
        title=title_of(dataset.title),
        form=form,
        block=offer_block(dataset.id),
        problem=problem,
        existing=problem.extra.get("negotiation_id") if problem else None,
        errors=errors,
    )
    return page, problem.status if problem else 200


# ---------------------------------------------------------------------------------------------------------
# A provider's offers


@bp.get("/account/datasets/<dataset_id>/offers")
@login_required
def dataset_offers(dataset_id: str) -> Any:
    """Every offer on one of the organisation's datasets, active and withdrawn, with a withdraw button."""
    org, actor = _steward()
    dataset = _own(org, actor, dataset_id)
    return _offers_page(dataset, actor)


@bp.route("/account/datasets/<dataset_id>/offers/new", methods=["GET", "POST"])
@login_required
def new_offer(dataset_id: str) -> Any:
    """Offer a dataset: price, delivery, contract template, approval and usage policy."""
    org, actor = _steward()
    dataset = _own(org, actor, dataset_id)
    if request.method == "GET":
        form = OfferForm()
        _choices(form, dataset)
        return _form_page(form, dataset)
    form = posted(_choices(OfferForm(), dataset))
    try:
        data = OfferIn.model_validate(offer_input(form))
        offer = offers.create_offer(get_session(), actor, dataset.id, data, _base())
    except (ValidationError, Problem) as exc:
        return _form_page(form, dataset, as_problem(exc))
    flash(f"The offer “{offer.title}” is made; consumers may request it.", "info")
    return redirect(url_for("web.dataset_offers", dataset_id=dataset.id))


@bp.post("/account/offers/<offer_id>/withdraw")
@login_required
def withdraw_offer(offer_id: str) -> Any:
    """No new requests on the offer; agreements already made stay in force."""
    org, actor = _steward()
    offer = offers.get_offer(get_session(), actor, offer_id)
    dataset = _own(org, actor, offer.dataset_id)
    posted(EmptyForm())
    try:
        offers.withdraw_offer(get_session(), actor, offer.id)
    except Problem as exc:
        return _offers_page(dataset, actor, as_problem(exc))
    flash(f"The offer “{offer.title}” is withdrawn; agreements made on it stay in force.", "info")
    return redirect(url_for("web.dataset_offers", dataset_id=dataset.id))


def _offers_page(dataset: Dataset, actor: Actor, problem: Problem | None = None) -> Any:
    rows = offers.list_offers(get_session(), actor, dataset.id, active_only=False)
    page = render_template(
        "contracts/offers.html",
        dataset=dataset,
        title=title_of(dataset.title),
        views=[view_of(o, dataset) for o in rows],
        active=OfferStatus.ACTIVE.value,
        problem=problem,
        errors={},
    )
    return page, problem.status if problem else 200


def _form_page(form: OfferForm, dataset: Dataset, problem: Problem | None = None) -> Any:
    errors: dict[str, list[str]] = {}
    summary = []
    for error in problem.errors if problem else []:
        field, reason = str(error["field"]), str(error["reason"])
        slot = slot_of(field)
        if "tiers" in field and (position := re.search(r"tiers[.\[](\d+)", field)):
            reason = f"tier {int(position.group(1)) + 1}: {reason[:1].lower()}{reason[1:]}"
        if slot:
            errors.setdefault(slot, []).append(reason)
        label = form[slot].label.text if slot else field
        summary.append({"slot": slot, "label": label, "reason": reason, "path": None})
    page = render_template(
        "contracts/offer_form.html",
        form=form,
        dataset=dataset,
        title=title_of(dataset.title),
        errors=errors,
        summary=summary,
        problem=problem,
    )
    return page, problem.status if problem else 200


# ---------------------------------------------------------------------------------------------------------
# Form -> schema input


def _choices(form: OfferForm, dataset: Dataset) -> OfferForm:
    """The templates that suit the dataset's grade and the delivery modes the grade allows."""
    suitable = [t for t in contracts_templates.list_templates() if dataset.grade in t.grades]
    form.template.choices = [
        SelectChoice(t.template_id, f"{t.title.get('en', t.template_id)} — {t.description}") for t in suitable
    ]
    if form.template.data is None and suitable:
        form.template.data = suitable[0].template_id
    allowed = grading.DELIVERY[dataset.grade]
    form.delivery_modes.choices = [SelectChoice(m, w) for m, w in DELIVERY_WORDS.items() if m in allowed]
    return form


def offer_input(form: OfferForm) -> dict[str, Any]:
    """The schema input (``OfferIn``) for the form; empty fields are left to the schema's defaults."""
    model = form.pricing_model.data
    pricing: dict[str, Any] = {"model": model, "currency": _text(form.currency.data).upper() or "CNY"}
    if model in ("subscription", "per_call", "per_record", "per_gb") and _text(form.price_minor.data):
        pricing["price_minor"] = _text(form.price_minor.data)
    if model == "subscription":
        pricing["period"] = form.period.data
    if model == "tiered":
        pricing["unit"] = form.unit.data
        pricing["tiers"] = _tiers(form.tiers.data)
    if model != "free":
        for name in ("free_allowance", "monthly_cap_minor"):
            if value := _text(form[name].data):
                pricing[name] = value
    data: dict[str, Any] = {
        "title": _text(form.title.data),
        "template": form.template.data or "",
        "pricing": pricing,
        "delivery_modes": form.delivery_modes.data or [],
        "approval": form.approval.data,
        "cross_border": bool(form.cross_border.data),
        "purposes": _lines(form.purposes.data),
        "masked_fields": _lines(form.masked_fields.data),
    }
    if value := _text(form.payment_due_days.data):
        pricing["payment_due_days"] = value
    for name in ("validity_days", "max_uses"):
        if value := _text(form[name].data):
            data[name] = value
    return data


def _tiers(text: str | None) -> list[dict[str, Any]]:
    """``up_to:unit_price_minor`` per line; the last tier has no bound (``:20`` or just ``20``)."""
    tiers = []
    for line in _lines(text):
        bound, _, price = line.rpartition(":")
        bound = bound.strip()
        tiers.append({"up_to": None if bound in ("", "*") else bound, "unit_price_minor": price.strip()})
    return tiers


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _text(value: str | None) -> str:
    return (value or "").strip()


def slot_of(path: str) -> str | None:
    """The form field a schema path (``pricing.tiers.1.up_to``, ``delivery_modes[0]``) belongs to."""
    names = [p for p in re.split(r"[.\[\]]+", path) if p and not p.isdigit()]
    for n in range(len(names), 0, -1):
        if (key := ".".join(names[:n])) in SLOTS:
            return SLOTS[key]
    return None


def as_problem(exc: ValidationError | Problem) -> Problem:
    """A refusal as a problem whose errors name the field and say, in words, what to change."""
    get_session().rollback()  # nothing of a refused change is kept
    if isinstance(exc, Problem):
        return exc
    errors = []
    for e in exc.errors(include_url=False):
        field = ".".join(map(str, e["loc"]))
        reason = MESSAGES.get(e["type"]) or str(e["msg"]).removeprefix("Value error, ")
        if named := _NAMED.match(reason):  # "price_minor: a per_call plan needs a price"
            field = ".".join(p for p in (field, named.group(1), named.group(2)) if p)
            reason = named.group(3)
        errors.append({"field": field, "reason": reason})
    return Problem(422, "Some fields need another look.", slug="invalid-input", errors=errors)


# ---------------------------------------------------------------------------------------------------------
# Who


def _steward() -> tuple[Organization, Actor]:
    return member(OrgKind.PROVIDER.value, STEWARDS, "offers are made by stewards and admins of providers")


def _own(org: Organization, actor: Actor, dataset_id: str) -> Dataset:
    """One of the organisation's own datasets (other providers' ones are not offered here)."""
    row = datasets.get_dataset(get_session(), actor, dataset_id)
    if row.org_id != org.id:
        raise not_found("dataset", dataset_id)
    return row


def _base() -> str:
    return str(current_app.config["BASE_URL"])
