"""Aggregate queries through the data plane: released groups only, leaks refused or withheld, metered."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from app import journal
from app.db import get_session
from app.models import AccessRefusal, UsageEvent

from .support.actions import bearer
from .support.contract_data import agreement_in_force, data_token

AGGREGATE_OFFER = {
    "template": "aggregate-query-only",
    "delivery_modes": ["aggregate"],
    "pricing": {"model": "per_call", "currency": "CNY", "price_minor": 2000, "payment_due_days": 30},
    "aggregation": {"columns": ["id", "district", "amount"], "min_group_size": 10},
    "max_uses": None,
}


@pytest.fixture
def agreement(flow, provider, consumer):
    return agreement_in_force(flow, provider, consumer, **AGGREGATE_OFFER)


@pytest.fixture
def token(flow, consumer, agreement):
    return data_token(flow, consumer, agreement["id"])


def _query(flow, token, agreement, query):
    url = f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}/aggregate"
    return flow.http.post(url, headers=bearer(token), json=query)


def _rows(app, model):
    with app.app_context():
        journal.settle()  # deliveries without a use limit reach the database from the usage journal
        return list(get_session().exec(select(model).order_by(col(model.at))))


def test_the_agreement_lists_the_aggregate_endpoint_only(flow, agreement, token):
    body = flow.http.get(f"/data/v1/agreements/{agreement['id']}", headers=bearer(token)).get_json()
    (distribution,) = body["distributions"]
    assert distribution["aggregate"].endswith(f"/distributions/{agreement['distribution_id']}/aggregate")
    assert (distribution["file"], distribution["records"]) == (None, None)


def test_grouped_aggregates_are_released_and_metered(app, flow, agreement, token):
    response = _query(
        flow,
        token,
        agreement,
        {"group_by": ["district"], "aggregates": [{"fn": "count"}, {"fn": "avg", "column": "amount"}]},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    by_district = {g["district"]: g for g in body["groups"]}
    assert {g["count"] for g in body["groups"]} == {15}
    luohu = [100 + i * 7 for i in range(1, 61) if i % 4 == 1]
    assert by_district["Luohu"]["avg_amount"] == pytest.approx(sum(luohu) / len(luohu))
    (event,) = _rows(app, UsageEvent)
    assert (event.mode, event.records) == ("aggregate", 4)


def test_grouping_by_a_unique_column_releases_nothing(flow, agreement, token):
    body = _query(flow, token, agreement, {"group_by": ["id"], "aggregates": [{"fn": "count"}]}).get_json()
    assert body["groups"] == []
    assert body["suppressed_groups"] == 60


def test_filtering_down_to_a_tiny_group_withholds_it(flow, agreement, token):
    query = {
        "aggregates": [{"fn": "sum", "column": "amount"}],
        "filters": [{"column": "amount", "op": "lt", "value": 120}],
    }
    body = _query(flow, token, agreement, query).get_json()
    assert body["groups"] == []
    assert body["rows_considered"] is None


def test_subtracting_two_overlapping_queries_is_refused(app, flow, agreement, token):
    everything = _query(flow, token, agreement, {"aggregates": [{"fn": "sum", "column": "amount"}]})
    assert everything.status_code == 200
    all_but_one = _query(
        flow,
        token,
        agreement,
        {
            "aggregates": [{"fn": "sum", "column": "amount"}],
            "filters": [{"column": "id", "op": "ne", "value": 7}],
        },
    )
    assert all_but_one.status_code == 422
    problem = all_but_one.get_json()
    assert problem["type"].endswith("/query-refused")
    assert problem["errors"][0]["field"] == "filters"
    assert [r.reason for r in _rows(app, AccessRefusal)] == ["query-refused"]
    assert len(_rows(app, UsageEvent)) == 1  # the refused query is not counted


def test_columns_outside_the_offer_are_refused_by_name(flow, agreement, token):
    response = _query(flow, token, agreement, {"group_by": ["name"], "aggregates": [{"fn": "count"}]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "group_by[0]"
    hidden = _query(flow, token, agreement, {"aggregates": [{"fn": "max", "column": "name"}]})
    assert hidden.status_code == 422
    assert hidden.get_json()["errors"][0]["field"] == "aggregates[0].column"


def test_aggregate_only_agreements_never_deliver_rows(flow, agreement, token):
    base = f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}"
    for path in ("/records", "/file"):
        response = flow.http.get(base + path, headers=bearer(token))
        assert response.status_code == 403
        assert response.get_json()["type"].endswith("/mode-not-allowed")


def test_a_query_that_is_not_json_is_a_clear_400(flow, agreement, token):
    url = f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}/aggregate"
    response = flow.http.post(
        url, headers={**bearer(token), "Content-Type": "application/json"}, data="[1, 2"
    )
    assert response.status_code == 400
