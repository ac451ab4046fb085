"""Files attached to acts, stored by content beside the log.

A file lives at ``<root>/<first two hex digits>/<sha256>``; the name the user
gave it lives in the event. Storing by content means a file cannot be swapped
without its digest (and so the chain) changing, and the same photo attached
twice is kept once.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from pathlib import Path

from yishi.domain.evidence import Evidence

DIGEST = re.compile(r"[0-9a-f]{64}")
# An attachment is a photo or a scan; it is read whole into memory to be hashed
# and stored, so a bound keeps a mistaken path (a disk image) from exhausting it.
MAX_EVIDENCE_BYTES = 64 * 1024 * 1024


class EvidenceTooLarge(ValueError):
    """A file above :data:`MAX_EVIDENCE_BYTES`."""


def _read(path: Path) -> bytes:
    with path.open("rb") as stream:
        data = stream.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceTooLarge(f"{path.name}: larger than {MAX_EVIDENCE_BYTES} bytes")
    return data


def describe(data: bytes, name: str, media_type: str | None = None, note: str = "") -> Evidence:
    guessed = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Evidence(
        sha256=hashlib.sha256(data).hexdigest(),
        name=name,
        media_type=guessed,
        size=len(data),
        note=note,
    )


def describe_file(path: str | os.PathLike[str], note: str = "") -> Evidence:
    """The evidence record of a file, without keeping the file (a dry run)."""
    source = Path(path)
    return describe(_read(source), source.name, note=note)


# A temporary file older than this is left by a write that was killed; younger
# ones may belong to another process writing right now.
ORPHAN_AGE = 3600.0


def clean_orphans(
    folder: Path, now: float, older_than: float = ORPHAN_AGE, keep: Path | None = None
) -> list[Path]:
    """Remove the temporary files of interrupted writes (``.tmp-*``) from one folder,
    those modified more than ``older_than`` seconds before ``now`` (a file time).

    Called for the folder about to be written, so the cost is one folder's
    listing, never the whole store's; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(".tmp-") or (keep is not None and entry.path == str(keep)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


class EvidenceStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        # The digest comes from a record that may have been tampered with: never
        # let it name a file outside the evidence folder.
        if not DIGEST.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put_bytes(
        self, data: bytes, name: str, media_type: str | None = None, note: str = ""
    ) -> Evidence:
        evidence = describe(data, name, media_type, note)
        target = self.path(evidence.sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written whole or not at all: temp file, fsync, rename.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            # "Now" is our own new file's time: the store reads no clock (design.md §4).
            clean_orphans(target.parent, os.fstat(fd).st_mtime, keep=Path(tmp))
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return evidence

    def put_file(self, path: str | os.PathLike[str], note: str = "") -> Evidence:
        source = Path(path)
        return self.put_bytes(_read(source), source.name, note=note)

    def read(self, evidence: Evidence) -> bytes:
        return self.path(evidence.sha256).read_bytes()

    def problem(self, evidence: Evidence) -> str | None:
        """``None`` when the file is present and unaltered, else ``missing`` or ``altered``."""
        if not DIGEST.fullmatch(evidence.sha256):
            return "altered"
        target = self.path(evidence.sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            return "missing"
        if hashlib.sha256(data).hexdigest() != evidence.sha256 or len(data) != evidence.size:
            return "altered"
        return None
