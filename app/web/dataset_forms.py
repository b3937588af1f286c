"""Forms of the dataset pages, and the translation between a form and the catalog schemas.

The forms only carry what people type: the schemas and services validate it, and their errors, named by
schema paths such as ``distributions.0.access_url``, are shown next to the field they name.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput

from catalog.vocab import ACCESS_RIGHTS, COUNTRIES, DATA_THEMES, FILE_TYPES, FREQUENCIES, LANGUAGES, LICENCES

from ..models import Organization
from ..services import grading
from ..services.dataset_bundles import Bundle
from .catalog_pages import PERSONAL_WORDS, RIGHT_WORDS

NONE = SelectChoice("", "—")
ROWS = {"rights": "Right", "lineage": "Input", "distributions": "Distribution"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPLIT = re.compile("[,\uff0c\u3001]")  # commas, also the Chinese ones
Rows = dict[str, list[int]]


def _concepts(table: Any) -> list[SelectChoice]:
    return [SelectChoice(c.iri, c.label) for c in table.values()]


def _checkboxes(label: str, choices: list[SelectChoice]) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=choices,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class Languages(Form):
    """A short text in English and in Chinese."""

    en = StringField("English")
    zh = StringField("Chinese")


class LongLanguages(Form):
    """A long text in English and in Chinese."""

    en = TextAreaField("English")
    zh = TextAreaField("Chinese")


class ContactForm(Form):
    """Who to ask about the dataset."""

    name = StringField("Name")
    email = EmailField("Email")
    url = URLField("Web page")


class PeriodForm(Form):
    """The period the data covers."""

    start = StringField("From", widget=DateInput())
    end = StringField("To", widget=DateInput())


class RightRow(Form):
    """One of the separated rights and who holds it."""

    right = SelectField(
        "Right", choices=[SelectChoice(k, v) for k, v in RIGHT_WORDS.items()], validate_choice=False
    )
    holder = StringField("Holder")


class LineageRow(Form):
    """A dataset this one is derived from, with its contribution weight."""

    dataset_id = StringField("Input dataset id")
    weight = StringField("Weight", widget=NumberInput(min=1))


class DistributionRow(Form):
    """A distribution: where and in which form the data can be had."""

    title = FormField(Languages, label="Title")
    description = FormField(Languages, label="Description")
    access_url = URLField("Access URL")
    download_url = URLField("Download URL")
    format = SelectField("Format", choices=[NONE, *_concepts(FILE_TYPES)], validate_choice=False)
    media_type = StringField("Media type")
    byte_size = StringField("Byte size", widget=NumberInput(min=0))
    licence = SelectField(
        "Licence",
        choices=[NONE, *(SelectChoice(lic.iri, lic.label) for lic in LICENCES.values())],
        validate_choice=False,
    )
    remove = BooleanField("Remove this distribution")


class DatasetForm(FlaskForm):
    """The DCAT-AP metadata of a dataset, its grade, rights and lineage."""

    title = FormField(Languages, label="Title")
    description = FormField(LongLanguages, label="Description")
    keywords = FormField(Languages, label="Keywords")
    themes = _checkboxes("Themes", _concepts(DATA_THEMES))
    grade = RadioField(
        "Grade", choices=[SelectChoice(g) for g in reversed(grading.ORDER)], validate_choice=False
    )
    personal_info = RadioField(
        "Personal information",
        choices=[SelectChoice(k, v) for k, v in PERSONAL_WORDS.items()],
        validate_choice=False,
    )
    contact_point = FormField(ContactForm, label="Contact point")
    licence = SelectField(
        "Licence",
        choices=[NONE, *(SelectChoice(lic.iri, lic.label) for lic in LICENCES.values())],
        validate_choice=False,
    )
    licence_other = URLField("Another licence (its IRI)")
    access_rights = SelectField(
        "Access rights", choices=[NONE, *_concepts(ACCESS_RIGHTS)], validate_choice=False
    )
    spatial = _checkboxes("Countries covered", _concepts(COUNTRIES))
    temporal = FormField(PeriodForm, label="Period covered")
    frequency = SelectField(
        "Update frequency", choices=[NONE, *_concepts(FREQUENCIES)], validate_choice=False
    )
    issued = StringField("Issued", widget=DateInput())
    version = StringField("Version")
    landing_page = URLField("Landing page")
    languages = _checkboxes("Languages of the data", _concepts(LANGUAGES))
    rights = FieldList(FormField(RightRow), label="Rights", min_entries=1, max_entries=20)
    lineage = FieldList(FormField(LineageRow), label="Lineage", min_entries=1, max_entries=50)
    distributions = FieldList(
        FormField(DistributionRow), label="Distributions", min_entries=1, max_entries=100
    )


class ReasonForm(FlaskForm):
    """A status change, with a reason where one is wanted."""

    reason = StringField("Reason")


class UploadForm(FlaskForm):
    """The file of a distribution."""

    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])


# ---------------------------------------------------------------------------------------------------------
# Form -> schema input


def _text(value: str | None) -> str:
    return (value or "").strip()


def _languages(typed: dict[str, Any], before: dict[str, Any] | None = None) -> dict[str, Any]:
    """What is filled in per language, plus the languages the form does not show (given through the API)."""
    kept = {lang: value for lang, value in (before or {}).items() if lang not in typed}
    return {**kept, **{lang: value for lang, value in typed.items() if value}}


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {lang: _text(text) for lang, text in values.items()}


def _or_none(value: str | None) -> str | None:
    return _text(value) or None


def to_input(form: DatasetForm, org: Organization, existing: Bundle | None) -> tuple[dict[str, Any], Rows]:
    """The schema input for the form, and which form row each list item came from."""
    before = existing.dataset if existing else None
    words = {
        lang: [w.strip() for w in _SPLIT.split(text or "") if w.strip()]
        for lang, text in form.keywords.data.items()
    }
    data: dict[str, Any] = {
        "title": _languages(_texts(form.title.data), before.title if before else None),
        "description": _languages(_texts(form.description.data), before.description if before else None),
        "keywords": _languages(words, existing.keywords if existing else None),
        "themes": form.themes.data or [],
        "contact_point": _contact(form.contact_point.data),
        "licence": _or_none(form.licence_other.data) or _or_none(form.licence.data),
        "access_rights": _or_none(form.access_rights.data),
        "spatial": form.spatial.data or [],
        "temporal": _period(form.temporal.data),
        "frequency": _or_none(form.frequency.data),
        "issued": _issued(form.issued.data, existing),
        "version": _or_none(form.version.data),
        "landing_page": _or_none(form.landing_page.data),
        "languages": form.languages.data or [],
    }
    for name in ("grade", "personal_info"):
        if form[name].data:
            data[name] = form[name].data
    rows: Rows = {name: [] for name in ROWS}
    data["rights"] = [_right(r.form, org, existing) for r in _kept(form.rights, "holder", rows["rights"])]
    data["lineage"] = [
        {"dataset_id": _text(r.form.dataset_id.data), "weight": _text(r.form.weight.data) or "1"}
        for r in _kept(form.lineage, "dataset_id", rows["lineage"])
    ]
    stored = existing.distributions if existing else []
    data["distributions"] = []
    for i, entry in enumerate(form.distributions):
        row = entry.form
        if (i < len(stored) and not row.remove.data) or (i >= len(stored) and _filled(row)):
            rows["distributions"].append(i)
            data["distributions"].append(_distribution(row, stored[i] if i < len(stored) else None))
    return data, rows


def _kept(rows: FieldList, key: str, kept: list[int]) -> list[Any]:
    """The rows whose key field is filled in, noting their positions."""
    found = []
    for i, entry in enumerate(rows):
        if _text(entry.form[key].data):
            kept.append(i)
            found.append(entry)
    return found


def _contact(values: dict[str, str]) -> dict[str, Any] | None:
    if not any(_text(v) for v in values.values()):
        return None
    return {"name": _text(values["name"]), "email": _or_none(values["email"]), "url": _or_none(values["url"])}


def _period(values: dict[str, str]) -> dict[str, Any] | None:
    start, end = _or_none(values["start"]), _or_none(values["end"])
    return {"start": start, "end": end} if start or end else None


def _issued(value: str | None, existing: Bundle | None) -> Any:
    """A date means midnight UTC; an unchanged date keeps the time it was recorded with."""
    value = _text(value)
    before = existing.dataset.issued if existing else None
    if before is not None and value == before.date().isoformat():
        return before
    return f"{value}T00:00:00Z" if _DAY.match(value) else value or None


def _right(row: RightRow, org: Organization, existing: Bundle | None) -> dict[str, Any]:
    """A right; its holder is linked to an organisation when named as before, or as this one."""
    right, holder = row.right.data, _text(row.holder.data)
    known = (
        {(r["right"], r["holder"]): r.get("holder_org_id") for r in existing.dataset.rights}
        if existing
        else {}
    )
    org_id = known.get((right, holder)) or (org.id if holder == org.name else None)
    return {"right": right, "holder": holder, "holder_org_id": org_id}


def _filled(row: DistributionRow) -> bool:
    return any(
        _text(v) for name, v in row.data.items() if name not in {"remove", "title", "description"}
    ) or any(_text(v) for v in (*row.title.data.values(), *row.description.data.values()))


def _distribution(row: DistributionRow, before: Any) -> dict[str, Any]:
    """A distribution; what the form does not show (checksum, availability) is kept as it was."""
    kept = {"checksum_sha256": before.checksum_sha256, "availability": before.availability} if before else {}
    return {
        **kept,
        "title": _languages(_texts(row.title.data), before.title if before else None) or None,
        "description": _languages(_texts(row.description.data), before.description if before else None)
        or None,
        "access_url": _or_none(row.access_url.data),
        "download_url": _or_none(row.download_url.data),
        "format": _or_none(row.format.data),
        "media_type": _or_none(row.media_type.data),
        "byte_size": _or_none(row.byte_size.data),
        "licence": _or_none(row.licence.data),
    }


def moved_stored_file(rows: Rows, existing: Bundle | None) -> dict[str, str] | None:
    """An error when removing a distribution would hand a stored file to another one."""
    # the service matches distributions to the stored ones by position, so a row may only move up when
    # neither its own distribution nor the one whose place it takes holds a file
    stored = existing.distributions if existing else []
    for position, row in enumerate(rows["distributions"]):
        if row == position or position >= len(stored):
            continue
        if stored[position].storage_key or (row < len(stored) and stored[row].storage_key):
            return {
                "field": f"distributions.{position}",
                "reason": "removing a distribution before one with a stored file would move that file; "
                "remove only distributions after the last stored file",
            }
    return None


# ---------------------------------------------------------------------------------------------------------
# Schema -> form


def keep_unlisted(form: DatasetForm) -> None:
    """Offer values the vocabularies do not list (given through the API), so saving the form keeps them."""
    fields = [form.spatial, form.languages, form.access_rights, form.frequency]
    fields += [f for entry in form.distributions for f in (entry.form.format, entry.form.licence)]
    for field in fields:
        values = field.data if isinstance(field.data, list) else [field.data]
        known = {choice.value for choice in field.choices}
        field.choices = [*field.choices, *(SelectChoice(v, v) for v in values if v and v not in known)]


def initial(org: Organization, bundle: Bundle | None = None) -> dict[str, Any]:
    """What the form shows before it is sent: a new dataset's defaults, or the dataset as it is."""
    if bundle is None:
        rights = [{"right": "holding", "holder": org.name}, {"right": "processing"}, {"right": "operation"}]
        return {"personal_info": "none", "rights": rights, "lineage": [{}, {}, {}], "distributions": [{}, {}]}
    d = bundle.dataset
    known = d.licence in {lic.iri for lic in LICENCES.values()}
    return {
        "title": d.title,
        "description": d.description,
        "keywords": {lang: ", ".join(words) for lang, words in bundle.keywords.items()},
        "themes": bundle.themes,
        "grade": d.grade,
        "personal_info": d.personal_info,
        "contact_point": d.contact_point or {},
        "licence": d.licence if known else "",
        "licence_other": "" if known else d.licence,
        "access_rights": d.access_rights,
        "spatial": d.spatial,
        "temporal": {"start": _day(d.temporal_start), "end": _day(d.temporal_end)},
        "frequency": d.frequency,
        "issued": _day(d.issued),
        "version": d.version,
        "landing_page": d.landing_page,
        "languages": d.languages,
        "rights": [*d.rights, {"right": "processing"}],
        "lineage": [*({"dataset_id": x.source_id, "weight": x.weight} for x in bundle.lineage), {}, {}],
        "distributions": [*(_distribution_data(x) for x in bundle.distributions), {}],
    }


def _day(value: date | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _distribution_data(dist: Any) -> dict[str, Any]:
    fields = ("access_url", "download_url", "format", "media_type", "byte_size", "licence")
    return {"title": dist.title, "description": dist.description, **{f: getattr(dist, f) for f in fields}}
