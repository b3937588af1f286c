"""Fixtures of the federation tests: a catalog server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.catalog_server import CatalogServer, start_server


@pytest.fixture
def catalog_server() -> Iterator[CatalogServer]:
    """A catalog server on a free loopback port, stopped after the test."""
    server, httpd = start_server()
    yield server
    httpd.shutdown()
    httpd.server_close()
