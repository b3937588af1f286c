"""Saying terms in words: the policy clauses, amounts, durations, jurisdictions, and escaping."""

import json
from pathlib import Path

import pytest

from contracts_templates import TermsError, escape_markdown, fill_policy, placeholders, policy_clauses
from contracts_templates.wording import (
    decimal_amount,
    duration,
    jurisdiction_name,
    moment,
    money,
    number,
    permille,
    privacy_regime,
    tier_band,
)

DSP_EXAMPLES = (
    Path(__file__).resolve().parents[3] / "shared" / "standards" / "dsp-2025-1" / "negotiation" / "example"
)


def test_the_official_agreement_reads_as_clauses() -> None:
    agreement = json.loads((DSP_EXAMPLES / "contract-agreement-message-full.json").read_text())["agreement"]
    clauses = policy_clauses(agreement)
    assert len(clauses) == 7
    assert clauses[0] == (
        "- **Permission 1 · 许可 1.** The Consumer may use the Data Resource, provided that the time of the "
        "action is no later than 2023-12-31T06:00Z."
    )
    assert (
        "all of the following hold: (i) the “partner” is “gold” (ii) the “partner” is “silver”" in clauses[1]
    )
    assert "at least one of the following holds" in clauses[2]
    assert "all of the following hold, in this order" in clauses[4]
    assert "exactly one of the following holds" in clauses[5]
    assert (
        "at least one of the following holds: (i) all of the following hold: (i) the “constraint1”"
        in clauses[6]
    )


def test_prohibitions_duties_remedies_and_obligations_read_as_clauses() -> None:
    clauses = policy_clauses(
        {
            "@type": "Offer",
            "permission": [
                {
                    "action": "distribute",
                    "constraint": [
                        {"leftOperand": "spatial", "operator": "isAnyOf", "rightOperand": ["CN", "SG", "HK"]},
                        {
                            "leftOperand": "dateTime",
                            "operator": "lt",
                            "rightOperand": {"@value": "2027-01-01T08:00:00+08:00", "@type": "xsd:dateTime"},
                        },
                    ],
                    "duty": [{"action": "attribute"}],
                }
            ],
            "prohibition": [
                {
                    "action": "http://example.org/actions/resell",
                    "constraint": [
                        {"leftOperand": "recipient", "operator": "eq", "rightOperand": {"@id": "urn:x"}}
                    ],
                    "remedy": [{"action": "delete"}],
                }
            ],
            "obligation": [
                {
                    "action": "inform",
                    "constraint": [
                        {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": "P30D"}
                    ],
                }
            ],
        }
    )
    assert clauses == [
        "- **Permission 1 · 许可 1.** The Consumer may distribute the Data Resource to third parties, "
        "provided that the jurisdiction in which the action is exercised is one of “CN”, “SG” or “HK”; "
        "and the time of the action is before 2027-01-01T08:00:00+08:00 (2027-01-01 00:00:00 UTC). "
        "In doing so the Consumer shall name the Provider as the source of the Data Resource.",
        "- **Prohibition 1 · 禁止 1.** The Consumer shall not perform the action "
        "“http://example.org/actions/resell” on the Data Resource, where the recipient is “urn:x”. "
        "If it does, it shall delete the Data Resource.",
        "- **Obligation 1 · 义务 1.** The Consumer shall inform the Provider of each use of the Data "
        "Resource, provided that the time elapsed since the action was first exercised is at most “P30D”.",
    ]


def test_values_in_clauses_are_escaped() -> None:
    (clause,) = policy_clauses(
        {
            "@type": "Offer",
            "permission": [
                {
                    "action": "**use**",
                    "constraint": [
                        {"leftOperand": "purpose", "operator": "<b>", "rightOperand": "[x](http://e)"}
                    ],
                }
            ],
        }
    )
    assert "“\\*\\*use\\*\\*”" in clause
    assert "“\\<b\\>”" in clause
    assert "“\\[x\\](http://e)”" in clause


def test_the_skeleton_is_filled_from_terms() -> None:
    skeleton = {
        "@id": "${offer_id}",
        "permission": [
            {
                "action": "use",
                "constraint": [
                    {"leftOperand": "count", "operator": "lteq", "rightOperand": "${limits.count}"},
                    {
                        "leftOperand": "spatial",
                        "operator": "eq",
                        "rightOperand": "${consumer.jurisdiction|country}",
                    },
                    {
                        "leftOperand": "payAmount",
                        "operator": "eq",
                        "rightOperand": "${price|decimal}",
                        "unit": "${price.currency}",
                    },
                    {"leftOperand": "dateTime", "operator": "lt", "rightOperand": "until ${end}"},
                ],
            }
        ],
    }
    terms = {
        "offer_id": "urn:o",
        "limits": {"count": 7},
        "consumer": {"jurisdiction": "CN-SH"},
        "price": {"amount_minor": 12345, "currency": "KWD"},
        "end": True,
    }
    assert placeholders(skeleton) == [
        "consumer.jurisdiction",
        "end",
        "limits.count",
        "offer_id",
        "price",
        "price.currency",
    ]
    filled = fill_policy(skeleton, terms)
    constraints = filled["permission"][0]["constraint"]
    assert filled["@id"] == "urn:o"
    assert [c["rightOperand"] for c in constraints] == ["7", "CN", "12.345", "until true"]
    assert constraints[2]["unit"] == "KWD"
    assert skeleton["@id"] == "${offer_id}", "the skeleton itself is not changed"
    with pytest.raises(TermsError) as caught:
        fill_policy(
            skeleton, {"offer_id": "urn:o", "limits": {}, "price": 5, "consumer": {"jurisdiction": "CN"}}
        )
    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("limits.count", "required by the policy skeleton but missing"),
        ("price", "must be an amount: {amount_minor, currency}"),
        ("price.currency", "required by the policy skeleton but missing"),
        ("end", "required by the policy skeleton but missing"),
    ]
    with pytest.raises(TermsError, match="limits: must be a single value"):
        fill_policy({"x": "${limits}"}, terms)


