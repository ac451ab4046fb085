"""`yishi check` on hand-written broken rule sets, and the JSON Schema.

Every file in tests/broken_rulesets/ says at its top what is wrong with it.
EXPECTED lists, per file, every error `check_text` must report — no more, no
fewer — as (code, key path, line).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.rulesets.loader import check_text
from yishi.rulesets.problems import errors

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).resolve().parent / "broken_rulesets"
SHIPPED = sorted((ROOT / "rulesets").glob("*.toml"))

EXPECTED: dict[str, list[tuple[str, str, int]]] = {
    "01_missing_required.toml": [
        ("missing", "title", 1),
        ("missing", "stages[1].name", 21),
    ],
    "02_unknown_key_typo.toml": [
        ("unknown_key", "bodies.village_committee.notice_day", 12),
        ("unknown_key", "stages[0].threshhold", 22),
    ],
    "03_fraction_decimal.toml": [
        ("bad_fraction", "bodies.village_committee.quorum.fraction", 10),
    ],
    "04_fraction_percent.toml": [
        ("bad_fraction", "bodies.village_committee.threshold.fraction", 11),
    ],
    "05_fraction_improper.toml": [
        ("bad_fraction", "stages[0].threshold.fraction", 19),
    ],
    "06_cmp_gt.toml": [
        ("bad_value", "bodies.village_committee.quorum.cmp", 10),
    ],
    "07_wrong_type.toml": [
        ("wrong_type", "statutory", 6),
        ("wrong_type", "bodies.village_committee.notice_days", 11),
        ("wrong_type", "bodies.village_committee.vote_methods", 14),
    ],
    "08_bad_enum.toml": [
        ("bad_value", "bodies.village_committee.membership", 11),
        ("bad_value", "stages[0].kind", 18),
    ],
    "09_stage_unknown_body.toml": [
        ("bad_ref", "stages[0].bodies[0]", 19),
    ],
    "10_transition_unknown_stage.toml": [
        ("bad_ref", "stages[1].on_reject.stage", 26),
    ],
    "11_duplicate_stage_id.toml": [
        ("duplicate", "stages[1].id", 21),
    ],
    "12_quorum_base_present.toml": [
        ("bad_value", "bodies.village_committee.quorum.base", 11),
    ],
    # statutory floors: reported where the too-low value is written
    "13_statutory_notice_days.toml": [
        ("below_floor", "bodies.villagers_assembly.notice_days", 20),
    ],
    "14_statutory_quorum_half.toml": [
        ("below_floor", "bodies.representatives_assembly.quorum", 33),
    ],
    # once per assembly the resolve stage may meet in; at the matter type,
    # where the missing override belongs
    "15_land_lease_no_override.toml": [
        ("below_floor", "matter_types.collective_land_lease.overrides.resolve.threshold", 72),
        ("below_floor", "matter_types.collective_land_lease.overrides.resolve.threshold", 72),
    ],
    # 2025 floors (村组法, 居委会组织法, 农村集体经济组织法, 农村土地承包法)
    "24_disclosure_seven_days.toml": [("below_floor", "stages[2].disclosure_days", 68)],
    "25_no_party_discussion.toml": [("below_floor", "stages[1].bodies", 61)],
    "26_homestead_in_representatives.toml": [
        ("below_floor", "matter_types.homestead_allocation.overrides.resolve.bodies", 79),
        ("below_floor", "matter_types.homestead_allocation.overrides.resolve.quorum", 79),
        ("below_floor", "matter_types.homestead_allocation.overrides.resolve.threshold", 79),
    ],
    "27_outsiders_without_approval.toml": [
        ("below_floor", "matter_types.land_contract_outsiders.approval", 79),
    ],
    "28_supervisors_may_be_relatives.toml": [
        ("below_floor", "bodies.monitoring_committee.excludes_relatives_of", 79),
    ],
    "30_election_committee_stays.toml": [
        ("below_floor", "bodies.election_committee.steps_down_if_relative_nominated", 79),
    ],
    "31_urban_representatives_half.toml": [
        ("below_floor", "bodies.residents_representatives_assembly.quorum", 84),
    ],
    "32_members_assembly_short_notice.toml": [
        ("below_floor", "bodies.members_assembly.urgent_notice", 82),
    ],
    # once for the 村民代表会议 (2/3 of the representatives), once for the 村民会议 (of all members)
    "33_asset_disposal_simple_majority.toml": [
        ("below_floor", "matter_types.collective_asset_disposal.overrides.resolve.threshold", 86),
        ("below_floor", "matter_types.collective_asset_disposal.overrides.resolve.threshold", 86),
    ],
    "29_urban_assembly_seven_days.toml": [
        ("below_floor", "bodies.villagers_assembly.notice_days", 21),
    ],
    "16_top_level_after_array.toml": [
        ("missing", "statutory", 1),
        ("unknown_key", "stages[0].statutory", 20),
    ],
    "17_not_utf8.toml": [
        ("encoding", "", 5),
    ],
    "18_many_mistakes.toml": [
        ("missing", "title", 1),
        ("unknown_key", "tittle", 10),
        ("bad_fraction", "bodies.village_committee.quorum.fraction", 16),
        ("bad_value", "bodies.village_committee.threshold.cmp", 17),
        ("wrong_type", "stages[0].notice_days", 25),
        ("bad_value", "stages[1].kind", 29),
        ("bad_ref", "stages[2].bodies[0]", 37),
    ],
    "19_toml_syntax.toml": [
        ("toml_syntax", "", 5),
    ],
    "20_unclosed_at_eof.toml": [
        ("toml_syntax", "", 11),
    ],
    "21_bad_ids.toml": [
        ("bad_value", "id", 4),
        ("bad_value", "bodies.VillageCommittee", 9),
    ],
    "22_statutory_composition.toml": [
        ("below_floor", "bodies.representatives_assembly.composition", 38),
        ("below_floor", "bodies.representatives_assembly.composition", 38),
    ],
    # inside a multi-line inline table the line is where its key starts
    "23_mistakes_inside_any_of.toml": [
        ("bad_fraction", "bodies.village_committee.quorum.any_of[1].fraction", 12),
        ("bad_value", "bodies.village_committee.threshold.all_of[0].cmp", 16),
        ("wrong_type", "stages[0].on_reject.stage", 24),
    ],
}

# (file, key path, a piece of the English hint)
HINTS = [
    (
        "02_unknown_key_typo.toml",
        "bodies.village_committee.notice_day",
        "did you mean 'notice_days'?",
    ),
    ("02_unknown_key_typo.toml", "stages[0].threshhold", "did you mean 'threshold'?"),
    (
        "03_fraction_decimal.toml",
        "bodies.village_committee.quorum.fraction",
        "decimals and percentages are refused",
    ),
    (
        "04_fraction_percent.toml",
        "bodies.village_committee.threshold.fraction",
        "decimals and percentages are refused",
    ),
    ("05_fraction_improper.toml", "stages[0].threshold.fraction", "at most 1"),
    ("06_cmp_gt.toml", "bodies.village_committee.quorum.cmp", 'write the comparator as ">"'),
    ("07_wrong_type.toml", "bodies.village_committee.vote_methods", '["show_of_hands"]'),
    ("08_bad_enum.toml", "stages[0].kind", "did you mean 'meeting'?"),
    ("12_quorum_base_present.toml", "bodies.village_committee.quorum.base", "not those present"),
    ("13_statutory_notice_days.toml", "bodies.villagers_assembly.notice_days", "statutory = false"),
    ("16_top_level_after_array.toml", "stages[0].statutory", "move it above the first [table]"),
    ("17_not_utf8.toml", "", "UTF-8"),
    ("18_many_mistakes.toml", "tittle", "did you mean 'title'?"),
    (
        "23_mistakes_inside_any_of.toml",
        "bodies.village_committee.quorum.any_of[1].fraction",
        "decimals",
    ),
    ("23_mistakes_inside_any_of.toml", "bodies.village_committee.threshold.all_of[0].cmp", '">"'),
]

# Broken in shape, not in meaning: the JSON Schema must refuse these too.
# (05 is refused by `yishi check` only: the schema checks a fraction's form,
# "3/2", not its size; 17, 19 and 20 are not TOML documents at all.)
STRUCTURAL = [
    "01_missing_required.toml",
    "02_unknown_key_typo.toml",
    "03_fraction_decimal.toml",
    "04_fraction_percent.toml",
    "06_cmp_gt.toml",
    "07_wrong_type.toml",
    "08_bad_enum.toml",
    "16_top_level_after_array.toml",
    "18_many_mistakes.toml",
    "21_bad_ids.toml",
    "23_mistakes_inside_any_of.toml",
]
NOT_TOML = {"17_not_utf8.toml", "19_toml_syntax.toml", "20_unclosed_at_eof.toml"}

CJK = re.compile(r"[\u4e00-\u9fff]")

# A minimal statutory rule set that meets every floor.
VALID_STATUTORY = """\
schema_version = 1
id = "mini"
title = "最小规则"
statutory = true
law_version = "2025"
proposers = ["village_committee"]

