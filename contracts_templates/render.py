"""Rendering a usage contract from a template version and its terms, reproducibly.

The same template version and the same terms always give the same bytes: templates run in Jinja's
sandbox with `StrictUndefined`; every printed value is escaped for Markdown (`markdown.finalize`); the
text is normalised (LF newlines, no trailing spaces); nothing reads a clock, the locale or the
environment. So `contract_sha256(template_id, version, stored_terms)` recomputes the hash both parties
signed. The terms are kept as canonical JSON (sorted keys, UTF-8, no floats) beside the text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from contracts_templates.errors import TermProblem, TermsError
from contracts_templates.manifest import TEMPLATE_DIR, TemplateVersion, get_template
from contracts_templates.markdown import finalize, normalise_document
from contracts_templates.policy_words import policy_clauses
from contracts_templates.rules import check_rules
from contracts_templates.term_types import check_terms
from contracts_templates.wording import FILTERS, GLOBALS


@dataclass(frozen=True)
class RenderedContract:
    """A contract's text (Markdown), its SHA-256 (hex, over the UTF-8 text) and what it was made from."""

    text: str
    sha256: str
    template_id: str
    version: str
    terms_canonical: str


def validate_terms(template_id: str, version: str | int | None, terms: Any) -> list[TermProblem]:
    """Every problem with `terms` for this template version, each naming the term; empty when fine."""
    template = get_template(template_id, version)
    try:
        canonical_terms(terms)
    except TermsError as error:
        return list(error.problems)
    problems = check_terms(template.variables, terms)
    if problems:
        return problems
    return check_rules(template, terms)


def render_contract(
    template_id: str, version: str | int | None, terms: Mapping[str, Any]
) -> RenderedContract:
    """The contract for new terms; TermsError names every term that is missing, mistyped or not allowed."""
    template = get_template(template_id, version)
    problems = validate_terms(template.template_id, template.version, terms)
    if problems:
        raise TermsError(problems)
    return _render(template, terms)


def contract_sha256(template_id: str, version: str | int, terms: Mapping[str, Any]) -> str:
    """The hash of the contract rendered from stored terms, to compare with the one that was signed.

    Only the template version's variable types are checked here, not today's grade rules: a contract
    signed under earlier rules must still reproduce its hash.
    """
    template = get_template(template_id, version)
    problems = check_terms(template.variables, terms)
    if problems:
        raise TermsError(problems)
    return _render(template, terms).sha256


def canonical_terms(terms: Mapping[str, Any]) -> str:
    """Terms as canonical JSON: sorted keys, no insignificant space, UTF-8 text; floats are refused."""
    _refuse_non_json(terms, "")
    return json.dumps(terms, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def policy_digest(policy: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a policy's canonical JSON, which the contract text quotes to bind the policy."""
    return hashlib.sha256(canonical_terms(policy).encode("utf-8")).hexdigest()


def _render(template: TemplateVersion, terms: Mapping[str, Any]) -> RenderedContract:
    canonical = canonical_terms(terms)
    context = json.loads(canonical)  # the template sees exactly what is stored, never live objects
    try:
        raw = (
            _environment()
            .get_template(template.file)
            .render(context, template_id=template.template_id, template_version=template.version)
        )
    except UndefinedError as error:
        raise TermsError(
            [TermProblem("", f"the template needs a term that is missing: {error.message}")]
        ) from None
    except TemplateError as error:
        raise TermsError([TermProblem("", f"the template cannot be rendered: {error.message}")]) from None
    text = normalise_document(raw)
    return RenderedContract(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        template_id=template.template_id,
        version=template.version,
        terms_canonical=canonical,
    )


@functools.cache
def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML: `finalize` escapes every printed value for Markdown
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    environment.filters.update(FILTERS)
    environment.globals.update(GLOBALS, policy_clauses=policy_clauses, policy_digest=policy_digest)
    return environment


def _refuse_non_json(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TermsError([TermProblem(path, f"keys are strings, not {key!r}")])
            _refuse_non_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_non_json(item, f"{path}[{index}]")
    elif isinstance(value, float):
        reason = (
            "not a finite number" if not math.isfinite(value) else "write decimals as text or minor units"
        )
        raise TermsError([TermProblem(path, f"floats are not allowed in terms: {reason}")])
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise TermsError([TermProblem(path, "text contains an unpaired surrogate")]) from None
    elif value is not None and not isinstance(value, bool | int):
        raise TermsError([TermProblem(path, f"{type(value).__name__} is not a JSON value")])
