"""Ranked counts: yishi's IRV and STV against pyrankvote, measured in the same run.

    .venv/bin/python bench/counting.py            # 100,000 ballots, 10 candidates
    .venv/bin/python bench/counting.py --ballots 2000 --repeat 1   # a few seconds

Two profiles, each drawn with a fixed seed, every ballot ranking 3 to 10 names:

- ``blocs``: voters in five blocs, each bloc with its own order of candidates,
  each voter swapping a few neighbours at random — preferences with structure,
  as in a real electorate, so many ballots are identical;
- ``uniform``: every ranking equally likely (impartial culture), so nearly every
  ballot is distinct — the worst case for yishi, which groups identical ballots.

The same ballots go to both counts; the time to build pyrankvote's Ballot
objects is *not* charged to pyrankvote. Each side is timed ``--repeat`` times
and the best time is kept.

Aims (issue 8): IRV at least 5× faster than pyrankvote, STV with 3 seats at
least 2× faster, identical winners. The script exits 1 if winners differ or an
aim is missed.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yishi.domain.ranked import irv, stv


def profile(
    ballots: int, candidates: int, seed: int, model: str = "blocs"
) -> tuple[list[str], list[tuple[str, ...]]]:
    rng = random.Random(seed)
    names = [f"c{i:02d}" for i in range(candidates)]
    if model == "uniform":
        out = []
        for _ in range(ballots):
            ranking = names[:]
            rng.shuffle(ranking)
            out.append(tuple(ranking[: rng.randint(3, candidates)]))
        return names, out
    blocs = []
    for _ in range(5):
        order = names[:]
        rng.shuffle(order)
        blocs.append(order)
    weights = [35, 25, 20, 12, 8]
    out = []
    for _ in range(ballots):
        ranking = list(rng.choices(blocs, weights)[0])
        for _swap in range(3):
            i = rng.randrange(len(ranking) - 1)
            ranking[i], ranking[i + 1] = ranking[i + 1], ranking[i]
        out.append(tuple(ranking[: rng.randint(3, candidates)]))
    return names, out


def scottish_winners(
    names: list[str], ballots: list[tuple[str, ...]], seats: int
) -> list[str] | None:
    """The winners under the Scottish rules as pref_voting counts them (untimed)."""
    try:
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.proportional_methods import stv_scottish
    except ImportError:
        return None
    profile = ProfileWithTies([{c: r for r, c in enumerate(b)} for b in ballots], candidates=names)
    return sorted(stv_scottish(profile, num_seats=seats, rng=random.Random(0)))


def best(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--model", choices=("blocs", "uniform", "both"), default="both", help="ballot profile"
    )
    args = parser.parse_args(argv)

    import pyrankvote

    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} · Python {platform.python_version()} · "
        f"{platform.machine()} · pyrankvote {getattr(pyrankvote, '__version__', '?')}"
    )
    models = ("blocs", "uniform") if args.model == "both" else (args.model,)
    ok = True
    for model in models:
        ok &= compare(pyrankvote, args, model)
    return 0 if ok else 1


def compare(pyrankvote: Any, args: argparse.Namespace, model: str) -> bool:
    names, ballots = profile(args.ballots, args.candidates, args.seed, model)
    people = {n: pyrankvote.Candidate(n) for n in names}
    theirs = [pyrankvote.Ballot(ranked_candidates=[people[n] for n in b]) for b in ballots]
    print(
        f"# {model}: {len(ballots):,} ballots, {len(names)} candidates, "
        f"{len(set(ballots)):,} distinct; best of {args.repeat}"
    )
    ok = True
    for label, aim, ours, baseline in (
        (
            "IRV, 1 seat",
            5.0,
            lambda: irv(names, ballots).elected,
            lambda: pyrankvote.instant_runoff_voting(list(people.values()), theirs),
        ),
        (
            f"STV, {args.seats} seats",
            2.0,
            lambda: stv(names, ballots, args.seats).elected,
            lambda: pyrankvote.single_transferable_vote(
                list(people.values()), theirs, number_of_seats=args.seats
            ),
        ),
    ):
        ours_t, ours_won = best(args.repeat, ours)
        base_t, base_result = best(args.repeat, baseline)
        base_won = sorted(c.name for c in base_result.get_winners())  # type: ignore[attr-defined]
        won = sorted(ours_won)  # type: ignore[call-overload]
        same = won == base_won
        verdict = "identical" if same else f"DIFFER from pyrankvote {base_won}"
        if not same and label.startswith("STV"):
            # pyrankvote's STV is its own variant (quota votes/(seats+1), every ballot of
            # an elected candidate moved at one fraction); on a close count the rules
            # can elect differently. Check against the same rules, counted by pref_voting.
            scottish = scottish_winners(names, ballots, args.seats)
            if scottish is not None:
                same = won == scottish
                verdict += (
                    "; identical to pref_voting stv_scottish (same rules)"
                    if same
                    else f"; pref_voting stv_scottish: {scottish}"
                )
        ratio = base_t / ours_t
        met = same and ratio >= aim
        ok &= met
        print(
            f"{label:<14} yishi {ours_t * 1000:9.1f} ms   pyrankvote {base_t * 1000:9.1f} ms   "
            f"ratio {ratio:6.1f}× (aim ≥ {aim:.0f}×)   winners {won} {verdict}   "
            f"{'ok' if met else 'MISSED'}"
        )
    return ok


if __name__ == "__main__":
    sys.exit(main())
