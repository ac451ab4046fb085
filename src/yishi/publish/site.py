"""The static board (公开栏网页) of one community, written from its log.

``write_board`` renders every disclosure through the disclosure document:
an index of current and past notices, a page per matter with its notices, its
procedure flowchart (the current step highlighted) and its whole timeline, a
verification page, an Atom feed, the style sheet and, for each notice, its
JSON document. No JavaScript. Each file is written whole (write_atomic).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.publish.document import build_document, summary
from yishi.publish.files import write_atomic
from yishi.publish.graph import flow
from yishi.publish.privacy import PrivacyPolicy, mask_text
from yishi.publish.render import Templates
from yishi.publish.svg import page_css, to_svg
from yishi.publish.timeline import event_of, stage_name, timeline

FEED_SIZE = 50  # the feed carries the latest notices in full; the board lists them all
_UNSAFE = re.compile(r'[\\/:*?"<>|#%\x00-\x1f\s]')


def slug(identifier: str) -> str:
    """A file-name-safe form of an id (ids are ASCII in practice; anything else is replaced)."""
    return _UNSAFE.sub("_", identifier) or "_"


# What a notice calls a community whose log never recorded its name.
FALLBACK = "本社区"


def community_of(state: State, given: str = "") -> str:
    """The community's name on notices and the board: ``given`` (``--community``)
    when set, else the name its log records (CommunityNamed), else 本社区."""
    return given.strip() or state.community_name or FALLBACK


@attrs.frozen
class BoardOptions:
    community: str = ""  # empty: the name the log records (community_of)
    lang: str = "zh"
    templates: Path | None = None
    base_url: str = ""  # where the board is served, for links in the feed and QR codes
    policy: PrivacyPolicy = attrs.Factory(PrivacyPolicy)
    # Where the same board in the other language is, relative to this board's root
    # ("en/" from a Chinese board, "../" back from its English copy); "" for none.
    # Every page then links to its own counterpart there.
    alternate: str = ""


OTHER = {"zh": ("en", "English"), "en": ("zh", "中文")}


def alternate_link(options: BoardOptions, root: str, relative: str) -> dict[str, str] | None:
    """The link from the page at ``relative`` to the same page in the other language."""
    if not options.alternate:
        return None
    lang, label = OTHER["en" if options.lang == "en" else "zh"]
    return {"href": f"{root}{options.alternate}{relative}", "lang": lang, "label": label}


def write_boards(
    out: Path,
    state: State,
    rulesets: Mapping[str, RuleSet],
    events: Iterable[Any],
    options: BoardOptions = BoardOptions(),
    print_links: Mapping[str, list[tuple[str, str]]] | None = None,
    *,
    only: Iterable[str] | None = None,
    templates: Templates | None = None,
) -> list[Path]:
    """The board in ``options.lang`` into ``out`` and the same board in the other
    language into ``out/en`` (or ``out/zh``), each page linking to its counterpart.

    ``yishi publish`` and the board publisher both write through here, so a board
    kept up to date notice by notice is the one ``yishi publish`` writes. The
    printed notices are linked from the first board only; ``only`` and
    ``templates`` are as for :func:`write_board` (``templates`` for the first)."""
    events = list(events)
    only = None if only is None else list(only)
    other = OTHER["en" if options.lang == "en" else "zh"][0]
    written = write_board(
        out,
        state,
        rulesets,
        events,
        attrs.evolve(options, alternate=f"{other}/"),
        print_links,
        only=only,
        templates=templates,
    )
    written += write_board(
        out / other,
        state,
        rulesets,
        events,
        attrs.evolve(options, lang=other, alternate="../"),
        only=only,
    )
    return written


def by_matter(events: Iterable[Any]) -> dict[str, list[Any]]:
    """The log's events grouped by matter, in log order: read once, not once per notice."""
    grouped: dict[str, list[Any]] = {}
    for event in map(event_of, events):
        matter = getattr(event, "matter", None)
        if matter:
            grouped.setdefault(matter, []).append(event)
    return grouped


def posted_under(state: State, rulesets: Mapping[str, RuleSet], disclosure: Any) -> RuleSet:
    """The procedure a notice was posted in: its matter may have moved on since."""
    return (
        rulesets.get(disclosure.procedure) or rulesets[state.matters[disclosure.matter].procedure]
    )


def documents(
    state: State,
    rulesets: Mapping[str, RuleSet],
    events: Iterable[Any],
    lang: str,
    policy: PrivacyPolicy,
) -> list[dict[str, Any]]:
    """Every disclosure's document, newest first (by posting date, then id)."""
    grouped = by_matter(events)
    docs = []
    for disclosure in state.disclosures.values():
        ruleset = posted_under(state, rulesets, disclosure)
        own = grouped.get(disclosure.matter, [])
        docs.append(
            build_document(
                state, ruleset, disclosure.id, own, lang=lang, policy=policy, rulesets=rulesets
            )
        )
    docs.sort(key=lambda d: (d["disclosure"]["posted_on"], d["disclosure"]["id"]), reverse=True)
    return docs


