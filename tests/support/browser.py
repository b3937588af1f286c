"""A real node on loopback and Debian's Chromium driven by Playwright, for the browser tests.

Bind the fixtures in a test module (``browser_page = browser.browser_page``, and the same for
``settings``, ``http_server``, ``live_server`` and ``chromium``): ``settings`` there overrides the
suite's so that the app's ``BASE_URL`` is the address the server really listens on, which is bound
before the app exists so no other process can take it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """A node serving HTTP on loopback in a thread of the test process."""

    url: str
    app: Flask


def _not_ready(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """What the socket answers before the app under test is attached (nothing should ask)."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"the node is not attached yet"]


@pytest.fixture
def http_server() -> Iterator[BaseWSGIServer]:
    """A threaded WSGI server bound to a free loopback port, waiting for its app."""
    server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
    yield server
    server.server_close()


@pytest.fixture
def settings(settings: dict[str, object], http_server: BaseWSGIServer) -> dict[str, object]:
    """The suite's settings with ``BASE_URL`` set to the live server's address."""
    return {**settings, "BASE_URL": f"http://127.0.0.1:{http_server.server_port}"}


@pytest.fixture
def live_server(app: Flask, http_server: BaseWSGIServer) -> Iterator[LiveServer]:
    """The app under test served over real HTTP until the test ends."""
    http_server.app = app
    thread = threading.Thread(target=http_server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(str(app.config["BASE_URL"]), app)
    http_server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless; a missing browser fails the test, since ``make test`` installs it.

    One per test module that binds it, closed when the module ends: Playwright's sync API runs one
    instance at a time, and each module binding the fixture would otherwise start its own for the session.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(`make services` does, through scripts/ensure-services.sh)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser tab (own cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
