"""``yishi publish --to DIR``: the board and the printed notices, written from a log."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.publish.printed import SHEETS, PdfUnavailable
from yishi.publish.site import BoardOptions, community_of, documents, slug, write_boards


@attrs.frozen
class Published:
    board: Path
    index: Path
    verify: Path
    notices: tuple[Path, ...]  # the PDFs (or, without WeasyPrint, the print pages)
    pdf_problem: str = ""


def publish_all(
    out: Path,
    state: State,
    rulesets: Mapping[str, RuleSet],
    events: list[Any],
    options: BoardOptions,
    *,
    publisher: str = "",
    pdf: bool = True,
) -> Published:
    """Write the board into ``out`` and every notice's A4 and A3 print into ``out/print``."""
    from yishi.publish.channels import PrintPublisher

    printer = PrintPublisher(
        out / "print",
        community=community_of(state, options.community),
        publisher=publisher,
        base_url=options.base_url,
        lang=options.lang,
        templates=options.templates,
        policy=options.policy,
        pdf=pdf,
    )
    problem = ""
    links: dict[str, list[tuple[str, str]]] = {}
    made: list[Path] = []
    for doc in documents(state, rulesets, events, options.lang, options.policy):
        try:
            files = printer.print_notice(doc)
        except PdfUnavailable as exc:
            problem = str(exc)
            printer.pdf = False
            files = printer.print_notice(doc)
        stem = slug(doc["disclosure"]["id"])
        ext = "pdf" if printer.pdf else "html"
        links[doc["disclosure"]["id"]] = [
            (f"{sheet} {ext.upper()}", f"print/{stem}-{sheet}.{ext}") for sheet in SHEETS
        ]
        made += [f for f in files if f.suffix == f".{ext}"]
    write_boards(out, state, rulesets, events, options, print_links=links)
    return Published(out, out / "index.html", out / "verify.html", tuple(made), problem)
