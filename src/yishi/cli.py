"""The command line: translates arguments into calls; holds no rules.

Start-up is kept short (``yishi --help`` is typed often): each command imports
what it needs when it runs, and the installed plugins are looked for only when
a command needs them, or when ``--help`` must list the commands they add.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from yishi.cli_options import LANG

if TYPE_CHECKING:
    from yishi.domain.catalog import Catalog
    from yishi.plugins.host import PluginHost
    from yishi.rulesets.problems import Problem


class _Commands(click.Group):
    """Built-in commands at once; the plugins' commands when first asked for."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None:
            loaded_plugins()
            found = super().get_command(ctx, cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        if _third_party_plugins():
            loaded_plugins()
        return super().list_commands(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing of ``--help``: plugin commands as remembered (cli_help_cache)."""
        from yishi import cli_help_cache as cache

        try:
            files = [] if PLUGINS is not _UNLOADED or _autoload_off() else cache.declared()
            key = cache.key(files) if files else ""
        except Exception:  # an odd entry on sys.path: load the plugins, as without a cache
            key = ""
        remembered = cache.read(key) if key else None
        if remembered is None:
            builtin = set(self.commands)
            super().format_commands(ctx, formatter)  # loads the plugins
            if key:
                cache.write(
                    key, {n: _help_fields(c) for n, c in self.commands.items() if n not in builtin}
                )
            return
        listed = dict(self.commands)
        for name, fields in remembered.items():
            listed.setdefault(name, click.Command(name, **fields))  # type: ignore[arg-type]
        rows = [(n, c) for n, c in sorted(listed.items()) if not c.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(n) for n, _ in rows)
            from gettext import gettext  # as click words its own listing

            with formatter.section(gettext("Commands")):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])


def _help_fields(command: click.Command) -> dict[str, object]:
    return {
        "help": command.help,
        "short_help": command.short_help,
        "hidden": command.hidden,
        "deprecated": command.deprecated,
    }


def _autoload_off() -> bool:
    return bool(os.environ.get("YISHI_DISABLE_PLUGIN_AUTOLOAD"))


@click.group(
    cls=_Commands,
    help="yishi 议事：村（社区）民主议事规则与流程。Resident deliberation for villages and communities.",
)
@click.version_option(package_name="yishi")
def main() -> None:
    pass


@main.command(help="检查规则文件，一次列出全部问题。Check rule-set files and report every problem.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@LANG
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题列表")
def check(files: tuple[Path, ...], lang: str, as_json: bool) -> None:
    from yishi.rulesets.loader import check_text
    from yishi.rulesets.problems import RuleSetError, errors
    from yishi.rulesets.reading import read_limited

    problems: list[Problem] = []
    for path in files:
        try:
            data = read_limited(path)
        except RuleSetError as exc:
            found = list(exc.problems)
        else:
            _, found = check_text(data, str(path), plugin_catalog())
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
    from yishi.rulesets.spec import json_schema

    if scenario:
        from yishi.scenario.schema import SCENARIO_FOR_EDITORS

        document = json_schema(SCENARIO_FOR_EDITORS, "scenario")
    else:
        document = json_schema()
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@main.command(name="rulesets", help="列出随 yishi 安装的规则。List the shipped rule sets.")
def list_rulesets() -> None:
    from yishi.rulesets.registry import shipped

    for ruleset_id, path in shipped().items():
        click.echo(f"{ruleset_id}\t{path}")


@main.command(help="按场景文件逐条执行并报告结果。Play a scenario file through the engine.")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出稳定的 JSON 文档（yishi-run/1）")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="写入新的记录文件（SQLite，附件存于同目录 evidence/）；默认只在内存中试运行",
)
@LANG
def run(scenario: Path, as_json: bool, db: Path | None, lang: str) -> None:
    from yishi.report import to_json, to_text
    from yishi.rulesets.problems import RuleSetError
    from yishi.scenario import load_scenario, run_scenario
    from yishi.store.sqlite import SQLiteStore

    en = lang == "en"
    if db is not None and db.exists():
        # A scenario registers its community from scratch: it starts a log, never extends one.
        click.echo(
            (f"{db} exists: give a new file" if en else f"{db} 已存在：请指定一个新文件"), err=True
        )
        sys.exit(2)
    try:
        loaded = load_scenario(scenario)
    except RuleSetError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    from yishi.cli_errors import ensure_folder, remove_log, reported

    folders = ensure_folder(db, lang) if db is not None else []
    # A log this command starts and cannot finish (full disk, lock) is removed.
    with reported(db, lang, created=[db] if db is not None else [], folders=folders):
        store = SQLiteStore(db) if db is not None else None
        try:
            report = run_scenario(loaded, store=store, plugins=loaded_plugins())
        except RuleSetError as exc:
            if store is not None and db is not None:  # nothing was written: no empty log
                store.close()
                remove_log(db)
            click.echo(exc.render(lang), err=True)
            sys.exit(1)
        except BaseException:
            if store is not None:
                store.close()
            raise
    try:
        if as_json:
            click.echo(json.dumps(to_json(report), ensure_ascii=False, indent=2))
        else:
            click.echo(to_text(report, lang))
    finally:
        if store is not None:
            store.close()
    if db is not None:
        from yishi.log import keep_ruleset

        with reported(db, lang):
            keep_ruleset(db, report.ruleset)  # so that `yishi verify` can recount its verdicts
    if db is not None and not as_json:
        size, head = report.engine.position, report.engine.head_hash
        click.echo(
            f"Log written to {db}: {size} records, head {size}:{head}"
            if en
            else f"记录已写入 {db}：共 {size} 条，链头 {size}:{head}"
        )
    if report.unexpected:
        sys.exit(1)


@main.command(
    help="生成一个示例村，按“四议两公开”走完一件集体土地出租事项，写出记录与公示并核验。"
    "Run the sample village's land lease through all six steps, write the log and notices, verify."
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("yishi-demo"),
    show_default=True,
    help="输出目录（再次运行时替换其中演示生成的文件）/ output directory",
)
@LANG
def demo(directory: Path, lang: str) -> None:
    from yishi.cli_errors import reported
    from yishi.demo import DemoError, run_demo

    try:
        with reported(directory, lang):
            result = run_demo(directory, lang=lang)
    except DemoError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(1)
    click.echo(result.text)
    if not result.ok:
        sys.exit(1)


# -- the web application (yishi serve, yishi access); Starlette is imported only by serve


def _add_web_commands() -> None:
    from yishi.web.cli import access, serve

    main.add_command(serve)
    main.add_command(access)


_add_web_commands()


# -- the log's audit and the tools for operators and plugin authors (yishi verify,
# migrate, plugin new, plugins, hooks, stats); added last, so plugins see every
# built-in command


def _add_tool_commands() -> None:
    from yishi.cli_stats import stats
    from yishi.cli_tools import hooks, list_plugins, migrate, plugin_group
    from yishi.cli_verify import verify

    for command in (verify, migrate, plugin_group, list_plugins, hooks, stats):
        main.add_command(command)


_add_tool_commands()


def _load_plugins(group: click.Group) -> PluginHost | None:
    """Load the plugins once per process and let them add commands.

    Never raises: ``yishi --help`` must work whatever an installed plugin does.
    ``YISHI_DISABLE_PLUGIN_AUTOLOAD=1`` leaves out the installed plugins.
    """
    from yishi.plugins.host import PluginHost

    try:
        host = PluginHost.load(entry_points=not os.environ.get("YISHI_DISABLE_PLUGIN_AUTOLOAD"))
        host.register_commands(group)
        from yishi.plugins.configured import add_configured

        add_configured(host)  # YISHI_PUBLISHERS: publishers for run --db and hooks --retry
    except Exception:  # a bug in the host itself: run without plugins rather than not at all
        return None
    return host


_UNLOADED: Any = object()
# The loaded plugins (None: the host itself failed); loaded on first use.
PLUGINS: PluginHost | None = _UNLOADED


def loaded_plugins() -> PluginHost | None:
    global PLUGINS
    if PLUGINS is _UNLOADED:
        PLUGINS = _load_plugins(main)
    return PLUGINS


def _third_party_plugins() -> bool:
    """Whether any installed distribution declares a yishi plugin (whose commands
    ``--help`` must list), without importing ``importlib.metadata`` (it costs
    more than the rest of ``--help``); when in doubt, says yes."""
    if _autoload_off():
        return False
    from yishi.cli_help_cache import declared

    try:
        return bool(declared())
    except OSError:
        return True


def plugin_catalog() -> Catalog | None:
    """The vote methods and stage kinds of the loaded plugins (None: the built-in ones)."""
    host = loaded_plugins()
    return host.catalog if host is not None else None
