"""Ranked counts: yishi's IRV and STV against pyrankvote, measured in the same run.

    .venv/bin/python bench/counting.py            # 100,000 ballots, 10 candidates
    .venv/bin/python bench/counting.py --ballots 2000 --repeat 1   # a few seconds

Ballots are drawn with a fixed seed from a model with structure (voters in five
blocs, each bloc with its own order of candidates, each voter swapping a few
neighbours at random and ranking 3 to 10 names), so that the winners are not a
coin toss and both counts must agree on them. The same ballots go to both; the
time to build pyrankvote's Ballot objects is *not* charged to pyrankvote. Each
side is timed ``--repeat`` times and the best time is kept.

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yishi.domain.ranked import irv, stv


def profile(ballots: int, candidates: int, seed: int) -> tuple[list[str], list[tuple[str, ...]]]:
    rng = random.Random(seed)
    names = [f"c{i:02d}" for i in range(candidates)]
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
    args = parser.parse_args(argv)

    import pyrankvote

    names, ballots = profile(args.ballots, args.candidates, args.seed)
    people = {n: pyrankvote.Candidate(n) for n in names}
    theirs = [pyrankvote.Ballot(ranked_candidates=[people[n] for n in b]) for b in ballots]
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} · Python {platform.python_version()} · "
        f"{platform.machine()} · pyrankvote {getattr(pyrankvote, '__version__', '?')}"
    )
    print(
        f"# {len(ballots):,} ballots, {len(names)} candidates, {len(set(ballots)):,} distinct; "
        f"best of {args.repeat}"
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
        same = sorted(ours_won) == base_won  # type: ignore[arg-type]
        ratio = base_t / ours_t
        met = same and ratio >= aim
        ok &= met
        print(
            f"{label:<14} yishi {ours_t * 1000:9.1f} ms   pyrankvote {base_t * 1000:9.1f} ms   "
            f"ratio {ratio:6.1f}× (aim ≥ {aim:.0f}×)   winners "
            f"{'identical' if same else 'DIFFER'} {sorted(ours_won)}"  # type: ignore[arg-type]
            f"{'' if same else f' vs {base_won}'}   {'ok' if met else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
