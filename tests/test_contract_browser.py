"""From a dataset page to an agreement in force, in a real browser: request, approval, signature."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import browser as live
from .support.actions import bearer
from .support.contract_data import PROVIDER_SCOPES, create_offer, published_dataset

# A live node on loopback (whose BASE_URL is its real address) and a Chromium tab, for this module.
settings = live.settings
http_server = live.http_server
live_server = live.live_server
chromium = live.chromium
browser_page = live.browser_page

pytestmark = pytest.mark.browser


def test_a_consumer_requests_signs_and_reads_its_agreement(
    browser_page: Page, live_server, flow, provider, consumer
):
    steward = flow.token(provider, PROVIDER_SCOPES)
    dataset_id = published_dataset(flow, provider, steward)
    create_offer(flow, steward, dataset_id)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/login")
    page.get_by_label("Email").fill(consumer.user.email)
    page.get_by_label("Password").fill(consumer.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Requests")).to_be_visible()

    page.goto(f"/dataset/{dataset_id}")
    offer = page.locator("#offers article.offer")
    expect(offer.get_by_role("heading", name="Research licence")).to_be_visible()
    expect(offer).to_contain_text("CNY 0.50 per call")
    offer.get_by_label("Purpose of use").select_option("insurance pricing")
    offer.get_by_label("More about the intended use").fill("Pricing motor insurance by district.")
    offer.get_by_role("button", name="Request access").click()

    expect(page).to_have_url(re.compile(r"/account/requests/[0-9a-f-]{36}$"))
    expect(page.get_by_role("status")).to_contain_text("Your request is sent")
    expect(page.locator(".page-head")).to_contain_text("waiting for approval")
    negotiation_id = page.url.rsplit("/", 1)[1]

    approved = flow.http.post(f"/api/v1/negotiations/{negotiation_id}/approve", headers=bearer(steward))
    assert approved.status_code == 200, approved.get_json()

    page.reload()
    expect(page.get_by_role("heading", name="Sign the contract")).to_be_visible()
    sha256 = page.locator("#contract-sha256").inner_text()
    expect(page.get_by_label("The contract text")).to_contain_text("insurance pricing")
    page.get_by_role("button", name="Sign the contract").click()

    expect(page).to_have_url(re.compile(r"/agreements/[0-9a-f-]{36}$"))
    expect(page.locator("#agreement-status")).to_have_text("active")
    expect(page.locator("#contract-sha256")).to_have_text(sha256)
    expect(page.locator("table.signatures")).to_contain_text(consumer.user.email)
    expect(page.get_by_role("link", name="Download the contract (Markdown)")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    expect(page.get_by_role("table")).to_contain_text("active")
    assert all(url.startswith(live_server.url + "/") for url in requested), requested
