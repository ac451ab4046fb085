"""docs/plugins/hooks.md, generated from the hookspec docstrings in :mod:`yishi.hookspecs`.

The docstrings are the one source: this renders them as Markdown (signature
with types, the version each hook was added in, parameters as a list, code
blocks fenced). ``tests/test_hookdoc.py`` fails when the file is stale; bring
it up to date with::

    python -m yishi.plugins.hookdoc docs/plugins/hooks.md
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from yishi import hookspecs

VERSION = re.compile(r"^\.\. versionadded:: (\S+)\s*$", re.M)
FAMILIES = (
    ("登记 Registration hooks", hookspecs.REGISTRATION_HOOKS),
    ("命令行 Command-line hooks", ("yishi_register_commands",)),
    ("写入之后 After-commit hooks", hookspecs.AFTER_COMMIT_HOOKS),
    ("解析 Resolver hooks (first result wins)", hookspecs.RESOLVER_HOOKS),
)


def hook_names() -> list[str]:
    """Every hook, in the order of the module."""
    return [
        name
        for name, value in vars(hookspecs).items()
        if name.startswith("yishi_") and inspect.isfunction(value)
    ]


def version_added(name: str) -> str | None:
    found = VERSION.search(inspect.getdoc(getattr(hookspecs, name)) or "")
    return found.group(1) if found else None


def signature(name: str) -> str:
    function = getattr(hookspecs, name)
    params = ", ".join(
        f"{p.name}: {p.annotation}" for p in inspect.signature(function).parameters.values()
    )
    return f"{name}({params}) -> {inspect.signature(function).return_annotation}"


def _inline(line: str) -> str:
    """reST roles and double backticks as Markdown code spans."""
    line = re.sub(r":(?:class|func|mod|meth|attr):`~?([^`]+)`", r"`\1`", line)
    return re.sub(r"``(.+?)``", r"`\1`", line)


def _markdown(doc: str) -> Iterator[str]:
    """reST-flavoured docstring lines as Markdown: ``::`` blocks fenced, fields listed."""
    lines = VERSION.sub("", doc).rstrip().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::"):
            yield _inline(line.rstrip()[:-1])
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                block.append(lines[i][4:])
                i += 1
            while block and not block[0].strip():
                block.pop(0)
            while block and not block[-1].strip():
                block.pop()
            yield ""
            yield "```python"
            yield from block
            yield "```"
            yield ""
            continue
        field = re.match(r"^:(param (\w+)|returns):\s*(.*)$", line)
        if field:
            label = field.group(2) or "returns"
            text = [field.group(3)]
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                text.append(lines[i].strip())
                i += 1
            yield _inline(f"- **{label}**: {' '.join(text)}")
            continue
        yield _inline(line)
        i += 1


def render() -> str:
    out = [
        "# 钩子参考 Hook reference",
        "",
        "<!-- Generated from src/yishi/hookspecs.py by"
        " `python -m yishi.plugins.hookdoc docs/plugins/hooks.md`; do not edit by hand."
        " tests/test_hookdoc.py fails when it is stale. -->",
        "",
        *_markdown(inspect.getdoc(hookspecs) or ""),
        "",
        "How to write, install and test a plugin: [the plugin guide](../plugins.md).",
    ]
    for title, names in FAMILIES:
        out += ["", f"## {title}"]
        for name in names:
            version = version_added(name) or "?"
            out += ["", f"### `{name}`", "", "```python", signature(name), "```", ""]
            out += [f"*Added in yishi {version}.*", ""]
            out += list(_markdown(inspect.getdoc(getattr(hookspecs, name)) or ""))
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
