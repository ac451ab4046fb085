"""Cross-references of a rule set that also has structural errors.

So that one run of ``yishi check`` reports every mistake, a copy of a faulty
document is repaired until it validates, and its references are checked;
only what cannot be an artefact of the repair is reported.
"""

from __future__ import annotations

import copy
from typing import Any

from yishi.domain.catalog import Catalog
from yishi.rulesets.build import build
from yishi.rulesets.locate import PathKey, undotted
from yishi.rulesets.problems import Problem, errors
from yishi.rulesets.refs import check_references
from yishi.rulesets.spec import SCHEMA_VERSION, Field, validate

_REF_CODES = frozenset({"bad_ref", "duplicate", "bad_value"})
_REPAIRABLE = frozenset({"missing", "unknown_key", "wrong_type", "bad_value", "bad_fraction"})
_ENTITIES = frozenset({"stages", "bodies", "matter_types", "recusal"})
_REFERRED = frozenset({"stages", "bodies", "roles", "scale"})  # and ids


def references_despite(
    document: dict[str, Any], problems: list[Problem], root: Field, catalog: Catalog
) -> list[Problem]:
    """Reference problems of a document that is not structurally valid.

    So that one run reports every mistake, a copy is repaired: unknown keys
    and faulty optional values are cut out, faulty or missing required values
    get a neutral stand-in (an empty name, the first value of an enumeration).
    Nothing that others refer to is touched: not an id, a body, a stage, a
    list item, roles or a rating scale. If the copy then validates, its
    references are checked, and only problems found outside every stage,
    body or matter type that was repaired are kept, so that nothing reported
    is an artefact of the repair.
    """
    repaired = copy.deepcopy(document)
    touched: set[PathKey] = set()
    pending = errors(problems)
    for _ in range(4):  # a cut required value is filled in the next round
        for problem in pending:
            path = undotted(problem.path)
            if problem.code not in _REPAIRABLE or not _repair(repaired, root, path, problem.code):
                return []
            touched.add(_entity(path))
        pending = []
        validate(repaired, root, (), pending)
        pending = errors(pending)
        if not pending:
            break
    if pending or repaired.get("schema_version") != SCHEMA_VERSION:
        return []
    found = check_references(repaired, build(repaired, "", "", catalog))
    return [
        p
        for p in found
        if p.severity == "error"
        and p.code in _REF_CODES
        and _entity(undotted(p.path)) not in touched
    ]


def _entity(path: PathKey) -> PathKey:
    """The stage, body or matter type a path belongs to; else its top-level key."""
    return tuple(path[:2]) if path and path[0] in _ENTITIES else tuple(path[:1])


def _repair(document: dict[str, Any], root: Field, path: PathKey, code: str) -> bool:
    """Cut or stand in for the value at ``path``, unless it may be an id; report success."""
    if not path or not isinstance(path[-1], str):
        return False  # the document itself, or a list item: indices would shift
    parent: Any = document
    field: Field | None = root
    for key in path[:-1]:
        if field is None or not _has(parent, key):
            return False
        parent, field = parent[key], _child(field, key)
    key = path[-1]
    if field is None or field.type == "map" or not isinstance(parent, dict):
        return False  # a key of bodies, matter_types, overrides: an id
    if key in _REFERRED or (key == "id" and len(path) > 1):
        return False  # what references are checked against
    if code == "unknown_key":
        parent.pop(key, None)
        return True
    sub = _child(field, key)
    if sub is None or (sub.type == "array" and isinstance(parent.get(key), list)):
        return False  # a list with a faulty item: keep the item checks honest
    if not sub.required:
        parent.pop(key, None)
        return True
    if key not in parent or code == "missing":
        stand_in = _stand_in(sub)
        if stand_in is None:
            return False
        parent[key] = stand_in
        return True
    del parent[key]  # reported as missing next round, then filled
    return True


def _has(parent: Any, key: str | int) -> bool:
    if isinstance(parent, dict):
        return key in parent
    return isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent)


def _stand_in(field: Field) -> Any:
    if field.type == "string" and not field.one_of:
        return field.enum[0] if field.enum else ("x" if field.pattern else "")
    return {"boolean": False, "integer": field.minimum or 0, "fraction": "1/2", "array": []}.get(
        field.type
    )


def _child(field: Field, key: str | int) -> Field | None:
    if field.one_of:
        tables = [o for o in field.one_of if o.fields is not None and key in o.fields]
        return _child(tables[0], key) if tables else None
    if field.type == "array":
        return field.items if isinstance(key, int) else None
    if field.type == "map":
        return field.values if isinstance(key, str) else None
    if field.fields is not None and isinstance(key, str):
        return field.fields.get(key)
    return None
