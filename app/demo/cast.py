"""The demo's organisations and people as the loaders find them, and the actors they act as."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Organization, User
from ..scopes import allowed_for
from ..services.actors import Actor


@dataclass(frozen=True)
class Cast:
    """Organisations by name and users by email, as created by the demo."""

    orgs: dict[str, Organization]
    users: dict[str, User]

    @classmethod
    def load(cls, session: Session) -> Cast:
        """Everybody on the node."""
        return cls(
            {org.name: org for org in session.exec(select(Organization))},
            {user.email: user for user in session.exec(select(User))},
        )

    def actor(self, email: str) -> Actor:
        """A user acting as on the web, with every scope their organisation's kind may hold."""
        user = self.users[email]
        org = next(org for org in self.orgs.values() if org.id == user.org_id)
        return Actor.for_user(user, org, frozenset(allowed_for(org.kind)))
