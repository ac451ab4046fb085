"""The publishers: each posts every disclosure somewhere residents look.

Each is a plugin object implementing ``yishi_disclosure_published``; the
built-in plugin :mod:`yishi.plugins.publishers` registers a factory for each
through ``yishi_register_publishers``, exactly as a third party would. Each
renders the one disclosure document (:mod:`yishi.publish.document`), so the
privacy rules hold on every channel. A publisher that raises is recorded by
the engine and retried later (``yishi hooks --retry``); re-running one
rewrites the same files or re-sends the same message id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.publish.document import build_document
from yishi.publish.files import write_atomic
from yishi.publish.notice import Notice
from yishi.publish.printed import SHEETS, notice_html, write_pdf
from yishi.publish.privacy import PrivacyPolicy
from yishi.publish.render import Templates
from yishi.publish.site import FALLBACK, OTHER, BoardOptions, community_of, slug, write_boards


def document_for(engine: Any, notice: Notice, lang: str, policy: PrivacyPolicy) -> dict[str, Any]:
    """The disclosure's document from the engine's state and log."""
    state = engine.state
    matter = state.matters[notice.matter]
    ruleset = engine.rulesets[matter.procedure]
    return build_document(
        state,
        ruleset,
        notice.disclosure,
        engine.store.read_all(),
        lang=lang,
        policy=policy,
        rulesets=engine.rulesets,
    )


class _Publisher:
    kind = "publisher"

    def __init__(
        self,
        directory: str | Path,
        *,
        lang: str = "zh",
        templates: str | Path | None = None,
        policy: PrivacyPolicy | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.lang = lang
        self.templates = Path(templates) if templates else None
        self.policy = policy or PrivacyPolicy()
        self.__name__ = f"publish-{self.kind}"  # the plugin's name: failures are recorded by it
        self.written: list[Path] = []
        self._templates: Templates | None = None

    @property
    def t(self) -> Templates:
        """The templates, compiled once per publisher."""
        if self._templates is None:
            self._templates = Templates(self.lang, self.templates)
        return self._templates

    def _put(self, name: str, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        write_atomic(path, data)
        if path not in self.written:
            self.written.append(path)
        return path


class MarkdownPublisher(_Publisher):
    """``<disclosure>.md``: the notice as Markdown, from the ``notice.md.j2`` template."""

    kind = "markdown"

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        doc = document_for(engine, notice, self.lang, self.policy)
        text = self.t.render("notice.md.j2", doc=doc)
        self._put(f"{slug(notice.disclosure)}.md", text.encode("utf-8"))


class JsonPublisher(_Publisher):
    """``<disclosure>.json``: the ``yishi-disclosure/1`` document (docs/publishing.md)."""

    kind = "json"

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        doc = document_for(engine, notice, self.lang, self.policy)
        text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        self._put(f"{slug(notice.disclosure)}.json", text.encode("utf-8"))


class PrintPublisher(_Publisher):
    """``print/<disclosure>-A4.pdf`` (and A3): the notice for the 公开栏, with its HTML."""

    kind = "print"

    def __init__(
        self,
        directory: str | Path,
        *,
        community: str = "",  # empty: the name the log records
        publisher: str = "",
        base_url: str = "",
        sheets: tuple[str, ...] = SHEETS,
        pdf: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(directory, **kwargs)
        self.community = community
        self.publisher = publisher
        self.base_url = base_url
        self.sheets = sheets
        self.pdf = pdf

    def print_notice(self, doc: dict[str, Any], community: str = "") -> list[Path]:
        """The notice's print pages; ``community`` names the community where this
        publisher was not told its name (the engine's log knows it)."""
        t = self.t
        made = []
        for sheet in self.sheets:
            html = notice_html(
                doc,
                t,
                sheet=sheet,
                community=self.community or community or FALLBACK,
                publisher=self.publisher,
                base_url=self.base_url,
            )
            stem = f"{slug(doc['disclosure']['id'])}-{sheet}"
            made.append(self._put(f"{stem}.html", html.encode("utf-8")))
            if self.pdf:
                write_pdf(html, self.directory / f"{stem}.pdf")
                made.append(self.directory / f"{stem}.pdf")
                if made[-1] not in self.written:
                    self.written.append(made[-1])
        return made

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        doc = document_for(engine, notice, self.lang, self.policy)
        self.print_notice(doc, community_of(engine.state, self.community))


class BoardPublisher(_Publisher):
    """The community's static board (index, matter pages, verification page, Atom feed)
    in both languages, the other one under ``en/`` (``zh/``), updated from the log at
    every disclosure."""

    kind = "board"

    def __init__(
        self,
        directory: str | Path,
        *,
        community: str = "",  # empty: the name the log records
        base_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(directory, **kwargs)
        self.community = community
        self.base_url = base_url

    def options(self) -> BoardOptions:
        return BoardOptions(
            community=self.community,
            lang=self.lang,
            templates=self.templates,
            base_url=self.base_url,
            policy=self.policy,
        )

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        # Both languages, as `yishi publish` writes them. The first notice (or a board
        # whose pages are missing) writes every page; after that, the index, the
        # verification page, the feed and this matter's page, in each language.
        other = OTHER["en" if self.lang == "en" else "zh"][0]
        whole = not all(
            (d / "index.html").is_file() for d in (self.directory, self.directory / other)
        )
        self.written = write_boards(
            self.directory,
            engine.state,
            engine.rulesets,
            engine.store.read_all(),
            self.options(),
            only=None if whole else [notice.matter],
            templates=self.t,
        )


class AtomPublisher(BoardPublisher):
    """Only the board's Atom feed, ``feed.atom``, for a directory a web server serves."""

    kind = "atom"

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        from yishi.publish.site import atom, documents

        t = self.t
        docs = documents(
            engine.state, engine.rulesets, list(engine.store.read_all()), self.lang, self.policy
        )
        rows = [{"doc": d, "file": f"{slug(d['matter']['id'])}.html"} for d in docs]
        self._put(
            "feed.atom",
            atom(rows, t, self.options(), community_of(engine.state, self.community)).encode(
                "utf-8"
            ),
        )
