"""Declared fields: one declaration of a TOML format drives its checks and its JSON Schema.

Used for rule sets (``spec.py``) and scenario files. ``validate`` collects every
problem with its key path; ``json_schema`` prints the same declaration for
editors (Taplo / Even Better TOML), so the two cannot drift apart.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.rulesets.locate import PathKey, dotted
from yishi.rulesets.problems import Problem

ID = r"^[a-z][a-z0-9_]*$"  # keys of maps (bodies, stages, …): ASCII snake_case


@attrs.frozen
class Field:
    type: str  # string integer boolean table array map fraction any_table
    doc: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    # Every integer has an upper bound too: a count of ten million households or
    # a period of three million days is a typo or an attack, and both would make
    # a run spin or a date overflow far from the line that caused it.
    maximum: int | None = None
    items: Field | None = None
    fields: Mapping[str, Field] | None = None
    values: Field | None = None
    one_of: tuple[Field, ...] = ()  # alternatives (e.g. transition as string or table)
    pattern: str | None = None
    free_keys: bool = False  # map keys are data (e.g. rating labels), not ids
    # The enumeration is the names in a catalogue ("vote_methods" or "stage_kinds"),
    # so plugins can add to it; ``enum`` holds the built-in names.
    enum_from: str = ""


def s(doc: str = "", **kw: Any) -> Field:
    return Field("string", doc, **kw)


# The bound of an integer that declares none: more than any count a village or a
# city district makes, small enough that nothing built from it can spin (limits.md).
MAX_INTEGER = 1_000_000
# The longest period a rule set may set, in days (ten years): a disclosure or
# notice period beyond it is a typo, and dates built from it must stay far
# from the calendar's end.
MAX_DAYS = 3660


def i(
    doc: str = "", minimum: int | None = 0, maximum: int | None = MAX_INTEGER, **kw: Any
) -> Field:
    return Field("integer", doc, minimum=minimum, maximum=maximum, **kw)


def b(doc: str = "", **kw: Any) -> Field:
    return Field("boolean", doc, **kw)


def arr(items: Field, doc: str = "", **kw: Any) -> Field:
    return Field("array", doc, items=items, **kw)


def table(doc: str = "", required: bool = False, **fields: Field) -> Field:
    return Field("table", doc, required=required, fields=fields)


_TYPE_NAMES = {
    "string": ("字符串", "a string"),
    "integer": ("整数", "an integer"),
    "boolean": ("true 或 false", "true or false"),
    "table": ("表（table）", "a table"),
    "map": ("表（table）", "a table"),
    "array": ("数组", "an array"),
    "fraction": ('分数字符串，如 "2/3"', 'a fraction string such as "2/3"'),
}


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def validate(value: Any, field: Field, path: PathKey, out: list[Problem]) -> bool:
    """Structural check of ``value`` against ``field``; appends problems, returns ok."""
    if path == () and field.fields is not None:
        # The document's own top-level keys, for the "key written after a table" hint.
        _ROOT_KEYS.append(frozenset(field.fields))
        try:
            return _validate(value, field, path, out)
        finally:
            _ROOT_KEYS.pop()
    return _validate(value, field, path, out)


_ROOT_KEYS: list[frozenset[str]] = []


def _validate(value: Any, field: Field, path: PathKey, out: list[Problem]) -> bool:
    if field.one_of:
        scratch: list[Problem] = []
        for option in field.one_of:
            trial: list[Problem] = []
            if validate(value, option, path, trial):
                return True
            scratch.append(trial[0]) if trial else None
        # Report against the option of the value's own TOML type, which is the
        # one the author most likely meant; among tables, the one sharing most
        # keys with the value (a broken any_of entry is not a missing "base").
        typed = [o for o in field.one_of if _matches_type(value, o)]
        if typed:
            best = max(typed, key=lambda o: _shared_keys(value, o))  # first wins ties
            return validate(value, best, path, out)
        out.append(_wrong_type(path, field, value))
        return False
    if field.type == "fraction":
        return _fraction(value, path, out)
    if not _matches_type(value, field):
        out.append(_wrong_type(path, field, value))
        return False
    if field.type == "string":
        if field.enum and value not in field.enum:
            out.append(_bad_enum(path, field, value))
            return False
        if field.pattern and not _pattern_ok(field.pattern, value):
            out.append(
                Problem(
                    "bad_value",
                    dotted(path),
                    expected="ASCII 小写字母、数字和下划线，字母开头",
                    expected_en="lowercase ASCII letters, digits and _",
                    found=_show(value),
                )
            )
            return False
        return True
    if field.type == "integer":
        if field.minimum is not None and value < field.minimum:
            out.append(
                Problem(
                    "bad_value",
                    dotted(path),
                    expected=f"不小于 {field.minimum} 的整数",
                    expected_en=f"an integer >= {field.minimum}",
                    found=_show(value),
                )
            )
            return False
        if field.maximum is not None and value > field.maximum:
            out.append(
                Problem(
                    "bad_value",
                    dotted(path),
                    expected=f"不大于 {field.maximum} 的整数",
                    expected_en=f"an integer <= {field.maximum}",
                    found=_show(value),
                    hint="超出上限（见 docs/limits.md）",
                    hint_en="above the limit (see docs/limits.md)",
                )
            )
            return False
        return True
    if field.type == "array":
        assert field.items is not None
        ok = True
        for index, item in enumerate(value):
            ok = validate(item, field.items, (*path, index), out) and ok
        return ok
    if field.type == "map":
        assert field.values is not None
        ok = True
        for key, item in value.items():
            if not field.free_keys and not _pattern_ok(ID, key):
                out.append(
                    Problem(
                        "bad_value",
                        dotted((*path, key)),
                        expected="id 须为 ASCII 小写字母、数字和下划线",
                        expected_en="ids are lowercase ASCII letters, digits and _",
                        found=_show(key),
                    )
                )
                ok = False
            ok = validate(item, field.values, (*path, key), out) and ok
        return ok
    if field.type == "table":
        return _table(value, field, path, out)
    return True


def _table(value: dict[str, Any], field: Field, path: PathKey, out: list[Problem]) -> bool:
    if field.fields is None:
        return True  # any table; its contents are checked by the caller
    ok = True
    for key, sub in field.fields.items():
        if sub.required and key not in value:
            names = _TYPE_NAMES.get(sub.type, ("", ""))
            out.append(
                Problem(
                    "missing",
                    dotted((*path, key)),
                    expected=sub.doc or names[0],
                    expected_en=names[1],
                )
            )
            ok = False
    for key, item in value.items():
        declared = field.fields.get(key)
        if declared is None:
            close = difflib.get_close_matches(key, list(field.fields), n=1)
            if path and _ROOT_KEYS and key in _ROOT_KEYS[-1]:
                out.append(_misplaced(path, key))
                ok = False
                continue
            out.append(
                Problem(
                    "unknown_key",
                    dotted((*path, key)),
                    expected="、".join(field.fields),
                    expected_en=", ".join(field.fields),
                    hint=f"是不是“{close[0]}”？" if close else "",
                    hint_en=f"did you mean '{close[0]}'?" if close else "",
                )
            )
            ok = False
            continue
        ok = validate(item, declared, (*path, key), out) and ok
    return ok


def _misplaced(path: PathKey, key: str) -> Problem:
    table = dotted(tuple(p for p in path if not isinstance(p, int)))
    return Problem(
        "unknown_key",
        dotted((*path, key)),
        hint=f"“{key}”是顶层设置，但写在了 [{table}] 之后，TOML 把它归入了该表；请移到文件开头、所有 [表] 之前",
        hint_en=f"'{key}' is a top-level setting written after [{table}], so TOML put it inside that table; move it above the first [table]",
    )


def _shared_keys(value: Any, field: Field) -> int:
    if not isinstance(value, dict) or field.fields is None:
        return 0
    return sum(1 for key in value if key in field.fields)


def _matches_type(value: Any, field: Field) -> bool:
    kind = _toml_type(value)
    if field.type in ("table", "map"):
        return kind == "table"
    if field.type == "fraction":
        return kind == "string"
    if field.one_of:
        return any(_matches_type(value, o) for o in field.one_of)
    return kind == field.type


def _pattern_ok(pattern: str, value: str) -> bool:
    import re

    return re.fullmatch(pattern.strip("^$"), value) is not None


def _wrong_type(path: PathKey, field: Field, value: Any) -> Problem:
    types = [o.type for o in field.one_of] if field.one_of else [field.type]
    zh = " 或 ".join(_TYPE_NAMES.get(t, (t, t))[0] for t in types)
    en = " or ".join(_TYPE_NAMES.get(t, (t, t))[1] for t in types)
    hint, hint_en = "", ""
    if isinstance(value, float) and "fraction" in types:
        hint, hint_en = (
            '比例请写成分数字符串，如 fraction = "2/3"',
            'write ratios as fraction strings, e.g. fraction = "2/3"',
        )
    elif isinstance(value, str) and field.type == "array":
        hint, hint_en = (
            f'单个值也要写成数组：["{value}"]',
            f'write a single value as an array: ["{value}"]',
        )
    return Problem(
        "wrong_type",
        dotted(path),
        expected=zh,
        expected_en=en,
        found=f"{_show(value)}（{_toml_type(value)}）",
        hint=hint,
        hint_en=hint_en,
    )


def _bad_enum(path: PathKey, field: Field, value: str) -> Problem:
    hint, hint_en = "", ""
    aliases = {"gt": ">", "gte": ">=", "ge": ">=", "过半数": ">", "以上": ">="}
    if value in aliases and aliases[value] in field.enum:
        hint = f'比较方式写作 "{aliases[value]}"'
        hint_en = f'write the comparator as "{aliases[value]}"'
    else:
        close = difflib.get_close_matches(value, list(field.enum), n=1)
        if close:
            hint, hint_en = f"是不是“{close[0]}”？", f"did you mean '{close[0]}'?"
    return Problem(
        "bad_value",
        dotted(path),
        expected="、".join(field.enum),
        expected_en=", ".join(field.enum),
        found=_show(value),
        hint=hint,
        hint_en=hint_en,
    )


def _fraction(value: Any, path: PathKey, out: list[Problem]) -> bool:
    from yishi.domain.counting import parse_fraction

    hint = '如 "1/2"、"2/3"、"4/5"；比例须大于 0、不大于 1'
    hint_en = 'e.g. "1/2", "2/3", "4/5"; more than 0 and at most 1'
    if isinstance(value, float) or (isinstance(value, str) and any(ch in value for ch in ".%")):
        hint = '不接受小数或百分比（66.7% 不等于 2/3），请写成分数字符串，如 "2/3"'
        hint_en = 'decimals and percentages are refused (66.7% is not 2/3); write "2/3"'
    if isinstance(value, str):
        try:
            parse_fraction(value)
            return True
        except (ValueError, ZeroDivisionError):
            pass
    out.append(
        Problem(
            "bad_fraction",
            dotted(path),
            expected='分数字符串，如 "2/3"',
            expected_en='a fraction string such as "2/3"',
            found=_show(value),
            hint=hint,
            hint_en=hint_en,
        )
    )
    return False


def json_schema(root: Field, name: str) -> dict[str, Any]:
    schema = _json(root)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://yishi.invalid/schema/{name}-1.json"
    schema["title"] = f"yishi {name.replace('_', ' ')}"
    return schema


def _json(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if field.doc:
        out["description"] = field.doc
    if field.one_of:
        out["anyOf"] = [_json(o) for o in field.one_of]
        return out
    if field.type == "fraction":
        out.update(type="string", pattern=r"^\s*[0-9]+\s*(/\s*[0-9]+\s*)?$")
    elif field.type == "string":
        out["type"] = "string"
        if field.enum:
            out["enum"] = list(field.enum)
        if field.pattern:
            out["pattern"] = field.pattern
    elif field.type == "integer":
        out["type"] = "integer"
        if field.minimum is not None:
            out["minimum"] = field.minimum
        if field.maximum is not None:
            out["maximum"] = field.maximum
    elif field.type == "boolean":
        out["type"] = "boolean"
    elif field.type == "array":
        assert field.items is not None
        out.update(type="array", items=_json(field.items))
    elif field.type == "map":
        assert field.values is not None
        out.update(type="object", additionalProperties=_json(field.values))
        if not field.free_keys:
            out["propertyNames"] = {"pattern": ID}
    elif field.type == "table" and field.fields is None:
        out["type"] = "object"
    elif field.type == "table":
        assert field.fields is not None
        out.update(
            type="object",
            properties={k: _json(v) for k, v in field.fields.items()},
            additionalProperties=False,
        )
        required = [k for k, v in field.fields.items() if v.required]
        if required:
            out["required"] = required
    return out
