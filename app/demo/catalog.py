"""Listing the demo catalog as its providers would: create, upload the files, submit, and pass review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from ..models import DatasetStatus
from ..schemas.catalog import DatasetCreate
from ..services import dataset_status, datasets
from ..services.storage import Storage
from .cast import Cast
from .listings import LISTINGS
from .specs import Listing

DATA = Path(__file__).parent / "data"
REVIEWER = "review@exchange.example.org"
REVIEW_NOTE = "Metadata, grade and delivery rules checked against the classification and grading rules."


def load_catalog(
    session: Session,
    cast: Cast,
    storage: Storage,
    max_bytes: int,
    base_url: str,
    listings: tuple[Listing, ...] = LISTINGS,
    reviewer_email: str = REVIEWER,
) -> dict[str, str]:
    """List every demo dataset, publishing all but the core one; their ids by listing key."""
    reviewer = cast.actor(reviewer_email)
    ids: dict[str, str] = {}
    for listing in listings:
        steward = cast.actor(listing.steward)
        data = DatasetCreate.model_validate(_metadata(listing, cast, ids))
        dataset = datasets.create_dataset(session, steward, cast.orgs[listing.provider].id, data, base_url)
        stored = datasets.bundle(session, dataset).distributions
        for dist, spec in zip(stored, listing.distributions, strict=True):
            if spec.file is not None:
                media_type = spec.metadata["media_type"]
                with (DATA / spec.file).open("rb") as stream:
                    datasets.store_distribution_file(
                        session, steward, dist.id, stream, media_type, storage, max_bytes, base_url
                    )
        if listing.publish:
            dataset = dataset_status.transition(session, steward, dataset.id, "submit", None, base_url)
            if dataset.status == DatasetStatus.IN_REVIEW.value:
                dataset_status.transition(session, reviewer, dataset.id, "approve", REVIEW_NOTE, base_url)
        ids[listing.key] = dataset.id
    return ids


def _metadata(listing: Listing, cast: Cast, ids: dict[str, str]) -> dict[str, Any]:
    """The listing's payload with demo organisations and upstream datasets named by their ids."""
    metadata = dict(listing.metadata)
    if "rights" in metadata:
        metadata["rights"] = [
            {**right, "holder_org_id": cast.orgs[right["holder"]].id}
            if right["holder"] in cast.orgs
            else right
            for right in metadata["rights"]
        ]
    metadata["distributions"] = [dist.metadata for dist in listing.distributions]
    if listing.lineage:
        metadata["lineage"] = [{"dataset_id": ids[key], "weight": weight} for key, weight in listing.lineage]
    return metadata
