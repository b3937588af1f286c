"""Versioned usage-contract templates with their ODRL policy skeletons, rendered reproducibly.

A pure library (no Flask, no database, no network). The manifest (`manifest.json`) lists the templates
(open-data licence, standard data licence, API subscription, aggregate-query-only), their versions,
the grades and delivery modes each suits, the variables each needs and an ODRL policy skeleton:

    problems = validate_terms("standard-data-licence", "2", terms)      # [] or [TermProblem(path, reason)]
    contract = render_contract("standard-data-licence", "2", terms)     # RenderedContract(text, sha256, ...)
    contract_sha256("standard-data-licence", "2", stored_terms) == contract.sha256

`get_template(template_id)` is the latest version, `get_template(template_id, "1")` an earlier one; a
stored contract is always re-rendered with the version it was signed under.

A released template version is frozen: a change to its text, or to anything it renders through
(`_clauses/v<N>/`, `wording.py`, `policy_words.py`, `markdown.py`), needs a new version.
"""

from contracts_templates.errors import TermProblem, TermsError, UnknownTemplate
from contracts_templates.manifest import TemplateInfo, TemplateVersion, get_template, list_templates
from contracts_templates.markdown import MarkdownSafe, escape_markdown
from contracts_templates.policy_words import policy_clauses
from contracts_templates.render import (
    RenderedContract,
    canonical_terms,
    contract_sha256,
    policy_digest,
    render_contract,
    validate_terms,
)
from contracts_templates.rules import GRADE_DELIVERY, check_pricing_plan
from contracts_templates.skeleton import example_terms, fill_policy, placeholders

__all__ = [
    "GRADE_DELIVERY",
    "MarkdownSafe",
    "RenderedContract",
    "TemplateInfo",
    "TemplateVersion",
    "TermProblem",
    "TermsError",
    "UnknownTemplate",
    "canonical_terms",
    "check_pricing_plan",
    "contract_sha256",
    "escape_markdown",
    "example_terms",
    "fill_policy",
    "get_template",
    "list_templates",
    "placeholders",
    "policy_clauses",
    "policy_digest",
    "render_contract",
    "validate_terms",
]
