"""Evidence files kept in the database, by content (SHA-256), shared by every community.

The same interface as :class:`yishi.store.evidence.EvidenceStore` (files on
disk beside a SQLite log): a city keeps the record and its attachments in one
place, backed up and replicated together.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import psycopg

from yishi.domain.evidence import Evidence
from yishi.store.evidence import DIGEST, describe


class PostgresEvidence:
    def __init__(self, conn: psycopg.Connection[Any], lock: threading.Lock) -> None:
        self._conn = conn  # autocommit: each file is committed when put returns
        self._lock = lock

    def put_bytes(
        self, data: bytes, name: str, media_type: str | None = None, note: str = ""
    ) -> Evidence:
        evidence = describe(data, name, media_type, note)
        with self._lock:
            self._conn.execute(
                "INSERT INTO yishi_evidence (sha256, data) VALUES (%s, %s)"
                " ON CONFLICT (sha256) DO NOTHING",
                (evidence.sha256, data),
            )
        return evidence

    def put_file(self, path: str | os.PathLike[str], note: str = "") -> Evidence:
        source = Path(path)
        return self.put_bytes(source.read_bytes(), source.name, note=note)

    def _data(self, sha256: str) -> bytes | None:
        if not DIGEST.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM yishi_evidence WHERE sha256 = %s", (sha256,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def read(self, evidence: Evidence) -> bytes:
        data = self._data(evidence.sha256)
        if data is None:
            raise FileNotFoundError(f"no evidence {evidence.sha256} ({evidence.name})")
        return data

    def problem(self, evidence: Evidence) -> str | None:
        """``None`` when the file is present and unaltered, else ``missing`` or ``altered``."""
        if not DIGEST.fullmatch(evidence.sha256):
            return "altered"
        data = self._data(evidence.sha256)
        if data is None:
            return "missing"
        if hashlib.sha256(data).hexdigest() != evidence.sha256 or len(data) != evidence.size:
            return "altered"
        return None
