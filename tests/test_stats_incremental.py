"""The stats fold fed in pieces: the web keeps a tally per period and feeds it
only the records that came since. Whatever the pieces, and whatever the period,
it must give the document one count of the whole log gives, and a document read
between two pieces must not change what the tally goes on to count."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yishi import load_scenario
from yishi.scenario.run import run_scenario
from yishi.stats import Span, Tally, compute

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# Deadlines met and missed, referrals, backfilled paper steps, councils handing a
# matter on, suggestions merged and declined, evaluations: every part of the fold.
NAMES = (
    "04_objection_during_disclosure",
    "09_zhihui_yun",
    "13_backfill_paper_decision",
    "14_bench_to_council_to_siyi",
    "20_wumin",
    "21_chuishao_baodao",
    "22_cungui_minyue",
    "23_fuwu_paidan",
    "24_weixinyuan",
    "25_jumin_gongyue",
    "33_villager_groups",
)
# Every scenario among the examples (the others are rule sets alone).
SCENARIOS = sorted(p.stem for p in EXAMPLES.glob("[0-9][0-9]_*.toml"))


@functools.cache
def played(name: str) -> tuple[list[Any], dict[str, Any]]:
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    engine = run_scenario(scenario).engine
    return [s.event for s in engine.store.read_all()], dict(engine.rulesets)


@st.composite
def pieces(draw: st.DrawFn) -> tuple[str, list[int], Span]:
    name = draw(st.sampled_from(NAMES))
    events, _ = played(name)
    cuts = sorted(draw(st.lists(st.integers(0, len(events)), max_size=6)))
    days = sorted({e.at.date() for e in events})
    first = draw(st.sampled_from(days)) - dt.timedelta(days=draw(st.integers(0, 40)))
    last = first + dt.timedelta(days=draw(st.integers(0, 500)))
    return name, cuts, Span(first, last)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces())
def test_a_tally_fed_in_pieces_gives_the_whole_count(case: tuple[str, list[int], Span]) -> None:
    name, cuts, span = case
    events, rulesets = played(name)
    tally = Tally(rulesets, span)
    at = 0
    for cut in cuts:
        tally.feed(events[at:cut])
        at = cut
        assert tally.document() == compute(events[:cut], rulesets, span)
        tally = tally.copy()  # as the web goes on from a kept one
    tally.feed(events[at:])
    assert tally.document() == compute(events, rulesets, span)


def test_a_copy_goes_on_alone_and_the_original_is_left_as_it_was() -> None:
    """The web copies the kept tally before feeding it, since two requests may go
    on from it at once; a deadline settled in the copy must not reach the original."""
    events, rulesets = played("04_objection_during_disclosure")
    span = Span(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    answered = next(i for i, e in enumerate(events) if type(e).__name__ == "ObjectionAnswered")
    tally = Tally(rulesets, span)
    tally.feed(events[:answered])
    before = tally.document()
    twin = tally.copy()
    twin.feed(events[answered:])
    assert tally.document() == before == compute(events[:answered], rulesets, span)
    assert twin.document() == compute(events, rulesets, span)
    assert (
        twin.document()["total"]["figures"]["deadlines"] != before["total"]["figures"]["deadlines"]
    )


def test_a_tally_copied_at_any_record_of_any_example_goes_on_to_the_whole_count() -> None:
    """Every cut, not a sample: a deadline opened before the cut and settled after
    it reaches the matter's own list of deadlines only if the copy keeps the two
    as one (four examples have such a cut, at one to four records each)."""
    span = Span(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    assert len(SCENARIOS) >= 25
    for name in SCENARIOS:
        events, rulesets = played(name)
        whole = compute(events, rulesets, span)
        for cut in range(len(events) + 1):
            tally = Tally(rulesets, span)
            tally.feed(events[:cut])
            tally = tally.copy()
            tally.feed(events[cut:])
            assert tally.document() == whole, (name, cut)
