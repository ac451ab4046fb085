"""The built-in plugins, in the order they are registered.

Each is an ordinary plugin module: it contributes through the same public
hooks (``yishi.hookspecs``) a third-party plugin uses, and nothing else. They
are registered first, so a third-party plugin cannot take their names.
"""

from __future__ import annotations

BUILTIN_PLUGINS: tuple[str, ...] = (
    "yishi.plugins.vote_methods",  # the seven vote methods (表决方式)
    "yishi.plugins.stage_kinds",  # the six stage kinds (步骤类型)
    "yishi.plugins.referral",  # the referral stage kind (转办答复), a seventh
    "yishi.plugins.stores",  # store backends: memory, sqlite
    "yishi.plugins.publishers",  # publishers: files, markdown, json, board, print, atom, webhook
    "yishi.plugins.publish_commands",  # yishi publish, yishi graph
)
