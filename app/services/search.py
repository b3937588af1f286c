"""Full-text search and facets over published datasets, the same on SQLite (FTS5) and PostgreSQL.

Both databases index one text document per dataset (titles, descriptions, keywords). Neither tokenises
Chinese, so runs of CJK characters are written as their single characters and overlapping bigrams
("空气质量" → 空 气 质 量 空气 气质 质量); a query is expanded the same way, so "空气" finds "空气质量".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, String, func, literal_column, text
from sqlmodel import Session, col, select

from catalog.vocab import DATA_THEMES, FILE_TYPES

from ..models import (
    Dataset,
    DatasetKeyword,
    DatasetSearch,
    DatasetStatus,
    DatasetTheme,
    Distribution,
    Organization,
)
from .dataset_bundles import Bundle

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+)")
_CONCEPTS = {c.iri: c for c in (*DATA_THEMES.values(), *FILE_TYPES.values())}
FACETS = ("theme", "publisher", "format", "licence", "grade", "keyword")


def tokens(value: str) -> list[str]:
    """Lower-cased words, with CJK runs as characters and bigrams."""
    out: list[str] = []
    for word in _WORD.findall(value.lower()):
        for part in _CJK.split(word):
            if not part:
                continue
            if _CJK.fullmatch(part):
                out.extend(part)
                out.extend(part[i : i + 2] for i in range(len(part) - 1))
            else:
                out.append(part)
    return out


def document(bundle: Bundle) -> str:
    """The searchable text of a dataset."""
    d = bundle.dataset
    parts = [
        *d.title.values(),
        *d.description.values(),
        *(w for words in bundle.keywords.values() for w in words),
    ]
    return " ".join(tokens(" ".join(parts)))


def index(session: Session, bundle: Bundle) -> None:
    """(Re)index a dataset's text."""
    row = session.exec(select(DatasetSearch).where(DatasetSearch.dataset_id == bundle.dataset.id)).first()
    if row is None:
        row = DatasetSearch(dataset_id=bundle.dataset.id, document="")
    row.document = document(bundle)
    session.add(row)
    session.flush()


@dataclass
class Filters:
    """What a search asks for."""

    q: str | None = None
    theme: list[str] | None = None
    publisher: list[str] | None = None
    format: list[str] | None = None
    licence: list[str] | None = None
    grade: list[str] | None = None
    keyword: list[str] | None = None
    sort: str = "relevance"


def search(
    session: Session, filters: Filters, page: int, per_page: int
) -> tuple[list[Dataset], int, dict[str, list[tuple[str, int]]]]:
    """A page of published, listable datasets matching the filters, the total, and the facet counts."""
    matched = _matching_ids(session, filters)
    total = session.exec(select(func.count()).select_from(matched.subquery())).one()
    ordered = _ordered(session, filters, matched).offset((page - 1) * per_page).limit(per_page)
    rows = list(session.exec(ordered))
    return rows, total, _facets(session, matched)


def _matching_ids(session: Session, f: Filters) -> Select[Any]:
    query = select(Dataset.id).where(Dataset.status == DatasetStatus.PUBLISHED.value, Dataset.grade != "core")
    if f.q and (words := tokens(f.q)):
        hits = _text_hits(session, words)
        query = query.where(col(Dataset.id).in_(select(hits.c.dataset_id)))
    if f.theme:
        themed = select(DatasetTheme.dataset_id).where(col(DatasetTheme.theme).in_(f.theme))
        query = query.where(col(Dataset.id).in_(themed))
    if f.keyword:
        tagged = select(DatasetKeyword.dataset_id).where(col(DatasetKeyword.keyword).in_(f.keyword))
        query = query.where(col(Dataset.id).in_(tagged))
    if f.format:
        shaped = select(Distribution.dataset_id).where(col(Distribution.format).in_(f.format))
        query = query.where(col(Dataset.id).in_(shaped))
    if f.publisher:
        query = query.where(col(Dataset.org_id).in_(f.publisher))
    if f.licence:
        query = query.where(col(Dataset.licence).in_(f.licence))
    if f.grade:
        query = query.where(col(Dataset.grade).in_(f.grade))
    return query


