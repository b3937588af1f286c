"""A node serving HTTP from a child process (`tests.support.serve`), for tests that kill it or need two.

The child gets the test's database, folders, secret and base URL, so the tokens the test issues verify
there and its stored files are the test's. `start` waits until the node listens and fails the test with
the node's log when it does not.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class NodeProcess:
    """A node serving on loopback, and its process."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL: the process ends at once, whatever it was doing."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Kill the node and close its pipe."""
        self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    *,
    database_url: str,
    storage: str | Path,
    secret: str,
    base_url: str,
    log: Path,
    journal: str | Path | None = None,
    port: int = 0,
    flush_interval: float | None = None,
) -> NodeProcess:
    """Start a node on `port` (0: a free one) and wait until it listens."""
    command = [
        sys.executable,
        "-m",
        "tests.support.serve",
        "--database-url",
        database_url,
        "--storage",
        str(storage),
        "--secret",
        secret,
        "--base-url",
        base_url,
        "--port",
        str(port),
    ]
    if journal is not None:
        command += ["--journal", str(journal)]
    if flush_interval is not None:
        command += ["--flush-interval", str(flush_interval)]
    with log.open("wb") as errors:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors)
    assert process.stdout is not None
    url = process.stdout.readline().decode().strip()
    if not url:
        process.wait(timeout=30)
        process.stdout.close()
        pytest.fail(f"the node did not start:\n{log.read_text()}")
    return NodeProcess(url, process)
