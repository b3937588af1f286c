"""Rendering is reproducible: the same terms give the same bytes, and any other terms other bytes."""

import functools
import hashlib
import html as html_module
import json
import unicodedata
from typing import Any

import pytest
from contract_terms import dotted, html, one_term_changed, required_paths, set_term, structure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts_templates import (
    TermsError,
    canonical_terms,
    contract_sha256,
    escape_markdown,
    example_terms,
    get_template,
    list_templates,
    render_contract,
)

RELEASED = [(template.template_id, version) for template in list_templates() for version in template.versions]


@pytest.mark.parametrize(("template_id", "version"), RELEASED)
def test_the_hash_is_reproduced_from_the_stored_terms(template_id: str, version: str) -> None:
    contract = render_contract(template_id, version, example_terms(template_id, version))
    stored = json.loads(contract.terms_canonical)  # what the database gives back
    assert contract_sha256(template_id, version, stored) == contract.sha256
    assert hashlib.sha256(contract.text.encode("utf-8")).hexdigest() == contract.sha256
    assert canonical_terms(stored) == contract.terms_canonical


@pytest.mark.parametrize("version", ["1", "2"])
def test_the_order_of_keys_does_not_matter(version: str) -> None:
    terms = example_terms("standard-data-licence", version)
    reversed_terms = json.loads(json.dumps(terms), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert list(reversed_terms) == list(reversed(list(terms)))
    first, second = (render_contract("standard-data-licence", version, t) for t in (terms, reversed_terms))
    assert first == second


@pytest.mark.parametrize(("template_id", "version"), RELEASED)
def test_the_text_is_normalised(template_id: str, version: str) -> None:
    text = render_contract(template_id, version, example_terms(template_id, version)).text
    assert "\r" not in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def _sha256_or_refused(template_id: str, version: str, terms: dict[str, Any]) -> str | None:
    try:
        return contract_sha256(template_id, version, terms)
    except TermsError:
        return None


@pytest.mark.parametrize(("template_id", "version"), RELEASED)
def test_the_hash_changes_when_any_term_changes(template_id: str, version: str) -> None:
    template = get_template(template_id, version)
    terms = example_terms(template_id, version)
    original = contract_sha256(template_id, version, terms)
    changed = [
        (path, _sha256_or_refused(template_id, version, other))
        for path, other in one_term_changed(template, terms)
    ]
    assert len(changed) > 30
    assert [path for path, sha256 in changed if sha256 == original] == []
    # A pricing plan whose model changes alone may lack what the new model needs: then it is refused,
    # never rendered as if it were the old plan. Nothing else is refused.
    refused = [path for path, sha256 in changed if sha256 is None]
    assert set(refused) <= {"pricing.model"}


@pytest.mark.parametrize(("template_id", "version"), RELEASED)
def test_missing_terms_are_named(template_id: str, version: str) -> None:
    template = get_template(template_id, version)
    terms = example_terms(template_id, version)
    paths = list(required_paths(template, terms))
    assert len(paths) > 20
    for path in paths:
        with pytest.raises(TermsError) as caught:
            render_contract(template_id, version, set_term(terms, path, ...))
        assert [problem.path for problem in caught.value.problems] == [dotted(path)]
        assert caught.value.problems[0].reason.startswith("required")


def test_stored_terms_still_reproduce_their_hash_when_the_rules_would_refuse_them() -> None:
    terms = example_terms("standard-data-licence", "1")
    terms["dataset"]["grade"] = "general-4"  # well typed, but no longer allowed for this template
    with pytest.raises(TermsError):
        render_contract("standard-data-licence", "1", terms)
    assert len(contract_sha256("standard-data-licence", "1", terms)) == 64
    with pytest.raises(TermsError, match=r"provider\.name: required"):
        contract_sha256("standard-data-licence", "1", set_term(terms, ["provider", "name"], ...))


@pytest.mark.parametrize(
    ("value", "path", "reason"),
    [
        (1.5, "max_uses", "floats are not allowed"),
        (float("nan"), "max_uses", "not a finite number"),
        ("\ud800", "max_uses", "unpaired surrogate"),
        (b"bytes", "max_uses", "bytes is not a JSON value"),
        ({1: "x"}, "max_uses", "keys are strings"),
    ],
)
def test_terms_must_be_plain_json(value: Any, path: str, reason: str) -> None:
    terms = set_term(example_terms("standard-data-licence", "1"), ["max_uses"], value)
    with pytest.raises(TermsError) as caught:
        render_contract("standard-data-licence", "1", terms)
    assert caught.value.problems[0].path == path
    assert reason in caught.value.problems[0].reason


HOSTILE = [
    "# Heading\n\n- a list item",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "[click here](https://evil.example) ![x](https://evil.example/x.png)",
    "**bold** _em_ `code` ~~struck~~",
    "| a | b |\n|---|---|",
    "1. first\n2. second",
    "---",
    "> quoted",
    "&lt;not an entity&gt; &amp;",
    "\u202etxt.exe\u202c and \u2066isolated\u2069",
    "    indented code",
    "line\\",
    "<https://autolink.example>",
    "```\nfenced\n```",
]
TEXT_PATHS = [
    ["provider", "name"],
    ["consumer", "name"],
    ["dataset", "title"],
    ["dataset", "description"],
    ["distributions", 0, "title"],
    ["purpose"],
    ["governing_law", "forum"],
    ["masked_fields", 0],
]


def _standard_terms_with(value: str, version: str) -> dict[str, Any]:
    terms = example_terms("standard-data-licence", version)
    terms["masked_fields"] = ["x"]
    for path in TEXT_PATHS:
        terms = set_term(terms, path, value)
    terms["policy"]["permission"][0]["constraint"][0]["rightOperand"] = (
        value  # purpose, as the policy says it
    )
    return terms


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("value", HOSTILE)
def test_supplied_text_cannot_inject_markdown_or_html(value: str, version: str) -> None:
    baseline = render_contract("standard-data-licence", version, _standard_terms_with("Plain words", version))
    hostile = render_contract("standard-data-licence", version, _standard_terms_with(value, version))
    assert structure(hostile.text) == structure(baseline.text)
    rendered = html(hostile.text)
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert 'href="https://evil.example' not in rendered
    assert "\u202e" not in hostile.text
    assert "\u2066" not in hostile.text


_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _as_shown(value: str) -> list[str]:
    """The words a reader sees: bidirectional controls dropped, other controls and line breaks as spaces."""
    kept = (
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in value
        if char not in _BIDI
    )
    return "".join(kept).split()


@given(st.text(min_size=1, max_size=200))
def test_escaped_text_reads_back_as_the_text(value: str) -> None:
    rendered = html(f"Before {escape_markdown(value)} after.\n")
    assert rendered.startswith("<p>Before ")
    assert rendered.endswith(" after.</p>\n")
    shown = html_module.unescape(rendered.removeprefix("<p>Before ").removesuffix(" after.</p>\n"))
    assert shown.split() == _as_shown(value)


text_terms = st.text(min_size=1, max_size=120).filter(
    lambda text: any(unicodedata.category(char)[0] not in "CZ" for char in text)  # what counts as text
)


@functools.cache
def _aggregate_structure() -> list[str]:
    return structure(
        render_contract("aggregate-query-only", "1", example_terms("aggregate-query-only", "1")).text
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=text_terms, title=text_terms, purpose=text_terms)
def test_rendering_is_deterministic_for_any_unicode_terms(name: str, title: str, purpose: str) -> None:
    terms = example_terms("aggregate-query-only", "1")
    terms["provider"]["name"] = name
    terms["dataset"]["title"] = title
    terms["purpose"] = purpose
    terms["policy"]["permission"][0]["constraint"][0]["rightOperand"] = purpose
    first = render_contract("aggregate-query-only", "1", terms)
    again = render_contract("aggregate-query-only", "1", json.loads(first.terms_canonical))
    assert again == first
    assert contract_sha256("aggregate-query-only", "1", json.loads(first.terms_canonical)) == first.sha256
    assert structure(first.text) == _aggregate_structure()
