"""``yishi stats``: the figures a community reports for a period, per council.

The command reads the log and the rule sets it names and hands them to the
pure :func:`yishi.stats.compute`; it only parses the period and prints.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from yishi.cli_options import LANG
from yishi.i18n import message
from yishi.paths import default_db

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost
    from yishi.stats import Span


def parse_day(text: str | None, option: str, lang: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date given for ``option``, or a located message and exit 2."""
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        click.echo(message("stats_bad_date", lang, option=option, value=text), err=True)
        sys.exit(2)


def period(first: dt.date | None, last: dt.date | None, this_year: int, lang: str) -> Span:
    """The period asked for: a missing end is the end (or start) of the other end's
    year, and with neither given, the current year."""
    from yishi.stats import Span

    start = first or dt.date((last or dt.date(this_year, 1, 1)).year, 1, 1)
    end = last or dt.date((first or dt.date(this_year, 1, 1)).year, 12, 31)
    if start > end:
        click.echo(
            message("stats_reversed", lang, first=start.isoformat(), last=end.isoformat()),
            err=True,
        )
        sys.exit(2)
    return Span(start, end)


@click.command(
    help="按期间、按议事规则统计：提出、决定、办结、按时办结的事项，建议答复与满意率。"
    "Figures for a period, per council: matters raised, decided, done and on time; "
    "suggestions answered; satisfaction."
)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="记录文件"
)
@click.option("--from", "first", metavar="YYYY-MM-DD", help="起始日（含），默认本年 1 月 1 日")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="截止日（含），默认本年 12 月 31 日")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="输出格式：表格、CSV 或 JSON（yishi-stats/1）",
)
@click.option(
    "--rules",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="本地规则文件（随附规则及记录旁的 *.toml 自动查找）",
)
@LANG
def stats(
    db: Path | None,
    first: str | None,
    last: str | None,
    output: str,
    rules: tuple[Path, ...],
    lang: str,
) -> None:
    from yishi.cli_errors import reported
    from yishi.clock import DEFAULT_ZONE, SystemClock
    from yishi.log import open_engine
    from yishi.progress import reading
    from yishi.rulesets.problems import RuleSetError
    from yishi.stats import compute

    from_day = parse_day(first, "--from", lang)
    to_day = parse_day(last, "--to", lang)
    path = db if db is not None else default_db()
    if not path.is_file():
        click.echo(message("stats_no_log", lang, path=path), err=True)
        sys.exit(2)
    with reported(path, lang):
        try:
            # the rule sets the log's matters name, found as every command finds them
            with reading(lang) as bar:
                engine = open_engine(path, plugins=_plugins(), rules=rules, progress=bar)
        except RuleSetError as exc:
            click.echo(exc.render(lang), err=True)
            sys.exit(1)
        try:
            rulesets = engine.rulesets
            zone = next(iter(rulesets.values())).timezone if rulesets else DEFAULT_ZONE
            span = period(from_day, to_day, SystemClock(zone).year, lang)
            document = compute((s.event for s in engine.store.read_all()), rulesets, span)
        finally:
            engine.store.close()
    if output == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from yishi.stats_output import to_csv, to_table

    click.echo(to_csv(document, lang) if output == "csv" else to_table(document, lang), nl=False)
    if output == "table":
        click.echo()


def _plugins() -> PluginHost | None:
    from yishi.cli import loaded_plugins

    return loaded_plugins()
