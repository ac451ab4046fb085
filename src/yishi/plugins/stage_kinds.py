"""Built-in plugin: the six stage kinds (步骤类型) the domain implements."""

from __future__ import annotations

from collections.abc import Callable

from yishi.domain.catalog import BUILTIN_STAGE_KINDS, StageKindSpec
from yishi.hookspecs import hookimpl


@hookimpl
def yishi_register_stage_kinds(register: Callable[[StageKindSpec], None]) -> None:
    for kind in BUILTIN_STAGE_KINDS:
        register(kind)
