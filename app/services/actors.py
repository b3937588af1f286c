"""Who is acting: a user (web session or a user's token), an organisation's client, or the node itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ..errors import Problem, forbidden
from ..models import Organization, OrgKind, OrgStatus, Role, User


@dataclass(frozen=True)
class Actor:
    """The party on whose behalf an operation runs, with what its credentials allow."""

    org_id: str | None
    org_kind: str | None
    user_id: str | None = None
    client_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    system: bool = False
    agreement_id: str | None = None  # the agreement a data:read token serves

    @classmethod
    def node(cls) -> Actor:
        """The node itself, for the CLI and background jobs: may do anything."""
        return cls(org_id=None, org_kind=OrgKind.OPERATOR.value, system=True)

    @classmethod
    def for_user(cls, user: User, org: Organization, scopes: frozenset[str]) -> Actor:
        """A user acting with the given scopes."""
        return cls(org.id, org.kind, user_id=user.id, scopes=scopes, roles=frozenset(user.roles))

    @property
    def is_operator(self) -> bool:
        """True for the node and for operator staff."""
        return self.system or self.org_kind == OrgKind.OPERATOR.value

    def has_scope(self, scope: str) -> bool:
        """True when the credentials carry the scope (the node always does)."""
        return self.system or scope in self.scopes


def require_scope(actor: Actor, scope: str) -> None:
    """Refuse with 403 unless the credentials carry the scope."""
    if not actor.has_scope(scope):
        raise Problem(403, f"this operation needs the scope {scope!r}", slug="insufficient-scope")


def current_roles(session: Session, actor: Actor) -> frozenset[str]:
    """The actor's roles as the database has them now (a token's copy may be minutes old)."""
    if actor.system:
        return frozenset(r.value for r in Role)
    if actor.user_id is None:  # an organisation's client acts for the organisation as a whole
        return frozenset(r.value for r in Role)
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise forbidden("this user account is disabled")
    return frozenset(user.roles)


def require_role(session: Session, actor: Actor, org_id: str | None, *roles: Role) -> None:
    """Refuse unless the actor holds one of the roles in the organisation, or is operator staff with admin."""
    if actor.system:
        return
    held = current_roles(session, actor)
    wanted = {r.value for r in roles}
    if actor.is_operator and Role.ADMIN.value in held:
        return
    if org_id is not None and actor.org_id == org_id and held & wanted:
        return
    names = " or ".join(sorted(wanted))
    raise forbidden(f"this operation needs the role {names} in the organisation")


def require_operator(session: Session, actor: Actor) -> None:
    """Refuse unless the actor is the node or an admin of the operator organisation."""
    if actor.system:
        return
    if not actor.is_operator or Role.ADMIN.value not in current_roles(session, actor):
        raise forbidden("only the operator of the exchange may do this")


def require_active_org(org: Organization) -> None:
    """Refuse actions of organisations that are not admitted or are suspended."""
    if org.status != OrgStatus.ACTIVE.value:
        raise Problem(403, f"organisation {org.name!r} is {org.status}", slug="organization-not-active")
