"""Built-in plugin: the ``yishi publish`` and ``yishi graph`` commands.

Added through ``yishi_register_commands``, the hook a third party uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from yishi.hookspecs import hookimpl


def _lang() -> click.Option:
    return click.Option(
        ["--lang"], type=click.Choice(["zh", "en"]), default="zh", show_default=True
    )


@click.command(
    name="publish",
    help="把记录中的全部公示写成公开栏网站与张贴用 PDF。"
    "Write the board (static site) and the printable notices from a log.",
)
@click.option(
    "--to",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录 / output directory",
)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="记录文件"
)
@click.option(
    "--community",
    default="",
    help="村（社区）名称，默认用记录中的名称 / community name (default: the one the log records)",
)
@click.option("--publisher", default="", help="公示单位（默认同村社区名称）/ publishing body")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="本村（社区）的模板目录 / a folder of template overrides",
)
@click.option("--url", "base_url", default="", help="公开栏网址（二维码与订阅源使用）")
@click.option("--no-pdf", is_flag=True, help="只写可打印网页，不生成 PDF")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def publish_command(
    out: Path,
    db: Path | None,
    community: str,
    publisher: str,
    templates: Path | None,
    base_url: str,
    no_pdf: bool,
    lang: str,
) -> None:
    from yishi.log import open_engine
    from yishi.paths import default_db
    from yishi.progress import reading
    from yishi.publish.board_cli import publish_all
    from yishi.publish.site import BoardOptions
    from yishi.rulesets.problems import RuleSetError

    en = lang == "en"
    path = db if db is not None else default_db()
    if not path.is_file():
        click.echo((f"no log file at {path}" if en else f"找不到记录文件：{path}"), err=True)
        sys.exit(2)
    try:
        with reading(lang) as bar:
            engine = open_engine(path, progress=bar)
    except RuleSetError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    try:
        engine.catch_up()
        events = list(engine.store.read_all())
        options = BoardOptions(
            community=community,
            lang=lang,
            templates=templates,
            base_url=base_url if not base_url or base_url.endswith("/") else base_url + "/",
        )
        result = publish_all(
            out, engine.state, engine.rulesets, events, options, publisher=publisher, pdf=not no_pdf
        )
    finally:
        engine.store.close()
    if result.pdf_problem:
        click.echo(result.pdf_problem, err=True)
    colon = ": " if en else "："
    click.echo(f"{'Board' if en else '公开栏'}{colon}{result.index.resolve().as_uri()}")
    click.echo(
        f"{'Verification page' if en else '核验页'}{colon}{result.verify.resolve().as_uri()}"
    )
    for notice in result.notices:
        label = "Notice to print" if en else "张贴用公示"
        click.echo(f"{label}{colon}{notice.resolve().as_uri()}")


@click.command(
    name="graph",
    help="把规则画成流程图（小微权力流程图）。Draw a rule set's procedure as a flowchart.",
)
@click.argument("ruleset")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "mermaid", "dot"]),
    default="svg",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def graph_command(ruleset: str, fmt: str, output: Path | None, lang: str) -> None:
    from yishi.publish.graph import flow, to_dot, to_mermaid
    from yishi.publish.svg import to_svg
    from yishi.rulesets.problems import RuleSetError
    from yishi.rulesets.registry import find

    try:
        rs = find(ruleset)  # a shipped id or a .toml path
    except RuleSetError as exc:
        click.echo(exc.render(lang), err=True)
        sys.exit(1)
    from yishi.domain.handoff import targets
    from yishi.rulesets.handoffs import find_target

    others = {}  # the procedures it hands matters to, found as `yishi check` finds them
    for _, t in targets(rs):
        found = find_target(t.procedure or "", rs.source, None)
        if found is not None:
            others[found.id] = found
    drawn = flow(rs, lang, others)
    here = "current step" if lang == "en" else "当前步骤"
    text = {
        "svg": lambda: to_svg(drawn, here=here),
        "mermaid": lambda: to_mermaid(drawn),
        "dot": lambda: to_dot(drawn),
    }[fmt]()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(str(output))


@hookimpl
def yishi_register_commands(cli: click.Group) -> None:
    cli.add_command(publish_command)
    cli.add_command(graph_command)
