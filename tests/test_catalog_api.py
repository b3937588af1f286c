"""Listing datasets through the JSON API: metadata, grades, review, conformance."""

from __future__ import annotations

from .support.actions import bearer
from .support.catalog_data import AUTH, dataset_payload
from .support.catalog_data import create_dataset as _create


def test_create_a_draft_with_full_metadata(flow, provider, steward_token):
    body = _create(flow, provider, steward_token)
    assert body["status"] == "draft"
    assert body["iri"] == f"http://localhost/dataset/{body['id']}"
    assert body["keywords"] == {"en": ["air quality", "pollution"], "zh": ["空气", "污染"]}
    assert body["rights"] == [
        {"right": "holding", "holder": provider.org.name, "holder_org_id": provider.org.id}
    ]
    assert body["distributions"][0]["media_type"] == "text/csv"
    # drafts are invisible to the public
    assert flow.http.get(f"/api/v1/datasets/{body['id']}").status_code == 404
    assert flow.http.get(f"/api/v1/datasets/{body['id']}", headers=bearer(steward_token)).status_code == 200


def test_general_grades_publish_on_submit(flow, provider, steward_token):
    body = _create(flow, provider, steward_token)
    submitted = flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "published"
    assert flow.http.get(f"/api/v1/datasets/{body['id']}").status_code == 200


def test_important_data_goes_through_review(flow, provider, steward_token, reviewer_token):
    body = _create(flow, provider, steward_token, grade="important")
    submitted = flow.http.post(
        f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token)
    ).get_json()
    assert submitted["status"] == "in_review"
    assert (
        flow.http.post(f"/api/v1/datasets/{body['id']}/approve", headers=bearer(steward_token)).status_code
        == 403
    )
    approved = flow.http.post(f"/api/v1/datasets/{body['id']}/approve", headers=bearer(reviewer_token))
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "published"


def test_rejection_needs_a_reason(flow, provider, steward_token, reviewer_token):
    body = _create(flow, provider, steward_token, grade="general-3")
    flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    no_reason = flow.http.post(f"/api/v1/datasets/{body['id']}/reject", headers=bearer(reviewer_token))
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    rejected = flow.http.post(
        f"/api/v1/datasets/{body['id']}/reject",
        headers=bearer(reviewer_token),
        json={"reason": "the description names individuals"},
    )
    assert rejected.get_json()["status"] == "draft"


def test_invalid_transition_is_409_naming_the_allowed_ones(flow, provider, steward_token):
    body = _create(flow, provider, steward_token)
    response = flow.http.post(f"/api/v1/datasets/{body['id']}/withdraw", headers=bearer(steward_token))
    assert response.status_code == 409
    assert response.get_json()["allowed"] == ["submit"]


def test_core_grade_is_never_published(flow, provider, steward_token, reviewer_token):
    body = _create(flow, provider, steward_token, grade="core")
    response = flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    assert response.status_code == 409
    assert "never published" in response.get_json()["detail"]
    assert flow.http.get(f"/api/v1/datasets/{body['id']}", headers=bearer(reviewer_token)).status_code == 200
    assert flow.http.get(f"/api/v1/datasets/{body['id']}").status_code == 404


def test_sensitive_personal_data_must_be_general_4_or_stricter(flow, provider, steward_token):
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(grade="general-2", personal_info="sensitive"),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "grade"


def test_derived_product_takes_the_highest_grade_of_its_inputs(flow, provider, steward_token, reviewer_token):
    source = _create(flow, provider, steward_token, grade="general-3")
    flow.http.post(f"/api/v1/datasets/{source['id']}/submit", headers=bearer(steward_token))
    flow.http.post(f"/api/v1/datasets/{source['id']}/approve", headers=bearer(reviewer_token))
    too_loose = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(grade="general-2", lineage=[{"dataset_id": source["id"], "weight": 3}]),
    )
    assert too_loose.status_code == 422
    assert "general-3" in too_loose.get_json()["detail"]
    derived = _create(
        flow, provider, steward_token, grade="general-3", lineage=[{"dataset_id": source["id"], "weight": 3}]
    )
    assert derived["lineage"] == [{"dataset_id": source["id"], "weight": 3}]


def test_lineage_cannot_loop(flow, provider, steward_token):
    a = _create(flow, provider, steward_token)
    b = _create(flow, provider, steward_token, lineage=[{"dataset_id": a["id"], "weight": 1}])
    loop = flow.http.patch(
        f"/api/v1/datasets/{a['id']}",
        headers=bearer(steward_token),
        json={"lineage": [{"dataset_id": b["id"], "weight": 1}]},
    )
    assert loop.status_code == 422
    assert loop.get_json()["errors"][0]["field"] == "lineage.0.dataset_id"


def test_bad_metadata_names_each_field(flow, provider, steward_token):
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(
            themes=["http://example.org/not-a-theme"],
            title={"english": "x"},
            distributions=[{"media_type": "csv", "checksum_sha256": "abc"}],
        ),
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"themes.0", "title", "distributions.0.media_type", "distributions.0.checksum_sha256"} <= fields


def test_nul_characters_are_refused_naming_the_field(flow, provider, steward_token):
    """No text column can keep a NUL (PostgreSQL refuses them), so the edge refuses them first."""
    created = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(title={"en": "Air\u0000quality"}),
    )
    assert created.status_code == 422
    (error,) = created.get_json()["errors"]
    assert error == {"field": "title.en", "reason": "NUL characters are not accepted"}
    searched = flow.http.get("/api/v1/datasets", query_string={"theme": "a\x00b"})
    assert searched.status_code == 422
    assert searched.get_json()["errors"][0]["field"] == "query.theme"


