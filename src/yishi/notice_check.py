"""Published notice files beyond Markdown, checked against the log (T09).

``yishi verify --notices`` compares each file with the disclosure its checkpoint
names, rebuilt from the replayed log:

- a JSON disclosure (``yishi-disclosure/1``) field by field, over the parts a
  notice states once and for all (the notice, the matter, the decisions and
  their counts, approvals, recusals, the accounts, the checkpoint and the code);
  each objection in the file must be one the log holds, with the same reply;
- an HTML page (a board page, a printed notice's HTML) and a PDF notice by
  their text: every figure and text the log gives for that notice — title,
  posting days, each shown decision's date and counts, each account line's
  amounts, the verification code — must be in the file, and the first that is
  not is named.

Fields that move on after posting (status, later objections and replies, the
timeline) are not compared: the file was made at some moment, and the log has
moved on since. The PDF's text is read with ``pypdf`` (pure Python; WeasyPrint,
which writes the PDFs, cannot read one back).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.publish.document import build_document
from yishi.publish.ledger import grouped
from yishi.publish.words import wording
from yishi.store.verify import Damage

MAX_BYTES = 16 * 1024 * 1024
# The parts of a disclosure document fixed when it is posted (docs/publishing.md).
STABLE = ("disclosure", "matter", "decisions", "approvals", "recusals", "checkpoint", "code")
MOVING = {"disclosure": ("status",), "matter": ("status",)}
COUNT_KEYS = ("entitled", "present", "yes", "no", "abstain", "invalid")

Rebuild = Callable[[str, str], dict[str, Any] | None]  # (disclosure id, lang) -> document


def is_notice_file(path: Path) -> bool:
    """For folders: the JSON, HTML and PDF files that hold a notice."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return True
    if suffix not in (".json", ".html"):
        return False
    try:
        head = path.read_bytes()[:MAX_BYTES].decode("utf-8", "replace")
    except OSError:
        return False
    return "yishi-disclosure/" in head if suffix == ".json" else 'class="notice ' in head


def check(
    path: Path,
    known: Mapping[tuple[int, str], tuple[int, str]],
    state: State,
    rulesets: Mapping[str, RuleSet],
    events: list[Any],
) -> list[Damage]:
    """The damage found in one notice file; ``known`` maps each checkpoint
    (size, head) to the (seq, disclosure id) of the notice made there."""
    where = str(path)

    def rebuild(disclosure_id: str, lang: str) -> dict[str, Any] | None:
        disclosure = state.disclosures.get(disclosure_id)
        matter = state.matters.get(disclosure.matter) if disclosure else None
        ruleset = rulesets.get(matter.ruleset_digest) if matter else None
        if ruleset is None:
            return None
        return build_document(state, ruleset, disclosure_id, events, lang=lang)

    try:
        if path.suffix.lower() == ".json":
            return _check_json(path, where, known, rebuild)
        if path.suffix.lower() == ".pdf":
            text = _pdf_text(path)
            texts = [(text, text)]
        else:
            texts = _html_sections(path)
    except _Unreadable as exc:
        return [Damage(0, "verify_notice_unknown", {"file": where, "reason": str(exc)})]
    damage: list[Damage] = []
    matched = 0
    printed = path.suffix.lower() == ".pdf" or 'class="sheet"' in _head(path)
    for full, brief in texts:
        flat = _flat(full)
        found = [v for p, v in known.items() if p[1] in flat]
        if not found:
            continue
        matched += 1
        seq, disclosure_id = found[0]
        disclosure = state.disclosures.get(disclosure_id)
        if printed and disclosure is not None and disclosure.kind == "result":
            flat = _flat(brief)
        damage += _check_text(flat, where, seq, disclosure_id, rebuild, printed)
    if not matched:
        reason = "no checkpoint in it names a disclosure of this log"
        return [Damage(0, "verify_notice_unknown", {"file": where, "reason": reason})]
    return damage


class _Unreadable(Exception):
    pass


