"""The check of Stripe-Signature headers, and a real signed delivery from localstripe."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from app.payments import StripeClient
from app.payments.form import encode
from app.payments.webhooks import SignatureError, WebhookError, sign, signature, verify
from tests.support.localstripe import API_KEY, start_localstripe

SECRET = "whsec_test_0123456789"
NOW = 1_796_500_000
EVENT = {"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}}
PAYLOAD = json.dumps(EVENT).encode()


def test_a_signed_event_is_accepted_and_parsed():
    assert verify(PAYLOAD, sign(PAYLOAD, SECRET, NOW), SECRET, now=NOW) == EVENT


def test_the_header_is_what_stripe_sends():
    header = sign(PAYLOAD, SECRET, NOW)
    assert header == f"t={NOW},v1={signature(PAYLOAD, SECRET, NOW)}"
    assert len(signature(PAYLOAD, SECRET, NOW)) == 64


def test_a_tampered_payload_is_refused():
    header = sign(PAYLOAD, SECRET, NOW)
    tampered = PAYLOAD.replace(b"evt_1", b"evt_2")
    with pytest.raises(SignatureError, match="no v1 signature matches"):
        verify(tampered, header, SECRET, now=NOW)


def test_another_secret_is_refused():
    with pytest.raises(SignatureError, match="no v1 signature matches"):
        verify(PAYLOAD, sign(PAYLOAD, "whsec_other", NOW), SECRET, now=NOW)


def test_a_changed_timestamp_breaks_the_signature():
    forged = sign(PAYLOAD, SECRET, NOW - 1_000).replace(f"t={NOW - 1_000}", f"t={NOW}")
    with pytest.raises(SignatureError, match="no v1 signature matches"):
        verify(PAYLOAD, forged, SECRET, now=NOW)


def test_an_old_signature_is_refused():
    header = sign(PAYLOAD, SECRET, NOW - 301)
    with pytest.raises(SignatureError, match="older than 300 seconds"):
        verify(PAYLOAD, header, SECRET, now=NOW)
    assert verify(PAYLOAD, sign(PAYLOAD, SECRET, NOW - 300), SECRET, now=NOW) == EVENT
    assert verify(PAYLOAD, header, SECRET, now=NOW, tolerance=600) == EVENT


def test_a_signature_from_the_future_is_refused():
    with pytest.raises(SignatureError, match="ahead"):
        verify(PAYLOAD, sign(PAYLOAD, SECRET, NOW + 301), SECRET, now=NOW)
    assert verify(PAYLOAD, sign(PAYLOAD, SECRET, NOW + 300), SECRET, now=NOW) == EVENT


def test_one_matching_signature_among_several_is_enough():
    """While a secret is rolled, Stripe signs with the old and the new one; other schemes are ignored."""
    old = signature(PAYLOAD, "whsec_old", NOW)
    new = signature(PAYLOAD, SECRET, NOW)
    header = f"t={NOW},v1={old},v1={new},v0={'0' * 64}"
    assert verify(PAYLOAD, header, SECRET, now=NOW) == EVENT
    with pytest.raises(SignatureError):
        verify(PAYLOAD, f"t={NOW},v1={old},v0={new}", SECRET, now=NOW)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("   ", "missing"),
        ("garbage", "malformed"),
        (f"t={NOW},v1", "malformed"),
        (f"=x,t={NOW}", "malformed"),
        (f"v1={'a' * 64}", "exactly one numeric timestamp"),
        (f"t=soon,v1={'a' * 64}", "exactly one numeric timestamp"),
        (f"t=-{NOW},v1={'a' * 64}", "exactly one numeric timestamp"),
        (f"t={NOW},t={NOW},v1={'a' * 64}", "exactly one numeric timestamp"),
        (f"t={NOW}", "no v1 signature"),
        (f"t={NOW},v0={'a' * 64}", "no v1 signature"),
        (f"t={NOW},v1=é", "no v1 signature matches"),
    ],
)
def test_malformed_headers_are_refused_with_a_reason(header: str | None, reason: str):
    with pytest.raises(SignatureError, match=reason):
        verify(PAYLOAD, header, SECRET, now=NOW)


def test_no_secret_means_no_delivery_is_trusted():
    with pytest.raises(SignatureError, match="no webhook secret"):
        verify(PAYLOAD, sign(PAYLOAD, "", NOW), "", now=NOW)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"])
def test_a_signed_body_that_is_not_an_event_is_refused(body: bytes):
    with pytest.raises(WebhookError, match="JSON") as refused:
        verify(body, sign(body, SECRET, NOW), SECRET, now=NOW)
    assert not isinstance(refused.value, SignatureError)


# -- a real delivery ---------------------------------------------------------------------------------


class Receiver:
    """A loopback HTTP endpoint that keeps each delivery's body and Stripe-Signature header."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, str]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.deliveries.append((body, self.headers.get("Stripe-Signature", "")))
                receiver.arrived.set()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    thread = threading.Thread(target=endpoint.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()
    thread.join()


def test_a_delivery_signed_by_localstripe_verifies(receiver: Receiver):
    """localstripe signs its webhooks as Stripe does; a server of its own, since it keeps webhooks."""
    with start_localstripe() as url:
        registered = requests.post(
            f"{url}/_config/webhooks/dxnode",
            data=encode({"url": receiver.url, "secret": SECRET, "events": ["customer.created"]}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        registered.raise_for_status()
        client = StripeClient(API_KEY, base_url=url)
        customer = client.create_customer(idempotency_key="org:webhook:customer", name="Signed")
        assert receiver.arrived.wait(timeout=15), "localstripe delivered no webhook"
        client.session.close()

    body, header = receiver.deliveries[0]
    event = verify(body, header, SECRET)
    assert event["type"] == "customer.created"
    assert event["data"]["object"]["id"] == customer["id"]
    with pytest.raises(SignatureError):
        verify(body, header, "whsec_wrong")
