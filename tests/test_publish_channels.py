"""Each publisher, registered through the publisher hook, with golden files of its output."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.publish_fixtures import run
from yishi.plugins.configured import add_configured, parse
from yishi.plugins.host import PluginHost
from yishi.publish.channels import (
    AtomPublisher,
    BoardPublisher,
    JsonPublisher,
    MarkdownPublisher,
    PrintPublisher,
)

GOLDEN = Path(__file__).parent / "golden" / "publish"
# One pixel PNG: a community's seal image.
SEAL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_every_publisher_is_registered_through_the_hook_by_the_builtin_plugin(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("YISHI_WEBHOOK_SECRET", "whsec_" + base64.b64encode(b"k").decode())
    host = PluginHost.load(entry_points=False)
    for name in ("files", "markdown", "json", "board", "print", "atom", "webhook"):
        assert host.publishers.owner(name) == "yishi.plugins.publishers"
        location = "http://127.0.0.1:1/" if name == "webhook" else str(tmp_path / name)
        made = host.make_publisher(name, location)
        assert hasattr(made, "yishi_disclosure_published")


def _publish_all(
    out: Path,
    lang: str,
    templates: Path | None = None,
    example: str = "04_objection_during_disclosure.toml",
):
    kw = {"lang": lang, "templates": templates}
    publishers = [
        MarkdownPublisher(out / "md", **kw),
        JsonPublisher(out / "json", **kw),
        BoardPublisher(out / "board", community="古槐村", **kw),
        AtomPublisher(out / "atom", community="古槐村", **kw),
        PrintPublisher(
            out / "print", community="古槐村", publisher="古槐村民委员会", pdf=False, **kw
        ),
    ]
    engine, _ = run(
        example,
        plugins=PluginHost.load(publishers, entry_points=False),
    )
    assert engine.store.hook_failures() == []
    return engine


GOLDEN_FILES = (
    "md/m4-d1.md",
    "json/m4-d2.json",
    "board/index.html",
    "board/matters/m4.html",
    "board/verify.html",
    "atom/feed.atom",
    "print/m4-d1-A4.html",
)


# 实施结果公开 with accounts against the budget (example 07): one line over budget.
ACCOUNTS_FILES = (
    "md/m7-d2.md",
    "json/m7-d2.json",
    "board/matters/m7.html",
    "print/m7-d2-A4.html",
)


@pytest.mark.parametrize(
    ("lang", "example", "files"),
    [
        ("zh", "04_objection_during_disclosure.toml", GOLDEN_FILES),
        ("en", "04_objection_during_disclosure.toml", GOLDEN_FILES),
        ("zh", "07_community_elevator.toml", ACCOUNTS_FILES),
        ("en", "07_community_elevator.toml", ACCOUNTS_FILES),
    ],
)
def test_golden_outputs(tmp_path, lang, example, files, update_golden):
    _publish_all(tmp_path, lang, example=example)
    for relative in files:
        produced = (tmp_path / relative).read_text(encoding="utf-8")
        golden = GOLDEN / lang / relative
        if update_golden or not golden.exists():
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(produced, encoding="utf-8")
            continue
        assert produced == golden.read_text(encoding="utf-8"), (
            f"{relative} ({lang}) changed; YISHI_UPDATE_GOLDEN=1 to accept, and read the diff"
        )


def test_english_pages_have_no_chinese_labels(tmp_path):
    _publish_all(tmp_path, "en")
    page = (tmp_path / "board" / "index.html").read_text(encoding="utf-8")
    for word in ("公开栏", "往期公示", "核验", "正在公示"):
        assert word not in page
    assert "Earlier notices" in page and 'lang="en"' in page


def test_a_community_overrides_header_wording_and_seal(tmp_path):
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "_header.html.j2").write_text(
        '<header class="site">古槐村村务公开 · 监督电话见村务栏</header>\n', encoding="utf-8"
    )
    (folder / "wording.toml").write_text('[zh]\nboard = "村务公开栏"\n', encoding="utf-8")
    (folder / "seal.png").write_bytes(SEAL)
    _publish_all(tmp_path / "out", "zh", folder)
    index = (tmp_path / "out" / "board" / "index.html").read_text(encoding="utf-8")
    assert "古槐村村务公开 · 监督电话见村务栏" in index and "村务公开栏" in index
    printed = (tmp_path / "out" / "print" / "m4-d1-A4.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," + base64.b64encode(SEAL).decode() in printed


def test_a_wording_file_with_an_unknown_key_is_refused(tmp_path):
    from yishi.publish.render import Templates

    (tmp_path / "wording.toml").write_text('[zh]\nbord = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"wording.toml: \[zh\].bord"):
        Templates("zh", tmp_path)


class Broken:
    __name__ = "broken-publisher"

    def __init__(self) -> None:
        self.fail = True

    from yishi.hookspecs import hookimpl

    @hookimpl
    def yishi_disclosure_published(self, engine, notice):
        if self.fail:
            raise OSError("disk full")


def test_a_failing_publisher_blocks_neither_the_log_nor_the_others_and_is_retried(tmp_path):
    broken = Broken()
    host = PluginHost.load([broken, JsonPublisher(tmp_path)], entry_points=False)
    engine, _records = run("01_land_lease_passes.toml", plugins=host)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m1-d1.json", "m1-d2.json"]
    assert {f.plugin for f in engine.store.hook_failures()} == {"broken-publisher"}
    broken.fail = False
    assert engine.retry_hooks() == []


def test_publishers_named_in_the_environment(tmp_path):
    assert parse(f"board={tmp_path};json = {tmp_path}/j\n") == [
        ("board", str(tmp_path)),
        ("json", f"{tmp_path}/j"),
    ]
    host = PluginHost.load(entry_points=False)
    problems = add_configured(
        host, {"YISHI_PUBLISHERS": f"json={tmp_path};nope=x;webhook=http://h/"}
    )
    assert [p.plugin for p in problems] == ["publisher nope", "publisher webhook"]
    assert "YISHI_WEBHOOK_SECRET" in problems[1].message
    assert host.pm.get_plugin("publish-json") is not None


def test_the_update_after_one_notice_matches_a_whole_rebuild(tmp_path):
    """The board publisher rewrites the lists and one matter's page; the result is
    the board `yishi publish` would write from the same log."""
    import attrs

    from tests.publish_fixtures import run as play
    from yishi.domain.state import State, evolve
    from yishi.publish.site import BoardOptions, write_board

    engine, records = play("04_objection_during_disclosure.toml")
    events = [r.event for r in records]
    community = [e for e in events if not getattr(e, "matter", None)]
    matter = [e for e in events if getattr(e, "matter", None)]

    def copy(suffix):
        return [
            attrs.evolve(
                e,
                **{
                    k: getattr(e, k) + suffix
                    for k in ("matter", "meeting", "disclosure", "objection")
                    if isinstance(getattr(e, k, None), str)
                },
            )
            for e in matter
        ]

    first, second = community + copy("-a"), community + copy("-a") + copy("-b")
    options = BoardOptions(community="古槐村")

    def state_of(log):
        state = State()
        for e in log:
            evolve(state, e)
        return state

    updated, whole = tmp_path / "updated", tmp_path / "whole"
    write_board(updated, state_of(first), engine.rulesets, first, options)
    write_board(updated, state_of(second), engine.rulesets, second, options, only=["m4-b"])
    write_board(whole, state_of(second), engine.rulesets, second, options)
    for path in sorted(whole.rglob("*")):
        if path.is_file():
            relative = path.relative_to(whole)
            assert (updated / relative).read_bytes() == path.read_bytes(), relative
