"""Forms of the pages (Flask-WTF: every POST carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])


class ClientForm(FlaskForm):
    """Register an OAuth client."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    client_type = SelectField(
        "Type",
        choices=[
            SelectChoice("confidential", "Confidential (server, has a secret)"),
            SelectChoice("public", "Public (browser or mobile app, PKCE only)"),
        ],
    )
    grant_types = SelectMultipleField(
        "Grants",
        choices=[SelectChoice(g) for g in ("client_credentials", "authorization_code", "refresh_token")],
        default=["client_credentials"],
    )
    redirect_uris = StringField("Redirect URIs (space-separated)", validators=[Optional(), Length(max=4000)])
    scope = StringField(
        "Scopes (space-separated; empty for all your organisation may have)",
        validators=[Optional(), Length(max=1000)],
    )
    is_resource_server = BooleanField("Resource server (may introspect tokens)")


class MemberForm(FlaskForm):
    """Add a member."""

    email = EmailField("Email", validators=[DataRequired(), Email()])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=12, max=200)])
    roles = SelectMultipleField(
        "Roles",
        choices=[
            SelectChoice(role) for role in ("admin", "steward", "buyer", "reviewer", "finance", "viewer")
        ],
        default=["viewer"],
    )


class EmptyForm(FlaskForm):
    """A button: only the CSRF token."""


# ---------------------------------------------------------------------------------------------------------
# Offers, access requests and agreements: the forms carry what people type; the schemas and services check it

PRICING_MODELS = {
    "free": "Free of charge",
    "subscription": "Subscription: a fee per billing period",
    "per_call": "Per call",
    "per_record": "Per record",
    "per_gb": "Per GB",
    "tiered": "Tiered unit prices",
}
PERIODS = {"P1M": "Month", "P3M": "Quarter", "P6M": "Half year", "P1Y": "Year"}
TIER_UNITS = {"call": "Calls", "record": "Records", "gb": "GB"}


class OfferForm(FlaskForm):
    """An offer on a dataset: its price, delivery, contract template, approval and usage policy."""

    title = StringField("Title")
    template = RadioField("Contract template", validate_choice=False)
    pricing_model = RadioField(
        "Pricing",
        choices=[SelectChoice(k, v) for k, v in PRICING_MODELS.items()],
        default="free",
        validate_choice=False,
    )
    currency = StringField("Currency", default="CNY")
    price_minor = StringField("Price, in minor units", widget=NumberInput(min=0))
    period = SelectField(
        "Billing period", choices=[SelectChoice(k, v) for k, v in PERIODS.items()], validate_choice=False
    )
    unit = SelectField(
        "Tiered plans count",
        choices=[SelectChoice(k, v) for k, v in TIER_UNITS.items()],
        validate_choice=False,
    )
    tiers = TextAreaField("Tiers")
    free_allowance = StringField("Free units per month", widget=NumberInput(min=0))
    monthly_cap_minor = StringField("Most charged per month, in minor units", widget=NumberInput(min=0))
    payment_due_days = StringField("Invoices due after (days)", default="30", widget=NumberInput(min=0))
    delivery_modes = SelectMultipleField(
        "Delivery",
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    approval = RadioField(
        "Approval",
        choices=[
            SelectChoice("manual", "Manual: you approve each request"),
            SelectChoice("automatic", "Automatic, where the grade and the consumer's credit allow"),
        ],
        default="manual",
        validate_choice=False,
    )
    validity_days = StringField("Term of an agreement (days)", default="365", widget=NumberInput(min=1))
    cross_border = BooleanField("Consumers outside your country may ask")
    purposes = TextAreaField("Purposes allowed")
    max_uses = StringField("Deliveries allowed over the term", widget=NumberInput(min=1))
    masked_fields = TextAreaField("Masked fields")


class AccessRequestForm(FlaskForm):
    """A consumer's request: the purpose it states and, optionally, more about the intended use."""

    purpose = StringField("Purpose")
    purpose_note = TextAreaField("More about the intended use (optional)")


class CounterOfferForm(FlaskForm):
    """The provider's counter-offer (or the consumer's new request): another term, and why."""

    validity_days = StringField("Term (days)", widget=NumberInput(min=1))
    reason = TextAreaField("Why (optional)")


class SignForm(FlaskForm):
    """The consumer's signature: the SHA-256 of the contract text the page showed."""

    sha256 = HiddenField()
