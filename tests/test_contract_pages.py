"""Offers, access requests and agreements on the pages, used through their forms without JavaScript."""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

import pytest

from app.schemas.contracts import PricingPlan
from app.web.offer_views import pricing_words

from .support.actions import Flow, bearer, csrf_from
from .support.contract_data import (
    CONSUMER_SCOPES,
    OPERATOR_SCOPES,
    PROVIDER_SCOPES,
    create_offer,
    published_dataset,
    request_access,
)

HTML = {"Accept": "text/html"}
REQUEST_URL = re.compile(r"/account/requests/([0-9a-f-]{36})$")
AGREEMENT_URL = re.compile(r"/agreements/([0-9a-f-]{36})$")


def _page(who, url, status=200):
    response = who.http.get(url, headers=HTML)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def _post(who, page_url, action_url, **data):
    """Post a form of a page with the page's CSRF token, as a browser would."""
    token = csrf_from(_page(who, page_url))
    return who.http.post(action_url, data={"csrf_token": token, **data}, headers=HTML)


def _negotiation(flow, token, negotiation_id):
    response = flow.http.get(f"/api/v1/negotiations/{negotiation_id}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def login(app):
    """A browser of its own (its own cookies) for a party's user, logged in through the login form."""

    def log_in(party):
        who = Flow(app.test_client())
        assert who.login(party.user.email, party.password).status_code == 302
        return who

    return log_in


@pytest.fixture
def market(flow, provider, consumer):
    """A published general-1 dataset with a manual per-call offer for two purposes, and both sides' tokens."""
    steward = flow.token(provider, PROVIDER_SCOPES)
    dataset_id = published_dataset(flow, provider, steward)
    offer = create_offer(flow, steward, dataset_id)
    return SimpleNamespace(
        dataset_id=dataset_id, offer=offer, steward=steward, buyer_token=flow.token(consumer, CONSUMER_SCOPES)
    )


@pytest.fixture
def requested(market, login, consumer):
    """The consumer's request for the offer, made through the dataset page's form."""
    buyer = login(consumer)
    response = _post(
        buyer,
        f"/dataset/{market.dataset_id}",
        f"/offers/{market.offer['id']}/request",
        purpose="insurance pricing",
        purpose_note="Pricing motor insurance by district.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    match = REQUEST_URL.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return SimpleNamespace(**vars(market), id=match.group(1), url=match.group(0), buyer=buyer)


def _approve(who, requested):
    response = _post(who, requested.url, f"{requested.url}/approve")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def _sign(who, requested):
    page = _page(who, requested.url)
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    response = who.http.post(
        f"{requested.url}/sign", data={"csrf_token": csrf_from(page), "sha256": sha256}, headers=HTML
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return AGREEMENT_URL.search(response.headers["Location"]).group(0), sha256


# ---------------------------------------------------------------------------------------------------------
# The dataset page's offers


def test_the_dataset_page_shows_offers_in_words(flow, market):
    html = _page(flow, f"/dataset/{market.dataset_id}")
    offers = html[html.index('id="offers"') :]
    assert "Research licence" in offers
    assert "CNY 0.50 per call; invoices are due within 30 days" in offers
    assert "download, record API" in offers
    assert "Standard Data Licence, version" in offers
    assert "The provider approves each request" in offers
    assert "90 days from signing" in offers
    assert "academic research" in offers
    assert "at most 100 over the term" in offers
    assert "Log in</a> to request access" in offers
    assert "Request access" not in offers.split("</section>")[0].replace("requests access", "")


def test_a_buyer_sees_a_request_form_with_the_offers_purposes(market, login, consumer, provider):
    html = _page(login(consumer), f"/dataset/{market.dataset_id}")
    form = html[html.index(f'action="/offers/{market.offer["id"]}/request"') :].split("</form>")[0]
    assert '<select id="purpose-' in form
    assert '<option value="academic research"' in form
    assert '<option value="insurance pricing"' in form
    assert 'name="csrf_token"' in form

    own = _page(login(provider), f"/dataset/{market.dataset_id}")
    assert "request-form" not in own  # a provider does not request its own data
    assert f'href="/account/datasets/{market.dataset_id}/offers/new"' in own


def test_without_named_purposes_the_purpose_is_free_text(flow, market, login, consumer):
    offer = create_offer(flow, market.steward, market.dataset_id, title="Any purpose", purposes=[])
    html = _page(login(consumer), f"/dataset/{market.dataset_id}")
    assert f'<input type="text" id="purpose-{offer["id"]}" name="purpose"' in html


def test_a_viewer_without_the_buyer_role_gets_no_form(market, make_user, consumer, app):
    viewer = make_user(consumer.org, "viewer")
    who = Flow(app.test_client())
    assert who.login(viewer.email, consumer.password).status_code == 302
    html = _page(who, f"/dataset/{market.dataset_id}")
    assert "request-form" not in html
    assert "Members with the buyer or admin role" in html


# ---------------------------------------------------------------------------------------------------------
# Requesting access


def test_the_request_form_creates_a_negotiation(flow, requested, consumer, provider, login):
    body = _negotiation(flow, requested.steward, requested.id)
    assert body["state"] == "REQUESTED"
    assert body["purpose"] == "insurance pricing"
    assert body["purpose_note"] == "Pricing motor insurance by district."
    assert body["consumer_org_id"] == consumer.org.id

    page = _page(requested.buyer, requested.url)
    assert "Your request is sent; the provider decides on it." in page
    assert "state-requested" in page
    assert "Withdraw the request" in page
    assert "Approve" not in page  # the consumer does not approve its own request

    made = _page(requested.buyer, "/account/requests")
    mine = made[made.index('id="made"') :]
    assert f'href="/account/requests/{requested.id}"' in mine
    assert provider.org.name in mine

    received = _page(login(provider), "/account/requests")
    theirs = received[received.index('id="received"') :]
    assert f'href="/account/requests/{requested.id}"' in theirs
    assert consumer.org.name in theirs


def test_a_purpose_the_offer_does_not_allow_is_refused_on_the_page(market, login, consumer):
    buyer = login(consumer)
    response = _post(
        buyer, f"/dataset/{market.dataset_id}", f"/offers/{market.offer['id']}/request", purpose="marketing"
    )
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "The request was not sent" in html
    assert "policy does not permit" in html
    assert 'class="request-form"' in html  # the form is there to try again
    assert _page(buyer, "/account/requests").count('href="/account/requests/') == 0


def test_a_second_open_request_links_to_the_first(requested):
    response = _post(
        requested.buyer,
        f"/offers/{requested.offer['id']}/request",
        f"/offers/{requested.offer['id']}/request",
        purpose="academic research",
    )
    assert response.status_code == 409
    assert f'href="/account/requests/{requested.id}"' in response.get_data(as_text=True)


def test_an_automatic_offer_goes_straight_to_signing(flow, market, login, consumer):
    offer = create_offer(flow, market.steward, market.dataset_id, title="Open", approval="automatic")
    buyer = login(consumer)
    response = _post(
        buyer, f"/dataset/{market.dataset_id}", f"/offers/{offer['id']}/request", purpose="academic research"
    )
    assert response.status_code == 302
    page = _page(buyer, response.headers["Location"])
    assert "read the contract below and sign it" in page
    assert "Sign the contract" in page


# ---------------------------------------------------------------------------------------------------------
# Deciding, signing and the contract


def test_approve_then_sign_puts_the_agreement_in_force(flow, requested, login, provider, consumer):
    steward = login(provider)
    assert "Reason for declining" in _page(steward, requested.url)
    _approve(steward, requested)
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "AGREED"

    page = _page(requested.buyer, requested.url)
    assert "Sign the contract" in page
    assert 'class="contract-text"' in page
    agreement_url, sha256 = _sign(requested.buyer, requested)
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "FINALIZED"

    contract = _page(requested.buyer, agreement_url)
    assert re.search(r'id="agreement-status">active<', contract)
    shown = re.search(r'id="contract-sha256">([0-9a-f]{64})<', contract).group(1)
    assert shown == sha256
    download = requested.buyer.http.get(f"{agreement_url}/contract.md")
    assert download.status_code == 200
    assert download.mimetype == "text/markdown"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(download.get_data()).hexdigest() == shown
    assert contract.count("matches the text") == 2  # both signatures are over this text
    assert provider.user.name in contract
    assert "/oauth/jwks" in contract
    assert re.search(r'class="jws">[\w-]+\.[\w-]+\.[\w-]+<', contract)

    listing = _page(steward, "/account/agreements")
    assert f'href="{agreement_url}"' in listing[listing.index('id="provider"') :]
    assert f'href="{agreement_url}"' in _page(requested.buyer, "/account/agreements")


def test_decline_needs_a_reason(flow, requested, login, provider):
    steward = login(provider)
    response = _post(steward, requested.url, f"{requested.url}/decline", reason="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#decline-reason"' in html
    error = html[html.index('id="decline-reason-error"') :].split("</ul>")[0]
    assert "Say why the request is declined" in error
    assert 'aria-invalid="true" aria-describedby="decline-reason-error"' in html
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "REQUESTED"

    response = _post(steward, requested.url, f"{requested.url}/decline", reason="Not for insurers.")
    assert response.status_code == 302
    body = _negotiation(flow, requested.steward, requested.id)
    assert body["state"] == "TERMINATED"
    assert body["reason"] == "declined by the provider: Not for insurers."
    assert "Not for insurers." in _page(requested.buyer, requested.url)


def test_a_counter_offer_is_accepted_by_the_consumer(flow, requested, login, provider):
    steward = login(provider)
    response = _post(
        steward, requested.url, f"{requested.url}/counter-offer", validity_days="30", reason="A trial first."
    )
    assert response.status_code == 302
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "OFFERED"
    page = _page(requested.buyer, requested.url)
    assert "<strong>30 days</strong>" in page
    response = _post(requested.buyer, requested.url, f"{requested.url}/accept")
    assert response.status_code == 302
    body = _negotiation(flow, requested.steward, requested.id)
    assert body["state"] == "AGREED"  # the provider approved with its counter-offer
    assert body["validity_days"] == 30


def test_a_counter_offer_longer_than_the_offer_is_refused(requested, login, provider):
    steward = login(provider)
    response = _post(steward, requested.url, f"{requested.url}/counter-offer", validity_days="400")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="counter-offer-validity_days-error"' in html
    assert "offer runs for at most 90 days" in html


def test_the_consumer_withdraws_with_a_reason(flow, requested):
    response = _post(requested.buyer, requested.url, f"{requested.url}/withdraw")
    assert response.status_code == 422
    assert 'id="withdraw-reason-error"' in response.get_data(as_text=True)
    response = _post(
        requested.buyer, requested.url, f"{requested.url}/withdraw", reason="Found another source."
    )
    assert response.status_code == 302
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "TERMINATED"


def test_signing_another_text_is_refused(flow, requested, login, provider):
    _approve(login(provider), requested)
    response = _post(requested.buyer, requested.url, f"{requested.url}/sign", sha256="0" * 64)
    assert response.status_code == 409
    assert "not the SHA-256 of the contract text you were given" in response.get_data(as_text=True)
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "AGREED"


def test_suspend_resume_and_terminate_from_the_contract_page(requested, login, provider):
    steward = login(provider)
    _approve(steward, requested)
    url, _ = _sign(requested.buyer, requested)
    consumer_view = _page(requested.buyer, url)
    assert "Terminate the agreement" in consumer_view
    assert "Suspend the agreement" not in consumer_view  # suspending is for the provider and the operator

    response = _post(steward, url, f"{url}/suspend")
    assert response.status_code == 422
    assert 'id="suspend-reason-error"' in response.get_data(as_text=True)
    assert _post(steward, url, f"{url}/suspend", reason="Unpaid invoice.").status_code == 302
    page = _page(steward, url)
    assert re.search(r'id="agreement-status">suspended<', page)
    assert "Unpaid invoice." in page
    assert _post(steward, url, f"{url}/resume").status_code == 302
    assert re.search(r'id="agreement-status">active<', _page(steward, url))
    assert _post(requested.buyer, url, f"{url}/terminate", reason="Project ended.").status_code == 302
    page = _page(requested.buyer, url)
    assert re.search(r'id="agreement-status">terminated<', page)
    assert "terminated by the consumer: Project ended." in page
    assert "Terminate the agreement" not in page


# ---------------------------------------------------------------------------------------------------------
# Who sees what


def test_pages_are_for_the_parties_only(requested, login, provider, make_party, client):
    _approve(login(provider), requested)
    agreement_url, _ = _sign(requested.buyer, requested)
    stranger = login(make_party("consumer", "admin", "buyer"))
    _page(stranger, requested.url, 404)
    _page(stranger, agreement_url, 404)
    assert stranger.http.get(f"{agreement_url}/contract.md").status_code == 404
    assert stranger.http.post(f"{requested.url}/withdraw", data={}).status_code == 400
    _page(stranger, "/review/requests", 403)
    _page(stranger, f"/account/datasets/{requested.dataset_id}/offers/new", 403)
    other_provider = login(make_party("provider", "admin", "steward"))
    _page(other_provider, f"/account/datasets/{requested.dataset_id}/offers/new", 404)
    _page(other_provider, f"/account/datasets/{requested.dataset_id}/offers", 404)
    for url in (requested.url, agreement_url, "/account/requests", "/account/agreements", "/review/requests"):
        response = client.get(url, headers=HTML)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_forms_without_the_csrf_token_are_refused(flow, requested, login, provider):
    steward = login(provider)
    assert steward.http.post(f"{requested.url}/approve", data={}, headers=HTML).status_code == 400
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "REQUESTED"
    refused = requested.buyer.http.post(
        f"/offers/{requested.offer['id']}/request", data={"purpose": "academic research"}, headers=HTML
    )
    assert refused.status_code == 400
    forged = steward.http.post(
        f"{requested.url}/decline", data={"csrf_token": "forged", "reason": "No."}, headers=HTML
    )
    assert forged.status_code == 400
    assert _negotiation(flow, requested.steward, requested.id)["state"] == "REQUESTED"


# ---------------------------------------------------------------------------------------------------------
# The operator


def test_the_operator_approves_requests_for_important_data(flow, provider, consumer, operator, login):
    steward = flow.token(provider, PROVIDER_SCOPES)
    reviewer = flow.token(operator, OPERATOR_SCOPES)
    dataset_id = published_dataset(flow, provider, steward, reviewer, grade="important")
    offer = create_offer(
        flow,
        steward,
        dataset_id,
        title="Aggregates only",
        delivery_modes=["aggregate"],
        template="aggregate-query-only",
    )
    answer = request_access(flow, flow.token(consumer, CONSUMER_SCOPES), offer["id"])
    assert answer.status_code == 201, answer.get_json()
    request_url = f"/account/requests/{answer.get_json()['id']}"

    desk = login(operator)
    queue = _page(desk, "/review/requests")
    assert f'href="{request_url}"' in queue
    assert consumer.org.name in queue
    assert 'href="/review/requests"' in _page(desk, "/review")
    page = _page(desk, request_url)
    assert "Approve for the operator" in page

    _approve(login(provider), SimpleNamespace(url=request_url))
    assert _negotiation(flow, steward, answer.get_json()["id"])["state"] == "REQUESTED"  # the operator's turn
    _approve(desk, SimpleNamespace(url=request_url))
    assert _negotiation(flow, steward, answer.get_json()["id"])["state"] == "AGREED"
    assert f'href="{request_url}"' not in _page(desk, "/review/requests")


# ---------------------------------------------------------------------------------------------------------
# A provider's offers


def _offer_fields(**overrides):
    fields = {
        "title": "Monthly API",
        "template": "standard-data-licence",
        "pricing_model": "tiered",
        "currency": "CNY",
        "unit": "call",
        "tiers": "1000:50\n:20",
        "free_allowance": "100",
        "payment_due_days": "30",
        "delivery_modes": ["download", "records"],
        "approval": "manual",
        "validity_days": "180",
        "purposes": "academic research\n\nurban planning\n",
        "max_uses": "5000",
        "masked_fields": "",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def test_a_steward_makes_and_withdraws_an_offer_through_the_form(flow, market, login, provider):
    steward = login(provider)
    new = f"/account/datasets/{market.dataset_id}/offers/new"
    form = _page(steward, new)
    assert 'value="standard-data-licence"' in form
    assert 'value="aggregate-query-only"' in form
    response = _post(steward, new, new, **_offer_fields())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/account/datasets/{market.dataset_id}/offers")

    offers = flow.http.get(f"/api/v1/datasets/{market.dataset_id}/offers").get_json()
    made = next(o for o in offers if o["title"] == "Monthly API")
    assert made["pricing"]["tiers"] == [{"up_to": 1000, "unit_price_minor": 50}, {"unit_price_minor": 20}]
    assert made["pricing"]["free_allowance"] == 100
    assert made["validity_days"] == 180
    assert made["template_terms"]["max_uses"] == 5000
    page = _page(flow, f"/dataset/{market.dataset_id}")
    assert "up to 1,000 calls at CNY 0.50 per call; more than 1,000 calls at CNY 0.20 per call" in page
    assert "urban planning" in page

    listing = f"/account/datasets/{market.dataset_id}/offers"
    response = _post(steward, listing, f"/account/offers/{made['id']}/withdraw")
    assert response.status_code == 302
    assert "Monthly API" not in _page(flow, f"/dataset/{market.dataset_id}")
    assert "withdrawn" in _page(steward, listing)


def test_the_offer_form_shows_errors_next_to_their_fields(market, login, provider):
    steward = login(provider)
    new = f"/account/datasets/{market.dataset_id}/offers/new"
    response = _post(
        steward, new, new, **_offer_fields(title="", pricing_model="per_call", tiers="", delivery_modes=None)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The offer was not made" in html
    for slot in ("title", "price_minor", "delivery_modes"):
        assert f'id="{slot}-error"' in html, slot
    price = html[html.index('id="price_minor-error"') :].split("</ul>")[0]
    assert "A per_call plan needs a price" in price

    response = _post(steward, new, new, **_offer_fields(tiers="1000:50\nx:20"))
    assert response.status_code == 422
    tiers = response.get_data(as_text=True)
    assert "Tier 2: enter a whole number" in tiers[tiers.index('id="tiers-error"') :].split("</ul>")[0]


def test_pricing_in_words():
    def words(**plan):
        return "; ".join(pricing_words(PricingPlan.model_validate(plan)))

    assert words(model="free") == "free of charge"
    assert words(model="subscription", price_minor=120050, period="P1M").startswith(
        "subscription: CNY 1,200.50 per month"
    )
    assert "per 3 months" in words(model="subscription", price_minor=100, period="P3M")
    assert words(model="per_gb", price_minor=300, currency="EUR", monthly_cap_minor=50000) == (
        "EUR 3.00 per GB; at most EUR 500.00 charged per month; invoices are due within 30 days"
    )
    assert "the first 1,000 records of each month are free" in words(
        model="per_record", price_minor=1, free_allowance=1000
    )
