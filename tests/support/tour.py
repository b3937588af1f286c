"""The README's Tour as steps a test can run: each comment of a ``sh`` block, its commands, what it expects.

A step is a comment line that says what the commands under it do, ending with the answer expected of
its one ``curl`` call (``# Search the catalog → 200 JSON``), followed by the commands up to the next
comment. A role's steps run in one ``bash -euo pipefail`` process, so variables carry from one step to
the next. ``curl`` is a shell function there: it runs the real curl, keeps the answer's status, media
type, address and body for the test, and fails the step at once when the status is not the expected one.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

README = Path(__file__).resolve().parents[2] / "README.md"
README_NODE = "http://127.0.0.1:5000"
README_CREDENTIALS = "instance/demo-credentials.json"

#: The words of an expectation that stand for a media type.
MEDIA_TYPES = {
    "JSON": "application/json",
    "problem": "application/problem+json",
    "CSV": "text/csv",
    "Turtle": "text/turtle",
    "JSON-LD": "application/ld+json",
    "RDF/XML": "application/rdf+xml",
    "N-Triples": "application/n-triples",
    "HTML": "text/html",
    "text": "text/plain",
}
EXPECTATION = re.compile(r"→\s*(\d{3})(?:\s+(\S+))?\s*$")

PRELUDE = r"""
shopt -s inherit_errexit
__tour_step() {
  __tour_n=$1; __tour_want=$2
  printf '\n@@step %s\n' "$1"; printf '\n@@step %s\n' "$1" >&2
}
curl() {
  local meta code
  meta=$(mktemp "$TOUR_DIR/call-$(printf %03d "$__tour_n")-XXXXXX")
  command curl "$@" -w '%{stderr}@@tour\t%{http_code}\t%{content_type}\t%{url_effective}\n' \
    2>"$meta" | tee "$meta.body"
  code=$(sed -n 's/^@@tour\t\([0-9]*\)\t.*/\1/p' "$meta")
  if [ -n "$__tour_want" ] && [ "$code" != "$__tour_want" ]; then
    echo "tour: expected $__tour_want, the node answered ${code:-nothing} to curl $*" >&2
    return 1
  fi
}
"""


@dataclass
class Step:
    """One comment of the tour and the commands under it."""

    role: str
    comment: str
    commands: str
    status: str | None = None  # the expected HTTP status of its curl call, if it makes one
    media_type: str | None = None


@dataclass
class Call:
    """One curl call a step made, as the node answered it."""

    status: int
    media_type: str
    url: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Run:
    """A role's steps after running them: the calls of each step, and what each step printed."""

    steps: list[Step]
    calls: dict[int, list[Call]] = field(default_factory=dict)
    output: dict[int, str] = field(default_factory=dict)


def sections(readme: Path = README) -> dict[str, list[Step]]:
    """The Tour's subsections by role (``consumer``, ``provider``…), each as its steps in order."""
    tokens = MarkdownIt().parse(readme.read_text())
    roles: dict[str, list[Step]] = {}
    level, role = "", None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[i + 1].content
            if token.tag == "h2":
                level = title
                role = None
            elif token.tag == "h3" and level == "Tour":
                role = title.split()[-1].lower()
                roles[role] = []
        elif token.type == "fence" and token.info.strip() == "sh" and role is not None:
            roles[role].extend(_steps(role, token.content))
    return roles


def _steps(role: str, block: str) -> list[Step]:
    steps: list[Step] = []
    for line in block.splitlines():
        if line.startswith("#"):
            comment = line.lstrip("#").strip()
            step = Step(role, comment, "")
            found = EXPECTATION.search(comment)
            if found:
                step.status = found.group(1)
                word = found.group(2)
                step.media_type = MEDIA_TYPES.get(word, word) if word else None
            steps.append(step)
        elif line.strip():
            if not steps:
                raise AssertionError(f"a command of the {role} tour has no comment above it: {line}")
            steps[-1].commands += line + "\n"
    return steps


