"""The DSP library stays framework-free."""

import json
import subprocess
import sys
from pathlib import Path

import dsp

MODULES = sorted(f"dsp.{p.stem}" for p in Path(dsp.__file__).parent.glob("*.py") if p.stem != "__init__")


def test_dsp_imports_neither_flask_nor_the_database_nor_the_app() -> None:
    program = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(output)}
    assert len(MODULES) >= 7
    assert not loaded & {
        "flask",
        "werkzeug",
        "sqlalchemy",
        "sqlmodel",
        "psycopg",
        "app",
        "requests",
        "urllib3",
    }