[bodies.village_committee]
name = "村民委员会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.villagers_assembly]
name = "村民会议"
statutory_kind = "villagers_assembly"
membership = "eligible_adults"
notice_days = 10
quorum = { any_of = [
  { base = "eligible_adults", fraction = "1/2", cmp = ">" },
  { base = "households", fraction = "2/3", cmp = ">=" },
] }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands", "secret"]

[bodies.representatives_assembly]
name = "村民代表会议"
statutory_kind = "representatives_assembly"
roles = ["committee_member", "representative"]
notice_days = 3
quorum = { base = "composition", fraction = "2/3", cmp = ">=" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[bodies.representatives_assembly.composition]]
label = "村民代表占五分之四以上"
role = "representative"
fraction = "4/5"
cmp = ">="

[[bodies.representatives_assembly.composition]]
label = "妇女村民代表占三分之一以上"
role = "representative"
gender = "female"
fraction = "1/3"
cmp = ">="

[[stages]]
id = "consult"
kind = "meeting"
name = "村委会商议"
bodies = ["party_branch"]
on_reject = "abandon"

[[stages]]
id = "resolve"
kind = "meeting"
name = "村民会议或村民代表会议决议"
bodies = ["representatives_assembly", "villagers_assembly"]
on_reject = { action = "revise_and_restart", stage = "consult" }

