"""The event codec: attrs values to and from their JSON form.

Replaying a log decodes every event, so what depends only on the class (field
names, which need converting and how) is worked out once per class and cached.
The encoding is what the hash chain is computed over (docs/integrity.md): its
output for an existing event must never change; tests/test_event_codec.py
keeps the original ``attrs.asdict`` call as the reference.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

# Fields added after the first records (trust stamps, the 临时通知 reason, the
# periods counted as the 民法典 counts them): left out when unset, so that a
# record's encoding (and hash) does not depend on their arrival.
OMITTED_WHEN_EMPTY = (
    "evidence",
    "checkpoint",
    "urgent_reason",
    "periods",
    "represented_by",
    "group",
    "cosigners",
    "petition",
    "due",
)

_Convert = Callable[[Any], Any]
_ENCODERS: dict[type, Callable[[Any, bool], dict[str, Any]]] = {}  # see _encoder_for
_DECODERS: dict[type, _Decoder] = {}
_PLAIN = frozenset({str, int, bool, float, type(None)})  # encoded as they are


def _encoder_for(cls: type) -> Callable[[Any, bool], dict[str, Any]]:
    """The encoder of ``cls``: a function written for its fields, which encodes a
    value as the loop ``{name: item if type(item) in _PLAIN else _encode(item)}``
    would, field by field in field order, then drops the trust fields that are
    empty. Written out (as attrs writes ``__init__``), it costs about half the
    loop: an append encodes every event it writes, a bulk command thousands."""
    names = tuple(field.name for field in attrs.fields(cls))
    omitted = tuple(k for k in OMITTED_WHEN_EMPTY if k in names)
    if not all(name.isidentifier() for name in names):  # pragma: no cover - attrs names
        raise TypeError(f"{cls.__name__}: a field name is not an identifier")
    lines = [
        "def encode(value, tagged):",
        f"    data = {{'type': {cls.__name__!r}}} if tagged else {{}}",
    ]
    for name in names:
        lines += [
            f"    item = value.{name}",
            f"    data[{name!r}] = item if _type(item) in _plain else _encode(item)",
        ]
    lines += [f"    if not data[{key!r}]:\n        del data[{key!r}]" for key in omitted]
    lines.append("    return data")
    scope: dict[str, Any] = {"_type": type, "_plain": _PLAIN, "_encode": _encode}
    exec(compile("\n".join(lines), f"<yishi encoder {cls.__qualname__}>", "exec"), scope)
    _ENCODERS[cls] = encoder = scope["encode"]
    return encoder


def _encode(value: Any, nested: bool = False) -> Any:
    """A value as ``attrs.asdict(event, value_serializer=...)`` encoded it when
    that call defined the encoding, whatever the annotation says: dates as ISO
    strings, a field's tuple as a list (collections inside it keep their type),
    attrs values and dicts as dicts. Stored hashes depend on it;
    tests/test_event_codec.py keeps that call as the reference."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if getattr(kind, "__attrs_attrs__", None) is not None:
        return {f.name: _encode(getattr(value, f.name)) for f in attrs.fields(kind)}
    if isinstance(value, (tuple, list, set, frozenset)):
        items = [_encode(item, True) for item in value]
        return items if kind is list or (isinstance(value, tuple) and not nested) else kind(items)
    if isinstance(value, dict):
        return {_encode(k, True): _encode(v, True) for k, v in value.items()}
    return value


class _Decoder(typing.NamedTuple):
    converters: tuple[tuple[str, _Convert], ...]  # only the fields that need one
    defaults: dict[str, Any]  # plain defaults, merged under the data
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # defaults made afresh
    setters: tuple[tuple[str, Callable[[Any, Any], None]], ...] | None  # None: use __init__
    required: tuple[str, ...]  # fields dropped when empty that have no default


def decode(cls: type, data: Mapping[str, Any]) -> Any:
    """An instance of ``cls`` from the JSON form of its fields. Keys the class
    does not have (a record written by another version) are ignored, and
    absent fields take their defaults."""
    converters, defaults, factories, setters, _required = _DECODERS.get(cls) or _decoder_for(cls)
    fields = {**defaults, **data}
    for name, convert in converters:
        value = data.get(name)
        if value is not None:
            fields[name] = convert(value)
    for name, factory in factories:
        if name not in fields:
            fields[name] = factory()
    if setters is None:
        names = (field.name for field in attrs.fields(cls))
        return cls(**{name: fields[name] for name in names if name in fields})
    # The generated __init__ only assigns, one call per field; filling the
    # slots directly halves the cost of a decode (see _fill_directly).
    instance: Any = object.__new__(cls)
    try:
        for name, set_slot in setters:
            set_slot(instance, fields[name])
    except KeyError as missing:
        raise TypeError(f"{cls.__name__} is missing the field {missing}") from None
    return instance