def write_board(
    out: Path,
    state: State,
    rulesets: Mapping[str, RuleSet],
    events: Iterable[Any] | Callable[[str], Iterable[Any]],
    options: BoardOptions = BoardOptions(),
    print_links: Mapping[str, list[tuple[str, str]]] | None = None,
    *,
    only: Iterable[str] | None = None,
    templates: Templates | None = None,
    document: Callable[[str, Callable[[], dict[str, Any]]], dict[str, Any]] | None = None,
    lists: bool = True,
) -> list[Path]:
    """Write the board into ``out``; returns the files written.

    ``events``: the log (events or stored records), or a function that gives one
    matter's, for a caller that reads them matter by matter (the web service).
    ``only``: the matters whose pages and notices changed; the index, the
    verification page and the feed are always rewritten, other matters' pages
    are left as they are (a publisher updating the board after one notice).
    ``document(disclosure, build)``: a disclosure's document, from the caller's
    own store of them or from ``build()``. ``lists=False`` writes the pages of
    ``only`` and their notices alone: a caller drawing a board in parts writes
    the index, the verification page, the feed and the style once, at the end."""
    records_of = events if callable(events) else by_matter(events).get
    t = templates or Templates(options.lang, options.templates)
    changed = None if only is None else set(only)
    # Full documents for the pages being written and the feed; summaries for the lists.
    ordered = sorted(
        state.disclosures.values(), key=lambda d: (d.posted_on.isoformat(), d.id), reverse=True
    )
    wanted = {d.id for d in ordered[:FEED_SIZE] if lists} | {
        d.id for d in ordered if changed is None or d.matter in changed
    }
    pages = [m.id for m in state.matters.values() if changed is None or m.id in changed]
    built, histories = _read_by_matter(
        state,
        rulesets,
        records_of,
        options,
        [d for d in ordered if d.id in wanted],
        pages,
        document,
    )
    docs = [
        built[item.id]
        if item.id in built
        else summary(state, posted_under(state, rulesets, item), item.id, options.lang)
        for item in ordered
        if lists or item.id in built
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "matters").mkdir(exist_ok=True)
    (out / "notices").mkdir(exist_ok=True)
    written: list[Path] = []
    community = mask_text(community_of(state, options.community))
    common = {"community": community}

    def switch(root: str, relative: str) -> dict[str, Any]:
        return {"alternate": alternate_link(options, root, relative)}

    def put(relative: str, text: str) -> None:
        path = out / relative
        # whole or not at all, without fsync: the board is rebuilt from the log at will
        write_atomic(path, text.encode("utf-8"), durable=False)
        written.append(path)

    rows: list[dict[str, Any]] = [
        {"doc": d, "file": f"{slug(d['matter']['id'])}.html"} for d in docs
    ]
    current = [r for r in rows if r["doc"]["disclosure"]["status"] == "posted"]
    past = [r for r in rows if r["doc"]["disclosure"]["status"] != "posted"]
    matters = []
    charts: dict[tuple[str, str, str | None], str] = {}
    for matter in state.matters.values():
        ruleset = rulesets[matter.procedure]
        step = (
            t.words["closed_matter"]
            if matter.status != "in_progress"
            else stage_name(ruleset, matter.stage, options.lang)
        )
        file = f"{slug(matter.id)}.html"
        matters.append({"title": mask_text(matter.title), "file": file, "step": step})
        if changed is not None and matter.id not in changed:
            continue
        mine = [r for r in rows if r["doc"]["matter"]["id"] == matter.id]
        mine.reverse()  # oldest first on the matter's own page
        notices = [
            {"doc": r["doc"], "print": (print_links or {}).get(r["doc"]["disclosure"]["id"], [])}
            for r in mine
        ]
        current_step = matter.stage if matter.status == "in_progress" else None
        key = (ruleset.id, ruleset.digest, current_step)
        if key not in charts:  # one drawing per procedure and step, however many matters
            charts[key] = to_svg(
                flow(ruleset, options.lang, rulesets),
                current=current_step,
                here=t.words["current_step"],
            )
        chart = charts[key]
        history = histories[matter.id]
        put(
            f"matters/{file}",
            t.render(
                "matter.html.j2",
                root="../",
                matter={
                    "title": mask_text(matter.title),
                    "procedure": (ruleset.title_en or ruleset.title)
                    if options.lang == "en"
                    else ruleset.title,
                    "step": step,
                },
                notices=notices,
                chart=_markup(chart),
                timeline=[{**row, "text": mask_text(row["text"])} for row in history],
                **common,
                **switch("../", f"matters/{file}"),
            ),
        )
    for d in docs:
        if changed is not None and d["matter"]["id"] not in changed:
            continue
        put(
            f"notices/{slug(d['disclosure']['id'])}.json",
            json.dumps(d, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        )
    if not lists:
        return written
    put(
        "index.html",
        t.render(
            "index.html.j2",
            root="",
            current=current,
            past=past,
            matters=matters,
            **common,
            **switch("", "index.html"),
        ),
    )
    example = next((d["code"] for d in docs if d["code"]), "XXXX-XXXX")
    put(
        "verify.html",
        t.render(
            "verify.html.j2",
            root="",
            example=example,
            notices=[r for r in rows if r["doc"]["checkpoint"]],
            **common,
            **switch("", "verify.html"),
        ),
    )
    put("feed.atom", atom(rows[:FEED_SIZE], t, options, community))
    style = Path(__file__).with_name("templates") / "style.css"
    custom = options.templates / "style.css" if options.templates else None
    sheet = (custom if custom and custom.is_file() else style).read_text(encoding="utf-8")
    # the flowchart's own styles too: a served page's CSP refuses the SVG's inline ones
    put("style.css", sheet.rstrip("\n") + "\n" + page_css())
    return written


def _read_by_matter(
    state: State,
    rulesets: Mapping[str, RuleSet],
    records_of: Callable[[str], Iterable[Any] | None],
    options: BoardOptions,
    notices: list[Any],
    pages: list[str],
    document: Callable[[str, Callable[[], dict[str, Any]]], dict[str, Any]] | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The full documents of ``notices`` and the timelines of the matters of
    ``pages``, matter by matter: a caller that reads a matter's records from the
    log (the web service) reads each one once, not once for its notices and again
    for its page; and not at all where ``document`` has its notices already."""
    wanted: dict[str, list[Any]] = {}
    for item in notices:
        wanted.setdefault(item.matter, []).append(item)
    built: dict[str, dict[str, Any]] = {}
    histories: dict[str, list[dict[str, Any]]] = {}
    paged = set(pages)
    for matter_id in dict.fromkeys([*wanted, *pages]):
        # read when first needed, then kept for the matter's other notices and its page
        own = functools.cache(
            lambda matter_id=matter_id: list(map(event_of, records_of(matter_id) or ()))
        )

        for item in wanted.get(matter_id, ()):
            ruleset = posted_under(state, rulesets, item)

            def build(
                item: Any = item, ruleset: RuleSet = ruleset, own: Any = own
            ) -> dict[str, Any]:
                return build_document(
                    state,
                    ruleset,
                    item.id,
                    own(),
                    lang=options.lang,
                    policy=options.policy,
                    rulesets=rulesets,
                )

            built[item.id] = build() if document is None else document(item.id, build)
        if matter_id not in paged:
            continue
        matter = state.matters[matter_id]
        ruleset = rulesets[matter.procedure]
        policy = PrivacyPolicy.from_ruleset(ruleset) | options.policy
        histories[matter_id] = timeline(
            own(),
            state,
            ruleset,
            options.lang,
            policy.sections_withheld(matter.matter_type),
            policy.withhold_fields,
            rulesets=rulesets,
        )
    return built, histories


def _markup(svg: str) -> Any:
    """The flowchart, escaped where it was built (svg.py), inserted as markup."""
    from markupsafe import Markup

    return Markup(svg)


def atom(rows: list[dict[str, Any]], t: Templates, options: BoardOptions, community: str) -> str:
    from yishi.publish.document import FORMAT

    entries = []
    notice_t = t.env.get_template("_notice.html.j2")
    for row in rows:
        d = row["doc"]
        posted = dt.date.fromisoformat(d["disclosure"]["posted_on"])
        html = str(notice_t.module.notice(d, t.words))  # type: ignore[attr-defined]
        entries.append(
            {
                "doc": d,
                "file": row["file"],
                # stable: the same notice keeps its id however often the feed is rebuilt
                "id": f"tag:yishi,{posted.isoformat()}:{d['disclosure']['id']}:{d['code'] or ''}",
                "updated": f"{posted.isoformat()}T00:00:00+08:00",
                "html": html,
            }
        )
    updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00+08:00")
    return t.render(
        "feed.atom.j2",
        feed_id=f"tag:yishi,2026:{FORMAT}:{community}",
        updated=updated,
        base_url=options.base_url,
        entries=entries,
        community=community,
    )
