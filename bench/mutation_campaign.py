"""The independent mutation campaign of issue 13, for the new procedures too.

Shipped rule sets, example scenarios and their community files are mutated
(hostile values, the last number nudged by one, dates moved, ``do`` verbs
swapped, whole ``[...]`` blocks dropped, repeated or moved) and run in-process
through the CLI: ``yishi check`` for a rule set (or ``yishi run`` of a scenario
that names it by path), ``yishi run --json --db`` for a scenario; a log that ran
then goes through ``yishi verify``, ``yishi stats`` (JSON and English table) and
``yishi publish --no-pdf``. A finding is a traceback, a case over the time limit
(SIGALRM), a log verify refuses, or publish/stats failing on a log that ran.
Each finding's mutated file is written to FOUND.

  ROOT=. FOUND=/tmp/found .venv/bin/python bench/mutation_campaign.py N SEED

  TMO=60     seconds per case     GENTLE=0.7  share of cases with one mutation
  ONLY=re    only files whose name matches

tests/test_fuzz.py is the bounded version that runs in CI (T22).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from yishi.cli import main

sys.setrecursionlimit(5000)
ROOT = Path(os.environ.get("ROOT", Path(__file__).resolve().parents[1]))
FOUND = Path(os.environ.get("FOUND", "/tmp/yishi_found"))
ONLY = os.environ.get("ONLY", "")
GENTLE = float(os.environ.get("GENTLE", "0"))
TMO = int(os.environ.get("TMO", "60"))
NEW = ("wumin", "cungui", "jumin", "chuishao", "fuwu", "weixinyuan", "guhuai", "yishi_yiyi",
       "villager_group", "14_", "15_", "2", "3", "yiyi_village", "guhuai_village")  # fmt: skip
# Keys of the councils, 村民小组 and 一事一议 work, mutated more often.
NEW_KEYS = set(
    [
        "hand_off",
        "procedures",
        "routes",
        "groups",
        "group",
        "per",
        "canvass",
        "petitions",
        "referral",
        "women_present",
        "levy",
        "money",
        "labour_days",
        "budget",
        "exemptions",
        "amount",
        "sittings",
        "money_cap",
        "labour_cap",
        "labour_ages",
        "reply_working_days",
        "on_overdue",
        "quorum_also",
        "further_approvals",
        "reply_days",
        "handler",
        "cosigners",
        "year",
        "item",
        "lines",
        "kind",
        "stage",
        "to",
        "answer",
        "reached",
        "households",
        "membership",
        "base",
        "fraction",
        "percent",
        "cmp",
        "excludes_relatives_of",
        "use",
        "by",
        "satisfied",
        "rating",
        "raters",
        "min_suggestions",
        "answer_days",
        "counting",
        "reply",
        "approved",
        "reviewer",
        "reviewers",
        "outcome",
        "recipients",
        "responders",
        "on_unresolved",
        "suggestion",
        "suggestions",
        "merge_steps",
        "in_sequence",
        "quorum",
        "threshold",
    ]
)
VALUES = [
    "0",
    "-1",
    "1e9",
    '"x"',
    '""',
    "true",
    "[]",
    "{}",
    "1981-01-01T08:00:00",
    "9999-12-31",
    '"1/0"',
    '"0/1"',
    '"3/2"',
    '"-1/2"',
    "2147483648",
    "1.5",
    "nan",
    "inf",
    '"../../etc/passwd"',
    '"\\u0000"',
    "[1,2]",
    '"<script>alert(1)</script>"',
    '"-5"',
    '"1e400"',
    '"0.0000001"',
    '"99999999999999999999"',
    '"NaN"',
    '"Infinity"',
    '["v001..v99999999"]',
    '"v001..v99999999"',
    '[""]',
    '["x","x"]',
    "0001-01-01",
    "23:59:59",
    '"\\u202e"',
    "[[]]",
    '"/dev/zero"',
    '"/etc"',
    '"."',
    "1e-300",
    "-0",
    '"０"',
    '"十"',
    '"m1"',
    '"p01"',
]
VERBS = [
    "account_entry",
    "answer",
    "approve",
    "ballot",
    "budget",
    "canvass",
    "check_in",
    "close_evaluation",
    "close_meeting",
    "complete",
    "consensus",
    "convene",
    "declare_interest",
    "decline",
    "election_count",
    "hand_count",
    "merge",
    "object",
    "plan",
    "progress",
    "propose",
    "publish",
    "rate",
    "ratings",
    "record",
    "refer",
    "referral_answer",
    "sign_off",
    "suggest",
    "tick",
    "vote",
    "votes",
    "withdraw",
    "xyz",
]
KEY = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=")


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*\[", line)]
    return list(zip(starts, [*starts[1:], len(lines)], strict=True))


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    own = [f'"{s}"' for s in set(re.findall(r'"([a-z][a-z0-9_\-]{0,30})"', text))] or ['"x"']
    for _ in range(1 if rng.random() < GENTLE else rng.randint(1, 3)):
        keyed = [i for i, line in enumerate(lines) if KEY.match(line)]
        if not keyed:
            break
        new = [i for i in keyed if KEY.match(lines[i]).group(1).split(".")[-1] in NEW_KEYS]  # type: ignore[union-attr]
        i = rng.choice(new if new and rng.random() < 0.6 else keyed)
        key = lines[i].split("=", 1)[0]
        op = rng.random()
        if op < 0.35:
            lines[i] = key + "= " + rng.choice(VALUES)
        elif op < 0.5:  # another of the file's own ids: a stage, a body, a person
            listed = "[" + ", ".join(rng.sample(own, min(len(own), rng.randint(0, 3)))) + "]"
            lines[i] = key + "= " + rng.choice([*own, listed])
        elif op < 0.55:
            lines[i] = f'do = "{rng.choice(VERBS)}"'
        elif op < 0.62:
            del lines[i]
        elif op < 0.68:
            lines.insert(i, lines[i])
        elif op < 0.72:
            j = rng.choice(keyed)
            lines[i], lines[j] = lines[j], lines[i]
        elif op < 0.80:  # off by one (or a hundred) at a boundary
            m = re.search(r"(-?\d+)(?!.*\d)", lines[i])
            if m:
                n = int(m.group(1)) + rng.choice([-1, 1, -100, 1000])
                lines[i] = lines[i][: m.start()] + str(n) + lines[i][m.end() :]
        elif op < 0.85:  # a date moved: actions out of order, deadlines missed
            m = re.search(r"(\d{4})-(\d\d)-(\d\d)", lines[i])
            if m:
                month = rng.choice(["01", "03", "06", "12"])
                day = f"{m.group(1)}-{month}-{rng.randint(1, 28):02d}"
                lines[i] = lines[i][: m.start()] + day + lines[i][m.end() :]
        else:
            blocks = _blocks(lines)
            if len(blocks) >= 2:
                (a, b) = rng.choice(blocks)
                how = rng.random()
                if how < 0.35:
                    del lines[a:b]
                elif how < 0.7:
                    lines[b:b] = lines[a:b]
                else:
                    block, rest = lines[a:b], lines[:a] + lines[b:]
                    others = _blocks(rest)
                    at = rng.choice(others)[1] if others else len(rest)
                    lines = rest[:at] + block + rest[at:]
    return "\n".join(lines)


class Hang(BaseException):
    pass


def _alarm(*_: Any) -> None:
    raise Hang


def _plan(f: Path, target: Path, folder: Path, db: Path, rng: random.Random) -> list[str]:
    examples = sorted((ROOT / "examples").glob("[0-9]*.toml"))
    if f.parent.name == "rulesets":
        pattern = rf'^((?:ruleset|use)\s*=.*)"{f.stem}"'
        users = [e for e in examples if re.search(pattern, e.read_text(), re.M)]
        if users and rng.random() < 0.6:  # run a scenario under the mutated rule set
            user = rng.choice(users)
            scenario = folder / "examples" / user.name
            named = lambda m: m.group(1) + f'"{target}"'  # noqa: E731
            scenario.write_text(re.sub(pattern, named, user.read_text(), flags=re.M))
            return ["run", "--json", "--db", str(db), str(scenario)]
        return ["check", str(target)]
    if f.name[0].isdigit():
        return ["run", "--json", "--db", str(db), str(target)]
    # a community file or a local rule set: run a scenario that uses it
    users = [
        e for e in examples if f'"{f.name}"' in e.read_text() or f'"{f.stem}"' in e.read_text()
    ]
    if users:
        return ["run", "--json", "--db", str(db), str(folder / "examples" / rng.choice(users).name)]
    return ["check", str(target)]


def campaign(n: int, seed: int) -> int:
    rng = random.Random(seed)
    everything = sorted((ROOT / "rulesets").glob("*.toml")) + sorted(
        (ROOT / "examples").glob("*.toml")
    )
    files = [f for f in everything if not ONLY or re.search(ONLY, f.name)]
    new = [f for f in files if f.name.startswith(NEW)]
    runner = CliRunner()
    FOUND.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    bad = hangs = published = 0
    codes: dict[tuple[str, int], int] = {}
    started = time.time()
    for k in range(n):
        f = rng.choice(new if new and rng.random() < 0.75 else files)
        folder = Path(tempfile.mkdtemp())
        mutated, ops = "", []
        try:
            shutil.copytree(ROOT / "examples", folder / "examples")
            shutil.copytree(ROOT / "rulesets", folder / "rulesets")
            target = folder / f.parent.name / f.name
            mutated = mutate(f.read_text(), rng)
            target.write_text(mutated)
            db = folder / "x.db"
            first = _plan(f, target, folder, db, rng)
            signal.alarm(TMO)
            try:
                ops.append((first[0], runner.invoke(main, first)))
                if first[0] == "run" and ops[0][1].exit_code == 0 and db.exists():
                    published += 1
                    then = (
                        ["verify", "--db", str(db)],
                        ["stats", "--db", str(db), "--format", "json", "--from", "2000-01-01", "--to", "2100-12-31"],
                        ["stats", "--db", str(db), "--lang", "en"],
                        ["publish", "--db", str(db), "--to", str(folder / "site"), "--no-pdf"]
                        + (["--lang", "en"] if rng.random() < 0.3 else []),
                    )  # fmt: skip
                    ops += [(args[0], runner.invoke(main, args)) for args in then]
            finally:
                signal.alarm(0)
            for name, result in ops:
                codes[(name, result.exit_code)] = codes.get((name, result.exit_code), 0) + 1
                crashed = result.exception is not None and not isinstance(
                    result.exception, SystemExit
                )
                failed = name in ("verify", "stats", "publish") and result.exit_code != 0
                if crashed or failed or "Traceback" in (result.output or ""):
                    bad += 1
                    print("=== FINDING", f.name, name, repr(result.exception), flush=True)
                    if result.exception is not None:
                        print("".join(traceback.format_exception(result.exception))[-1500:])
                    else:
                        print(result.output[-800:])
                    (FOUND / f"{seed}_{k}_{name}_{f.name}").write_text(mutated)
        except Hang:
            hangs += 1
            bad += 1
            print("=== HANG", f.name, [o[0] for o in ops], flush=True)
            (FOUND / f"{seed}_{k}_hang_{f.name}").write_text(mutated)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if k % 100 == 0:
            print("progress", k, "bad", bad, round(time.time() - started), "s", flush=True)
    print("done", n, "findings", bad, "hangs", hangs, "logs published", published, codes)
    return bad


if __name__ == "__main__":
    sys.exit(1 if campaign(int(sys.argv[1]), int(sys.argv[2])) else 0)