def _decoder_for(cls: type) -> _Decoder:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    converters = tuple(
        (f.name, convert) for f in fields if (convert := _converter(hints[f.name])) is not None
    )
    defaults, factories = {}, []
    for f in fields:
        if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            factories.append((f.name, f.default.factory))
        elif f.default is not attrs.NOTHING:
            defaults[f.name] = f.default
    setters = (
        tuple((f.name, getattr(cls, f.name).__set__) for f in fields)
        if _fill_directly(cls)
        else None
    )
    required = tuple(
        f.name for f in fields if f.name in OMITTED_WHEN_EMPTY and f.default is attrs.NOTHING
    )
    _DECODERS[cls] = plan = _Decoder(converters, defaults, tuple(factories), setters, required)
    return plan


def _fill_directly(cls: type) -> bool:
    """Whether an instance may be made by filling its slots, which is the same
    as calling __init__ only while __init__ does nothing but assign: attrs'
    own, no validators, converters, hooks, aliases or cached hash."""
    init = getattr(getattr(cls, "__init__", None), "__code__", None)
    if init is None or not init.co_filename.startswith("<attrs generated"):
        return False
    hooks = ("__attrs_pre_init__", "__attrs_post_init__", "_attrs_cached_hash")
    if any(hasattr(cls, hook) for hook in hooks):
        return False
    return all(
        f.init
        and f.validator is None
        and f.converter is None
        and f.alias == f.name
        and isinstance(inspect.getattr_static(cls, f.name, None), types.MemberDescriptorType)
        for f in attrs.fields(cls)
    )


def _converter(hint: Any) -> _Convert | None:
    """How a JSON value becomes a value of type ``hint``; None if it is one already.

    Dates and datetimes come from ISO strings, tuples from lists (at any depth),
    attrs values (Evidence) from objects; mappings and scalars are used as given.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        inner = _converter(others[0]) if len(others) == 1 else None
        return None if inner is None else lambda value: None if value is None else inner(value)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat
    if hint is dt.date:
        return dt.date.fromisoformat
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return tuple if item is None else lambda value: tuple(map(item, value))
        items = tuple(_converter(arg) for arg in args)
        if not any(items):
            return tuple
        return lambda value: tuple(c(v) if c else v for c, v in zip(items, value, strict=True))
    if isinstance(hint, type) and attrs.has(hint):
        return lambda value: decode(hint, value)
    return None


def converted_fields(cls: type) -> frozenset[str]:
    """The fields of ``cls`` that a reader converts from their JSON form (dates,
    tuples, nested values): the ones whose encoding can fail to read back."""
    return frozenset(
        name for name, _convert in (_DECODERS.get(cls) or _decoder_for(cls)).converters
    )


def encode_fields(value: Any) -> dict[str, Any]:
    """The fields of an attrs value as JSON-ready data, in field order."""
    cls = type(value)
    return (_ENCODERS.get(cls) or _encoder_for(cls))(value, False)


def encode_tagged(value: Any) -> dict[str, Any]:
    """``{"type": class name, **encode_fields(value)}``, built in one go."""
    cls = type(value)
    return (_ENCODERS.get(cls) or _encoder_for(cls))(value, True)


# A converter that reads back exactly what ``isoformat`` wrote, for a value of
# exactly this type (``fromisoformat`` accepts every string ``isoformat`` emits).
_ISO_EXACT = {dt.datetime.fromisoformat: dt.datetime, dt.date.fromisoformat: dt.date}


def check_round_trip(cls: type, data: Mapping[str, Any], source: Any = None) -> None:
    """Raise ValueError unless every converted field of ``data`` (the JSON form of
    an instance of ``cls``) decodes and encodes back to itself.

    Only fields that need a converter (dates, date-times, tuples, nested attrs
    values) can fail to read back; strings, numbers and mappings are JSON as
    they stand. Checking those fields alone costs a fraction of a full decode.
    Given ``source``, the value ``data`` was encoded from, a field that holds a
    date or date-time of exactly its annotated type is taken as read back.
    """
    plan = _DECODERS.get(cls) or _decoder_for(cls)
    for name in plan.required:
        if name not in data:  # dropped as empty, but a reader cannot do without it
            raise ValueError(f"{name}: empty, and {cls.__name__} has no default for it")
    for name, convert in plan.converters:
        value = data.get(name)
        if value is None:
            continue
        exact = _ISO_EXACT.get(convert)
        if exact is not None and source is not None and type(getattr(source, name)) is exact:
            continue  # ``source`` (the value ``data`` encodes) holds a true date or time
        try:
            back = _encode(convert(value))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ValueError(f"{name}: {exc}") from None
        if back != value:
            raise ValueError(f"{name}: {value!r} reads back as {back!r}")
