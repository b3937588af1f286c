"""Shared pieces of the HTTP benchmarks: a migrated database, a gunicorn server, a load generator."""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    """A one-line description of the machine the figures come from."""
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM; unlike ru_maxrss, exec does not carry over the
    parent's peak into a freshly started child)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A migrated SQLite database in a temporary folder; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="dxnode-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    try:
        yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Serve an app with gunicorn on loopback until the block ends; yields the base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        app_spec,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def requests_per_second(url: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    """Throughput of one URL under concurrent keep-alive clients (wrk when installed)."""
    if shutil.which("wrk"):
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non2xx:
            raise RuntimeError(f"{non2xx.group(1)} failed responses from {url}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return _python_load(url, headers, seconds, connections)


def _python_load(url: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    """A fallback load generator: keep-alive connections on threads."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status} from {url}")
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start)


def interleaved(
    runs: dict[str, tuple[str, dict[str, str]]], rounds: int, seconds: float, connections: int
) -> dict[str, float]:
    """Median throughput of each candidate, measured in alternating rounds so drift hits both alike."""
    results: dict[str, list[float]] = {name: [] for name in runs}
    for url, headers in runs.values():  # warm-up
        requests_per_second(url, headers, 1, connections)
    for _ in range(rounds):
        for name, (url, headers) in runs.items():
            results[name].append(requests_per_second(url, headers, seconds, connections))
    return {name: statistics.median(values) for name, values in results.items()}


def print_json(data: dict[str, object]) -> None:
    """Machine-readable figures on the last line."""
    print(json.dumps(data))
