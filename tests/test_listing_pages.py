"""The dataset pages of providers and the operator's review, used through their forms without JavaScript."""

from __future__ import annotations

import io
import re

import pytest

from .support.actions import bearer, csrf_from
from .support.catalog_data import AUTH

HTML = {"Accept": "text/html"}
CSV = f"{AUTH}file-type/CSV"
CC_BY = f"{AUTH}licence/CC_BY_4_0"
SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


def _page(flow, url, status=200):
    response = flow.http.get(url, headers=HTML)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def _fields(**overrides):
    """A complete dataset as the form sends it: bilingual, with one distribution."""
    fields = {
        "title-en": "Bus stop locations",
        "title-zh": "公交站点位置",
        "description-en": "Every bus stop of the city with its coordinates.",
        "description-zh": "全市每个公交站点及其坐标。",
        "keywords-en": "transport, bus",
        "keywords-zh": "公交\N{FULLWIDTH COMMA}交通",  # a Chinese comma separates too
        "themes": [f"{AUTH}data-theme/TRAN"],
        "grade": "general-1",
        "personal_info": "none",
        "contact_point-name": "Open Data Desk",
        "contact_point-email": "opendata@example.gov",
        "licence": CC_BY,
        "access_rights": f"{AUTH}access-right/PUBLIC",
        "spatial": [f"{AUTH}country/CHN"],
        "temporal-start": "2024-01-01",
        "temporal-end": "2024-12-31",
        "frequency": f"{AUTH}frequency/MONTHLY",
        "issued": "2025-01-15",
        "languages": [f"{AUTH}language/ENG", f"{AUTH}language/ZHO"],
        "rights-0-right": "holding",
        "rights-1-right": "processing",
        "rights-1-holder": "",
        "lineage-0-dataset_id": "",
        "lineage-0-weight": "",
        "distributions-0-title-en": "Stops as CSV",
        "distributions-0-access_url": "https://data.example.gov/bus/stops.csv",
        "distributions-0-format": CSV,
        "distributions-0-media_type": "text/csv",
        "distributions-0-licence": CC_BY,
        "distributions-1-access_url": "",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def _post_new(flow, provider, **overrides):
    token = csrf_from(_page(flow, "/account/datasets/new"))
    data = {"csrf_token": token, "rights-0-holder": provider.org.name, **_fields(**overrides)}
    return flow.http.post("/account/datasets/new", data=data, headers=HTML)


def _create(flow, provider, **overrides):
    response = _post_new(flow, provider, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    listing = _page(flow, response.headers["Location"])
    title = overrides.get("title-en", "Bus stop locations")
    match = re.search(
        r'href="/dataset/([0-9a-f-]{36})"><span lang="en" class="">' + re.escape(title), listing
    )
    assert match, listing
    return match.group(1), listing


def _act(flow, page_url, action_url, reason=None):
    token = csrf_from(_page(flow, page_url))
    data = {"csrf_token": token, **({"reason": reason} if reason is not None else {})}
    return flow.http.post(action_url, data=data, headers=HTML)


def _status(flow, provider, dataset_id):
    token = flow.token(provider, "org:read")
    response = flow.http.get(f"/api/v1/datasets/{dataset_id}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def steward(flow, provider):
    assert flow.login(provider.user.email, provider.password).status_code == 302
    return provider


def test_a_steward_creates_a_bilingual_draft_through_the_form(flow, steward):
    form = _page(flow, "/account/datasets/new")
    assert f'value="{steward.org.name}"' in form  # the holding right is prefilled with the organisation
    assert '<label for="contact_point-email">' in form
    dataset_id, listing = _create(flow, steward)
    row = listing[listing.index(f'href="/dataset/{dataset_id}"') :].split("</tr>")[0]
    assert "status-draft" in row
    assert "公交站点位置" in row
    assert "Submit and publish" in row
    body = _status(flow, steward, dataset_id)
    assert body["title"] == {"en": "Bus stop locations", "zh": "公交站点位置"}
    assert body["keywords"] == {"en": ["transport", "bus"], "zh": ["公交", "交通"]}
    assert body["rights"] == [
        {"right": "holding", "holder": steward.org.name, "holder_org_id": steward.org.id}
    ]
    assert body["distributions"][0]["access_url"] == "https://data.example.gov/bus/stops.csv"
    assert len(body["distributions"]) == 1  # the empty row is not a distribution
    assert body["issued"].startswith("2025-01-15T00:00:00")
    assert "Draft — not public." in _page(flow, f"/dataset/{dataset_id}")  # the publisher previews it


def test_invalid_input_comes_back_with_each_error_next_to_its_field(flow, steward):
    response = _post_new(
        flow,
        steward,
        **{
            "title-en": "",
            "title-zh": "",
            "contact_point-email": "not-an-email",
            "distributions-0-access_url": "somewhere",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in html
    assert 'id="title-error"' in html
    assert "Fill in at least one language." in html
    assert 'id="contact_point-email-error"' in html
    assert re.search(r'aria-describedby="[^"]*contact_point-email-error[^"]*"', html)
    assert 'id="distributions-0-access_url-error"' in html
    assert f'href="#distributions-0-access_url">Distribution 1{SEP}Access URL</a>' in html
    assert 'value="not-an-email"' in html  # what was typed is kept
    assert "Every bus stop of the city with its coordinates." in html
    assert "Bus stop" not in _page(flow, "/account/datasets")  # nothing was saved


def test_service_errors_are_shown_on_the_rows_the_user_filled(flow, steward):
    # the empty first lineage row is skipped, so the service's lineage.0 is the form's second row
    response = _post_new(flow, steward, **{"lineage-1-dataset_id": "no-such-dataset"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="lineage-1-dataset_id-error"' in html
    assert f'href="#lineage-1-dataset_id">Input 2{SEP}Input dataset id</a>' in html
    assert 'value="no-such-dataset"' in html

    response = _post_new(flow, steward, **{"distributions-1-title-en": "Somewhere else"})
    assert response.status_code == 422
    assert 'id="distributions-1-access_url-error"' in response.get_data(as_text=True)

    response = _post_new(flow, steward, **{"rights-0-holder": ""})
    assert response.status_code == 422
    assert 'id="rights-error"' in response.get_data(as_text=True)


def test_conformance_problems_are_listed_at_the_top_in_words(app, provider):
    from app.errors import Problem
    from app.web import listings
    from app.web.dataset_forms import DatasetForm, to_input

    with app.test_request_context("/account/datasets/new", method="POST", data={"title-en": "Roads"}):
        form = DatasetForm(meta={"csrf": False})
        _, rows = to_input(form, provider.org, None)
        problem = Problem(
            422,
            "the metadata is not DCAT-AP 3.0.1 conformant: dcat:distribution/dct:license",
            slug="not-dcat-ap-conformant",
            errors=[{"field": "dcat:distribution/dct:license", "reason": "Less than 1 values"}],
        )
        html, status = listings._form_page(form, provider.org, None, problem=problem, rows=rows)
    assert status == 422
    assert f"<strong>Distribution{SEP}License</strong> <code>dcat:distribution/dct:license</code>" in html
    assert "The metadata is not DCAT-AP 3.0.1 conformant" in html


def test_submit_publishes_a_general_1_dataset_into_the_catalog_feed(flow, steward):
    dataset_id, _ = _create(flow, steward)
    response = _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit")
    assert response.status_code == 302
    listing = _page(flow, response.headers["Location"])
    assert "is published" in listing
    assert _status(flow, steward, dataset_id)["status"] == "published"
    feed = flow.http.get("/catalog.ttl").get_data(as_text=True)
    assert f"/dataset/{dataset_id}" in feed


def test_a_second_submit_is_a_conflict_shown_on_the_page(flow, steward):
    dataset_id, _ = _create(flow, steward)
    assert _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit").status_code == 302
    response = _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit")
    assert response.status_code == 409
    assert "allowed: withdraw" in response.get_data(as_text=True)


def test_an_important_dataset_is_published_once_the_operator_approves(flow, steward, operator):
    dataset_id, _ = _create(flow, steward, grade="important", **{"title-en": "Grid load"})
    listing = _page(flow, "/account/datasets")
    assert "Submit for review" in listing
    response = _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit")
    assert "waits for the operator" in _page(flow, response.headers["Location"])
    assert _status(flow, steward, dataset_id)["status"] == "in_review"

    flow.login(operator.user.email, operator.password)
    queue = _page(flow, "/review")
    assert f'href="/dataset/{dataset_id}"' in queue
    assert "grade-important" in queue
    assert steward.org.name in queue
    assert 'href="/review"' in _page(flow, "/account")  # the operator's navigation leads here
    assert "not public" in _page(flow, f"/dataset/{dataset_id}")  # the operator previews it
    response = _act(flow, "/review", f"/review/{dataset_id}/approve")
    assert response.status_code == 302
    assert "is approved and published" in _page(flow, "/review")
    assert _status(flow, steward, dataset_id)["status"] == "published"


def test_rejecting_without_a_reason_is_refused(flow, steward, operator):
    dataset_id, _ = _create(flow, steward, personal_info="personal", **{"title-en": "Commuters"})
    _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit")
    flow.login(operator.user.email, operator.password)
    response = _act(flow, "/review", f"/review/{dataset_id}/reject", reason="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="reason-{dataset_id}-error"' in html
    assert f'aria-describedby="reason-{dataset_id}-error"' in html
    assert _status(flow, steward, dataset_id)["status"] == "in_review"
    response = _act(flow, "/review", f"/review/{dataset_id}/reject", reason="Name the legal basis.")
    assert response.status_code == 302
    assert _status(flow, steward, dataset_id)["status"] == "draft"


def test_only_provider_stewards_and_operator_reviewers_reach_the_pages(
    flow, consumer, provider, operator, make_user
):
    assert flow.http.get("/account/datasets/new", headers=HTML).status_code == 302  # logged out: log in first
    assert flow.http.get("/review", headers=HTML).headers["Location"].startswith("/login")
    flow.login(consumer.user.email, consumer.password)
    assert flow.http.get("/account/datasets/new", headers=HTML).status_code == 403
    assert flow.http.get("/account/datasets", headers=HTML).status_code == 403
    assert "My datasets" not in _page(flow, "/account")
    viewer = make_user(provider.org, "viewer")
    flow.login(viewer.email, provider.password)
    assert flow.http.get("/account/datasets/new", headers=HTML).status_code == 403
    flow.login(provider.user.email, provider.password)
    assert flow.http.get("/review", headers=HTML).status_code == 403
    assert "My datasets" in _page(flow, "/account/datasets")
    operator_viewer = make_user(operator.org, "viewer")
    flow.login(operator_viewer.email, operator.password)
    assert flow.http.get("/review", headers=HTML).status_code == 403
    assert flow.http.get("/account/datasets", headers=HTML).status_code == 403


def test_posts_without_a_csrf_token_are_refused(flow, steward):
    dataset_id, _ = _create(flow, steward)
    assert flow.http.post("/account/datasets/new", data=_fields(), headers=HTML).status_code == 400
    assert flow.http.post(f"/account/datasets/{dataset_id}/submit", headers=HTML).status_code == 400
    assert flow.http.post(f"/review/{dataset_id}/approve", headers=HTML).status_code == 400
    dist_id = _status(flow, steward, dataset_id)["distributions"][0]["id"]
    upload = {"file": (io.BytesIO(b"a,b\n"), "stops.csv", "text/csv")}
    url = f"/account/datasets/{dataset_id}/distributions/{dist_id}/file"
    assert flow.http.post(url, data=upload, headers=HTML).status_code == 400
    assert _status(flow, steward, dataset_id)["status"] == "draft"
    assert _status(flow, steward, dataset_id)["distributions"][0]["stored"] is False


def test_a_file_uploaded_on_the_edit_page_is_stored(flow, steward):
    dataset_id, _ = _create(flow, steward)
    edit = _page(flow, f"/account/datasets/{dataset_id}/edit")
    action = re.search(
        r'<form method="post" enctype="multipart/form-data" class="upload"\s+action="([^"]+)"', edit
    )
    assert action, edit
    content = b"stop,lat,lon\nCentral,31.23,121.47\n"
    response = flow.http.post(
        action.group(1),
        data={"csrf_token": csrf_from(edit), "file": (io.BytesIO(content), "stops.csv", "text/csv")},
        headers=HTML,
    )
    assert response.status_code == 302
    assert "SHA-256" in _page(flow, response.headers["Location"])
    nothing = flow.http.post(action.group(1), data={"csrf_token": csrf_from(edit)}, headers=HTML)
    assert "Choose a file to upload." in _page(flow, nothing.headers["Location"])
    dist = _status(flow, steward, dataset_id)["distributions"][0]
    assert dist["stored"] is True
    assert dist["byte_size"] == len(content)
    assert f"{len(content)} B" in _page(flow, f"/dataset/{dataset_id}")


def test_editing_keeps_what_the_form_does_not_show_and_saves_changes(flow, steward):
    dataset_id, _ = _create(flow, steward)
    token = flow.token(steward, "catalog:write")
    extra = {
        "title": {"en": "Bus stop locations", "zh": "公交站点位置", "de": "Bushaltestellen"},
        "spatial": ["https://sws.geonames.org/1796236/"],
        "conforms_to": ["https://example.org/bus-stop-schema"],
    }
    patched = flow.http.patch(f"/api/v1/datasets/{dataset_id}", headers=bearer(token), json=extra)
    assert patched.status_code == 200, patched.get_json()
    edit = _page(flow, f"/account/datasets/{dataset_id}/edit")
    # a place outside the form's list of countries is offered too, so saving the form keeps it
    assert re.search(r'<input checked id="spatial-\d+" [^>]*value="https://sws.geonames.org/1796236/"', edit)
    assert 'value="Bus stop locations"' in edit
    assert "transport, bus" in edit
    data = {
        **_fields(
            **{
                "title-en": "Bus stops",
                "distributions-0-byte_size": "2048",
                "spatial": ["https://sws.geonames.org/1796236/"],
            }
        ),
        "csrf_token": csrf_from(edit),
        "rights-0-holder": steward.org.name,
    }
    response = flow.http.post(f"/account/datasets/{dataset_id}/edit", data=data, headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dataset/{dataset_id}"
    body = _status(flow, steward, dataset_id)
    assert body["title"] == {"en": "Bus stops", "zh": "公交站点位置", "de": "Bushaltestellen"}
    assert body["conforms_to"] == ["https://example.org/bus-stop-schema"]
    assert body["distributions"][0]["byte_size"] == 2048
    assert body["rights"][0]["holder_org_id"] == steward.org.id


def test_withdraw_and_republish_from_the_list(flow, steward):
    dataset_id, _ = _create(flow, steward)
    _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/submit")
    response = _act(
        flow, "/account/datasets", f"/account/datasets/{dataset_id}/withdraw", reason="Superseded"
    )
    assert "is withdrawn" in _page(flow, response.headers["Location"])
    assert _status(flow, steward, dataset_id)["status"] == "withdrawn"
    listing = _page(flow, "/account/datasets")
    assert f'action="/account/datasets/{dataset_id}/republish"' in listing
    assert f'href="/account/datasets/{dataset_id}/edit"' not in listing
    _act(flow, "/account/datasets", f"/account/datasets/{dataset_id}/republish")
    assert _status(flow, steward, dataset_id)["status"] == "published"


def test_a_stored_file_never_moves_to_another_distribution(flow, steward):
    dataset_id, _ = _create(
        flow,
        steward,
        **{
            "distributions-1-title-en": "Stops as JSON",
            "distributions-1-access_url": "https://data.example.gov/bus/stops.json",
        },
    )
    edit = _page(flow, f"/account/datasets/{dataset_id}/edit")
    first = _status(flow, steward, dataset_id)["distributions"][0]["id"]
    url = f"/account/datasets/{dataset_id}/distributions/{first}/file"
    upload = {"csrf_token": csrf_from(edit), "file": (io.BytesIO(b"a,b\n"), "stops.csv", "text/csv")}
    assert flow.http.post(url, data=upload, headers=HTML).status_code == 302
    edit = _page(flow, f"/account/datasets/{dataset_id}/edit")
    data = {
        **_fields(
            **{
                "distributions-0-remove": "y",
                "distributions-1-title-en": "Stops as JSON",
                "distributions-1-access_url": "https://data.example.gov/bus/stops.json",
            }
        ),
        "csrf_token": csrf_from(edit),
        "rights-0-holder": steward.org.name,
    }
    response = flow.http.post(f"/account/datasets/{dataset_id}/edit", data=data, headers=HTML)
    assert response.status_code == 422
    assert 'id="distributions-1-error"' in response.get_data(as_text=True)
    assert _status(flow, steward, dataset_id)["distributions"][0]["stored"] is True


def test_a_file_over_the_upload_limit_is_refused(flow, steward, app):
    dataset_id, _ = _create(flow, steward)
    app.config["UPLOAD_MAX_BYTES"] = 64
    edit = _page(flow, f"/account/datasets/{dataset_id}/edit")
    dist_id = _status(flow, steward, dataset_id)["distributions"][0]["id"]
    upload = {"csrf_token": csrf_from(edit), "file": (io.BytesIO(b"x" * 1000), "big.csv", "text/csv")}
    url = f"/account/datasets/{dataset_id}/distributions/{dist_id}/file"
    assert flow.http.post(url, data=upload, headers=HTML).status_code == 413
    assert _status(flow, steward, dataset_id)["distributions"][0]["stored"] is False
