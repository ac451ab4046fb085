"""HTML forms for commands, generated from their attrs fields like the API's schema.

A form field holds text; this module turns it into the JSON the API takes (lists one
per line, pairs as "id value", dates as YYYY-MM-DD) so that a form post and an API
call meet the same checks and are refused in the same words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.web.schema import body_fields, hints_of
from yishi.web.words import FIELDS, label

_SPLIT = re.compile(r"[\s,，、]+")


@attrs.frozen
class FormField:
    name: str
    label: str
    widget: str  # text | textarea | number | date | checkbox | json | lines | pairs | select
    required: bool
    value: str = ""
    # Set when the value names a known matter, meeting, notice, objection or
    # suggestion: the form carries the value hidden and shows this instead of an id.
    shown: str = ""
    # A select's (value, name shown) pairs: the value an internal name, never shown.
    choices: tuple[tuple[str, str], ...] = ()


def _unwrap(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner, True
    return hint, False


def widget(hint: Any) -> str:
    hint, _ = _unwrap(hint)
    if hint is bool:
        return "checkbox"
    if hint is int:
        return "number"
    if hint is dt.date:
        return "date"
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        inner = args[0]
        if attrs.has(inner):
            return "json"
        if typing.get_origin(inner) is tuple:
            return "pairs"
        return "lines"
    return "text"


LONG = {"text", "description", "reply", "reason"}


def fields_of(cls: type[cmd.Command], lang: str, values: dict[str, str]) -> list[FormField]:
    hints = hints_of(cls)
    out = []
    for f in body_fields(cls):
        kind = widget(hints[f.name])
        if kind == "text" and f.name in LONG:
            kind = "textarea"
        out.append(
            FormField(
                f.name,
                label(FIELDS, f.name, lang),
                kind,
                f.default is attrs.NOTHING,
                values.get(f.name, ""),
            )
        )
    return out


def to_json(cls: type[cmd.Command], form: dict[str, str]) -> dict[str, Any]:
    """The JSON body for ``cls`` from submitted text. Empty optional fields are left out;
    what cannot be read is passed on as text so that the API's checks name the field."""
    hints = hints_of(cls)
    data: dict[str, Any] = {}
    for f in body_fields(cls):
        raw = form.get(f.name)
        hint, _ = _unwrap(hints[f.name])
        kind = widget(hint)
        if kind == "checkbox":
            data[f.name] = raw is not None
            continue
        if raw is None or raw.strip() == "":
            if f.default is attrs.NOTHING:
                data[f.name] = "" if kind in ("text", "date") else None
                if kind == "lines":
                    data[f.name] = []
            continue
        text = raw.strip()
        if kind == "number":
            data[f.name] = int(text) if re.fullmatch(r"-?\d{1,15}", text) else text
        elif kind == "lines":
            data[f.name] = [p for p in _SPLIT.split(text) if p]
        elif kind == "pairs":
            second = typing.get_args(typing.get_args(hint)[0])[1]
            pairs: list[Any] = []
            for line in text.splitlines():
                # an id, then the rest of the line (a choice, a count, or words with spaces)
                parts = [p for p in _SPLIT.split(line.strip(), maxsplit=1) if p]
                if not parts:
                    continue
                if len(parts) == 2 and second is int and re.fullmatch(r"\d{1,15}", parts[1]):
                    pairs.append([parts[0], int(parts[1])])
                else:
                    pairs.append(parts)
            data[f.name] = pairs
        elif kind == "json":
            try:
                data[f.name] = json.loads(text)
            except ValueError:
                data[f.name] = text
        else:
            data[f.name] = raw if kind == "textarea" else text
    return data