def _head(path: Path) -> str:
    try:
        return path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return ""


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Unreadable(exc.strerror or str(exc)) from exc
    if len(data) > MAX_BYTES:
        raise _Unreadable(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data


# -- JSON ----------------------------------------------------------------------------


def _check_json(
    path: Path, where: str, known: Mapping[tuple[int, str], tuple[int, str]], rebuild: Rebuild
) -> list[Damage]:
    try:
        doc = json.loads(_read(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Unreadable(f"not JSON: {exc}") from exc
    checkpoint = doc.get("checkpoint") if isinstance(doc, dict) else None
    point = (
        (checkpoint.get("size"), checkpoint.get("head")) if isinstance(checkpoint, dict) else None
    )
    if point not in known:
        reason = "its checkpoint names no disclosure of this log" if point else "no checkpoint"
        return [Damage(0, "verify_notice_unknown", {"file": where, "reason": reason})]
    seq, disclosure_id = known[point]  # type: ignore[index]
    expected = rebuild(disclosure_id, "en" if doc.get("lang") == "en" else "zh")
    if expected is None:
        return []
    for key in STABLE:
        difference = _first_difference(
            _without(doc.get(key), MOVING.get(key, ())),
            _without(expected.get(key), MOVING.get(key, ())),
            key,
        )
        if difference:
            return [_mismatch(where, seq, difference)]
    mine, theirs = doc.get("implementation"), expected.get("implementation")
    if isinstance(theirs, dict) or isinstance(mine, dict):
        for key in ("accounts", "accounts_total", "income_total", "outcome"):
            difference = _first_difference(
                (mine or {}).get(key), (theirs or {}).get(key), f"implementation.{key}"
            )
            if difference:
                return [_mismatch(where, seq, difference)]
    logged = {(o.get("raised_on"), o.get("text")): o for o in expected.get("objections", [])}
    for n, objection in enumerate(doc.get("objections") or []):
        if not isinstance(objection, dict):
            return [_mismatch(where, seq, f"objections[{n}] is not an objection")]
        twin = logged.get((objection.get("raised_on"), objection.get("text")))
        if twin is None:
            return [_mismatch(where, seq, f"objections[{n}]: the log holds no such objection")]
        if objection.get("reply") is not None and objection.get("reply") != twin.get("reply"):
            return [
                _mismatch(
                    where,
                    seq,
                    f"objections[{n}].reply: the file says {objection.get('reply')!r}, "
                    f"the log gives {twin.get('reply')!r}",
                )
            ]
    return []


def _without(value: Any, keys: Iterable[str]) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in keys}
    return value


def _first_difference(mine: Any, theirs: Any, path: str) -> str:
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted(set(mine) | set(theirs)):
            found = _first_difference(mine.get(key), theirs.get(key), f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(mine, list) and isinstance(theirs, list):
        for n, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            found = _first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        if len(mine) != len(theirs):
            return f"{path}: the file has {len(mine)} entries, the log gives {len(theirs)}"
        return ""
    if mine != theirs:
        return f"{path}: the file says {mine!r}, the log gives {theirs!r}"
    return ""


def _mismatch(where: str, seq: int, reason: str) -> Damage:
    return Damage(seq, "verify_notice_mismatch", {"file": where, "reason": reason})


# -- HTML and PDF: the figures and texts the log gives must be in the file ----------


class _Text(HTMLParser):
    """The text of a page, leaving out ``skip``-classed elements: the board and the
    printed notice carry the decisions twice (in full, and as a one-row table) and
    show one; a check must read the one a reader sees."""

    def __init__(self, skip: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = skip
        self._hidden: list[str] = []  # the tags open inside a left-out element

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        hide = self._hidden or tag in ("script", "style", "svg") or classes & self.skip
        if hide and tag not in _VOID:
            self._hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


_VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "col", "source", "wbr"})
FULL = frozenset({"decisions-brief", "why-online"})  # what a board page shows
BRIEF = frozenset({"decision"})  # what a printed result notice shows


def _html_sections(path: Path) -> list[tuple[str, str]]:
    """The text of each notice section of a page (a board page holds several), as
    read with the decisions in full and as the one-row table."""
    try:
        page = _read(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8: {exc}") from exc
    chunks = re.split(r'(?=<section class="notice )', page)[1:] or [page]
    out = []
    for chunk in chunks:
        section = chunk.split("</section>", 1)[0] if "</section>" in chunk else chunk
        texts = []
        for skip in (FULL, BRIEF):
            parser = _Text(skip)
            parser.feed(section)
            texts.append(" ".join(parser.parts))
        out.append((texts[0], texts[1]))
    return out


def _pdf_text(path: Path) -> str:
    try:
        import pypdf
    except ImportError as exc:  # declared in pyproject; a trimmed install may lack it
        raise _Unreadable("reading a PDF needs pypdf (pip install pypdf)") from exc
    import io

    try:
        reader = pypdf.PdfReader(io.BytesIO(_read(path)))
        return "".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise _Unreadable(f"not a readable PDF: {type(exc).__name__}") from exc


def _flat(text: str) -> str:
    """Text with all white space removed: a PDF breaks lines where the sheet does."""
    return re.sub(r"\s+", "", html.unescape(text))


def expected_snippets(doc: dict[str, Any], printed: bool) -> list[tuple[str, str]]:
    """(what, text) the notice shows, in the order it shows them."""
    w = wording(doc.get("lang", "zh"))
    d = doc["disclosure"]
    out = [("title", d["title"]), ("first day", d["first_day"]), ("last day", d["last_day"])]
    decisions = doc.get("decisions") or []
    if printed and d.get("kind") == "result":
        decisions = decisions[-1:]  # a printed result notice shows the decision carried out
    for decision in decisions:
        out.append((f"decision of {decision['date']}", decision["date"]))
        # The counts as one run ("应到 28 实到 25 赞成 22 …"), so that a changed figure
        # is not hidden by the same number elsewhere on the page.
        counts = decision.get("counts", {})
        run = " ".join(f"{w[k]} {counts[k]}" for k in COUNT_KEYS[:5] if k in counts)
        if run:
            out.append((f"the counts of the decision of {decision['date']}", run))
    implementation = doc.get("implementation") or {}
    for row in [*implementation.get("accounts", []), implementation.get("accounts_total")]:
        if not row:
            continue
        budget = grouped(row["budget"]) if row.get("budget") is not None else "—"
        line = f"{row['item']} {budget} {grouped(row['spent'])}"
        out.append((f"the account line {row['item']} (budget, spent)", line))
    if doc.get("code"):
        out.append(("verification code", doc["code"]))
    return out


def _check_text(
    flat: str, where: str, seq: int, disclosure_id: str, rebuild: Rebuild, printed: bool
) -> list[Damage]:
    best: tuple[tuple[str, str], int] | None = None  # (first missing, how many missing)
    for lang in ("zh", "en"):
        doc = rebuild(disclosure_id, lang)
        if doc is None:
            return []
        missing = [
            (what, text)
            for what, text in expected_snippets(doc, printed)
            if _flat(text) not in flat
        ]
        if not missing:
            return []
        if best is None or len(missing) < best[1]:
            best = (missing[0], len(missing))
    assert best is not None
    (what, text), _ = best
    reason = f"the log gives {what} as {text!r}, which the file does not show"
    return [_mismatch(where, seq, reason)]
