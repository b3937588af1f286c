"""Remote catalogs for the harvest tests: Turtle pages of numbered datasets, Hydra paging, tombstones."""

from __future__ import annotations

from collections.abc import Sequence

from tests.support.catalog_server import CatalogServer

REMOTE = "https://remote.example/dataset"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix as: <https://www.w3.org/ns/activitystreams#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def catalog_page(
    datasets: Sequence[tuple[int, str]],
    page_url: str,
    next_url: str | None = None,
    form: str = "view",
    total: int | None = None,
    gone: Sequence[int] = (),
) -> str:
    """A Turtle page: the datasets (number, title), tombstones, and Hydra paging in the given form.

    ``view`` is the current ``hydra:PartialCollectionView`` with IRI links; ``legacy`` is CKAN's
    ``hydra:PagedCollection`` with its links and total as plain literals."""
    lines = [PREFIXES]
    for n, title in datasets:
        lines.append(
            f'<{REMOTE}/{n}> a dcat:Dataset ; dct:title "{title}"@en ; '
            f'dct:description "Dataset number {n}."@en ; dcat:keyword "federated"@en ; '
            f"dcat:distribution <{REMOTE}/{n}/csv> .\n"
            f"<{REMOTE}/{n}/csv> a dcat:Distribution ; "
            f"dcat:accessURL <https://files.remote.example/{n}.csv> ."
        )
    for n in gone:
        lines.append(
            f"<{REMOTE}/{n}> a as:Tombstone ; as:formerType dcat:Dataset ; "
            f'as:deleted "2026-12-01T00:00:00Z"^^xsd:dateTime .'
        )
    if form == "view":
        link = f" ; hydra:next <{next_url}>" if next_url else ""
        lines.append(f"<{page_url}> a hydra:PartialCollectionView{link} .")
        if total is not None:
            lines.append(
                f"<https://remote.example/catalog> hydra:totalItems {total} ; hydra:view <{page_url}> ."
            )
    else:
        link = f' ; hydra:nextPage "{next_url}"' if next_url else ""
        lines.append(f'<{page_url}> a hydra:PagedCollection ; hydra:totalItems "{total or 0}"{link} .')
    return "\n".join(lines) + "\n"


def serve_pages(server: CatalogServer, pages: Sequence[Sequence[tuple[int, str]]], form: str = "view") -> str:
    """Serve the pages at /catalog?page=N, linked in order; the first page's URL."""
    total = sum(len(p) for p in pages)
    for i, datasets in enumerate(pages, start=1):
        here = server.url(f"/catalog?page={i}")
        following = server.url(f"/catalog?page={i + 1}") if i < len(pages) else None
        if form == "legacy" and following:
            following = f"/catalog?page={i + 1}"  # relative, as a literal
        server.serve(f"/catalog?page={i}", catalog_page(datasets, here, following, form, total))
    return server.url("/catalog?page=1")


def numbered(*numbers: int, prefix: str = "Dataset") -> list[tuple[int, str]]:
    """Datasets numbered as given, titled "Dataset N"."""
    return [(n, f"{prefix} {n}") for n in numbers]
