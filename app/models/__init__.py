"""SQLModel tables, one module per domain; importing this package registers them all on one metadata."""

from .base import metadata
from .catalog import (
    DataService,
    Dataset,
    DatasetKeyword,
    DatasetLineage,
    DatasetRendering,
    DatasetReview,
    DatasetSearch,
    DatasetService,
    DatasetStatus,
    DatasetTheme,
    Distribution,
    Grade,
)
from .contracts import (
    Agreement,
    AgreementSignature,
    AgreementStatus,
    ContractEvent,
    Negotiation,
    Offer,
    OfferStatus,
)
from .metering import AccessRefusal, QuotaCounter, UsageEvent
from .oauth import AccessTokenRecord, AuthorizationCode, OAuthClient, RefreshToken, SigningKey
from .parties import Organization, OrgKind, OrgStatus, Role, User

__all__ = [
    "AccessRefusal",
    "AccessTokenRecord",
    "Agreement",
    "AgreementSignature",
    "AgreementStatus",
    "AuthorizationCode",
    "ContractEvent",
    "DataService",
    "Dataset",
    "DatasetKeyword",
    "DatasetLineage",
    "DatasetRendering",
    "DatasetReview",
    "DatasetSearch",
    "DatasetService",
    "DatasetStatus",
    "DatasetTheme",
    "Distribution",
    "Grade",
    "Negotiation",
    "OAuthClient",
    "Offer",
    "OfferStatus",
    "OrgKind",
    "OrgStatus",
    "Organization",
    "QuotaCounter",
    "RefreshToken",
    "Role",
    "SigningKey",
    "UsageEvent",
    "User",
    "metadata",
]
