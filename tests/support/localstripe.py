"""The real localstripe server on loopback, for tests that talk to Stripe's API.

A pytest plugin (listed in ``tests/conftest.py``). Fixtures:

- ``localstripe_url`` (session): the base URL of a localstripe server started for the test session;
- ``stripe_client``: a :class:`StripeClient` for that server whose backoff sleeps are recorded in
  ``stripe_sleeps`` instead of slept;
- ``stripe_sleeps``: the list of waits the client asked for.

``start_localstripe()`` starts a server of one's own (for a test that registers webhooks, which a
server keeps until it stops). Objects live as long as their server: tests tell theirs apart by the ids
they create, never by counting everything on the server.

localstripe (PyPI) runs in its own virtual environment, ``.venv-localstripe``, which ``make test``
builds from ``tests/support/localstripe-requirements.txt``; ``DXNODE_TEST_LOCALSTRIPE_PYTHON`` names
another interpreter that has it. It is a separate process started by ``localstripe_server.py`` beside
this file, listening on 127.0.0.1 only, on a free port.

What localstripe does and does not do, as far as our client is concerned: customers, payment methods
(the test ids ``pm_card_visa``, ``pm_card_chargeCustomerFail`` declining at charge time, and card numbers
sent to ``/v1/payment_methods``), PaymentIntents (create, confirm, cancel, capture), refunds (full and
partial), signed webhooks to URLs registered at ``/_config/webhooks/<id>``. It does not implement
``Idempotency-Key`` (a repeated key creates a second object), Connect transfers, nor Stripe's error
types (every error says ``invalid_request_error``; the HTTP status tells them apart).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from app.payments import RetryPolicy, StripeClient

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("localstripe_server.py")
#: localstripe accepts any key that looks like a secret key
API_KEY = "sk_test_dxnode"


def localstripe_python() -> str:
    """The interpreter that has localstripe installed."""
    configured = os.environ.get("DXNODE_TEST_LOCALSTRIPE_PYTHON")
    if configured:
        return configured
    own = ROOT / ".venv-localstripe" / "bin" / "python"
    if own.exists():
        return str(own)
    if importlib.util.find_spec("localstripe") is not None:
        return sys.executable
    pytest.fail(
        "localstripe is not installed: `make test` builds .venv-localstripe, or set "
        "DXNODE_TEST_LOCALSTRIPE_PYTHON to a Python that has it",
        pytrace=False,
    )


@contextmanager
def start_localstripe() -> Iterator[str]:
    """Start a localstripe server on 127.0.0.1, wait until it answers, yield its URL, then stop it."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            # -I: isolated, so the launcher's folder (which holds this module, also named localstripe)
            # does not shadow the localstripe package
            [localstripe_python(), "-I", str(LAUNCHER)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                process.wait(timeout=10)
                errors.seek(0)
                pytest.fail(f"localstripe did not start:\n{errors.read().decode(errors='replace')}")
            # the socket listens before the line is printed; this waits for the application behind it
            answer = requests.get(f"{url}/v1/customers", auth=(API_KEY, ""), timeout=30)
            answer.raise_for_status()
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """The base URL of the test session's localstripe server."""
    with start_localstripe() as url:
        yield url


@pytest.fixture
def stripe_sleeps() -> list[float]:
    """The waits, in seconds, that ``stripe_client`` asked for between attempts."""
    return []


@pytest.fixture
def stripe_client(localstripe_url: str, stripe_sleeps: list[float]) -> Iterator[StripeClient]:
    """A Stripe client for the session's localstripe server; it records its backoff instead of sleeping."""
    client = StripeClient(
        API_KEY,
        base_url=localstripe_url,
        timeout=10,
        retry_policy=RetryPolicy(max_retries=2),
        sleep=stripe_sleeps.append,
    )
    yield client
    client.session.close()
