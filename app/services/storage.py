"""Where distribution files live: a folder on disk, written atomically, checked by SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """A file written to storage."""

    key: str
    byte_size: int
    sha256: str


class Storage:
    """Files under one root folder, named by key (a distribution id); no key can escape the root."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file of a key."""
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def write(self, key: str, stream: IO[bytes], max_bytes: int) -> StoredFile:
        """Copy a stream into storage, hashing it; the old file is replaced only once the new one is whole."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ValueError(f"the file is larger than the limit of {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(temp, self.path(key))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return StoredFile(key, size, digest.hexdigest())

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream a file, or a byte range of it (``end`` inclusive)."""
        with open(self.path(key), "rb") as f:
            f.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                chunk = f.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def delete(self, key: str) -> None:
        """Remove a file if it exists."""
        self.path(key).unlink(missing_ok=True)
