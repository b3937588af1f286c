"""The process's usage journal (`services/usage_journal.py`), bound to the app.

Views that read usage call `settle()` first, so a worker's own deliveries show at once; other workers'
arrive within `USAGE_FLUSH_INTERVAL` seconds.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .db import EXTENSION as DB_EXTENSION
from .services.usage_journal import Journal

EXTENSION = "dxnode.usage_journal"


def init_app(app: Flask) -> None:
    """Give the app a usage journal; its file and writer start with the first journaled delivery."""
    configured = app.config.get("USAGE_JOURNAL_PATH")
    journal = Journal(
        app.extensions[DB_EXTENSION].kw["bind"],
        lambda: Path(configured) if configured else Path(app.instance_path) / "usage-journal",
        float(app.config["USAGE_FLUSH_INTERVAL"]),
    )
    app.extensions[EXTENSION] = journal


def current() -> Journal:
    """The current app's usage journal, its background writer running."""
    journal: Journal = current_app.extensions[EXTENSION]
    journal.start()
    return journal


def settle() -> None:
    """Put this process's journaled usage in the database now (before a report reads it)."""
    current_app.extensions[EXTENSION].flush()
