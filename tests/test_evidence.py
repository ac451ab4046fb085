"""Evidence files stored by content beside the log."""

from __future__ import annotations

import hashlib

import pytest

from yishi.domain.evidence import Evidence
from yishi.store.evidence import EvidenceStore


def test_files_are_stored_once_by_content_and_checked(tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    first = store.put_bytes(b"sign-in sheet", "签到表.jpg", note="签到表")
    again = store.put_bytes(b"sign-in sheet", "copy.jpg")
    assert first.sha256 == again.sha256 == hashlib.sha256(b"sign-in sheet").hexdigest()
    assert first.media_type == "image/jpeg" and first.size == 13
    assert len(list((tmp_path / "evidence").rglob("*"))) == 2  # one folder, one file
    assert store.problem(first) is None
    store.path(first.sha256).write_bytes(b"sign-in sheet, edited")
    assert store.problem(first) == "altered"
    store.path(first.sha256).unlink()
    assert store.problem(first) == "missing"


@pytest.mark.parametrize("digest", ["../../../etc/passwd", "AB" * 32, "0" * 63, ""])
def test_a_tampered_digest_never_names_a_file_outside_the_folder(tmp_path, digest):
    store = EvidenceStore(tmp_path / "evidence")
    assert store.problem(Evidence(sha256=digest, name="x", size=1)) == "altered"
    with pytest.raises(ValueError):
        store.path(digest)
