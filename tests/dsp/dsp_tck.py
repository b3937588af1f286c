"""The contract negotiation scenarios of the official conformance kit (TCK_TESTS.md), as message sequences.

Each scenario line lists the exchange between the kit (TCK) and the connector under test (CUT):
`A->>B: Message` is a message, `B-->>A: answer` its answer, where `4xx ERROR` means that the message must
be refused. In the provider tests (`CN:`) the kit plays the consumer; in the consumer tests (`CN_C:`) it
plays the provider.
"""

import re
from dataclasses import dataclass

from dsp_standards import STANDARD

_HEADING = re.compile(r"^- \*\*(?P<id>CN(?:_C)?:\d\d-\d\d): (?P<title>.+)\*\*$")
_MESSAGE = re.compile(r"^(?P<sender>TCK|CUT)->>(?:TCK|CUT|\w+): (?P<message>.+)$", re.IGNORECASE)
_ANSWER = re.compile(r"^(?:TCK|CUT)-->>(?:TCK|CUT): (?P<answer>.+)$")
_NAMES = {
    "ContractVerificationMessage": "ContractAgreementVerificationMessage",
    "ContractNegotiationEventMessage:accepted": "ContractNegotiationEventMessage:ACCEPTED",
    "ContractNegotiationEventMessage:finalized": "ContractNegotiationEventMessage:FINALIZED",
}


@dataclass(frozen=True)
class Step:
    """A message sent by `sender` (consumer or provider) and whether the kit expects it refused."""

    sender: str
    message: str
    refused: bool


@dataclass(frozen=True)
class Scenario:
    """One TCK test: its id, title and steps."""

    test_id: str
    title: str
    steps: tuple[Step, ...]


def negotiation_scenarios() -> list[Scenario]:
    """Every contract negotiation scenario of the kit."""
    scenarios: list[Scenario] = []
    lines = (STANDARD / "TCK_TESTS.md").read_text(encoding="utf-8").splitlines()
    for heading, body in zip(lines, [*lines[1:], ""], strict=True):
        match = _HEADING.match(heading.strip())
        if match and body.strip().startswith("- "):
            scenarios.append(Scenario(match["id"], match["title"], _steps(match["id"], body.strip()[2:])))
    return scenarios


def _steps(test_id: str, sequence: str) -> tuple[Step, ...]:
    kit_role = "provider" if test_id.startswith("CN_C") else "consumer"
    cut_role = "consumer" if kit_role == "provider" else "provider"
    parts = [part.strip() for part in sequence.split(";")]
    steps: list[Step] = []
    for index, part in enumerate(parts):
        match = _MESSAGE.match(part)
        if match is None or match["message"].startswith("Signal"):
            continue
        answer = _ANSWER.match(parts[index + 1]) if index + 1 < len(parts) else None
        refused = answer is not None and "4xx" in answer["answer"]
        sender = kit_role if match["sender"].upper() == "TCK" else cut_role
        steps.append(Step(sender, _NAMES.get(match["message"], match["message"]), refused))
    return tuple(steps)
