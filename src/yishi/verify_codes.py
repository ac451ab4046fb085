"""``yishi verify --code``: from the code on a paper notice to the record it came from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from yishi.publish.code import normalise_code
from yishi.publish.lookup import CodeMatch, find_code


def verify_codes(
    path: Path, codes: tuple[str, ...], checkpoints: tuple[str, ...], as_json: bool, lang: str
) -> int:
    """Check each code against the log at ``path``; the exit status (0: all found, intact)."""
    from yishi.store.sqlite import SQLiteStore
    from yishi.store.verify import Checkpoint, NotALog, verify_sqlite

    en = lang == "en"
    wanted = []
    for text in codes:
        code = normalise_code(text)
        if code is None:
            raise click.BadParameter(
                (
                    "expected 8 letters and digits like 7K3M-Q9TD, got "
                    if en
                    else "核验码应为 8 位字母和数字（如 7K3M-Q9TD），实际为 "
                )
                + text,
                param_hint="--code",
            )
        wanted.append(code)
    if not path.is_file():
        click.echo((f"no log file at {path}" if en else f"找不到记录文件：{path}"), err=True)
        return 2
    try:
        with SQLiteStore(path) as store:
            records = list(store.read_all())
    except Exception as exc:  # not a log, or damaged beyond reading: verify says which
        click.echo(str(exc), err=True)
        return 2
    matches: dict[str, list[CodeMatch]] = {code: find_code(records, code) for code in wanted}
    points = [
        Checkpoint(m.size, m.head, f"code {m.code}") for found in matches.values() for m in found
    ]
    points += [Checkpoint.parse(c) for c in checkpoints]
    try:
        report = verify_sqlite(path, points)
    except NotALog as exc:
        click.echo(exc.message(lang), err=True)
        return 2
    missing = [c for c, found in matches.items() if not found]
    ok = report.ok and not missing
    if as_json:
        document = {
            "file": str(path),
            "codes": {
                c: [
                    {
                        "disclosure": m.disclosure,
                        "title": m.title,
                        "posted_on": m.posted_on,
                        "record": m.position,
                        "checkpoint": f"{m.size}:{m.head}",
                    }
                    for m in found
                ]
                for c, found in matches.items()
            },
            **report.as_dict(),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return 0 if ok else 1
    for code, found in matches.items():
        if not found:
            click.echo(
                f"{code}: no notice in this log has this code"
                if en
                else f"{code}：本记录中没有核验码为此的公示",
                err=True,
            )
        for m in found:
            click.echo(
                f"{code}: “{m.title}”, posted {m.posted_on}, record #{m.position}, "
                f"made from checkpoint {m.size}:{m.head}"
                if en
                else f"{code}：《{m.title}》，张贴日期 {m.posted_on}，第 {m.position} 条记录，"
                f"生成时存证 {m.size}:{m.head}"
            )
    if report.ok:
        click.echo(
            f"Log intact: {report.records} records; every checkpoint matches."
            if en
            else f"记录完好：共 {report.records} 条，存证全部相符。"
        )
    else:
        click.echo("Result: the log does not match:" if en else "结论：记录与存证不符：", err=True)
        for damage in report.damage[:20]:
            click.echo("  " + damage.message(lang), err=True)
    if ok and matches:
        click.echo(
            "Compare the title and date above with the paper notice."
            if en
            else "请将上面的标题、日期与纸质公示对照。"
        )
    return 0 if ok else 1
