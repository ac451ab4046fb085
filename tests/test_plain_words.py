"""User-facing text names things, never shows a rule set's identifiers.

A community worker reads "须先由 村务监督委员会 签署验收意见", not
"须先由 monitoring_committee 签署", and an English reader reads "first complete:
Party members' assembly reviews", not "disclosure 类步骤" or "妇女representative".
Two checks: every message in src/yishi/i18n.py rendered, in both languages, with
arguments made from each shipped rule set's names; and every example scenario
played in both languages, its whole timeline read.
"""

from __future__ import annotations

import re
import string

import pytest

from tests.conftest import ROOT, scenario_files
from yishi.domain.authority import describe
from yishi.domain.errors import Refusal, Text
from yishi.domain.rules import RuleSet
from yishi.domain.steps import KIND_NAMES
from yishi.i18n import MESSAGES
from yishi.report import to_text
from yishi.rulesets.registry import find
from yishi.scenario import load_scenario, run_scenario

SHIPPED = sorted(p.stem for p in (ROOT / "rulesets").glob("*.toml"))
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# A refusal ends with the rule-set key that forbids it, for whoever edits the
# file (like a file:line); the sentence before it must read on its own.
RULE_SUFFIX = re.compile(r"（规则：[^）]*）|\(rule: [^)]*\)")


def _identifiers(rs: RuleSet) -> set[str]:
    ids = set(rs.bodies) | {s.id for s in rs.stages} | set(rs.matter_types)
    ids |= {role for body in rs.bodies.values() for role in body.roles}
    return {i for i in ids if "_" in i}


def _leaks(text: str, ids: set[str]) -> list[str]:
    text = RULE_SUFFIX.sub("", text)
    found = [i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w])", text)]
    found += SNAKE.findall(text)
    found += re.findall(r"[\u4e00-\u9fff][a-z]{3,}", text)  # 妇女representative
    return sorted(set(found))


def _sample(rs: RuleSet, field: str) -> object:
    body = next(iter(rs.bodies.values()))
    stage = rs.stages[-1]
    refs = [f"{b}.{r}" for b, spec in rs.bodies.items() for r in spec.roles] or list(rs.bodies)
    mt = next(iter(rs.matter_types.values()), None)
    people = {"person", "other", "candidate", "relative", "voter", "holder", "grantor"}
    if field in {"body", "target"}:
        return Text(body.name, body.name_en or body.name)
    if field == "stage":
        return Text(stage.name, stage.name_en or stage.name)
    if field in {"who", "allowed"}:
        return describe(rs, refs)
    if field in {"expected", "wanted"}:
        return KIND_NAMES[stage.kind]
    if field == "step":
        return Text(rs.stages[0].name, rs.stages[0].name_en or rs.stages[0].name)
    if field == "matter_type" and mt is not None:
        return Text(mt.name, mt.name_en or mt.name)
    if field in people:
        return "张秀英（p01）"
    return "1"


@pytest.mark.parametrize("ruleset_id", SHIPPED)
def test_every_message_reads_without_identifiers(ruleset_id: str) -> None:
    rs = find(ruleset_id)
    ids = _identifiers(rs)
    bad = {}
    for code, (zh, _en) in MESSAGES.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(zh) if name}
        refusal = Refusal(code, **{f: _sample(rs, f) for f in fields})
        for lang in ("zh", "en"):
            leaks = _leaks(refusal.message(lang), ids)
            if leaks:
                bad[(code, lang)] = (refusal.message(lang), leaks)
    assert bad == {}