@pytest.mark.parametrize(
    ("amount", "currency", "text", "plain"),
    [
        (120050, "CNY", "CNY 1,200.50", "1200.50"),
        (5, "EUR", "EUR 0.05", "0.05"),
        (1500000, "JPY", "JPY 1,500,000", "1500000"),
        (1234, "BHD", "BHD 1.234", "1.234"),
        (0, "USD", "USD 0.00", "0.00"),
    ],
)
def test_money_is_exact_in_the_currency_minor_unit(amount: int, currency: str, text: str, plain: str) -> None:
    value = {"amount_minor": amount, "currency": currency}
    assert money(value) == text
    assert decimal_amount(value) == plain


def test_moments_durations_and_numbers_in_words() -> None:
    assert moment("2027-01-01T08:00:00+08:00") == "2027-01-01 00:00:00 UTC"
    assert moment("2027-12-31T23:59:59Z") == "2027-12-31 23:59:59 UTC"
    assert duration("P1M") == "1 month"
    assert duration("P1Y6M") == "1 year and 6 months"
    assert duration("P2W") == "2 weeks"
    assert duration("PT36H") == "36 hours"
    assert duration("P1DT2H30M") == "1 day, 2 hours and 30 minutes"
    assert duration("monthly") == "monthly"
    assert number(100000) == "100,000"
    assert permille(995) == "99.5%"
    assert permille(1000) == "100%"


def test_tiers_in_words() -> None:
    tiers = [{"up_to": 1000}, {"up_to": 1000000}, {}]
    assert [tier_band(tiers, index, "calls") for index in range(3)] == [
        "up to 1,000 calls",
        "more than 1,000 and up to 1,000,000 calls",
        "more than 1,000,000 calls",
    ]
    assert tier_band([{}], 0, "GB") == "all GB"


def test_jurisdictions_and_their_privacy_law() -> None:
    assert jurisdiction_name("CN-SH") == "the People's Republic of China (CN-SH)"
    assert jurisdiction_name("XK") == "the jurisdiction XK"
    assert [privacy_regime(code) for code in ("CN-GD", "DE", "FR", "GB", "HK", "US")] == [
        "CN",
        "EU",
        "EU",
        "GB",
        "other",
        "other",
    ]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Acme (Beijing) Co., Ltd.", "Acme (Beijing) Co., Ltd."),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("12000.00", "12000.00"),
        ("-5", "-5"),
        ("# title", "\\# title"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. item", "1\\. item"),
        ("12) item", "12\\) item"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("a_b*c`d", "a\\_b\\*c\\`d"),
        ("<b>&amp;</b>", "\\<b\\>\\&amp;\\</b\\>"),
        ("a | b ~~c~~", "a \\| b \\~\\~c\\~\\~"),
        ("[l](u)", "\\[l\\](u)"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nand\ttab", "two lines and tab"),
        ("  padded\u3000", "padded"),
        ("\u202egnp.exe", "gnp.exe"),
        ("中文名称（测试）", "中文名称（测试）"),  # noqa: RUF001 - Chinese brackets are the point
    ],
)
def test_escaping_keeps_text_literal(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped
    assert escape_markdown(escape_markdown(text)) == escaped, "escaping twice changes nothing"
