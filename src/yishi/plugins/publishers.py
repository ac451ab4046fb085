"""Built-in plugin: the publisher ``files`` (notices written into a directory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.plugins.registry import PublisherSpec


def make_files(location: str) -> Any:
    """A publisher that writes each notice as a file under the directory ``location``."""
    from yishi.publish.files import FilePublisher

    return FilePublisher(location)


@hookimpl
def yishi_register_publishers(register: Callable[[PublisherSpec], None]) -> None:
    register(PublisherSpec("files", make_files, "写入目录中的文件（可打印张贴）"))
