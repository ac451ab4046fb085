"""Headless Chromium for the tests: screenshots and a DOM measured after layout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    return found


def _run(*args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="yishi-chromium-") as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def screenshot(page: Path, name: str, width: int, height: int) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / name
    _run(f"--screenshot={target}", f"--window-size={width},{height}", page.resolve().as_uri())
    assert target.is_file() and target.stat().st_size > 1000
    return target


_PROBE = """<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0}</style></head>
<body><iframe id="f" src="%s" width="%d" height="900"></iframe>
<script>
document.getElementById("f").addEventListener("load", (event) => {
  const win = event.target.contentWindow, doc = win.document;
  let widest = doc.documentElement.scrollWidth, culprit = "";
  for (const el of doc.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > win.innerWidth + 0.5) { culprit = el.tagName + "." + el.className; widest = Math.max(widest, Math.ceil(r.right)); break; }
  }
  document.title = "MEASURED " + win.innerWidth + " " + widest + " " + culprit;
});
</script></body></html>"""


def measure_width(page: Path, width: int) -> tuple[int, int, str]:
    """(viewport width, widest extent, first element past the right edge) of ``page``
    laid out ``width`` pixels wide.

    A desktop browser window is never narrower than about 500 pixels, so the
    page is laid out in an iframe of that width, inside a probe page written
    beside it and removed afterwards; the published pages carry no script."""
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(_PROBE % (page.name, width), encoding="utf-8")
    try:
        dom = _run(
            "--allow-file-access-from-files",
            "--dump-dom",
            "--virtual-time-budget=5000",
            "--window-size=1000,1000",
            probe.resolve().as_uri(),
        )
    finally:
        probe.unlink()
    found = re.search(r"<title>MEASURED (\d+) (\d+) ?([^<]*)</title>", dom)
    assert found, dom[:500]
    return int(found.group(1)), int(found.group(2)), found.group(3)
