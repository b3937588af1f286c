"""Organisations, members and logins."""

from __future__ import annotations

from functools import cache

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..errors import conflict, not_found
from ..models import Organization, OrgStatus, Role, User
from ..models.base import utcnow
from ..schemas.parties import MemberCreate, MemberUpdate, OrganizationCreate, OrganizationUpdate
from ..security import hash_password, verify_password
from .actors import Actor, require_operator, require_role
from .revocation import revoke_holder


def create_organization(
    session: Session, actor: Actor, data: OrganizationCreate, *, kind: str | None = None
) -> Organization:
    """Register and admit an organisation (the operator's staff, or the node itself for the operator)."""
    require_operator(session, actor)
    return _new_organization(session, data, kind or data.kind, OrgStatus.ACTIVE)


def apply_for_membership(
    session: Session, data: OrganizationCreate, admin: MemberCreate
) -> tuple[Organization, User]:
    """An organisation applies to join: pending, with its first admin, until the operator admits it."""
    org = _new_organization(session, data, data.kind, OrgStatus.PENDING)
    admin = admin.model_copy(update={"roles": sorted({*admin.roles, Role.ADMIN.value})})
    return org, add_member(session, Actor.node(), org.id, admin)


def _new_organization(
    session: Session, data: OrganizationCreate, kind: str, status: OrgStatus
) -> Organization:
    _ensure_name_free(session, data.name)
    org = Organization(
        name=data.name,
        kind=kind,
        jurisdiction=data.jurisdiction,
        publisher_type=data.publisher_type,
        homepage=str(data.homepage) if data.homepage else None,
        email=str(data.email) if data.email else None,
        status=status.value,
    )
    session.add(org)
    session.flush()
    return org


def update_organization(
    session: Session, actor: Actor, org_id: str, data: OrganizationUpdate
) -> Organization:
    """Change an organisation; admins edit their profile, the operator admits, suspends and rates."""
    org = get_organization(session, actor, org_id)
    changes = data.model_dump(exclude_unset=True)
    if {"status", "credit_score"} & changes.keys():
        require_operator(session, actor)
    else:
        require_role(session, actor, org.id, Role.ADMIN)
    if "name" in changes and changes["name"] != org.name:
        _ensure_name_free(session, changes["name"])
    for name, value in changes.items():
        setattr(org, name, str(value) if name in {"homepage", "email"} and value is not None else value)
    if changes.get("status") == OrgStatus.SUSPENDED.value:
        revoke_holder(session, org_id=org.id)
    org.updated_at = utcnow()
    session.add(org)
    session.flush()
    return org


def get_organization(session: Session, actor: Actor, org_id: str) -> Organization:
    """One organisation: members see their own, the operator sees all, others see active ones."""
    org = session.get(Organization, org_id)
    if org is None or not (
        actor.is_operator or actor.org_id == org.id or org.status == OrgStatus.ACTIVE.value
    ):
        raise not_found("organization", org_id)
    return org


def list_organizations(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Organization], int]:
    """Organisations visible to the actor, by name, one page at a time."""
    query = select(Organization)
    if not actor.is_operator:
        query = query.where(
            (Organization.status == OrgStatus.ACTIVE.value) | (Organization.id == (actor.org_id or ""))
        )
    if kind:
        query = query.where(Organization.kind == kind)
    if status:
        query = query.where(Organization.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Organization.name, Organization.id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def add_member(session: Session, actor: Actor, org_id: str, data: MemberCreate) -> User:
    """Create a user in an organisation (its admins, or the operator)."""
    org = get_organization(session, actor, org_id)
    require_role(session, actor, org.id, Role.ADMIN)
    email = data.email.lower()
    if session.exec(select(User.id).where(User.email == email)).first():
        raise conflict(
            f"a user with the email {email!r} already exists", errors=[{"field": "email", "reason": "taken"}]
        )
    user = User(
        org_id=org.id,
        email=email,
        name=data.name,
        password_hash=hash_password(data.password),
        roles=list(data.roles),
    )
    session.add(user)
    session.flush()
    return user


def list_members(session: Session, actor: Actor, org_id: str) -> list[User]:
    """The members of an organisation, for its own members and the operator."""
    org = get_organization(session, actor, org_id)
    if not actor.is_operator and actor.org_id != org.id:
        raise not_found("organization", org_id)
    return list(session.exec(select(User).where(User.org_id == org.id).order_by(User.email)))


def update_member(session: Session, actor: Actor, org_id: str, user_id: str, data: MemberUpdate) -> User:
    """Change a member's roles, name or whether they may log in; an organisation keeps at least one admin."""
    user = _member(session, actor, org_id, user_id)
    require_role(session, actor, org_id, Role.ADMIN)
    changes = data.model_dump(exclude_unset=True)
    if "roles" in changes:
        changes["roles"] = sorted(set(changes["roles"]))
    losing_admin = Role.ADMIN.value in user.roles and (
        ("roles" in changes and Role.ADMIN.value not in changes["roles"]) or changes.get("active") is False
    )
    if losing_admin and _active_admins(session, org_id) <= 1:
        raise conflict("an organisation must keep at least one active admin")
    for name, value in changes.items():
        setattr(user, name, value)
    if changes.get("active") is False:
        revoke_holder(session, user_id=user.id)
    session.add(user)
    session.flush()
    return user


def remove_member(session: Session, actor: Actor, org_id: str, user_id: str) -> None:
    """Delete a member; the last active admin cannot be removed."""
    user = _member(session, actor, org_id, user_id)
    require_role(session, actor, org_id, Role.ADMIN)
    if Role.ADMIN.value in user.roles and user.active and _active_admins(session, org_id) <= 1:
        raise conflict("an organisation must keep at least one active admin")
    revoke_holder(session, user_id=user.id)
    session.delete(user)
    session.flush()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None; the time taken does not reveal which failed."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        verify_password(_dummy_hash(), password)  # spend the same time as a real check
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    org = session.get(Organization, user.org_id)
    if org is None or org.status == OrgStatus.SUSPENDED.value:
        return None
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    return user


def create_user_unchecked(
    session: Session, org: Organization, email: str, name: str, password: str, roles: list[str]
) -> User:
    """Create a user without an actor, for the node's own CLI and demo loader."""
    data = MemberCreate(email=email, name=name, password=password, roles=roles)  # type: ignore[arg-type]
    return add_member(session, Actor.node(), org.id, data)


def _member(session: Session, actor: Actor, org_id: str, user_id: str) -> User:
    get_organization(session, actor, org_id)
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id or not (actor.is_operator or actor.org_id == org_id):
        raise not_found("member", user_id)
    return user


def _active_admins(session: Session, org_id: str) -> int:
    users = session.exec(select(User).where(User.org_id == org_id, col(User.active).is_(True)))
    return sum(1 for u in users if Role.ADMIN.value in u.roles)


def _ensure_name_free(session: Session, name: str) -> None:
    if session.exec(select(Organization.id).where(func.lower(Organization.name) == name.lower())).first():
        raise conflict(
            f"an organisation named {name!r} already exists", errors=[{"field": "name", "reason": "taken"}]
        )


@cache
def _dummy_hash() -> str:
    return hash_password("timing-equaliser-not-a-real-password")
