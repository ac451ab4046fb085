"""What happens after a stage: the transitions a rule set names for each outcome
(``on_pass``, ``on_reject``, ``on_no_quorum`` …), and their words.

Followed by ``domain/flow.py``; a hand-off to another procedure by ``domain/handoff.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs


class Action(str, enum.Enum):
    NEXT = "next"  # go on to the following stage
    GOTO = "goto"  # go to a named stage
    REVISE_AND_RESTART = "revise_and_restart"  # revise the plan, restart at a named stage
    ABANDON = "abandon"  # the matter ends without implementation
    RECONVENE = "reconvene"  # hold the meeting again, with fresh notice
    ESCALATE = "escalate"  # hold the stage again before a larger body
    COMPLETE = "complete"  # the procedure is finished
    # hand the matter, with its whole record, to another procedure (村组法 2025 Art. 33:
    # what a consultation cannot settle goes to the assembly); see domain/handoff.py
    HAND_OFF = "hand_off"


@attrs.frozen
class Transition:
    action: Action
    stage: str | None = None  # for goto / revise_and_restart
    body: str | None = None  # for escalate
    notice_days: int | None = None  # for reconvene; None = the body's own notice
    # for hand_off: the rule set the matter moves to (stage: its entry stage), the
    # matter type it takes there (None: it keeps its own), and why, in words
    procedure: str | None = None
    matter_type: str | None = None
    note: str = ""
    note_en: str = ""

    def describe(self, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
        """The transition in words; ``names`` maps stage and body ids to their names."""
        stage = (names or {}).get(self.stage or "", self.stage)
        body = (names or {}).get(self.body or "", self.body)
        target = target_en = ""
        if self.action is Action.HAND_OFF:  # names of another rule set: domain/handoff.py
            title = (names or {}).get(f"procedure:{self.procedure}")
            into = (names or {}).get(f"{self.procedure}.{self.stage}")
            target = (f"“{title}”" if title else "其他议事程序") + (f"的“{into}”" if into else "")
            target_en = (f"'{title}'" if title else "another procedure") + (
                f" at '{into}'" if into else ""
            )
        zh = {
            Action.NEXT: "进入下一步",
            Action.GOTO: f"转入“{stage}”",
            Action.REVISE_AND_RESTART: f"修改方案后从“{stage}”重新开始",
            Action.ABANDON: "终止，不得实施",
            Action.RECONVENE: "重新通知后再次召开",
            Action.ESCALATE: f"提交{body}",
            Action.COMPLETE: "程序完成",
            Action.HAND_OFF: f"移交{target}",
        }
        en = {
            Action.NEXT: "go on to the next stage",
            Action.GOTO: f"go to '{stage}'",
            Action.REVISE_AND_RESTART: f"revise and restart at '{stage}'",
            Action.ABANDON: "abandon; not to be implemented",
            Action.RECONVENE: "reconvene with fresh notice",
            Action.ESCALATE: f"escalate to {body}",
            Action.COMPLETE: "procedure complete",
            Action.HAND_OFF: f"hand off to {target_en}",
        }
        return (en if lang == "en" else zh)[self.action]
