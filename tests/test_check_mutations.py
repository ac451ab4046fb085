"""T21: random structural mutations of the shipped rule sets never crash `yishi check`.

Each example parses a shipped rule set, applies a few mutations (delete a key,
change a value's type, insert an unknown key, spoil a fraction, then perhaps
truncate the bytes or flip one), writes it back as TOML and checks that
``check_text`` returns instead of raising, and that a refused file always
comes with at least one error that has a line inside the file. Reference
checks run despite structural errors (so that one run reports everything);
a further property checks that this invents no reference problem.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toml_writer import dumps
from yishi.rulesets.loader import check_text
from yishi.rulesets.problems import Problem, errors
from yishi.rulesets.spec import RULESET, validate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULESETS = sorted((Path(__file__).resolve().parents[1] / "rulesets").glob("*.toml"))
SHIPPED = RULESETS[0].parent / "siyi_liang_gongkai.toml"
# Read once: every example must start from the same bytes.
SHIPPED_BYTES = SHIPPED.read_bytes()
DOCUMENTS = {p.name: tomllib.loads(p.read_text(encoding="utf-8")) for p in RULESETS}

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(dt.timezone.utc)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def _kind(value: Any) -> str:
    return (
        "list"
        if isinstance(value, list)
        else "dict"
        if isinstance(value, dict)
        else type(value).__name__
    )


def _slots(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) in the tree."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        out.append((node, key))
        _slots(value, out)
    return out


def _tables(node: Any, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        out.append(node)
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        _tables(child, out)
    return out


def _fraction_slots(node: Any) -> list[tuple[Any, Any]]:
    return [(c, k) for c, k in _slots(node, []) if k == "fraction"]


def _pick(data: st.DataObject, choices: list[Any], label: str) -> Any:
    # an index, not sampled_from: failure reports stay short
    return choices[data.draw(st.integers(0, len(choices) - 1), label=label)]


MUTATIONS = ("delete", "retype", "unknown_key", "fraction", "same_type")
STRUCTURAL = ("retype", "unknown_key", "fraction")  # damage shape only, never an id


def _mutate(
    data: st.DataObject,
    document: dict[str, Any],
    kinds: tuple[str, ...] = MUTATIONS,
    seen: set[tuple[int, Any]] | None = None,
) -> None:
    """Apply one mutation; with ``seen``, never touch the same slot twice (a value
    retyped twice can come back well-typed but wrong: a real problem, not damage)."""
    kind = data.draw(st.sampled_from(kinds), label="mutation")
    slots = _slots(document, [])
    if seen is not None:
        slots = [(c, k) for c, k in slots if (id(c), k) not in seen]
    if kind == "delete" and slots:
        container, key = _pick(data, slots, "delete at")
        del container[key]
    elif kind == "retype" and slots:
        container, key = _pick(data, slots, "retype at")
        if seen is not None:
            seen.add((id(container), key))
        old = _kind(container[key])
        container[key] = data.draw(VALUES.filter(lambda v: _kind(v) != old), label="new value")
    elif kind == "unknown_key":
        table = _pick(data, _tables(document, []), "table")
        # "x-" keeps it unknown: every key of the format is snake_case
        key = "x-" + data.draw(TEXT, label="key")
        table[key] = data.draw(VALUES, label="value")
    elif kind == "same_type":
        # Well-typed but wrong: another string of the document (an id, an enum
        # value, a reference) or a small integer. Reaches the cross-checks.
        leaves = [
            (c, k) for c, k in slots if isinstance(c[k], (str, int)) and not isinstance(c[k], bool)
        ]
        if leaves:
            container, key = _pick(data, leaves, "same type at")
            if isinstance(container[key], str):
                strings = sorted({c[k] for c, k in leaves if isinstance(c[k], str)})
                container[key] = _pick(data, strings, "string")
            else:
                container[key] = data.draw(st.integers(-2, 12), label="integer")
    elif kind == "fraction":
        fractions = _fraction_slots(document)
        if fractions:
            container, key = _pick(data, fractions, "fraction at")
            container[key] = data.draw(TEXT, label="fraction text")


def _spoil_bytes(data: st.DataObject, raw: bytes) -> bytes:
    kind = data.draw(st.sampled_from(["none", "none", "truncate", "flip"]), label="bytes")
    if kind == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)), label="cut")]
    if kind == "flip" and raw:
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        bit = data.draw(st.integers(0, 7), label="bit")
        return raw[:at] + bytes([raw[at] ^ (1 << bit)]) + raw[at + 1 :]
    return raw


def _check(raw: bytes) -> None:
    ruleset, problems = check_text(raw, "mutant.toml")  # must not raise
    last_line = raw.count(b"\n") + 1
    for problem in problems:
        assert problem.file == "mutant.toml"
        assert problem.line is None or 1 <= problem.line <= last_line, problem
        problem.render("zh")
        problem.render("en")
    if ruleset is None:
        bad = errors(problems)
        assert bad, "refused without an error"
        assert any(isinstance(p.line, int) and p.line >= 1 for p in bad), bad
    else:
        assert not errors(problems)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_writer_round_trips(name: str) -> None:
    text = dumps(DOCUMENTS[name])
    assert tomllib.loads(text) == DOCUMENTS[name]
    ruleset, problems = check_text(text.encode(), name)
    assert ruleset is not None, [p.render("en") for p in errors(problems)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_rule_sets_never_crash(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(DOCUMENTS)), label="rule set")
    document = copy.deepcopy(DOCUMENTS[name])
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        _mutate(data, document)
    raw = dumps(document).encode("utf-8")
    _check(_spoil_bytes(data, raw))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_spoilt_bytes_of_the_shipped_file_never_crash(data: st.DataObject) -> None:
    """Mutations of the file as written (comments, inline tables, multi-line arrays)."""
    raw = SHIPPED_BYTES
    for _ in range(data.draw(st.integers(1, 3), label="spoils")):
        raw = _spoil_bytes(data, raw)
    _check(raw)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_structural_damage_invents_no_reference_problems(data: st.DataObject) -> None:
    """References are checked despite structural errors; that must add nothing false.

    The shipped rule sets have no reference problems, and these mutations
    touch no id, so any bad_ref or duplicate reported would be an artefact.
    """
    name = data.draw(st.sampled_from(sorted(DOCUMENTS)), label="rule set")
    document = copy.deepcopy(DOCUMENTS[name])
    seen: set[tuple[int, Any]] = set()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        _mutate(data, document, STRUCTURAL, seen)
    structural: list[Problem] = []
    validate(document, RULESET, (), structural)
    if not errors(structural):
        return  # e.g. retyped twice, back to a well-typed but wrong value: a real problem
    _, problems = check_text(dumps(document).encode("utf-8"), "mutant.toml")
    invented = [p.render("en") for p in problems if p.code in ("bad_ref", "duplicate")]
    assert not invented


def test_references_are_checked_despite_structural_errors() -> None:
    document = copy.deepcopy(DOCUMENTS[SHIPPED.name])
    document["titel"] = document.pop("title")  # structural: typo, title missing
    document["stages"][-1]["bodies"] = ["nobody"]  # reference: unknown body
    _, problems = check_text(dumps(document).encode("utf-8"), "mutant.toml")
    codes = {(p.code, p.path) for p in errors(problems)}
    last = len(document["stages"]) - 1
    assert codes == {
        ("unknown_key", "titel"),
        ("missing", "title"),
        ("bad_ref", f"stages[{last}].bodies[0]"),
    }


def test_mutation_helpers_reach_every_kind() -> None:
    document = DOCUMENTS[SHIPPED.name]
    assert _fraction_slots(document)
    assert len(_tables(document, [])) > 10
