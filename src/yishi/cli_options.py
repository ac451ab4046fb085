"""Options shared by the command-line modules."""

from __future__ import annotations

import click

LANG = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="输出语言 / output language",
)