def script(steps: list[Step], node: str, credentials: Path) -> str:
    """The bash script of a role's steps, pointed at the test's node and credentials."""
    parts = [PRELUDE]
    for n, step in enumerate(steps):
        commands = step.commands.replace(README_NODE, node).replace(README_CREDENTIALS, str(credentials))
        parts.append(f"__tour_step {n} {shlex.quote(step.status or '')}\n{commands}")
    return "\n".join(parts)


def run(steps: list[Step], node: str, credentials: Path, folder: Path) -> Run:
    """Run a role's steps in one bash process in `folder`; fail with the step, its command and output."""
    folder.mkdir(parents=True, exist_ok=True)
    calls = folder / "calls"
    calls.mkdir(exist_ok=True)
    path = folder / "tour.sh"
    path.write_text(script(steps, node, credentials))
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "LC_ALL": "C.UTF-8", "TOUR_DIR": str(calls)}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(path)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    result = Run(steps, _calls(calls), _by_step(done.stdout))
    errors = _by_step(done.stderr)
    if done.returncode != 0:
        n = max([*result.output, *errors], default=0)
        raise AssertionError(
            f"the {steps[n].role} tour failed (exit {done.returncode}) at\n"
            f"# {steps[n].comment}\n{steps[n].commands}\n"
            f"output:\n{result.output.get(n, '')}\nerrors:\n{errors.get(n, done.stderr)}"
        )
    return result


def _by_step(text: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in re.split(r"\n@@step ", text)[1:]:
        number, _, rest = chunk.partition("\n")
        out[int(number)] = rest
    return out


def _calls(folder: Path) -> dict[int, list[Call]]:
    calls: dict[int, list[Call]] = {}
    for meta in sorted(folder.glob("call-*")):
        if meta.suffix == ".body":
            continue
        line = next(
            (x for x in meta.read_text(errors="replace").splitlines() if x.startswith("@@tour\t")), None
        )
        if line is None:
            raise AssertionError(f"a curl call of step {meta.name} got no answer:\n{meta.read_text()}")
        _, status, media_type, url = line.split("\t", 3)
        body = Path(f"{meta}.body").read_bytes()
        calls.setdefault(int(meta.name.split("-")[1]), []).append(Call(int(status), media_type, url, body))
    return calls


def check_answers(result: Run) -> None:
    """Every step that expects an answer made exactly one call, answered as expected; no other step calls."""
    for n, step in enumerate(result.steps):
        calls = result.calls.get(n, [])
        output = result.output.get(n, "")
        where = f"{step.role} tour, step '# {step.comment}':\n{step.commands}\noutput:\n{output}"
        if step.status is None:
            assert not calls, f"a curl command without an expected answer (→ status) in the {where}"
            continue
        assert len(calls) == 1, f"{len(calls)} curl calls instead of one in the {where}"
        (call,) = calls
        assert str(call.status) == step.status, f"answered {call.status} in the {where}"
        if step.media_type:
            assert call.media_type.split(";")[0].strip() == step.media_type, (
                f"answered {call.media_type} in the {where}"
            )
        if call.status == 304 or " -o " in step.commands:  # no body, or the body went to a file
            continue
        assert call.body, f"an empty answer in the {where}"
        if call.media_type.split(";")[0].endswith(("json", "+json")):
            try:
                call.json()
            except ValueError as exc:
                raise AssertionError(f"not JSON ({exc}) in the {where}") from exc


def printed(result: Run, pattern: str) -> str:
    """What the steps whose call's address matches `pattern` printed, one after the other."""
    return "".join(
        result.output.get(n, "")
        for n in sorted(result.calls)
        if any(re.search(pattern, call.url) for call in result.calls[n])
    )


def answers(result: Run, pattern: str, status: int | None = None) -> list[Call]:
    """The role's calls whose address matches `pattern` (a regular expression), in order."""
    return [
        call
        for n in sorted(result.calls)
        for call in result.calls[n]
        if re.search(pattern, call.url) and (status is None or call.status == status)
    ]
