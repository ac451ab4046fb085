"""`yishi check` on the invalid documents of the public toml-test suite.

Every document must be rejected with a located problem (file and line), and
neither ``check_text`` nor the command line may raise or print a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.rulesets.loader import check_text
from yishi.rulesets.problems import errors

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "toml-test-invalid"

if not CORPUS.is_dir():
    pytest.skip(f"toml-test invalid corpus not found at {CORPUS}", allow_module_level=True)

SKIP = {"LICENSE", "README.md"}
CASES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in SKIP)
# Every 20th document, plus the multi-document files, through the real CLI.
SAMPLE = sorted(set(CASES[::20]) | {p for p in CASES if p.suffix == ".multi"})


def _id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def test_corpus_is_there() -> None:
    assert len(CASES) > 400


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_rejected_with_location(path: Path) -> None:
    name = _id(path)
    ruleset, problems = check_text(path.read_bytes(), name)
    assert ruleset is None
    bad = errors(problems)
    assert bad, "rejected without an error"
    located = [p for p in bad if isinstance(p.line, int) and p.line >= 1 and p.file == name]
    assert located, [p.render("en") for p in bad]
    # every problem, not just one, carries a file and a line
    for problem in problems:
        assert problem.file == name
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        problem.render("zh")
        problem.render("en")


@pytest.mark.parametrize("path", SAMPLE, ids=_id)
def test_cli_rejects_without_traceback(path: Path) -> None:
    runner = CliRunner()
    for args in (["check", str(path)], ["check", "--lang", "en", str(path)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{path}:" in result.output  # file:line: ...
    result = runner.invoke(main, ["check", "--json", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    found = json.loads(result.stdout)
    assert found and all(isinstance(p["line"], int) and p["line"] >= 1 for p in found)
    assert {p["file"] for p in found} == {str(path)}


def test_cli_reports_each_file_of_a_batch() -> None:
    batch = SAMPLE[:5]
    result = CliRunner().invoke(main, ["check", "--json", *map(str, batch)])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert {p["file"] for p in found} == {str(p) for p in batch}
