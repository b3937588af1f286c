"""Where the shared Dataspace Protocol 2025-1 files are, and reading them."""

import json
from pathlib import Path
from typing import Any

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "dsp-2025-1"
EXAMPLES = sorted(STANDARD.glob("*/example/*.json"))
SCHEMAS = sorted(STANDARD.glob("*/*-schema.json"))


def load(path: Path) -> Any:
    """A JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))


def example(part: str, name: str) -> Any:
    """One official example, e.g. `example("negotiation", "contract-offer-message")`."""
    return load(STANDARD / part / "example" / f"{name}.json")
