"""Harvested datasets belong to their home node: here they are not edited, moved or offered."""

from __future__ import annotations

from ..errors import Problem
from ..models import Dataset


def refuse_if_harvested(dataset: Dataset, what: str) -> None:
    """Answer 409 when the dataset was harvested: its harvest source keeps it up to date."""
    if dataset.harvest_source_id:
        raise Problem(
            409,
            f"this dataset was harvested from another catalog and is {what} at its home node"
            + (f" ({dataset.remote_iri})" if dataset.remote_iri else ""),
            slug="harvested-dataset",
            title="Harvested dataset",
        )