@pytest.mark.parametrize("ruleset_id", SHIPPED)
def test_rule_set_names_are_names(ruleset_id: str) -> None:
    rs = find(ruleset_id)
    for lang in ("zh", "en"):
        for name in rs.names(lang).values():
            assert _leaks(name, _identifiers(rs)) == [], name


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_timeline_reads_without_identifiers(path, lang: str) -> None:
    report = run_scenario(load_scenario(path))
    ids = set().union(*(_identifiers(rs) for rs in report.rulesets.values()))
    # The header names the rule set by the id the scenario file gives it.
    lines = to_text(report, lang).splitlines()[2:]
    leaks = {line: _leaks(line, ids) for line in lines if _leaks(line, ids)}
    assert leaks == {}


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_timeline_names_meetings_notices_and_objections_in_words(path, lang: str) -> None:
    """Lines like "会议 m2-review 已结束", "公示 m4-d1：期满", "异议 m4-o2（……）",
    "- 修村道（m1）：已完成", "建议 s1、s2 并入议题 m9" showed ids nobody chose; a meeting
    is its body and day, a notice its title, an objection its day and words, a matter
    and a suggestion their titles (domain/naming.py), in the lines and in the refusals."""
    report = run_scenario(load_scenario(path))
    state = report.engine.state
    ids = set(state.meetings) | set(state.disclosures) | set(state.objections)
    ids |= set(state.matters) | set(state.suggestions)
    text = to_text(report, lang)
    shown = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
    assert shown == set()
    # Refusals may name a person as 姓名（id） (the console strips the id); the final
    # status and the suggestions' outcomes are read by residents, and name people only.
    summary = text.split("Final status:" if lang == "en" else "事项最终状态：", 1)[1]
    people = {i for i in state.people if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", summary)}
    assert people == set()


@pytest.mark.parametrize("path", scenario_files()[:3], ids=lambda p: p.stem)
def test_the_clock_and_the_set_up_are_the_system_in_the_readers_words(path) -> None:
    report = run_scenario(load_scenario(path))
    zh, en = to_text(report, "zh"), to_text(report, "en")
    assert "系统 登记" in zh and " system " not in zh
    assert "  system " in en


def _with_objections(node: object) -> list[dict]:
    if isinstance(node, dict):
        here = (
            [node] if node.get("objections") and isinstance(node.get("explanation"), dict) else []
        )
        return here + [d for v in node.values() for d in _with_objections(v)]
    if isinstance(node, list):
        return [d for v in node for d in _with_objections(v)]
    return []


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_a_consensus_names_its_objectors_in_both_languages(path) -> None:
    """The English explanation of a consensus listed objectors by person id
    ("v002: ...") while the Chinese one named them; both name them now."""

    from yishi.report import to_json

    report = to_json(run_scenario(load_scenario(path)))
    for result in _with_objections(report):
        for objection in result["objections"]:
            bare = re.compile(rf"(?<![\w]){re.escape(objection['person'])}(?![\w])")
            for lang in ("zh", "en"):
                assert not bare.search(result["explanation"][lang]), result["explanation"][lang]


# -- the published board of the councils' and 一事一议 examples --------------------

NEW_EXAMPLES = [p for p in scenario_files() if p.stem[:2] >= "14"]
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
# Words a Chinese page may show: the link to its English counterpart, the
# program's name in a command line, and what a print link or a digest is.
ALLOWED_LATIN = {"English", "yishi", "verify", "code", "HTML", "checkpoint", "Atom"}


def _page_text(raw: str) -> str:
    import html

    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r"<code[^>]*>.*?</code>", " ", raw, flags=re.S)  # digests, commands
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


@pytest.mark.parametrize("path", NEW_EXAMPLES, ids=lambda p: p.stem)
def test_the_published_board_shows_no_identifier(path, tmp_path) -> None:
    """What residents read on the board and the printed notice: no matter, person,
    stage or body id, no snake_case key, no English word on a Chinese page."""
    from click.testing import CliRunner

    from yishi.cli import main
    from yishi.store.sqlite import SQLiteStore

    db = tmp_path / "log.db"
    for local in path.parent.glob("[a-z]*.toml"):  # publish reads local rule sets beside the log
        (tmp_path / local.name).write_bytes(local.read_bytes())
    store = SQLiteStore(db)
    report = run_scenario(load_scenario(path), store=store)
    store.close()
    state = report.engine.state
    ids = set().union(*(_identifiers(rs) for rs in report.rulesets.values()))
    ids |= set(state.matters) | set(state.people) | set(state.disclosures)
    ids |= {s.id for rs in report.rulesets.values() for s in rs.stages}
    names = sorted((p.name for p in state.people.values()), key=len, reverse=True)
    site = tmp_path / "site"
    done = CliRunner().invoke(main, ["publish", "--db", str(db), "--to", str(site), "--no-pdf"])
    assert done.exit_code == 0, done.output
    bad = {}
    for page in sorted(site.rglob("*.html")):
        text = _page_text(page.read_text(encoding="utf-8"))
        for name in names:  # a person's name is not a leak, whatever letters it has
            text = text.replace(name, " ")
        text = re.sub(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", " ", text)  # verification codes
        english = "/en/" in page.as_posix()
        # An English page may use a word that is also a stage's id ("consult").
        shown = {i for i in ids if not english or re.search(r"[\d_]", i)}
        found = {i for i in shown if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
        found |= set(SNAKE.findall(text))
        if not english:
            found |= set(ENGLISH_WORD.findall(text)) - ALLOWED_LATIN
        found |= set(
            re.findall(r"(?:会议|大会)(?:（[^（）]*）)?会议", text)
        )  # 召集村民代表会议会议
        if found:
            bad[page.relative_to(site).as_posix()] = sorted(found)
    assert bad == {}


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_a_posted_notice_names_its_matter_not_its_id(path) -> None:
    """The notice text sent to channels and webhooks read "事项：…（m15）"; and its
    English decisions line used Chinese brackets and commas."""
    from yishi.report import to_json

    report = to_json(run_scenario(load_scenario(path)))
    for notice in report["disclosures"]:
        matter = re.compile(rf"(?<![\w-]){re.escape(notice['matter'])}(?![\w-])")
        for lang in ("zh", "en"):
            assert not matter.search(notice["text"][lang]), notice["text"][lang]
        english = re.compile(r"^- \d{4}-\d\d-\d\d [A-Z][^（]*（[A-Za-z].*）：")
        assert not [x for x in notice["text"]["en"].splitlines() if english.match(x)]
