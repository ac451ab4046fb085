"""The command line: translates arguments into calls; holds no rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from yishi.rulesets.loader import check_text
from yishi.rulesets.problems import Problem, RuleSetError, errors
from yishi.rulesets.registry import shipped
from yishi.rulesets.spec import json_schema

LANG = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="输出语言 / output language",
)


@click.group(
    help="yishi 议事：村（社区）民主议事规则与流程。Resident deliberation for villages and communities."
)
@click.version_option(package_name="yishi")
def main() -> None:
    pass


@main.command(help="检查规则文件，一次列出全部问题。Check rule-set files and report every problem.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@LANG
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题列表")
def check(files: tuple[Path, ...], lang: str, as_json: bool) -> None:
    problems: list[Problem] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            found = [Problem("unreadable", "", file=str(path), detail=exc.strerror or str(exc))]
        else:
            _, found = check_text(data, str(path))
        problems += found
        if as_json:
            continue
        for problem in found:
            click.echo(problem.render(lang), err=problem.severity == "error")
        if not errors(found):
            click.echo(("ok: " if lang == "en" else "通过：") + str(path))
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    bad = len(errors(problems))
    if bad:
        click.echo((f"{bad} error(s)" if lang == "en" else f"共 {bad} 处错误"), err=True)
        sys.exit(1)


@main.command(
    help="输出规则格式的 JSON Schema（供编辑器补全与校验）。Print the rule-set JSON Schema."
)
@click.option("--scenario", is_flag=True, help="输出场景文件的 JSON Schema / the scenario format")
def schema(scenario: bool) -> None:
    if scenario:
        from yishi.scenario.format import SCENARIO_FOR_EDITORS

        document = json_schema(SCENARIO_FOR_EDITORS, "scenario")
    else:
        document = json_schema()
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@main.command(name="rulesets", help="列出随 yishi 安装的规则。List the shipped rule sets.")
def list_rulesets() -> None:
    for ruleset_id, path in shipped().items():
        click.echo(f"{ruleset_id}\t{path}")


@main.command(help="按场景文件逐条执行并报告结果。Play a scenario file through the engine.")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出稳定的 JSON 文档（yishi-run/1）")
@LANG
def run(scenario: Path, as_json: bool, lang: str) -> None:
    from yishi.report import to_json, to_text
    from yishi.scenario import load_scenario, run_scenario

    try:
        report = run_scenario(load_scenario(scenario))
    except RuleSetError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(to_text(report, lang))
    if report.unexpected:
        sys.exit(1)
