"""The command line: exit codes, languages, JSON, and no tracebacks."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import ROOT
from yishi.cli import main

EXAMPLE = str(ROOT / "examples" / "01_land_lease_passes.toml")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_run_prints_the_timeline_in_chinese_with_numbers():
    result = invoke("run", EXAMPLE)
    assert result.exit_code == 0
    assert (
        "到会 25 人，全体组成人员 30 人，须三分之二以上（含本数）（至少 20 人），达到"
        in result.output
    )
    assert "事项最终状态" in result.output and "已完成" in result.output


def test_run_in_english():
    result = invoke("run", EXAMPLE, "--lang", "en")
    assert result.exit_code == 0
    assert "25 present of 30 members; at least 2/3 required (at least 20): met" in result.output


def test_run_json_is_the_documented_document():
    document = json.loads(invoke("run", EXAMPLE, "--json").output)
    assert document["format"] == "yishi-run/1"
    assert set(document) == {
        "format",
        "scenario",
        "ruleset",
        "steps",
        "meetings",
        "disclosures",
        "matters",
        "suggestions",
        "evaluations",
        "escalations",
        "summary",
    }
    assert document["summary"]["unexpected"] == 0


def test_run_exits_1_when_an_expectation_is_not_met(tmp_path):
    text = (ROOT / "examples" / "02_review_rejected.toml").read_text(encoding="utf-8")
    broken = tmp_path / "02.toml"
    broken.write_text(
        text.replace('expect = "refused"', 'expect = "ok"', 1).replace(
            'community_file = "guhuai_village.toml"',
            f'community_file = "{(ROOT / "examples" / "guhuai_village.toml").as_posix()}"',
        ),
        encoding="utf-8",
    )
    result = invoke("run", str(broken))
    assert result.exit_code == 1
    assert "与预期不符" in result.output


def test_run_reports_a_bad_scenario_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("title = 1\n[[actions]\n", encoding="utf-8")
    result = invoke("run", str(bad))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.toml:2" in result.output


def test_run_unknown_ruleset_is_a_located_error(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema_version = 1\ntitle = "t"\nruleset = "no_such_rules"\nactions = []\n[community]\nname = "c"\n',
        encoding="utf-8",
    )
    result = invoke("run", str(scenario))
    assert result.exit_code == 1
    assert "no_such_rules" in result.output and "siyi_liang_gongkai" in result.output
    assert "s.toml:3:" in result.output


def test_a_top_level_key_after_a_table_gets_a_hint(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema_version = 1\ntitle = "t"\nruleset = "bandenghui"\n[community]\nname = "c"\nactions = []\n',
        encoding="utf-8",
    )
    result = invoke("run", str(scenario))
    assert result.exit_code == 1
    assert "s.toml:6:" in result.output and "[community]" in result.output


def test_check_shipped_rulesets_pass_with_visible_warnings():
    files = sorted(str(p) for p in (ROOT / "rulesets").glob("*.toml"))
    result = invoke("check", *files)
    assert result.exit_code == 0, result.output
    assert result.output.count("通过：") == len(files)
    # law_version = "2025": the floors are the 2025 texts', so no "unverified" warning ...
    assert "已被取代" not in result.output
    # ... and the three local templates name every value a community must set, as do
    # yishi_yiyi (caps, labour ages, notice: 4) and villager_group (notice: 1)
    assert result.output.count("模板数值") == 6 + 5 + 4 + 4 + 1


def test_schema_is_json():
    schema = json.loads(invoke("schema").output)
    assert schema["type"] == "object" and "stages" in schema["properties"]


def test_rulesets_lists_the_shipped_ids():
    result = invoke("rulesets")
    for ruleset_id in (
        "siyi_liang_gongkai",
        "siyi_liang_gongkai_shequ",
        "bandenghui",
        "zhihui_yun",
        "baixing_jianduyuan",
    ):
        assert ruleset_id in result.output


def _as_json_data(value):
    import datetime as dt

    if isinstance(value, dict):
        return {k: _as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_data(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def test_scenario_schema_accepts_the_examples_and_rejects_a_wrong_action():
    import jsonschema
    import tomllib

    from tests.conftest import scenario_files

    schema = json.loads(invoke("schema", "--scenario").output)
    for path in scenario_files():
        jsonschema.validate(_as_json_data(tomllib.loads(path.read_text(encoding="utf-8"))), schema)
    document = _as_json_data(tomllib.loads(scenario_files()[0].read_text(encoding="utf-8")))
    document["actions"][0]["do"] = "propse"
    assert not jsonschema.Draft202012Validator(schema).is_valid(document)
