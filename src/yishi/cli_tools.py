"""Commands for operators and plugin authors: moving a log between stores,
scaffolding a plugin, listing the loaded plugins and retrying their failures.

``yishi.cli`` adds them to the main group; the plugins they list are loaded
through ``yishi.cli.loaded_plugins`` so there is one plugin host per process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from yishi.cli_options import LANG
from yishi.i18n import message
from yishi.paths import default_db

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost


def loaded_plugins() -> PluginHost | None:
    from yishi.cli import loaded_plugins as load

    return load()


@click.command(
    help="把记录从一处存储迁到另一处（SQLite ⇄ PostgreSQL），保留事件、哈希与附件，两侧核验。"
    "Copy a log to another store, keeping events, hashes and attachments; verify both sides."
)
@click.argument("source")
@click.argument("target")
@LANG
def migrate(source: str, target: str, lang: str) -> None:
    from yishi.plugins.locations import backend_of, open_location
    from yishi.store.migrate import MigrationRefused
    from yishi.store.migrate import migrate as copy_log

    if backend_of(source, loaded_plugins())[0] == "sqlite" and not Path(source).is_file():
        click.echo(message("verify_no_file", lang, path=source), err=True)
        sys.exit(2)
    stores = []
    try:
        stores.append(open_location(source, loaded_plugins()))
        if not getattr(stores[0], "exists", lambda: True)():
            click.echo(message("verify_no_file", lang, path=source), err=True)
            sys.exit(2)
        stores.append(open_location(target, loaded_plugins()))
        with MigrationBar(lang) as bar:
            result = copy_log(stores[0], stores[1], progress=bar)
    except LookupError as exc:
        click.echo(message("store_backend_missing", lang, backend=str(exc)), err=True)
        sys.exit(2)
    except MigrationRefused as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(1)
    finally:
        for store in stores:
            store.close()
    click.echo(
        message(
            "migrate_done",
            lang,
            records=result.records,
            commands=result.commands,
            files=result.evidence_files,
            source=source,
            target=target,
            head=f"{result.head.size}:{result.head.hash}",
        )
    )


MIGRATION_PHASES = {
    "source": ("核验源记录", "verifying the source"),
    "copy": ("复制记录", "copying"),
    "target": ("核验副本", "verifying the copy"),
}


class MigrationBar:
    """One progress bar (stderr, terminals only) for each phase of a migration."""

    def __init__(self, lang: str) -> None:
        self.en = lang == "en"
        self.phase = ""
        self.bar: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            from yishi.progress import Progress

            self.close()
            self.phase, self.bar = phase, Progress(MIGRATION_PHASES[phase][self.en])
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> MigrationBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@click.group(name="plugin", help="插件开发工具。Tools for plugin authors.")
def plugin_group() -> None:
    pass


@plugin_group.command(
    name="new",
    help="生成一个插件项目（含入口点、一个钩子和可直接通过的测试）。"
    "Scaffold a plugin project that passes its own tests.",
)
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="目标目录（默认 ./yishi-NAME）",
)
@LANG
def plugin_new(name: str, directory: Path | None, lang: str) -> None:
    from yishi.scaffold import ScaffoldError, scaffold

    target = directory if directory is not None else Path(f"yishi-{name}")
    try:
        written = scaffold(name, target)
    except ScaffoldError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    for path in written:
        click.echo(str(path))
    click.echo(
        f"Next: pip install -e {target} && python -m pytest {target} && yishi plugins"
        if lang == "en"
        else f"下一步：pip install -e {target}，再 python -m pytest {target}，用 yishi plugins 查看"
    )


@click.command(
    name="plugins",
    help="列出已加载的插件、版本及其实现的钩子。List loaded plugins, their versions and hooks.",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@LANG
def list_plugins(as_json: bool, lang: str) -> None:
    host = loaded_plugins()
    plugins = host.plugins() if host is not None else []
    problems = host.problems if host is not None else []
    if as_json:
        document = {
            "plugins": [
                {
                    "name": p.name,
                    "version": p.version,
                    "distribution": p.distribution,
                    "hooks": list(p.hooks),
                }
                for p in plugins
            ],
            "problems": [
                {"plugin": p.plugin, "step": p.step, "message": p.message} for p in problems
            ],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        en = lang == "en"
        for plugin in plugins:
            version = plugin.version or "—"
            if plugin.version == "builtin" and not en:
                version = "内置"
            click.echo(f"{plugin.name}\t{version}\t{', '.join(plugin.hooks)}")
        for problem in problems:
            click.echo(problem.render(lang), err=True)
    if problems:
        sys.exit(1)


@click.command(
    help="列出发布后插件（公示发布、通知）的失败记录，可重试。"
    "List after-commit plugin failures; --retry calls them again."
)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="记录文件"
)
@click.option("--retry", is_flag=True, help="重新调用失败的插件 / call the failed hooks again")
@click.option(
    "--rules",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="重试时使用的本地规则文件（随附规则按 id 自动查找）",
)
@LANG
def hooks(db: Path | None, retry: bool, rules: tuple[Path, ...], lang: str) -> None:
    from yishi.log import open_engine
    from yishi.progress import reading
    from yishi.rulesets.problems import RuleSetError
    from yishi.store.sqlite import SQLiteStore

    path = db if db is not None else default_db()
    en = lang == "en"
    if not path.is_file():
        click.echo((f"no log file at {path}" if en else f"找不到记录文件：{path}"), err=True)
        sys.exit(2)
    from yishi.cli_errors import reported

    with reported(path, lang):
        if retry:
            try:
                with reading(lang) as bar:
                    engine = open_engine(path, plugins=loaded_plugins(), rules=rules, progress=bar)
            except RuleSetError as exc:
                click.echo(exc.render(lang), err=True)
                sys.exit(1)
            failures = engine.retry_hooks()
            engine.store.close()
        else:
            with SQLiteStore(path) as store:
                failures = store.hook_failures()
    for f in failures:
        where = (
            f"records {f.first}-{f.last}, {f.attempts} attempt(s)"
            if en
            else f"第 {f.first}–{f.last} 条记录，已尝试 {f.attempts} 次"
        )
        click.echo(f"#{f.id} {f.plugin} {f.hook} {where}：{f.error}")
    if failures:
        click.echo((f"{len(failures)} waiting" if en else f"共 {len(failures)} 项待重试"), err=True)
        sys.exit(1)
    click.echo("no failures waiting" if en else "没有待重试的插件调用。")
