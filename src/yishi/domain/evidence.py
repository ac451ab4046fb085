"""Evidence: a file attached to an act (a photo of the sign-in sheet, a scan of
the minutes, a photo of the notice on the board).

Offline meetings are the normal case, so any command may carry evidence. The
domain keeps only the file's SHA-256 and description; the store keeps the
bytes beside the log, addressed by that digest, so the hash chain covers them.
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Evidence:
    sha256: str  # lower-case hex of the file's bytes
    name: str  # the file name as given, for people
    media_type: str = "application/octet-stream"
    size: int = 0
    note: str = ""  # what it shows: "签到表", "会议记录扫描件"
