"""Built-in plugin: the referral stage kind (转办答复), domain/referral.py.

Registered on its own, through the hook a third-party plugin uses, so that the
kind arrives the way any new kind would: a catalogue entry with its labels and
documentation."""

from __future__ import annotations

from collections.abc import Callable

from yishi.domain.catalog import REFERRAL_KIND, StageKindSpec
from yishi.hookspecs import hookimpl


@hookimpl
def yishi_register_stage_kinds(register: Callable[[StageKindSpec], None]) -> None:
    register(REFERRAL_KIND)
