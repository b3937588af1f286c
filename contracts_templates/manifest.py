"""The template manifest (`manifest.json`): which templates exist, in which versions, for what.

Each version names its Jinja file, the variables it needs (the manifest's common variables plus its
own) with their types, the ODRL policy skeleton an offer fills, and example terms that render.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts_templates.errors import UnknownTemplate

TEMPLATE_DIR = Path(__file__).parent
MANIFEST_PATH = TEMPLATE_DIR / "manifest.json"


@dataclass(frozen=True)
class TemplateInfo:
    """A template across its versions: what it is called and what it suits."""

    template_id: str
    title: Mapping[str, str]
    description: str
    grades: tuple[str, ...]
    delivery_modes: tuple[str, ...]
    personal_information: tuple[str, ...]
    versions: tuple[str, ...]

    @property
    def latest(self) -> str:
        """The newest version."""
        return self.versions[-1]


@dataclass(frozen=True)
class TemplateVersion:
    """One released version of a template: its file, variables, policy skeleton and example terms."""

    info: TemplateInfo
    version: str
    file: str
    released: str
    variables: Mapping[str, Any]
    policy_skeleton: Mapping[str, Any]
    example_terms: Mapping[str, Any]

    @property
    def template_id(self) -> str:
        """The template's identifier, e.g. `standard-data-licence`."""
        return self.info.template_id


def list_templates() -> list[TemplateInfo]:
    """Every template with its versions, in the manifest's order."""
    return [_info(template_id, entry) for template_id, entry in _manifest()["templates"].items()]


def get_template(template_id: str, version: str | int | None = None) -> TemplateVersion:
    """One version of a template (the latest when `version` is None); UnknownTemplate if there is none."""
    entry = _manifest()["templates"].get(template_id)
    if entry is None:
        known = ", ".join(_manifest()["templates"])
        raise UnknownTemplate(f"no contract template {template_id!r}; known templates: {known}")
    info = _info(template_id, entry)
    chosen = info.latest if version is None else str(version)
    if chosen not in entry["versions"]:
        raise UnknownTemplate(
            f"template {template_id!r} has no version {chosen!r}; versions: {', '.join(info.versions)}"
        )
    details = copy.deepcopy(entry["versions"][chosen])
    return TemplateVersion(
        info=info,
        version=chosen,
        file=details["file"],
        released=details["released"],
        variables={**copy.deepcopy(_manifest()["common_variables"]), **details["variables"]},
        policy_skeleton=details["policy_skeleton"],
        example_terms=details["example_terms"],
    )


def record_types() -> Mapping[str, Any]:
    """The manifest's record types (`party`, `money`, ...) by name, with their fields; read-only."""
    types: Mapping[str, Any] = _manifest()["types"]
    return types


def vocabulary(name: str) -> tuple[str, ...]:
    """One of the manifest's closed lists: `grades`, `delivery_modes` or `personal_information`."""
    return tuple(_manifest()[name])


def _info(template_id: str, entry: Mapping[str, Any]) -> TemplateInfo:
    return TemplateInfo(
        template_id=template_id,
        title=dict(entry["title"]),
        description=entry["description"],
        grades=tuple(entry["grades"]),
        delivery_modes=tuple(entry["delivery_modes"]),
        personal_information=tuple(entry["personal_information"]),
        versions=tuple(sorted(entry["versions"], key=int)),
    )


@functools.cache
def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return manifest
