"""Search and facets over the JSON API, identical on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest

from .support.actions import bearer
from .support.catalog_data import AUTH, dataset_payload


@pytest.fixture
def catalog(flow, provider, make_party):
    """Five published datasets over two publishers, plus a draft and a core one that must never show."""
    other = make_party("provider", "admin", "steward")
    tokens = {
        provider.org.id: flow.token(provider, "catalog:write"),
        other.org.id: flow.token(other, "catalog:write"),
    }

    def publish(org_id, **overrides):
        created = flow.http.post(
            f"/api/v1/organizations/{org_id}/datasets",
            headers=bearer(tokens[org_id]),
            json=dataset_payload(**overrides),
        )
        assert created.status_code == 201, created.get_json()
        dataset_id = created.get_json()["id"]
        if overrides.get("grade") != "core" and not overrides.get("_draft"):
            flow.http.post(f"/api/v1/datasets/{dataset_id}/submit", headers=bearer(tokens[org_id]))
        return dataset_id

    ids = {
        "air": publish(
            provider.org.id,
            title={"en": "Air quality hourly", "zh": "空气质量小时数据"},
            keywords={"en": ["air"], "zh": ["空气"]},
        ),
        "traffic": publish(
            provider.org.id,
            title={"en": "Traffic flow counts", "zh": "交通流量统计"},
            description={"en": "Vehicles per hour at city junctions."},
            keywords={"en": ["traffic", "mobility"]},
            themes=[f"{AUTH}data-theme/TRAN"],
        ),
        "buses": publish(
            other.org.id,
            title={"en": "Bus arrivals", "zh": "公交到站"},
            description={"en": "Real-time bus arrivals; traffic delays included."},
            keywords={"en": ["mobility"]},
            themes=[f"{AUTH}data-theme/TRAN"],
            licence=f"{AUTH}licence/CC0",
        ),
        "energy": publish(
            other.org.id,
            title={"en": "Energy use of buildings", "zh": "建筑能耗"},
            keywords={"en": ["energy"]},
            themes=[f"{AUTH}data-theme/ENER"],
            grade="general-2",
        ),
        "water": publish(
            provider.org.id,
            title={"en": "Water quality of rivers", "zh": "河流水质"},
            keywords={"en": ["water"]},
        ),
        "core": publish(provider.org.id, title={"en": "Core traffic registry"}, grade="core"),
    }
    draft = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(tokens[provider.org.id]),
        json=dataset_payload(title={"en": "Traffic draft"}),
    )
    ids["draft"] = draft.get_json()["id"]
    return {"ids": ids, "provider": provider.org.id, "other": other.org.id}


def _search(flow, **params):
    response = flow.http.get("/api/v1/datasets", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _ids(result):
    return {item["id"] for item in result["items"]}


def test_full_text_over_titles_descriptions_keywords(flow, catalog):
    ids = catalog["ids"]
    assert _ids(_search(flow, q="traffic")) == {ids["traffic"], ids["buses"]}
    assert _ids(_search(flow, q="junctions")) == {ids["traffic"]}
    assert _ids(_search(flow, q="mobility")) == {ids["traffic"], ids["buses"]}


def test_prefix_of_the_last_word_matches(flow, catalog):
    assert _ids(_search(flow, q="ener")) == {catalog["ids"]["energy"]}


def test_chinese_text_is_found_by_words_inside_it(flow, catalog):
    ids = catalog["ids"]
    assert _ids(_search(flow, q="空气")) == {ids["air"]}
    assert _ids(_search(flow, q="流量")) == {ids["traffic"]}
    assert _ids(_search(flow, q="水质")) == {ids["water"]}


def test_drafts_and_core_data_never_appear(flow, catalog):
    found = _ids(_search(flow, q="traffic", per_page=100)) | _ids(_search(flow, per_page=100))
    assert catalog["ids"]["draft"] not in found
    assert catalog["ids"]["core"] not in found


def test_facets_count_the_result_set(flow, catalog):
    result = _search(flow, q="mobility")
    themes = {f["value"]: f["count"] for f in result["facets"]["theme"]}
    assert themes == {f"{AUTH}data-theme/TRAN": 2}
    publishers = {f["value"]: f["count"] for f in result["facets"]["publisher"]}
    assert publishers == {catalog["provider"]: 1, catalog["other"]: 1}
    labels = {f["label"] for f in result["facets"]["theme"]}
    assert labels == {"Transport"}


def test_facet_filters_narrow_and_combine(flow, catalog):
    ids = catalog["ids"]
    assert _ids(_search(flow, theme=f"{AUTH}data-theme/TRAN")) == {ids["traffic"], ids["buses"]}
    assert _ids(_search(flow, theme=f"{AUTH}data-theme/TRAN", publisher=catalog["other"])) == {ids["buses"]}
    assert _ids(_search(flow, licence=f"{AUTH}licence/CC0")) == {ids["buses"]}
    assert _ids(_search(flow, grade="general-2")) == {ids["energy"]}
    assert _ids(_search(flow, keyword="water")) == {ids["water"]}
    assert _ids(_search(flow, format=f"{AUTH}file-type/CSV", q="water")) == {ids["water"]}
    both = flow.http.get(
        f"/api/v1/datasets?theme={AUTH}data-theme/TRAN&theme={AUTH}data-theme/ENER"
    ).get_json()
    assert _ids(both) == {ids["traffic"], ids["buses"], ids["energy"]}


def test_sorting_and_paging(flow, catalog):
    by_title = _search(flow, sort="title", per_page=2)
    assert [item["title"]["en"] for item in by_title["items"]] == ["Air quality hourly", "Bus arrivals"]
    assert by_title["total"] == 5
    page3 = _search(flow, sort="title", per_page=2, page=3)
    assert [item["title"]["en"] for item in page3["items"]] == ["Water quality of rivers"]
    newest = _search(flow, sort="-published", per_page=1)
    assert newest["items"][0]["id"] == catalog["ids"]["water"]


def test_relevance_puts_the_best_match_first(flow, catalog):
    result = _search(flow, q="traffic flow")
    assert result["items"][0]["id"] == catalog["ids"]["traffic"]


def test_bad_search_parameters_are_422(flow):
    response = flow.http.get("/api/v1/datasets?sort=random&per_page=1000")
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"query.sort", "query.per_page"}


def test_punctuation_in_queries_is_harmless(flow, catalog):
    for query in ['"', "air AND", "(", "*", "traffic' OR 1=1 --", "NEAR(", "-", "\\"]:
        response = flow.http.get("/api/v1/datasets", query_string={"q": query})
        assert response.status_code == 200, query
