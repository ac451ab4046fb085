"""A progress bar on stderr for long verifies and replays; standard library only.

Shown only when stderr is a terminal (never in a pipe, a log file or a test),
at most ten times a second, and only once the work has run for half a second,
so a small log prints nothing. The line is cleared when the work is done.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
DELAY = 0.5  # seconds before the first bar
EVERY = 0.1  # seconds between redraws


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None, force: bool = False) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or _is_tty(self.stream)
        self.started = time.perf_counter()  # elapsed time for the display, not a date
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int = 0) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()  # elapsed time for the display, not a date
        if now - self.started < DELAY or now - self.drawn < EVERY:
            return
        self.drawn, self.shown = now, True
        rate = done / (now - self.started)
        if total > 0:
            share = min(1.0, done / total)
            filled = int(share * WIDTH)
            bar = "█" * filled + "░" * (WIDTH - filled)
            left = (total - done) / rate if rate else 0
            text = (
                f"{self.label} {bar} {share:4.0%} {done:,}/{total:,}  {rate:,.0f}/s  ~{left:.0f}s"
            )
        else:
            text = f"{self.label} {done:,}  {rate:,.0f}/s"
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def reading(lang: str = "zh") -> Progress:
    """The bar for opening a log: every record read and folded again."""
    return Progress("reading the log" if lang == "en" else "读取记录")