[[stages]]
id = "publish"
kind = "disclosure"
name = "决议公开"
disclosure_days = 15
on_pass = "complete"

[bodies.party_branch]
name = "村党支部委员会"
statutory_kind = "party_committee"
roles = ["secretary", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]
"""

# The same procedure run locally (statutory = false), looser than the law
# allows: 5 days' notice for the villagers' assembly, a representatives'
# quorum of 1/2, no composition rules, a land lease without the 2/3 override.
VALID_LOCAL = """\
schema_version = 1
id = "mini_local"
title = "本地议事规则"
statutory = false
proposers = ["village_committee"]

[bodies.village_committee]
name = "村民委员会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.villagers_assembly]
name = "村民会议"
statutory_kind = "villagers_assembly"
membership = "eligible_adults"
notice_days = 5
quorum = { any_of = [
  { base = "eligible_adults", fraction = "1/2", cmp = ">" },
  { base = "households", fraction = "2/3", cmp = ">=" },
] }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands", "secret"]

[bodies.representatives_assembly]
name = "村民代表会议"
statutory_kind = "representatives_assembly"
roles = ["committee_member", "representative"]
notice_days = 3
quorum = { base = "composition", fraction = "1/2", cmp = ">=" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "consult"
kind = "meeting"
name = "村委会商议"
bodies = ["village_committee"]
on_reject = "abandon"

[[stages]]
id = "resolve"
kind = "meeting"
name = "村民会议或村民代表会议决议"
bodies = ["representatives_assembly", "villagers_assembly"]
on_reject = { action = "revise_and_restart", stage = "consult" }

[[stages]]
id = "publish"
kind = "disclosure"
name = "决议公开"
disclosure_days = 7
on_pass = "complete"

[matter_types.collective_land_lease]
name = "集体土地出租、流转"
statute = "collective_land_lease"
"""


def _triples(problems: list) -> list[tuple[str, str, int | None]]:
    return sorted((p.code, p.path, p.line) for p in errors(problems))


def test_every_broken_file_has_expectations() -> None:
    files = sorted(p.name for p in BROKEN.iterdir() if p.is_file())
    assert files == sorted(EXPECTED)
    assert len(files) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_exactly_its_mistakes(name: str) -> None:
    path = BROKEN / name
    data = path.read_bytes()
    assert data.startswith(b"# Broken"), "say at the top what is wrong"
    ruleset, problems = check_text(data, name)
    assert ruleset is None
    assert _triples(problems) == sorted(EXPECTED[name])
    for problem in problems:
        assert problem.file == name
        assert problem.message("zh") and problem.message("en")


@pytest.mark.parametrize(("name", "path", "hint"), HINTS, ids=[f"{n}:{p}" for n, p, _ in HINTS])
def test_hints_for_common_mistakes(name: str, path: str, hint: str) -> None:
    _, problems = check_text((BROKEN / name).read_bytes(), name)
    messages = [p.message("en") for p in problems if p.path == path]
    assert messages, f"no problem at {path}"
    assert any(hint in m for m in messages), messages
    assert all(p.hint for p in problems if p.path == path)  # and in Chinese


def test_many_mistakes_reported_in_one_run() -> None:
    path = BROKEN / "18_many_mistakes.toml"
    result = CliRunner().invoke(main, ["check", "--lang", "en", str(path)])
    assert result.exit_code == 1
    assert result.output.count(f"{path}:") == len(EXPECTED[path.name]) == 7
    assert "7 error(s)" in result.output
    for _, key_path, line in EXPECTED[path.name]:
        assert f"{path}:{line}: error: {key_path}:" in result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_in_english(name: str) -> None:
    path = BROKEN / name
    result = CliRunner().invoke(main, ["check", "--lang", "en", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert ": error:" in result.output and "错误" not in result.output
    assert re.search(r"\d+ error\(s\)", result.output)
    # Apart from values quoted from the file, the English text is English.
    _, problems = check_text(path.read_bytes(), name)
    for problem in problems:
        text = problem.message("en").replace(problem.found, "")
        assert not CJK.search(text), text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_in_chinese_by_default(name: str) -> None:
    path = BROKEN / name
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "错误" in result.output and "error:" not in result.output
    assert "Traceback" not in result.output


def test_cli_json_for_all_broken_files_at_once() -> None:
    paths = [BROKEN / name for name in sorted(EXPECTED)]
    result = CliRunner().invoke(main, ["check", "--json", *map(str, paths)])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    for path in paths:
        mine = [p for p in found if p["file"] == str(path)]
        triples = sorted(
            (p["code"], p["path"], p["line"]) for p in mine if p["severity"] == "error"
        )
        assert triples == sorted(EXPECTED[path.name]), path.name
        for problem in mine:
            assert set(problem) >= {"file", "line", "column", "path", "code", "severity", "message"}
            assert problem["message"]["zh"] and problem["message"]["en"]


def test_minimal_statutory_rule_set_passes() -> None:
    ruleset, problems = check_text(VALID_STATUTORY.encode(), "mini.toml")
    assert ruleset is not None, [p.render("en") for p in problems]
    assert not errors(problems)


def test_local_rule_set_below_the_floors_passes() -> None:
    ruleset, problems = check_text(VALID_LOCAL.encode(), "local.toml")
    assert ruleset is not None, [p.render("en") for p in problems]
    assert not errors(problems)
    assert ruleset.statutory is False


def test_same_rule_set_marked_statutory_is_refused() -> None:
    text = VALID_LOCAL.replace("statutory = false", "statutory = true")
    ruleset, problems = check_text(text.encode(), "local.toml")
    assert ruleset is None
    below = {p.path for p in errors(problems) if p.code == "below_floor"}
    assert below == {
        "bodies.villagers_assembly.notice_days",
        "bodies.representatives_assembly.quorum",
        "bodies.representatives_assembly.composition",
        "matter_types.collective_land_lease.overrides.resolve.threshold",
        # 2025 floors: the Party organisation discusses first; postings of 15 days
        "stages[1].bodies",
        "stages[2].disclosure_days",
    }


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_line_numbers_count_newlines_only(separator: str) -> None:
    """TOML allows these in comments and strings; they do not start a line."""
    text = VALID_LOCAL.replace("[[stages]]", f"# note{separator}more\n[[stages]]", 1).replace(
        'on_reject = "abandon"', f'on_reject = "abandon"\nnotice_dayz = 1 # {separator}'
    )
    line = text.split("\n").index(f"notice_dayz = 1 # {separator}") + 1
    ruleset, problems = check_text(text.encode(), "sep.toml")
    assert ruleset is None
    assert _triples(problems) == [("unknown_key", "stages[0].notice_dayz", line)]


def test_cli_passes_valid_files(tmp_path: Path) -> None:
    files = []
    for name, text in (("mini.toml", VALID_STATUTORY), ("local.toml", VALID_LOCAL)):
        files.append(tmp_path / name)
        files[-1].write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--lang", "en", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok: ") == 2


# -- shipped rule sets and the JSON Schema -------------------------------------


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.Draft202012Validator:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_there_are_shipped_rule_sets() -> None:
    assert any(p.name == "siyi_liang_gongkai.toml" for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_rule_set_passes_check(path: Path) -> None:
    ruleset, problems = check_text(path.read_bytes(), str(path))
    assert ruleset is not None, [p.render("en") for p in errors(problems)]
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_rule_set_matches_json_schema(
    path: Path, schema_validator: jsonschema.Draft202012Validator
) -> None:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    problems = [
        f"{list(e.absolute_path)}: {e.message}" for e in schema_validator.iter_errors(document)
    ]
    assert not problems


def test_valid_minimal_rule_sets_match_json_schema(
    schema_validator: jsonschema.Draft202012Validator,
) -> None:
    for text in (VALID_STATUTORY, VALID_LOCAL):
        assert not list(schema_validator.iter_errors(tomllib.loads(text)))


@pytest.mark.parametrize("name", STRUCTURAL)
def test_structurally_broken_files_fail_json_schema(
    name: str, schema_validator: jsonschema.Draft202012Validator
) -> None:
    document = tomllib.loads((BROKEN / name).read_text(encoding="utf-8"))
    assert list(schema_validator.iter_errors(document))


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(STRUCTURAL) - NOT_TOML))
def test_schema_checks_shape_only(
    name: str, schema_validator: jsonschema.Draft202012Validator
) -> None:
    """References, floors and a fraction's size are left to `yishi check`."""
    document = tomllib.loads((BROKEN / name).read_text(encoding="utf-8"))
    assert not list(schema_validator.iter_errors(document))
    assert check_text((BROKEN / name).read_bytes(), name)[0] is None


@pytest.mark.parametrize("zone", ["publish_result", "Mars/Olympus", "../../etc/passwd", ""])
def test_an_unknown_time_zone_is_refused_at_its_line(zone: str) -> None:
    """Found by the mutation campaign: ``timezone = "publish_result"`` passed check,
    the scenario ran, and ``yishi stats`` on its log raised ZoneInfoNotFoundError."""
    source = (Path(__file__).resolve().parents[1] / "rulesets" / "villager_group.toml").read_text(
        encoding="utf-8"
    )
    assert 'timezone = "Asia/Shanghai"' in source
    line = source.splitlines().index('timezone = "Asia/Shanghai"') + 1
    mutated = source.replace('timezone = "Asia/Shanghai"', f'timezone = "{zone}"')
    ruleset, problems = check_text(mutated.encode("utf-8"), "vg.toml")
    assert ruleset is None
    (problem,) = [p for p in problems if p.severity == "error"]
    assert (problem.path, problem.line, problem.code) == ("timezone", line, "bad_value")
    assert check_text(source.replace("Asia/Shanghai", "Asia/Urumqi").encode("utf-8"))[0]
