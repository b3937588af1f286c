"""Pages of the catalog for people: search with facets, a dataset, a publisher."""

from __future__ import annotations

from typing import Any

from flask import render_template

from ..db import get_session
from ..services import datasets
from ..services.dataset_bundles import load_bundles, to_output


def catalog_page() -> Any:
    """The catalog home: search, facets, results."""
    return render_template("catalog/index.html")


def dataset_page(dataset_id: str) -> Any:
    """One dataset: metadata, distributions, offers, links to its RDF forms."""
    session = get_session()
    row = datasets.get_dataset(session, None, dataset_id)
    return render_template("catalog/dataset.html", dataset=to_output(load_bundles(session, [row])[0], ""))
