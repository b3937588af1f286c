"""The ODRL 2.2 action hierarchy: which actions a permitted or prohibited action covers.

Derived from the shipped vocabulary (`odrl:includedIn`, `odrl:implies`, and `skos:exactMatch` for the
deprecated actions, e.g. `write` is an exact match of `modify`). `includedIn` is transitive: `display` is
included in `play`, which is included in `use`, so a permission to `use` covers `display`. The ODRL 2.2
vocabulary asserts no `implies` pairs; the relation is honoured for vocabularies that add some. Every
function takes the vocabulary to use, the shipped one by default.
"""

from collections import deque

from policy.terms import odrl_term
from policy.vocabulary import Vocabulary, vocabulary


def known_action(value: str, vocab: Vocabulary | None = None) -> str | None:
    """The ODRL action `value` names (`read`, `odrl:read` or its IRI), or None."""
    return odrl_term(value, (vocab or vocabulary()).actions)


def canonical_action(action: str, vocab: Vocabulary | None = None) -> str:
    """The action itself, or the action a deprecated one is an exact match of (`write` -> `modify`)."""
    return (vocab or vocabulary()).exact_match.get(action, action)


def broader_actions(action: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """The action and every action that includes it, nearest first (`display`, `play`, `use`)."""
    vocab = vocab or vocabulary()
    start = canonical_action(action, vocab)
    seen = [start]
    queue = deque([start])
    while queue:
        for broader in sorted(vocab.included_in.get(queue.popleft(), ())):
            if broader not in seen:
                seen.append(broader)
                queue.append(broader)
    return tuple(seen)


def covers(granted: str, requested: str, vocab: Vocabulary | None = None) -> bool:
    """Whether a rule about `granted` covers a request to perform `requested`."""
    return canonical_action(granted, vocab) in broader_actions(requested, vocab)


def implied_actions(action: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """Actions that must not be prohibited for `action` (or an action including it) to be exercised."""
    vocab = vocab or vocabulary()
    found: list[str] = []
    for broader in broader_actions(action, vocab):
        for implied in sorted(vocab.implies.get(broader, ())):
            if implied not in found:
                found.append(implied)
    return tuple(found)


def describe_coverage(granted: str, requested: str, vocab: Vocabulary | None = None) -> str:
    """Why `granted` does or does not cover `requested`, in words."""
    if requested == granted:
        return f"action {requested} is the rule's action"
    chain = broader_actions(requested, vocab)
    if requested != chain[0]:
        chain = (requested, *chain)  # a deprecated action, then the action it is an exact match of
    target = canonical_action(granted, vocab)
    if target in chain:
        return f"action {requested} is covered by {granted} ({' < '.join(chain[: chain.index(target) + 1])})"
    if len(chain) > 1:
        broader = ", ".join(chain[1:])
        return f"action {requested} is not covered by {granted} ({requested} is included only in {broader})"
    return f"action {requested} is not covered by {granted}"
