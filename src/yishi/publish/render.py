"""Templates: jinja2 with autoescape, overridable by a community's own folder.

The folder may hold any template by the same name (``_header.html.j2`` is the
usual one to replace), a ``seal.png`` printed in the seal space of the paper
notice, and a ``wording.toml``. What a resident typed (a title, a name, an
objection) reaches a page only through autoescape, so it shows as text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2

from yishi.publish.ledger import grouped
from yishi.publish.words import wording

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def md_escape(value: object) -> str:
    """Text safe in Markdown: HTML special characters as entities, markup characters
    backslashed, so a typed ``<script>`` or ``**`` shows as it was typed."""
    text = html.escape(str(value), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


class Templates:
    def __init__(self, lang: str = "zh", folder: str | Path | None = None) -> None:
        self.lang = "en" if lang == "en" else "zh"
        self.folder = Path(folder) if folder else None
        loaders: list[jinja2.BaseLoader] = []
        if self.folder is not None:
            if not self.folder.is_dir():
                raise FileNotFoundError(f"template folder {self.folder} does not exist")
            loaders.append(jinja2.FileSystemLoader(str(self.folder)))
        loaders.append(jinja2.PackageLoader("yishi.publish", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["md"] = md_escape
        self.env.filters["money"] = grouped  # publish/ledger.py
        self.words = wording(self.lang, self.folder)

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(w=self.words, lang=self.lang, **context)

    def seal(self) -> Path | None:
        """The community's seal image, if its folder has one."""
        if self.folder is None:
            return None
        found = self.folder / "seal.png"
        return found if found.is_file() else None
