"""The manifest and the four templates: what they offer, and that each renders its example terms."""

import re
from pathlib import Path

import pytest

from contracts_templates import (
    TermsError,
    UnknownTemplate,
    contract_sha256,
    example_terms,
    get_template,
    list_templates,
    placeholders,
    render_contract,
    validate_terms,
)
from contracts_templates.manifest import TEMPLATE_DIR, vocabulary
from dsp import catalog_offer, contract_request_message, validate_message
from policy import parse_policy

TEMPLATE_IDS = ["open-data-licence", "standard-data-licence", "api-subscription", "aggregate-query-only"]

# Released versions are frozen: their hashes for the manifest's example terms must never change. If this
# test fails, the text of a released contract changed; restore it and publish the change as a new version.
RELEASED = {
    ("open-data-licence", "1"): "54d924e2168b95102d080cb5f27de4b8a55b0c1e4f9bb8a7db2d8d73c2e55f1c",
    ("standard-data-licence", "1"): "1f5762368c2c1012b71b6923e96de6739d84bd16dd931579e7f1706d27a6fe8d",
    ("api-subscription", "1"): "66184891df06a6e423075340e6f4a7e6ff654e1c0c552842cd9d97f4c13d78ac",
    ("aggregate-query-only", "1"): "8ef947402d24137e57c6aa82ac46d93cd0eb8db182caa029db5947bbe55e36cb",
}


def test_the_manifest_lists_the_four_templates() -> None:
    templates = list_templates()
    assert [t.template_id for t in templates] == TEMPLATE_IDS
    for template in templates:
        assert template.versions == ("1",)
        assert template.latest == "1"
        assert template.title["en"]
        assert re.search(r"[\u4e00-\u9fff]", template.title["zh"])
        assert set(template.grades) <= set(vocabulary("grades")) - {"core"}
        assert set(template.delivery_modes) <= set(vocabulary("delivery_modes"))
        assert set(template.personal_information) <= set(vocabulary("personal_information"))


def test_unknown_templates_and_versions_are_named() -> None:
    with pytest.raises(
        UnknownTemplate, match="no contract template 'nda'; known templates: open-data-licence"
    ):
        get_template("nda")
    with pytest.raises(UnknownTemplate, match="has no version '7'; versions: 1"):
        get_template("api-subscription", 7)
    assert get_template("api-subscription").version == get_template("api-subscription", 1).version == "1"


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_each_template_renders_its_example_terms(template_id: str) -> None:
    terms = example_terms(template_id)
    assert validate_terms(template_id, "1", terms) == []
    contract = render_contract(template_id, "1", terms)
    assert (contract.template_id, contract.version) == (template_id, "1")
    assert contract.text.startswith("# ")
    assert f"{template_id}, version 1" in contract.text
    assert contract.sha256 == contract_sha256(template_id, "1", terms)
    assert contract.sha256 == RELEASED[(template_id, "1")], "the text of a released contract changed"


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_the_policy_skeleton_is_a_valid_offer_once_filled(template_id: str) -> None:
    template = get_template(template_id)
    terms = example_terms(template_id)
    for path in placeholders(template.policy_skeleton):
        assert path.split(".")[0] in template.variables, f"the skeleton needs {path}, which is no variable"
    policy = terms["policy"]
    assert policy["@type"] == "Offer"
    assert "${" not in str(policy)
    parse_policy(policy)
    validate_message(
        contract_request_message(
            consumer_pid="urn:uuid:consumer-pid", offer=policy, callback_address="https://consumer.example/cb"
        )
    )
    catalog_offer(policy, terms["dataset"]["id"])


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_contract_has_the_clauses_the_exchange_requires(template_id: str) -> None:
    text = render_contract(template_id, None, example_terms(template_id)).text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(headings) >= 12
    for heading in headings:
        assert re.search(r"[A-Za-z].* · .*[\u4e00-\u9fff]", heading), f"not bilingual: {heading}"
    for phrase in (
        "holder of the Data Resource",
        "It grants no holding right",
        "Usage Policy",
        "SHA-256 digest",
        "GB/T 43697-2024",
        "Personal information",
        "audit trail",
        "Suspension",
        "Termination for cause",
        "governed by the laws of",
        "JSON Web Signature",
    ):
        assert phrase in text, f"{template_id} lacks {phrase!r}"


def test_the_aggregate_licence_releases_only_large_groups_and_never_rows() -> None:
    text = render_contract("aggregate-query-only", "1", example_terms("aggregate-query-only")).text
    assert (
        "Only aggregate results are released, and only when every group in them is at least the minimum"
        in text
    )
    assert "row-level data is never delivered to the Consumer" in text
    assert "It releases the result only if every Group has at least 10 distinct records" in text
    assert "Row-level data of the Data Resource is never delivered" in text


def test_templates_keep_their_paragraphs_apart() -> None:
    # With trim_blocks, a block tag at the end of a line of text swallows the line break after it.
    for path in TEMPLATE_DIR.rglob("*.j2"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.endswith("%}") and not stripped.startswith("{%"):
                pytest.fail(f"{path.name}:{number} ends a line of text with a block tag")


def test_every_template_file_is_released_in_the_manifest() -> None:
    listed = {get_template(t.template_id, v).file for t in list_templates() for v in t.versions}
    files = {p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.glob("*/v*.md.j2")}
    assert listed == files
    for path in TEMPLATE_DIR.glob("_clauses/*"):
        assert re.fullmatch(r"v\d+", path.name), "shared clauses are versioned like the templates"
    assert all(Path(TEMPLATE_DIR, file).is_file() for file in listed)


def test_rendering_refuses_terms_with_problems_and_names_them() -> None:
    terms = example_terms("standard-data-licence")
    terms["dataset"]["grade"] = "core"
    with pytest.raises(TermsError) as caught:
        render_contract("standard-data-licence", "1", terms)
    assert [problem.path for problem in caught.value.problems] == ["dataset.grade"]
    assert "core data is never offered" in str(caught.value)
