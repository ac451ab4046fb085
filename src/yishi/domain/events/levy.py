"""一事一议: each household's view, canvassed and signed (domain/canvass.py), and the
plan of money and labour (筹资筹劳, domain/levy.py)."""

from __future__ import annotations

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class HouseholdCanvassed(Event):
    matter: str
    household: str
    representative: str
    signer: str
    view: str
    document: str = ""


@attrs.frozen(kw_only=True)
class LevyPlanRecorded(Event):
    matter: str
    year: int
    money: str
    labour_days: str
    budget: str = ""
    exemptions: tuple[tuple[str, str], ...] = ()
    text: str = ""
