"""The contract templates library stays framework-free."""

import json
import subprocess
import sys
from pathlib import Path

import contracts_templates

PACKAGE = Path(contracts_templates.__file__).parent
MODULES = sorted(f"contracts_templates.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_contracts_templates_import_neither_flask_nor_the_database_nor_the_app() -> None:
    program = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(output)}
    assert len(MODULES) >= 9
    assert not loaded & {"flask", "werkzeug", "sqlalchemy", "sqlmodel", "psycopg", "app", "requests"}
