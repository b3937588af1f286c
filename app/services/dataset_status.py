"""A listing's life: draft → in_review → published → withdrawn, reviewed where the grade requires it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..errors import Problem, field_error
from ..models import Dataset, DatasetReview, DatasetStatus, Role
from ..models.base import utcnow
from . import grading, renderings
from .actors import Actor, current_roles, require_role
from .dataset_bundles import load_bundles
from .datasets import ensure_conformant, get_dataset
from .harvested_datasets import refuse_if_harvested

D, R, P, W = (s.value for s in DatasetStatus)


@dataclass(frozen=True)
class Action:
    """A status change: from which states, by whom, whether a reason is required."""

    name: str
    sources: frozenset[str]
    by_operator: bool
    by_owner: bool
    needs_reason: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("submit", frozenset({D}), by_operator=False, by_owner=True),
        Action("approve", frozenset({R}), by_operator=True, by_owner=False),
        Action("reject", frozenset({R}), by_operator=True, by_owner=False, needs_reason=True),
        Action("withdraw", frozenset({P, R}), by_operator=True, by_owner=True),
        Action("republish", frozenset({W}), by_operator=False, by_owner=True),
    )
}


PAST = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "republish": "republished",
}


def allowed_actions(status: str) -> list[str]:
    """The actions possible from a status."""
    return [name for name, action in ACTIONS.items() if status in action.sources]


def transition(
    session: Session, actor: Actor, dataset_id: str, name: str, reason: str | None, base_url: str
) -> Dataset:
    """Move a listing to its next status, or answer 409 naming the actions its status allows."""
    dataset = get_dataset(session, actor, dataset_id)
    refuse_if_harvested(dataset, "published or withdrawn")
    action = ACTIONS[name]
    if dataset.status not in action.sources:
        allowed = allowed_actions(dataset.status)
        raise Problem(
            409,
            f"a {dataset.status} dataset cannot be {PAST[name]}; allowed: {', '.join(allowed) or 'none'}",
            slug="invalid-transition",
            status_now=dataset.status,
            allowed=allowed,
        )
    _authorise(session, actor, dataset, action)
    if action.needs_reason and not (reason and reason.strip()):
        raise field_error("reason", f"say why the dataset is {PAST[name]}")
    before = dataset.status
    target = _target(session, dataset, name, base_url)
    now = utcnow()
    dataset.status = target
    dataset.feed_at = now if target in (P, W) else None  # in the feed only when published or withdrawn
    if target == P:
        dataset.published_at = now
        dataset.withdrawn_at = None
    elif target == W:
        dataset.withdrawn_at = now
    dataset.updated_at = now
    session.add(dataset)
    session.add(
        DatasetReview(
            dataset_id=dataset.id,
            from_status=before,
            to_status=target,
            actor_user_id=actor.user_id,
            actor_org_id=actor.org_id,
            reason=reason,
        )
    )
    session.flush()
    renderings.refresh(session, load_bundles(session, [dataset]), base_url)
    return dataset


def _authorise(session: Session, actor: Actor, dataset: Dataset, action: Action) -> None:
    if actor.system:
        return
    if action.by_operator and actor.is_operator:
        if not current_roles(session, actor) & {Role.REVIEWER.value, Role.ADMIN.value}:
            raise Problem(403, "reviewing listings needs the reviewer or admin role", slug="forbidden")
        return
    if action.by_owner and actor.org_id == dataset.org_id:
        require_role(session, actor, dataset.org_id, Role.STEWARD, Role.ADMIN)
        return
    who = "the operator" if action.by_operator and not action.by_owner else "the publishing organisation"
    raise Problem(403, f"only {who} may {action.name} this dataset", slug="forbidden")


def _target(session: Session, dataset: Dataset, name: str, base_url: str) -> str:
    if name in {"submit", "republish", "approve"}:
        if not grading.listable(dataset.grade):
            raise Problem(
                409,
                "core-grade metadata is registered for the operator only and is never published",
                slug="core-never-published",
            )
        ensure_conformant(session, dataset, base_url)
        if name != "approve" and grading.needs_review(dataset.grade, dataset.personal_info):
            return R
        return P
    if name == "reject":
        return D
    return W if dataset.status == P else D