def _text_hits(session: Session, words: list[str]) -> Any:
    """(dataset_id, score) of documents with every word (the last as a prefix); lower scores are better."""
    if session.get_bind().dialect.name == "sqlite":
        expression = " AND ".join(
            f'"{w}"' + ("*" if i == len(words) - 1 else "") for i, w in enumerate(words)
        )
        statement = text(
            "SELECT ds.dataset_id AS dataset_id, bm25(dataset_fts) AS score FROM dataset_fts "
            "JOIN dataset_search ds ON ds.id = dataset_fts.rowid WHERE dataset_fts MATCH :expr"
        ).bindparams(expr=expression)
        return statement.columns(dataset_id=String, score=Float).subquery("hits")
    expression = " & ".join(
        w.replace("'", "") + (":*" if i == len(words) - 1 else "") for i, w in enumerate(words)
    )
    vector = func.to_tsvector(literal_column("'simple'"), DatasetSearch.document)
    query = func.to_tsquery(literal_column("'simple'"), expression)
    return (
        select(
            col(DatasetSearch.dataset_id).label("dataset_id"), (-func.ts_rank(vector, query)).label("score")
        )
        .where(vector.op("@@")(query))
        .subquery("hits")
    )


def _ordered(session: Session, f: Filters, matched: Select[Any]) -> Any:
    query = select(Dataset).where(col(Dataset.id).in_(matched))
    words = tokens(f.q or "")
    sort = f.sort if words or f.sort != "relevance" else "-published"
    if sort == "relevance":
        hits = _text_hits(session, words)
        return query.join(hits, hits.c.dataset_id == col(Dataset.id)).order_by(hits.c.score, col(Dataset.id))
    if sort == "title":
        return query.order_by(func.lower(col(Dataset.title)["en"].as_string()), col(Dataset.id))
    column = col(Dataset.modified) if sort.endswith("modified") else col(Dataset.published_at)
    return query.order_by(column.desc() if sort.startswith("-") else column.asc(), col(Dataset.id))


def _facets(session: Session, matched: Select[Any]) -> dict[str, list[tuple[str, int]]]:
    ids = matched.subquery()
    counts = func.count()
    queries: dict[str, Any] = {
        "theme": select(DatasetTheme.theme, counts)
        .where(col(DatasetTheme.dataset_id).in_(select(ids.c.id)))
        .group_by(DatasetTheme.theme),
        "keyword": select(DatasetKeyword.keyword, counts)
        .where(col(DatasetKeyword.dataset_id).in_(select(ids.c.id)))
        .group_by(DatasetKeyword.keyword),
        "format": select(Distribution.format, func.count(func.distinct(Distribution.dataset_id)))
        .where(col(Distribution.dataset_id).in_(select(ids.c.id)), col(Distribution.format).is_not(None))
        .group_by(Distribution.format),
        "publisher": select(Dataset.org_id, counts)
        .where(col(Dataset.id).in_(select(ids.c.id)))
        .group_by(Dataset.org_id),
        "licence": select(Dataset.licence, counts)
        .where(col(Dataset.id).in_(select(ids.c.id)), col(Dataset.licence).is_not(None))
        .group_by(Dataset.licence),
        "grade": select(Dataset.grade, counts)
        .where(col(Dataset.id).in_(select(ids.c.id)))
        .group_by(Dataset.grade),
    }
    result = {}
    for name, query in queries.items():
        rows = session.exec(query).all()
        result[name] = sorted(
            ((str(value), int(n)) for value, n in rows), key=lambda item: (-item[1], item[0])
        )[:50]
    return result


def label(facet: str, value: str, session: Session | None = None) -> str:
    """A human label for a facet value."""
    concept = _CONCEPTS.get(value)
    if facet in {"theme", "format"} and concept is not None:
        return concept.label
    if facet == "publisher" and session is not None:
        org = session.get(Organization, value)
        return org.name if org else value
    if facet == "licence":
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value