def test_nothing_is_half_written_on_refusal(flow, provider, steward_token):
    before = flow.http.get(
        f"/api/v1/organizations/{provider.org.id}/datasets", headers=bearer(steward_token)
    ).get_json()
    flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(distributions=[{"title": {"en": "nowhere"}}]),
    )
    after = flow.http.get(
        f"/api/v1/organizations/{provider.org.id}/datasets", headers=bearer(steward_token)
    ).get_json()
    assert len(after) == len(before)


def test_consumers_cannot_list_datasets(flow, consumer):
    token = flow.token(consumer, "org:read")
    response = flow.http.post(
        f"/api/v1/organizations/{consumer.org.id}/datasets", headers=bearer(token), json=dataset_payload()
    )
    assert response.status_code == 403


def test_editing_replaces_keywords_and_reindexes(flow, provider, steward_token):
    body = _create(flow, provider, steward_token)
    flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    edited = flow.http.patch(
        f"/api/v1/datasets/{body['id']}", headers=bearer(steward_token), json={"keywords": {"en": ["ozone"]}}
    )
    assert edited.get_json()["keywords"] == {"en": ["ozone"]}
    assert flow.http.get("/api/v1/datasets?q=ozone").get_json()["total"] == 1
    assert flow.http.get("/api/v1/datasets?keyword=pollution").get_json()["total"] == 0


def test_withdrawn_dataset_leaves_search(flow, provider, steward_token):
    body = _create(flow, provider, steward_token)
    flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    assert flow.http.get(f"/api/v1/datasets?q={body['title']['en'].split()[-1]}").get_json()["total"] >= 1
    withdrawn = flow.http.post(
        f"/api/v1/datasets/{body['id']}/withdraw",
        headers=bearer(steward_token),
        json={"reason": "superseded"},
    )
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert flow.http.get(f"/api/v1/datasets/{body['id']}").status_code == 404
    assert body["id"] not in {d["id"] for d in flow.http.get("/api/v1/datasets").get_json()["items"]}


def test_licence_must_be_an_iri(flow, provider, steward_token):
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(licence="CC-BY"),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "licence"
    assert AUTH  # the payload module names EU authority IRIs


def test_uploading_a_distribution_file_records_size_and_checksum(flow, provider, steward_token, app):
    import hashlib
    from pathlib import Path

    body = _create(flow, provider, steward_token)
    dist_id = body["distributions"][0]["id"]
    data = b"station,hour,pm25\nA,2024-01-01T00:00Z,12\n" * 1000
    response = flow.http.put(
        f"/api/v1/distributions/{dist_id}/file",
        data=data,
        headers={**bearer(steward_token), "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()
    assert stored["byte_size"] == len(data)
    assert stored["checksum_sha256"] == hashlib.sha256(data).hexdigest()
    assert stored["stored"] is True
    assert (Path(app.config["STORAGE_PATH"]) / dist_id).read_bytes() == data


def test_upload_over_the_limit_is_refused_and_keeps_the_old_file(flow, provider, steward_token, app):
    body = _create(flow, provider, steward_token)
    dist_id = body["distributions"][0]["id"]
    flow.http.put(f"/api/v1/distributions/{dist_id}/file", data=b"small", headers=bearer(steward_token))
    app.config["UPLOAD_MAX_BYTES"] = 10
    response = flow.http.put(
        f"/api/v1/distributions/{dist_id}/file", data=b"x" * 100, headers=bearer(steward_token)
    )
    assert response.status_code == 413
    from pathlib import Path

    assert (Path(app.config["STORAGE_PATH"]) / dist_id).read_bytes() == b"small"


def test_others_cannot_upload(flow, provider, steward_token, make_party):
    body = _create(flow, provider, steward_token)
    other = make_party("provider", "admin", "steward")
    token = flow.token(other, "catalog:write")
    response = flow.http.put(
        f"/api/v1/distributions/{body['distributions'][0]['id']}/file", data=b"x", headers=bearer(token)
    )
    assert response.status_code == 404


def test_data_services_are_registered_and_described_in_the_feed(flow, provider, steward_token, client):
    from catalog.validate import validate

    created = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/data-services",
        headers=bearer(steward_token),
        json={
            "title": {"en": "Air quality API"},
            "endpoint_url": "https://api.example.gov/air",
            "endpoint_description": "https://api.example.gov/air/openapi.json",
        },
    )
    assert created.status_code == 201, created.get_json()
    service_id = created.get_json()["id"]
    listed = flow.http.get(f"/api/v1/organizations/{provider.org.id}/data-services").get_json()
    assert [s["id"] for s in listed] == [service_id]
    body = _create(flow, provider, steward_token, data_service_ids=[service_id])
    assert body["data_service_ids"] == [service_id]
    flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(steward_token))
    document = client.get(f"/dataset/{body['id']}.ttl").data
    assert f"/data-service/{service_id}".encode() in document
    assert validate(document, "ttl").conforms


def test_a_foreign_data_service_is_refused(flow, provider, steward_token, make_party):
    other = make_party("provider", "admin", "steward")
    token = flow.token(other, "catalog:write")
    foreign = flow.http.post(
        f"/api/v1/organizations/{other.org.id}/data-services",
        headers=bearer(token),
        json={"title": {"en": "Theirs"}, "endpoint_url": "https://api.example.org/"},
    ).get_json()
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(steward_token),
        json=dataset_payload(data_service_ids=[foreign["id"]]),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "data_service_ids.0"
