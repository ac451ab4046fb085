"""Commands as the web sees them: names, JSON in, JSON Schema out — all read from the
attrs fields of :mod:`yishi.domain.commands`, so a new command or field reaches the API
and its OpenAPI document without an edit here.

``actor`` is never read from a request body (the signed-in identity is the actor), and
``evidence`` arrives as uploaded files, not as JSON.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.i18n import message
from yishi.web.words import localized

SERVER_FIELDS = ("actor", "evidence")  # set by the server, never by the body


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def command_classes() -> dict[str, type[cmd.Command]]:
    """Every command of the domain by its API name (``ProposeMatter`` → ``propose_matter``)."""
    found = {}
    for value in vars(cmd).values():
        if (
            isinstance(value, type)
            and issubclass(value, cmd.Command)
            and value is not cmd.Command
            and value.__module__ == cmd.__name__
        ):
            found[_snake(value.__name__)] = value
    return dict(sorted(found.items()))


COMMANDS = command_classes()


# Per class, worked out once: ``typing.get_type_hints`` evaluates every annotation
# afresh on each call, which was a third of the API's time reading a ballot.
_HINTS: dict[type, Mapping[str, Any]] = {}
_BODY_FIELDS: dict[type, tuple[attrs.Attribute, ...]] = {}


def hints_of(cls: type) -> Mapping[str, Any]:
    """The resolved annotations of a command, or of a value nested in one."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = types.MappingProxyType(typing.get_type_hints(cls, vars(cmd)))
    return found


def body_fields(cls: type) -> tuple[attrs.Attribute, ...]:
    found = _BODY_FIELDS.get(cls)
    if found is None:
        found = _BODY_FIELDS[cls] = tuple(
            f for f in attrs.fields(cls) if f.name not in SERVER_FIELDS
        )
    return found


class FieldError(Exception):
    """One request field is wrong: ``field`` is its dotted path (``ballots.3.1``)."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.params = {"field": field, **params}

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message": {
                lang: message(self.code, lang, **localized(self.params, lang))
                for lang in ("zh", "en")
            },
        }


def _required(field: attrs.Attribute) -> bool:
    return field.default is attrs.NOTHING


def from_json(
    cls: type[cmd.Command], data: Any, *, actor: str, evidence: tuple[Any, ...] = ()
) -> cmd.Command:
    """Build ``cls`` from a JSON object, or raise the list of every field that is wrong."""
    if not isinstance(data, dict):
        raise FieldErrors([FieldError("$", "web_expected", expected="object")])
    hints = hints_of(cls)
    problems: list[FieldError] = []
    values: dict[str, Any] = {}
    known = {f.name for f in body_fields(cls)}
    for name in data:
        if name in SERVER_FIELDS:
            problems.append(FieldError(name, "web_server_field"))
        elif name not in known:
            problems.append(FieldError(name, "web_unknown_field", allowed=", ".join(sorted(known))))
    for field in body_fields(cls):
        if field.name not in data:
            if _required(field):
                problems.append(FieldError(field.name, "web_missing_field"))
            continue
        try:
            values[field.name] = _convert(hints[field.name], data[field.name], field.name)
        except FieldError as exc:
            problems.append(exc)
    if problems:
        raise FieldErrors(problems)
    return cls(actor=actor, evidence=evidence, **values)


class FieldErrors(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


_MAX_TEXT = 20_000  # a title or a reply; longer is a mistake or an attack
_MAX_ITEMS = 100_000  # a 10,000-voter assembly's paper ballots fit well within


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, path)
    if hint is str:
        if not isinstance(value, str):
            raise FieldError(path, "web_expected", expected="string")
        if len(value) > _MAX_TEXT:
            raise FieldError(path, "web_too_long", limit=_MAX_TEXT)
        if "\x00" in value or not _encodable(value):
            raise FieldError(path, "web_bad_text")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise FieldError(path, "web_expected", expected="true/false")
        return value
    if hint is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON Schema counts 5.0 as an integer, so do we
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(path, "web_expected", expected="integer")
        if not -(2**53) < value < 2**53:  # what JSON carries exactly, and SQLite too
            raise FieldError(path, "web_expected", expected="integer")
        return value
    if hint is dt.date:
        try:
            return (
                dt.date.fromisoformat(value)
                if isinstance(value, str) and len(value) == 10
                else _bad_date(path)
            )
        except ValueError:
            return _bad_date(path)
    if origin is tuple:
        if not isinstance(value, list):
            raise FieldError(path, "web_expected", expected="array")
        if len(value) > _MAX_ITEMS:
            raise FieldError(path, "web_too_long", limit=_MAX_ITEMS)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{path}.{i}") for i, v in enumerate(value))
        if len(value) != len(args):
            raise FieldError(path, "web_expected", expected=f"array of {len(args)}")
        return tuple(
            _convert(a, v, f"{path}.{i}") for i, (a, v) in enumerate(zip(args, value, strict=False))
        )
    if attrs.has(hint):
        if not isinstance(value, dict):
            raise FieldError(path, "web_expected", expected="object")
        hints = hints_of(hint)
        out = {}
        names = {f.name for f in attrs.fields(hint)}
        for extra in set(value) - names:
            raise FieldError(
                f"{path}.{extra}", "web_unknown_field", allowed=", ".join(sorted(names))
            )
        for field in attrs.fields(hint):
            if field.name in value:
                out[field.name] = _convert(
                    hints[field.name], value[field.name], f"{path}.{field.name}"
                )
            elif _required(field):
                raise FieldError(f"{path}.{field.name}", "web_missing_field")
        return hint(**out)
    raise TypeError(f"no JSON form for {hint!r} ({path})")  # a new type in commands.py


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON allows it, UTF-8 and SQLite do not
        return False
    return True


def _bad_date(path: str) -> Any:
    raise FieldError(path, "web_expected", expected="YYYY-MM-DD")


# -- JSON Schema (OpenAPI 3.1 is JSON Schema 2020-12) -----------------------------


def json_schema(hint: Any, components: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return {"anyOf": [json_schema(inner, components), {"type": "null"}]}
    if hint is str:
        return {"type": "string", "maxLength": _MAX_TEXT, "pattern": "^[^\\x00]*$"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": -(2**53) + 1, "maximum": 2**53 - 1}
    if hint is dt.date:
        return {"type": "string", "format": "date"}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {
                "type": "array",
                "items": json_schema(args[0], components),
                "maxItems": _MAX_ITEMS,
            }
        items = [json_schema(a, components) for a in args]
        return {
            "type": "array",
            "prefixItems": items,
            "items": False,
            "minItems": len(items),
            "maxItems": len(items),
        }
    if attrs.has(hint):
        name = hint.__name__
        if name not in components:
            components[name] = {}  # reserve first: a type may refer to itself
            components[name] = object_schema(hint, components, attrs.fields(hint))
        return {"$ref": f"#/components/schemas/{name}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def object_schema(cls: type, components: dict[str, Any], fields: Any) -> dict[str, Any]:
    hints = hints_of(cls)
    properties = {f.name: json_schema(hints[f.name], components) for f in fields}
    required = [f.name for f in fields if _required(f)]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(cls.__name__ + "("):
        schema["description"] = doc
    return schema


def command_schema(cls: type[cmd.Command], components: dict[str, Any]) -> dict[str, Any]:
    return object_schema(cls, components, body_fields(cls))
