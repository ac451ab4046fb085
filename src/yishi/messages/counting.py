"""Vote methods that count, invalid ballots and the secret ballot box."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "method_for_elections": (
        "“{method}”是选举的计票方式，不能用于事项表决",
        "'{method}' counts elections and cannot be used to vote on a motion",
    ),
    "method_seats": (
        "“{method}”只能选 {most} 名，本次应选 {seats} 名",
        "'{method}' fills at most {most} seat(s); this election has {seats}",
    ),
    "ranked_needs_ballots": (
        "“{method}”须逐张录入排序选票，不能只录入得票合计",
        "'{method}' needs the ranked ballots, not totals per candidate",
    ),
    "ballot_box_mismatch": (
        "投票箱中有 {box} 张选票，投票登记为 {register} 人，二者不符，不能开箱计票",
        "the ballot box holds {box} ballots but {register} voters are registered: not counted",
    ),
    "recusal_after_secret_ballot": (
        "{person} 已投无记名票，选票无法从票箱中取出；回避须在投票前声明",
        "{person} has already cast a secret ballot, which cannot be taken out of the box: "
        "declare an interest before voting",
    ),
    "ballot_too_long": (
        "选票内容过长（{size} 字节，至多 {most} 字节）：请缩短无效原因或减少所列人数",
        "the ballot is too long ({size} bytes, at most {most}): shorten the reason or the list",
    ),
    "sealed_box_unsupported": (
        "当前记录库不支持密封投票箱，无记名投票请录入计票结果",
        "this store cannot keep a sealed ballot box: enter the secret ballot as a count",
    ),
}
