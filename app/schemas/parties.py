"""Organisations, members and OAuth clients as the API and CLI see them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, HttpUrl, field_validator

from ..models import OrgKind, OrgStatus, Role
from .common import Strict

COUNTRY_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
    ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
    HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
    LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
    NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
    SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)


def _country(value: str) -> str:
    code = value.upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


Country = Annotated[str, Field(min_length=2, max_length=2, examples=["CN", "DE"]), AfterValidator(_country)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Password = Annotated[str, Field(min_length=12, max_length=200, description="at least 12 characters")]
RoleName = Literal["admin", "steward", "buyer", "reviewer", "finance", "viewer"]
assert set(RoleName.__args__) == {r.value for r in Role}  # type: ignore[attr-defined]


PublisherType = Literal[
    "Academia-ScientificOrganisation",
    "Company",
    "IndustryConsortium",
    "LocalAuthority",
    "NationalAuthority",
    "NonGovernmentalOrganisation",
    "NonProfitOrganisation",
    "PrivateIndividual(s)",
    "RegionalAuthority",
    "StandardisationBody",
    "SupraNationalAuthority",
]


class OrganizationCreate(Strict):
    """A new organisation, created by the operator (admitted at once) or by an applicant (pending)."""

    name: Name
    kind: Literal["provider", "consumer"]
    jurisdiction: Country
    publisher_type: PublisherType | None = Field(
        None, description="ADMS publisher type, shown in catalog feeds"
    )
    homepage: HttpUrl | None = None
    email: EmailStr | None = None


class OrganizationUpdate(Strict):
    """Changes to an organisation; status and credit score are the operator's to change."""

    name: Name | None = None
    publisher_type: PublisherType | None = None
    homepage: HttpUrl | None = None
    email: EmailStr | None = None
    status: Literal["pending", "active", "suspended"] | None = None
    credit_score: int | None = Field(None, ge=0, le=1000)


class OrganizationOut(BaseModel):
    """An organisation."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: OrgKind
    jurisdiction: str
    status: OrgStatus
    publisher_type: str | None
    homepage: str | None
    email: str | None
    credit_score: int
    created_at: datetime


class MemberCreate(Strict):
    """A new user in an organisation."""

    email: EmailStr
    name: Name
    password: Password
    roles: list[RoleName] = Field(default=["viewer"], min_length=1)

    @field_validator("roles")
    @classmethod
    def _unique(cls, roles: list[str]) -> list[str]:
        return sorted(set(roles))


class MemberUpdate(Strict):
    """Changes to a member: their roles, name or whether they may log in."""

    name: Name | None = None
    roles: list[RoleName] | None = Field(None, min_length=1)
    active: bool | None = None


class MemberOut(BaseModel):
    """A member of an organisation (never their password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    email: str
    name: str
    roles: list[str]
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class ClientCreate(Strict):
    """A new OAuth client of an organisation."""

    name: Name
    client_type: Literal["confidential", "public"] = "confidential"
    redirect_uris: list[HttpUrl] = Field(default_factory=list, max_length=20)
    grant_types: list[Literal["client_credentials", "authorization_code", "refresh_token"]] = Field(
        default=["client_credentials"], min_length=1
    )
    scope: str = Field(
        "", max_length=1000, description="space-separated scopes; default: all the organisation may have"
    )
    is_resource_server: bool = False


class ClientOut(BaseModel):
    """An OAuth client; its secret is shown only once, at creation or rotation."""

    model_config = ConfigDict(from_attributes=True)

    client_id: str
    org_id: str
    name: str
    client_type: str
    redirect_uris: list[str]
    grant_types: list[str]
    scope: str
    is_resource_server: bool
    created_at: datetime
    disabled_at: datetime | None


class ClientWithSecret(ClientOut):
    """A client together with its secret, returned once."""

    client_secret: str | None = Field(
        None, description="shown once; store it now, the node keeps only a hash"
    )
