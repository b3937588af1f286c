"""The usage journal: events made durable before delivery, put in the database in batches.

A delivery that needs no decision from the database (its agreement has no use limit and the request
carries no `Idempotency-Key`) still needs its usage event to be durable before the data leaves, and
counted once. The event is appended as one JSON line to this process's journal: a file mapped into
memory with `MAP_SHARED`, so the line is in the kernel's page cache as soon as it is copied there,
and stays there (to reach the file) whatever happens to the process afterwards. A background thread
writes the journal to the database every `USAGE_FLUSH_INTERVAL` seconds in one transaction per batch,
skipping events already there by id and adding to each agreement's counter only the events that were
new; so a batch written twice (a crash between the commit and the clearing of the journal) counts
nothing twice. A line cut short by a crash ends without its newline and is ignored: its delivery had
not begun.

Each process holds an exclusive `flock` on its journal while it lives. Any process of the node that
finds a journal whose lock it can take knows its writer is gone, writes that journal to the database
and deletes it: a worker killed mid-request loses nothing that it had journaled. A journal lives on
the host that wrote it (`USAGE_JOURNAL_PATH`, by default `instance/usage-journal`); its space is
allocated when it is created, so a full disk refuses a journal rather than a delivery half-way.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import mmap
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from . import metering

log = logging.getLogger(__name__)

_PID = [os.getpid()]  # a system call is dear on the hot path; kept right across fork()
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))
_RANDOM = threading.local()

PREFIX = "usage-"
SUFFIX = ".jsonl"
RECOVERY_ROUNDS = 25  # look for journals of dead processes every 25th write (5 s by default)
CAPACITY = 16 * 1024 * 1024  # bytes of one journal: tens of thousands of deliveries between writes
MAX_BATCH = 5000


class JournalFull(Exception):
    """The journal has no room left and the database would not take what it holds."""


class Journal:
    """One process's usage journal, and the writer of every orphaned journal in its folder."""

    def __init__(self, engine: Engine, folder: Callable[[], Path], interval: float) -> None:
        self._engine = engine
        self._where = folder
        self._folder: Path | None = None
        self._interval = interval
        self._lock = threading.Lock()  # appends and truncation
        self._flushing = threading.Lock()  # one flush at a time
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        self._path: Path | None = None
        self._pid = 0
        self._flushed = 0  # bytes of our file already in the database
        self._written = 0  # bytes of our file
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = 0  # the pid whose writer thread runs

    @property
    def folder(self) -> Path:
        """Where the journals of this host's processes are."""
        if self._folder is None:
            self._folder = self._where()
        return self._folder

    def append(self, delivery: metering.Delivery, *, at: datetime, duration_ms: int) -> str:
        """Journal a delivery's usage event before the data is sent; the event's id."""
        event_id = _new_id()
        row = {**vars(delivery), "id": event_id, "at": at.astimezone(UTC).isoformat(), "ms": duration_ms}
        line = (json.dumps(row, separators=(",", ":")) + "\n").encode()
        for _ in range(2):
            with self._lock:
                mapped = self._own_file()
                end = self._written + len(line)
                if end <= CAPACITY:
                    mapped[self._written : end] = line
                    self._written = end
                    return event_id
            self.flush()  # full: the database takes it now, on this request's time
        raise JournalFull(f"the usage journal is full and the database did not take it ({CAPACITY} bytes)")

    def pending(self) -> int:
        """Bytes journaled by this process and not yet in the database."""
        return self._written - self._flushed

    def flush(self) -> int:
        """Write this process's journal to the database; the number of new events."""
        with self._flushing:
            if self._fd is None or self._pid != _PID[0] or self._written == self._flushed:
                return 0
            assert self._map is not None
            end = self._written
            added = write_events(self._engine, _rows(self._map[self._flushed : end]))
            with self._lock:
                if end == self._written:  # all in the database: clear the journal and start again
                    self._map[:end] = bytes(end)
                    self._written = self._flushed = 0
                else:
                    self._flushed = end
            return added

    def recover(self) -> int:
        """Write every journal whose process is gone to the database, then delete it; new events."""
        added = 0
        for path in sorted(self.folder.glob(f"{PREFIX}*{SUFFIX}")):
            if path == self._path:
                continue
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue  # another process recovered it first
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process is alive and writes it
                if not path.exists():
                    continue
                with open(fd, "rb", closefd=False) as reader:
                    data = reader.read()
                data = data.split(b"\0", 1)[0]  # what was written; the rest is the unused space
                added += write_events(self._engine, _rows(data[: data.rfind(b"\n") + 1]))
                path.unlink()
            finally:
                os.close(fd)
        return added

    def start(self) -> None:
        """Recover orphaned journals and start the background writer (once per process)."""
        if self._running == _PID[0]:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == _PID[0]:
                return
            self._own_file()
            try:
                self.recover()
            except Exception:
                log.exception("recovering usage journals failed; the writer retries")
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="dxnode-usage-journal", daemon=True)
            self._thread.start()
            if not self._running:
                atexit.register(self.close)  # a worker that stops writes what it journaled
            self._running = _PID[0]

    def close(self) -> None:
        """Stop the writer, write what is left, and remove the empty journal."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        self._running = 0
        self.flush()
        with self._lock:
            if self._fd is not None and self._map is not None and self._pid == _PID[0]:
                if self._written == 0 and self._path is not None:
                    self._path.unlink(missing_ok=True)
                self._map.close()
                os.close(self._fd)
            self._fd = self._map = None

    def _run(self) -> None:
        rounds = 0
        while not self._stop.wait(self._interval):
            rounds += 1
            try:
                self.flush()
                if rounds % RECOVERY_ROUNDS == 0:
                    self.recover()
            except Exception:
                log.exception("writing the usage journal failed; retrying")

    def _own_file(self) -> mmap.mmap:
        """This process's journal, created, locked and mapped on first use (again after a fork)."""
        if self._map is not None and self._pid == _PID[0]:
            return self._map
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{PREFIX}{socket.gethostname()}-{_PID[0]}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        draft = folder / f".{name}"
        fd = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.posix_fallocate(fd, 0, CAPACITY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            mapped = mmap.mmap(fd, CAPACITY, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        except BaseException:
            os.close(fd)
            draft.unlink(missing_ok=True)
            raise
        os.rename(draft, folder / name)  # visible to recovery only once it is locked
        self._fd, self._map, self._path, self._pid = fd, mapped, folder / name, _PID[0]
        self._written = self._flushed = 0
        return mapped


def _new_id() -> str:
    """A random (version 4) UUID, its randomness drawn from the system 4 KiB at a time."""
    pool = getattr(_RANDOM, "pool", b"")
    if not pool or _RANDOM.pid != _PID[0]:
        pool, _RANDOM.pid = os.urandom(4096), _PID[0]
    _RANDOM.pool = pool[16:]
    raw = bytearray(pool[:16])
    raw[6], raw[8] = raw[6] & 0x0F | 0x40, raw[8] & 0x3F | 0x80  # version 4, RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _rows(data: bytes) -> list[dict[str, Any]]:
    rows = []
    for line in data.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            log.error("unreadable usage journal line skipped: %r", line[:200])
    return rows


def write_events(engine: Engine, rows: Iterable[dict[str, Any]]) -> int:
    """Insert journaled events that are not in the database yet and count them; the number inserted."""
    batch = list(rows)
    added = 0
    for start in range(0, len(batch), MAX_BATCH):
        added += _write_batch(engine, batch[start : start + MAX_BATCH])
    return added


def _write_batch(engine: Engine, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    with engine.begin() as connection:
        driver = connection.connection.driver_connection
        statements = metering.statements_for(connection.dialect)
        cursor = driver.cursor()  # type: ignore[union-attr]
        ids = [row["id"] for row in rows]
        present: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(statements.existing_ids(len(chunk)), chunk)
            present.update(found for (found,) in cursor.fetchall())
        new = [row for row in rows if row["id"] not in present]
        cursor.executemany(statements.record, [_values(statements, row) for row in new])
        uses = Counter(row["agreement_id"] for row in new)
        now = statements.moment(datetime.now(UTC))
        for agreement_id, units in uses.items():
            cursor.execute(statements.add_uses, (units, now, agreement_id))
            if cursor.rowcount == 0:
                cursor.execute(statements.open_counter, (agreement_id, units, now))
    return len(new)


def _values(statements: Any, row: dict[str, Any]) -> tuple[Any, ...]:
    at = datetime.fromisoformat(row["at"])
    return statements.event_values(
        row["id"],
        metering.Delivery(**{k: v for k, v in row.items() if k not in ("id", "at", "ms")}),
        at=at,
        key=None,
        duration_ms=int(row.get("ms", 0)),
    )
