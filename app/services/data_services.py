"""Data services: the APIs through which providers serve their datasets."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..errors import not_found
from ..models import DataService, Organization, Role
from ..schemas.catalog import DataServiceIn
from .actors import Actor, require_active_org, require_role


def create_data_service(session: Session, actor: Actor, org_id: str, data: DataServiceIn) -> DataService:
    """Register a data service of an organisation (its stewards and admins)."""
    org = session.get(Organization, org_id)
    if org is None or not (actor.is_operator or actor.org_id == org_id):
        raise not_found("organization", org_id)
    require_role(session, actor, org.id, Role.STEWARD, Role.ADMIN)
    require_active_org(org)
    service = DataService(
        org_id=org.id,
        title=dict(data.title),
        description=dict(data.description or {}),
        endpoint_url=str(data.endpoint_url),
        endpoint_description=str(data.endpoint_description) if data.endpoint_description else None,
        licence=str(data.licence) if data.licence else None,
    )
    session.add(service)
    session.flush()
    return service


def list_data_services(session: Session, org_id: str) -> list[DataService]:
    """An organisation's data services (public: they are described in the catalog)."""
    query = select(DataService).where(DataService.org_id == org_id).order_by(col(DataService.created_at))
    return list(session.exec(query))
