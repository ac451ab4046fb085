"""Messages of the store work on speed and the PostgreSQL ballot box (session 15)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "migrate_no_ballot_box": (
        "源记录中有尚未结束的无记名投票（票箱内 {ballots} 张选票），目标存储没有票箱，未迁移："
        "请先结束投票，或迁入有票箱的存储",
        "the source holds a secret vote still open ({ballots} ballot(s) in its box) and the "
        "target keeps no ballot box; nothing was copied: close the vote first, or migrate "
        "into a store with a ballot box",
    ),
}
