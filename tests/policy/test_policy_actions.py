"""The ODRL 2.2 action hierarchy, read from the shipped vocabulary."""

import dataclasses

import pytest

from policy.actions import broader_actions, covers, describe_coverage, implied_actions, known_action
from policy.vocabulary import vocabulary


@pytest.mark.parametrize(
    ("granted", "requested"),
    [
        ("use", "read"),
        ("use", "use"),
        ("use", "display"),
        ("play", "display"),
        ("use", "distribute"),
        ("use", "reproduce"),
        ("reproduce", "extract"),
        ("use", "extract"),
        ("use", "aggregate"),
        ("use", "anonymize"),
        ("use", "derive"),
        ("use", "print"),
        ("use", "present"),
        ("use", "stream"),
        ("transfer", "sell"),
        ("transfer", "give"),
        ("use", "write"),
        ("modify", "write"),
        ("reproduce", "copy"),
        ("compensate", "pay"),
    ],
)
def test_an_action_covers_the_actions_included_in_it(granted, requested) -> None:
    assert covers(granted, requested)


@pytest.mark.parametrize(
    ("granted", "requested"),
    [
        ("read", "use"),
        ("use", "sell"),
        ("use", "transfer"),
        ("read", "write"),
        ("display", "play"),
        ("read", "http://example.org/actions/read"),
    ],
)
def test_an_action_does_not_cover_broader_or_unrelated_ones(granted, requested) -> None:
    assert not covers(granted, requested)


def test_the_hierarchy_is_walked_nearest_first() -> None:
    assert broader_actions("display") == ("display", "play", "use")
    assert broader_actions("extract") == ("extract", "reproduce", "use")
    assert broader_actions("write") == ("modify", "use")
    assert broader_actions("https://example.org/custom") == ("https://example.org/custom",)


def test_the_vocabulary_is_the_odrl_2_2_one() -> None:
    vocab = vocabulary()
    assert len(vocab.actions) == 72
    assert {
        "dateTime",
        "elapsedTime",
        "count",
        "purpose",
        "spatial",
        "recipient",
        "payAmount",
    } <= vocab.left_operands
    assert vocab.exact_match["write"] == "modify"
    assert vocab.implies == {}
    assert "compensatedParty" in vocab.party_functions


@pytest.mark.parametrize(
    "spelling", ["read", "odrl:read", "http://www.w3.org/ns/odrl/2/read", "https://x.example/read"]
)
def test_actions_are_recognised_however_spelt(spelling) -> None:
    assert known_action(spelling) == "read"


def test_unknown_words_are_not_actions() -> None:
    assert known_action("frobnicate") is None
    assert known_action("https://example.org/frobnicate") is None


def test_implied_actions_follow_the_hierarchy() -> None:
    vocab = dataclasses.replace(vocabulary(), implies={"distribute": frozenset({"reproduce"})})
    assert implied_actions("distribute", vocab) == ("reproduce",)
    assert implied_actions("use", vocab) == ()
    assert implied_actions("read") == ()


def test_coverage_is_explained() -> None:
    assert describe_coverage("use", "read") == "action read is covered by use (read < use)"
    assert describe_coverage("use", "write") == "action write is covered by use (write < modify < use)"
    assert (
        describe_coverage("use", "sell")
        == "action sell is not covered by use (sell is included only in transfer)"
    )
    assert describe_coverage("read", "read") == "action read is the rule's action"
    assert (
        describe_coverage("use", "https://example.org/peek")
        == "action https://example.org/peek is not covered by use"
    )
