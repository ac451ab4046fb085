"""Who may use the web application: API tokens, console passwords and roles per community.

Kept in a small SQLite file of its own (``<log>.access.db`` by default), never in the
governance log: credentials must be revocable and deletable, a backup or a published
copy of the log must not carry them, and ``yishi verify`` has nothing to say about them.
Tokens are stored as the SHA-256 of a random 32-byte secret (a token is as strong as a
key, so a fast hash is enough); passwords, which people choose, with scrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from pathlib import Path

ROLES = ("resident", "staff", "registrar")
TOKEN_PREFIX = "ys_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, actor TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL DEFAULT (datetime('now')), revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS grants (
    actor TEXT NOT NULL, community TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (actor, community, role));
CREATE TABLE IF NOT EXISTS passwords (
    actor TEXT PRIMARY KEY, salt BLOB NOT NULL, digest BLOB NOT NULL);
"""
# scrypt at n=2**14, r=8: ~16 MB and a few tens of milliseconds, OWASP's floor.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessStore:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- roles -------------------------------------------------------------

    def grant(self, actor: str, community: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO grants VALUES (?, ?, ?)", (actor, community, role)
            )

    def revoke_role(self, actor: str, community: str, role: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM grants WHERE actor=? AND community=? AND role=?",
                (actor, community, role),
            )

    def roles(self, actor: str, community: str) -> frozenset[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT role FROM grants WHERE actor=? AND community=?", (actor, community)
            ).fetchall()
        return frozenset(r[0] for r in rows)

    # -- tokens ------------------------------------------------------------

    def new_token(self, actor: str, label: str = "") -> str:
        """A new API token for ``actor``; shown once, only its digest is kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens (digest, actor, label) VALUES (?, ?, ?)",
                (token_digest(token), actor, label),
            )
        return token

    def actor_for_token(self, token: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT actor FROM tokens WHERE digest=? AND revoked=0", (token_digest(token),)
            ).fetchone()
        return row[0] if row else None

    def revoke_token(self, token_or_digest: str) -> bool:
        digest = token_or_digest if len(token_or_digest) == 64 else token_digest(token_or_digest)
        with self._lock:
            done = self._db.execute("UPDATE tokens SET revoked=1 WHERE digest=?", (digest,))
        return done.rowcount > 0

    def tokens(self) -> list[tuple[str, str, str, str, bool]]:
        """(digest, actor, label, created, revoked) of every token."""
        with self._lock:
            rows = self._db.execute(
                "SELECT digest, actor, label, created, revoked FROM tokens ORDER BY created"
            ).fetchall()
        return [(d, a, lbl, c, bool(r)) for d, a, lbl, c, r in rows]

    # -- console passwords ---------------------------------------------------

    def set_password(self, actor: str, password: str) -> None:
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO passwords VALUES (?, ?, ?)", (actor, salt, digest)
            )

    def check_password(self, actor: str, password: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT salt, digest FROM passwords WHERE actor=?", (actor,)
            ).fetchone()
        # An unknown account costs the same scrypt as a known one: no timing tells.
        salt, digest = row if row else (b"\0" * 16, b"")
        found = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
        return row is not None and hmac.compare_digest(found, digest)
