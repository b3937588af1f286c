"""The aggregates library stays framework-free."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aggregates

MODULES = sorted(
    f"aggregates.{p.stem}" for p in Path(aggregates.__file__).parent.glob("*.py") if p.stem != "__init__"
)


def test_aggregates_imports_neither_flask_nor_the_database_nor_the_app() -> None:
    program = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(output))
    assert len(MODULES) > 5
    forbidden = {"flask", "sqlalchemy", "sqlmodel", "app", "werkzeug", "psycopg"}
    assert not {name.split(".")[0] for name in loaded} & forbidden
