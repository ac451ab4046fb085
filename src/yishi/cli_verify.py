"""``yishi verify``: the log's hash chain and attachments, then its meaning (verdicts
recounted, facts recorded once, published notices: yishi/audit.py), for SQLite
logs and, through their store, for those a plugin keeps.

The plugins come through ``yishi.cli.loaded_plugins`` (imported when the command
runs), so there is one plugin host per process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from yishi.cli_options import LANG
from yishi.i18n import message
from yishi.paths import default_db


@click.command(
    help="核验记录：重算哈希链与附件摘要，输出链头摘要；发现改动时指出第一条不符的记录。"
    "Verify the log's hash chain and attachments."
)
@click.option(
    "--db",
    default=None,
    help="记录文件（默认 $YISHI_DB、./yishi.db 或 ./yishi-demo/yishi.db），"
    "或其他存储，如 postgresql://主机/库?community=社区",
)
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    metavar="条数:摘要",
    help="纸质公示上印的存证（SIZE:HEAD），可多次给出",
)
@click.option(
    "--rules",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="重算表决结果所用的本地规则文件（随附规则及记录旁的 *.toml 自动查找）",
)
@click.option(
    "--notices",
    multiple=True,
    type=click.Path(path_type=Path),
    help="核对已发布的公示文件（文件或文件夹），可多次给出",
)
@click.option(
    "--code",
    "codes",
    multiple=True,
    metavar="XXXX-XXXX",
    help="公示上印的核验码，可多次给出 / a notice's verification code",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出核验结果")
@LANG
def verify(
    db: str | None,
    checkpoints: tuple[str, ...],
    rules: tuple[Path, ...],
    notices: tuple[Path, ...],
    codes: tuple[str, ...],
    as_json: bool,
    lang: str,
) -> None:
    from yishi.audit import AuditReport, audit_sqlite, notice_paths, rulesets_by_digest
    from yishi.cli import loaded_plugins
    from yishi.cli_errors import reported
    from yishi.log import known_rulesets
    from yishi.plugins.locations import backend_of
    from yishi.progress import Progress
    from yishi.rulesets.problems import RuleSetError
    from yishi.store.verify import Checkpoint, NotALog, verify_sqlite

    backend, location = backend_of(db, loaded_plugins()) if db is not None else ("sqlite", "")
    path: Path | str = Path(location) if db is not None else default_db()
    en = lang == "en"
    if codes:
        from yishi.verify_codes import verify_codes

        if not isinstance(path, Path):
            click.echo(
                "--code needs a SQLite log" if en else "--code 只能用于 SQLite 记录文件", err=True
            )
            sys.exit(2)
        sys.exit(verify_codes(path, codes, checkpoints, as_json, lang))
    points = []
    for text in checkpoints:
        try:
            points.append(Checkpoint.parse(text))
        except ValueError:
            raise click.BadParameter(
                (
                    "expected SIZE:HEAD (64 hex digits), got "
                    if en
                    else "应为 条数:摘要（64 位十六进制），实际为 "
                )
                + text,
                param_hint="--checkpoint",
            ) from None
    try:
        if backend == "sqlite":
            with Progress("核验" if not en else "verifying") as bar:
                report = verify_sqlite(path, points, progress=bar)
        else:
            path = db or ""
            report = _verify_other(path, points, lang)
    except NotALog as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    audited = AuditReport(damage=())
    if backend == "sqlite":
        log_path = Path(path)
        try:
            known = rulesets_by_digest(known_rulesets(log_path, rules, loaded_plugins()))
        except RuleSetError as exc:
            click.echo(exc.render(lang), err=True)
            sys.exit(2)
        with reported(log_path, lang):
            # The meaning, after the chain: verdicts recounted, facts recorded once,
            # the commands table, published notices (yishi/audit.py).
            audited = audit_sqlite(log_path, known, notice_paths(notices))
        import attrs  # not at the top: ``yishi --help`` does without it

        report = attrs.evolve(
            report, damage=tuple(sorted((*report.damage, *audited.damage), key=lambda d: d.seq))
        )
    if as_json:
        document = {"file": str(path), **report.as_dict(), **audited.as_dict()}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        sys.exit(0 if report.ok else 1)
    head = report.head
    if en:
        click.echo(
            f"Verified {path}: {report.records} records, {report.evidence_files} attachments, "
            f"{report.checkpoints} checkpoints."
        )
        click.echo(f"Head: {head.size}:{head.hash}")
    else:
        click.echo(
            f"核验 {path}：共 {report.records} 条记录，附件 {report.evidence_files} 个，"
            f"存证 {report.checkpoints} 处。"
        )
        click.echo(f"链头：{head.size}:{head.hash}")
    if backend == "sqlite":
        click.echo(
            f"Verdicts recounted from the recorded ballots: {audited.verdicts}; notices checked: {audited.notices}."
            if en
            else f"按所记选票与规则重算表决结果 {audited.verdicts} 项；核对公示文件 {audited.notices} 份。"
        )
    if audited.unchecked:
        ids = ", ".join(sorted({r for _, r in audited.unchecked}))
        click.echo(
            f"Not recounted: {len(audited.unchecked)} verdict(s) under rule set(s) not found ({ids}); give them with --rules."
            if en
            else f"未能重算：{len(audited.unchecked)} 项表决所依据的规则（{ids}）未找到，请用 --rules 指定。",
            err=True,
        )
    if report.ok:
        click.echo("Result: intact." if en else "结论：完好，未发现改动。")
        return
    first = report.first
    assert first is not None
    click.echo(
        (
            f"Result: {len(report.damage)} problem(s); the first is at record #{first.seq}:"
            if not first.whole_file
            else f"Result: {len(report.damage)} problem(s) in the database file:"
        )
        if en
        else (
            f"结论：发现 {len(report.damage)} 处不符，第一处在第 {first.seq} 条记录："
            if not first.whole_file
            else f"结论：发现 {len(report.damage)} 处不符，数据库文件本身已损坏："
        ),
        err=True,
    )
    for damage in report.damage[:20]:
        click.echo("  " + damage.message(lang), err=True)
    if len(report.damage) > 20:
        click.echo(f"  …（另有 {len(report.damage) - 20} 处）", err=True)
    sys.exit(1)


def _verify_other(location: str, points: list[Any], lang: str) -> Any:
    """Verify a log kept by a store plugin (PostgreSQL …), read through its store."""
    from yishi.cli import loaded_plugins
    from yishi.plugins.locations import open_location
    from yishi.store.verify import NotALog, verify_store

    try:
        store = open_location(location, loaded_plugins())
    except LookupError as exc:
        click.echo(message("store_backend_missing", lang, backend=str(exc)), err=True)
        sys.exit(2)
    try:
        if not getattr(store, "exists", lambda: True)():
            raise NotALog("verify_no_file", location)
        return verify_store(store, points)
    finally:
        store.close()
