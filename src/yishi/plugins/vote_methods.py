"""Built-in plugin: the seven vote methods (表决方式) of yishi.domain.catalog."""

from __future__ import annotations

from collections.abc import Callable

from yishi.domain.catalog import BUILTIN_VOTE_METHODS, VoteMethodSpec
from yishi.hookspecs import hookimpl


@hookimpl
def yishi_register_vote_methods(register: Callable[[VoteMethodSpec], None]) -> None:
    for method in BUILTIN_VOTE_METHODS:
        register(method)
