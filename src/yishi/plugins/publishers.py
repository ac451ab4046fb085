"""Built-in plugin: the publishers (where disclosure notices go).

Each factory takes the location string a user gives (a directory, a URL);
the rest comes from the environment, so a configuration file or a command
line can name any of them the same way:

- ``YISHI_COMMUNITY``: the community's name on the board and the paper notice;
- ``YISHI_BOARD_URL``: where the board is served (links in the feed, QR codes);
- ``YISHI_WEBHOOK_SECRET``: the ``whsec_…`` secret webhooks are signed with;
- ``YISHI_WEBHOOK_ATTEMPTS``: how many times a delivery is tried before it is
  recorded as failed (default 4, after 1, 2 and 4 seconds).

Code that embeds yishi constructs the classes of :mod:`yishi.publish.channels`
directly, with keyword arguments.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.plugins.registry import PublisherSpec


def make_files(location: str) -> Any:
    """A publisher that writes each notice as a file under the directory ``location``."""
    from yishi.publish.files import FilePublisher

    return FilePublisher(location)


def _place() -> dict[str, Any]:
    return {
        # unset: the name the log records (publish.site.community_of)
        "community": os.environ.get("YISHI_COMMUNITY", ""),
        "base_url": os.environ.get("YISHI_BOARD_URL", ""),
    }


def make_markdown(location: str) -> Any:
    from yishi.publish.channels import MarkdownPublisher

    return MarkdownPublisher(location)


def make_json(location: str) -> Any:
    from yishi.publish.channels import JsonPublisher

    return JsonPublisher(location)


def make_board(location: str) -> Any:
    from yishi.publish.channels import BoardPublisher

    return BoardPublisher(location, **_place())


def make_print(location: str) -> Any:
    from yishi.publish.channels import PrintPublisher

    return PrintPublisher(location, **_place())


def make_atom(location: str) -> Any:
    from yishi.publish.channels import AtomPublisher

    return AtomPublisher(location, **_place())


def make_webhook(location: str) -> Any:
    from yishi.publish.webhook import WebhookPublisher

    secret = os.environ.get("YISHI_WEBHOOK_SECRET", "")
    if not secret:
        raise ValueError("set YISHI_WEBHOOK_SECRET to the whsec_… secret the receiver holds")
    attempts = os.environ.get("YISHI_WEBHOOK_ATTEMPTS", "4")
    if not attempts.isdigit() or int(attempts) < 1:
        raise ValueError(f"YISHI_WEBHOOK_ATTEMPTS must be a whole number from 1, got {attempts!r}")
    return WebhookPublisher(location, secret, attempts=int(attempts))


@hookimpl
def yishi_register_publishers(register: Callable[[PublisherSpec], None]) -> None:
    register(PublisherSpec("files", make_files, "写入目录中的文件（可打印张贴）"))
    register(PublisherSpec("markdown", make_markdown, "Markdown 公示文件（按模板）"))
    register(PublisherSpec("json", make_json, "JSON 公示文书（yishi-disclosure/1，供门户网站）"))
    register(PublisherSpec("board", make_board, "公开栏网页（静态网站，含流程图与核验页）"))
    register(PublisherSpec("print", make_print, "张贴用 A4/A3 PDF 公示（含二维码、盖章处）"))
    register(PublisherSpec("atom", make_atom, "Atom 订阅源"))
    register(PublisherSpec("webhook", make_webhook, "签名的 Webhook 推送（Standard Webhooks）"))
