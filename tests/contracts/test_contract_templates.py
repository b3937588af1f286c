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
    ("standard-data-licence", "2"): "121b1125ca6886ace0c462f67aea8545bcc993d2cae4a32f19dd44c93b42ecec",
    ("api-subscription", "2"): "809f7f33905ae385fd7452feaf1a3b6d3ea3d4196c7f9008e92b522ddcf304eb",
    ("aggregate-query-only", "2"): "fd81749174bdc7d5a14a30a958af7a474de1c7ff8f7a7da93d7542821dd10579",
}
VERSIONS = {
    "open-data-licence": ("1",),
    "standard-data-licence": ("1", "2"),
    "api-subscription": ("1", "2"),
    "aggregate-query-only": ("1", "2"),
}


def test_the_manifest_lists_the_four_templates() -> None:
    templates = list_templates()
    assert [t.template_id for t in templates] == TEMPLATE_IDS
    assert sorted(RELEASED) == sorted((t.template_id, v) for t in templates for v in t.versions)
    for template in templates:
        assert template.versions == VERSIONS[template.template_id]
        assert template.latest == template.versions[-1]
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
    with pytest.raises(UnknownTemplate, match="has no version '7'; versions: 1, 2"):
        get_template("api-subscription", 7)
    with pytest.raises(UnknownTemplate, match="has no version '2'; versions: 1"):
        get_template("open-data-licence", "2")


def test_the_latest_version_is_the_default_and_any_released_one_can_be_picked() -> None:
    assert get_template("api-subscription").version == get_template("api-subscription", 2).version == "2"
    assert get_template("api-subscription", 1).version == get_template("api-subscription", "1").version == "1"
    assert get_template("api-subscription", "1").file == "api-subscription/v1.md.j2"
    assert get_template("open-data-licence").version == "1"
    assert example_terms("aggregate-query-only")["pricing"]["model"] == "tiered"
    assert example_terms("aggregate-query-only", 1)["pricing"]["model"] == "per_query"
    latest = render_contract("standard-data-licence", None, example_terms("standard-data-licence"))
    assert latest.version == "2"
    assert latest.sha256 == RELEASED[("standard-data-licence", "2")]


@pytest.mark.parametrize(("template_id", "version"), list(RELEASED))
def test_each_template_renders_its_example_terms(template_id: str, version: str) -> None:
    terms = example_terms(template_id, version)
    assert validate_terms(template_id, version, terms) == []
    contract = render_contract(template_id, version, terms)
    assert (contract.template_id, contract.version) == (template_id, version)
    assert contract.text.startswith("# ")
    assert f"{template_id}, version {version}" in contract.text
    assert contract.sha256 == contract_sha256(template_id, version, terms)
    assert contract.sha256 == RELEASED[(template_id, version)], "the text of a released contract changed"


@pytest.mark.parametrize(("template_id", "version"), list(RELEASED))
def test_the_policy_skeleton_is_a_valid_offer_once_filled(template_id: str, version: str) -> None:
    template = get_template(template_id, version)
    terms = example_terms(template_id, version)
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


@pytest.mark.parametrize(("template_id", "version"), list(RELEASED))
def test_every_contract_has_the_clauses_the_exchange_requires(template_id: str, version: str) -> None:
    text = render_contract(template_id, version, example_terms(template_id, version)).text
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


@pytest.mark.parametrize("version", ["1", "2"])
def test_the_aggregate_licence_releases_only_large_groups_and_never_rows(version: str) -> None:
    terms = example_terms("aggregate-query-only", version)
    text = render_contract("aggregate-query-only", version, terms).text
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


def test_each_version_renders_only_through_its_own_clauses() -> None:
    for path in TEMPLATE_DIR.glob("*/v*.md.j2"):
        version = path.name.removesuffix(".md.j2")
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f'{{% set clauses = "_clauses/{version}/" %}}\n'), path
        assert set(re.findall(r"_clauses/(v\d+)/", text)) == {version}, path


@pytest.mark.parametrize("version", ["1", "2"])
def test_rendering_refuses_terms_with_problems_and_names_them(version: str) -> None:
    terms = example_terms("standard-data-licence", version)
    terms["dataset"]["grade"] = "core"
    with pytest.raises(TermsError) as caught:
        render_contract("standard-data-licence", version, terms)
    assert [problem.path for problem in caught.value.problems] == ["dataset.grade"]
    assert "core data is never offered" in str(caught.value)
