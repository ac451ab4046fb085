"""``[[community.generate]]``: generated villagers have believable names, never their ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from yishi.domain import commands as cmd
from yishi.names import SURNAMES
from yishi.scenario.community import setup_community
from yishi.scenario.format import load_scenario

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
CHINESE_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")


def _blocks(path: Path) -> list[dict[str, Any]]:
    """The generate blocks of a scenario and of the community file it names."""
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    blocks = list(document.get("community", {}).get("generate", []))
    if "community_file" in document:
        blocks = _blocks(path.parent / document["community_file"]) + blocks
    return blocks


SCENARIOS = sorted(
    p
    for p in (ROOT / "examples").glob("*.toml")
    if "schema_version" in p.read_text(encoding="utf-8") and _blocks(p)
)


def _village(
    *blocks: dict[str, Any], people: tuple[dict[str, Any], ...] = ()
) -> cmd.SetUpCommunity:
    return setup_community({"name": "试验村", "people": list(people), "generate": list(blocks)})


def _check(setup: cmd.SetUpCommunity, blocks: list[dict[str, Any]]) -> int:
    """Every generated household and its people look like a village's; the count checked."""
    people = {p.id: p for p in setup.people}
    homes = {h.id: h for h in setup.households}
    checked = 0
    for block in blocks:
        prefix, size, number = block["prefix"], block["adults_per_household"], block.get("start", 1)
        for h in range(1, block["households"] + 1):
            home = homes[f"{prefix}h{h:03d}"]
            # a scenario may list more people in a generated household; not those
            members = [people[f"{prefix}{number + k:03d}"] for k in range(size)]
            number += size
            head = people[home.representative or ""]
            assert head is members[0] and all(p.household == home.id for p in members)
            assert [p.gender for p in members] == [
                "male" if k % 2 == 0 else "female" for k in range(len(members))
            ]
            for p in members:
                assert CHINESE_NAME.fullmatch(p.name), p.name
                assert p.id not in p.name and p.name[0] in SURNAMES
            # the men carry the 户代表's surname; the women married in from other families
            assert all(p.name[0] == head.name[0] for p in members if p.gender == "male")
            assert all(p.name[0] != head.name[0] for p in members if p.gender == "female")
            assert len({p.name for p in members}) == len(members), [p.name for p in members]
            if "name" in block:
                assert home.name == f"{block['name']}第{h}户"
            else:
                assert home.name.startswith(f"{head.name}户"), (home.name, head.name)
                assert block["prefix"] not in home.name
            checked += len(members)
    return checked


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_examples_villagers_have_names_not_ids(path: Path) -> None:
    setup = load_scenario(path).setup
    blocks = _blocks(path)
    assert _check(setup, blocks) == sum(b["households"] * b["adults_per_household"] for b in blocks)
    labels = [h.name for h in setup.households]
    assert len(set(labels)) == len(labels)


def test_a_small_village_has_no_name_twice_not_even_a_listed_one() -> None:
    listed = ({"id": "w01", "name": "王建国", "born": dt.date(1970, 1, 1)},)
    setup = _village(
        {"prefix": "v", "households": 40, "adults_per_household": 2, "born": dt.date(1970, 1, 1)},
        people=listed,
    )
    assert _check(setup, [{"prefix": "v", "households": 40, "adults_per_household": 2}]) == 80
    names = [p.name for p in setup.people]
    assert len(set(names)) == len(names) == 81


def test_a_large_village_repeats_names_but_never_in_one_home_or_one_label() -> None:
    blocks = [
        {"prefix": "a", "households": 1500, "adults_per_household": 2},
        {"prefix": "b", "households": 2, "adults_per_household": 50, "born": dt.date(1990, 5, 1)},
    ]
    setup = _village(*blocks)
    assert _check(setup, blocks) == 3100
    assert len({p.name for p in setup.people}) < len(setup.people)  # as in a real county
    labels = [h.name for h in setup.households]
    assert len(set(labels)) == len(labels)
    # 25 men of one surname in one home: more than one generation's names between them
    big = [p.name for p in setup.people if p.household == "bh001"]
    assert len(big) == 50 and len(set(big)) == 50


def test_named_households_keep_their_numbers() -> None:
    setup = _village(
        {"prefix": "e", "households": 3, "adults_per_household": 1, "name": "东坡"},
        {"prefix": "w", "households": 2, "adults_per_household": 3},
    )
    labels = [h.name for h in setup.households]
    assert labels[:3] == ["东坡第1户", "东坡第2户", "东坡第3户"]
    heads = {p.id: p.name for p in setup.people}
    assert labels[3:] == [f"{heads['w001']}户", f"{heads['w004']}户"]


def test_the_same_scenario_gives_the_same_names_and_another_village_others() -> None:
    block = {"prefix": "v", "households": 30, "adults_per_household": 2}
    first = [p.name for p in _village(block).people]
    assert first == [p.name for p in _village(dict(block)).people]
    other = setup_community({"name": "另一村", "generate": [block]})
    assert [p.name for p in other.people] != first


def _names_in_a_fresh_interpreter(path: Path, hash_seed: str) -> list[list[str]]:
    code = (
        "import json, sys\n"
        "from yishi.scenario.format import load_scenario\n"
        "s = load_scenario(sys.argv[1]).setup\n"
        "print(json.dumps([[p.id, p.name] for p in s.people]"
        " + [[h.id, h.name] for h in s.households], ensure_ascii=False))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    return json.loads(done.stdout)


def test_names_do_not_depend_on_the_hash_seed() -> None:
    path = ROOT / "examples" / "03_quorum_failed_reconvene.toml"
    first = _names_in_a_fresh_interpreter(path, "1")
    assert first == _names_in_a_fresh_interpreter(path, "2")
    setup = load_scenario(path).setup
    assert first == [[p.id, p.name] for p in setup.people] + [
        [h.id, h.name] for h in setup.households
    ]


def test_the_demo_village_draws_the_same_names_through_the_shared_module() -> None:
    """Moving the name pools to yishi.names kept every draw of the demo in its place."""
    from yishi.demo.village import generate_village

    people = sorted(generate_village().setup_command().people, key=lambda p: p.id)
    text = "\n".join(f"{p.id} {p.name} {p.born}" for p in people)
    assert hashlib.sha256(text.encode()).hexdigest() == DEMO_NAMES


# the names, ids and birthdays of the demo village (seed 2026) before the pools moved
DEMO_NAMES = "fee3dd0cafa61152ad4cdb991fdc7b12b0b9342c5648a36c6ce22ca3e1432d8b"


def test_a_household_label_already_taken_gets_its_number() -> None:
    from yishi.scenario.generate import _label

    labels = {"王建国户"}
    assert _label({}, 3, "王建国", labels) == "王建国户（第3户）"
    assert _label({}, 3, "王建国", labels) == "王建国户（第3户之3）"
    assert labels == {"王建国户", "王建国户（第3户）", "王建国户（第3户之3）"}
