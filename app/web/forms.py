"""Forms of the pages (Flask-WTF: every POST carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional


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
