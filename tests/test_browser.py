"""The catalog in a real browser: search, narrow by a facet, open a dataset, with nothing loaded from afar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from catalog.vocab import DATA_THEMES

from .support import browser as live
from .support.actions import bearer
from .support.catalog_data import dataset_payload

# A live node on loopback (whose BASE_URL is its real address) and a Chromium tab, for this module.
settings = live.settings
http_server = live.http_server
live_server = live.live_server
chromium = live.chromium
browser_page = live.browser_page

pytestmark = pytest.mark.browser

# One dataset per theme; three of them are about "monitoring", some have a Chinese title.
TITLES = {
    "AGRI": ("Crop yields by county", "各县农作物产量"),
    "ECON": ("Quarterly business registrations", None),
    "EDUC": ("School enrolment", "学校招生人数"),
    "ENER": ("Electricity consumption", None),
    "ENVI": ("Air quality monitoring", "空气质量监测"),
    "GOVE": ("Public procurement notices", None),
    "HEAL": ("Hospital bed monitoring", "医院床位监测"),
    "INTR": ("Trade agreements", None),
    "JUST": ("Court caseload", None),
    "REGI": ("City boundaries", "城市边界"),
    "SOCI": ("Population census", "人口普查"),
    "TECH": ("Research grants", None),
    "TRAN": ("Road traffic monitoring", "道路交通监测"),
}


@pytest.fixture
def datasets(flow, provider):
    """The catalog of this test, published through the JSON API: theme code -> dataset."""
    token = flow.token(provider, "catalog:write org:read")
    created = {}
    for code, (english, chinese) in TITLES.items():
        title = {"en": english, **({"zh": chinese} if chinese else {})}
        payload = dataset_payload(
            title=title,
            description={"en": f"{english}, published by the agency as open data."},
            keywords={"en": [english.split()[0].lower()]},
            themes=[DATA_THEMES[code].iri],
        )
        payload["distributions"][0]["title"] = {"en": f"{english} as CSV"}
        response = flow.http.post(
            f"/api/v1/organizations/{provider.org.id}/datasets", headers=bearer(token), json=payload
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        submitted = flow.http.post(f"/api/v1/datasets/{body['id']}/submit", headers=bearer(token))
        assert submitted.get_json()["status"] == "published"
        created[code] = body
    return created


def _results(page: Page):
    return page.locator("ol.result-list > li")


def test_search_narrow_and_open_a_dataset(browser_page: Page, live_server, datasets):
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/catalog")
    expect(page.get_by_role("heading", level=1, name="Catalog")).to_be_visible()
    expect(_results(page)).to_have_count(len(TITLES))

    page.get_by_role("searchbox", name="Search datasets").fill("monitoring")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/catalog\?q=monitoring$"))
    expect(_results(page)).to_have_count(3)
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"3 datasets for .monitoring."))

    themes = page.locator("section.facet").filter(has=page.get_by_role("heading", name="Theme"))
    transport = themes.get_by_role("link", name=re.compile(r"^Transport"))
    expect(transport.locator(".count")).to_contain_text("1")
    transport.click()
    expect(_results(page)).to_have_count(1)
    expect(_results(page).first).to_contain_text("Road traffic monitoring")
    expect(page.locator(".chips")).to_contain_text("Transport")

    _results(page).first.get_by_role("link", name=re.compile("Road traffic monitoring")).click()
    dataset = datasets["TRAN"]
    expect(page).to_have_url(f"{live_server.url}/dataset/{dataset['id']}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Road traffic monitoring")
    expect(heading.locator('[lang="zh"]')).to_have_text("道路交通监测")
    distribution = page.locator("article.distribution")
    expect(distribution.get_by_role("heading", name="Road traffic monitoring as CSV")).to_be_visible()
    expect(distribution).to_contain_text("text/csv")
    expect(distribution).to_contain_text("1.0 MiB")
    expect(page.locator("#offers")).to_contain_text("No offers yet")

    assert requested, "the browser made requests"
    assert all(url.startswith(live_server.url + "/") for url in requested), requested


def test_search_in_chinese_from_the_front_page(browser_page: Page, datasets):
    page = browser_page
    page.goto("/")
    page.get_by_role("searchbox", name="Search the catalog").fill("人口")
    page.get_by_role("button", name="Search").click()
    expect(_results(page)).to_have_count(1)
    expect(_results(page).first.locator('[lang="zh"]').first).to_have_text("人口普查")
    expect(_results(page).first).to_contain_text("Population census")
