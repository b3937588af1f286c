"""Stripe's bracket notation for nested form parameters."""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.payments.form import encode, flatten


def test_nested_parameters_use_brackets():
    params = {
        "amount": 1250,
        "currency": "eur",
        "confirm": True,
        "off_session": False,
        "metadata": {"invoice": "inv-1", "period": "2026-11"},
        "expand": ["customer", "latest_charge"],
        "items": [{"price": "price_a", "quantity": 2}, {"price": "price_b"}],
        "description": None,
    }
    assert flatten(params) == [
        ("amount", "1250"),
        ("currency", "eur"),
        ("confirm", "true"),
        ("off_session", "false"),
        ("metadata[invoice]", "inv-1"),
        ("metadata[period]", "2026-11"),
        ("expand[]", "customer"),
        ("expand[]", "latest_charge"),
        ("items[0][price]", "price_a"),
        ("items[0][quantity]", "2"),
        ("items[1][price]", "price_b"),
    ]


def test_the_body_is_percent_encoded():
    assert encode({"metadata": {"a b": "x&y=z"}, "email": "ops+billing@example.org"}) == (
        "metadata%5Ba+b%5D=x%26y%3Dz&email=ops%2Bbilling%40example.org"
    )


def test_empty_containers_are_sent_as_empty_values():
    assert flatten({"metadata": {}, "expand": []}) == [("metadata", ""), ("expand", "")]


@pytest.mark.parametrize("value", [12.5, b"bytes", object()])
def test_values_stripe_cannot_take_are_refused(value: Any):
    with pytest.raises(TypeError, match="amount"):
        flatten({"amount": value})


def test_parameter_names_must_be_strings():
    with pytest.raises(TypeError):
        flatten({"metadata": {1: "x"}})


# -- a property: the pairs decode back to the parameters ---------------------------------------------

INDEX = re.compile(r"[0-9]+")

# a name of digits alone would read as a list index: Stripe's notation cannot tell them apart
KEY = st.text(
    alphabet=st.characters(blacklist_characters="[]", blacklist_categories=["Cs"]), min_size=1
).filter(lambda key: not INDEX.fullmatch(key))
SCALAR = st.one_of(st.booleans(), st.integers(), st.text(st.characters(blacklist_categories=["Cs"])))
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.dictionaries(KEY, inner, min_size=1, max_size=4), st.lists(inner, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


def _as_sent(value: Any) -> Any:
    """The parameters as a server sees them: every scalar a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {k: _as_sent(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_sent(v) for v in value]
    return str(value)


def _decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A reader of bracket notation, as a server such as Stripe's parses it."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, rest = re.fullmatch(r"([^\[]+)((?:\[[^\]]*\])*)", key).groups()  # type: ignore[union-attr]
        path = [head, *re.findall(r"\[([^\]]*)\]", rest)]
        node: Any = root
        for part, following in itertools.pairwise(path):
            empty: Any = [] if following == "" or INDEX.fullmatch(following) else {}
            if isinstance(node, list):
                index = int(part)
                if index == len(node):
                    node.append(empty)
                node = node[index]
            else:
                node = node.setdefault(part, empty)
        last = path[-1]
        if last == "" or isinstance(node, list):  # items arrive in order: the index is the next place
            node.append(value)
        else:
            node[last] = value
    return root


@given(st.dictionaries(KEY, VALUE, max_size=5))
def test_encoding_round_trips(params: dict[str, Any]):
    pairs = parse_qsl(encode(params), keep_blank_values=True)
    assert pairs == flatten(params)
    assert _decode(pairs) == _as_sent(params)
