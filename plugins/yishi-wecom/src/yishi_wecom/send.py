"""Posting to a group robot: signing, the robots' rate limit, and their error answers.

Both robots take at most 20 messages a minute each. The sender keeps to that
itself (a rolling window per robot URL), and when the robot still answers
"too fast" — WeCom ``errcode`` 45009, DingTalk 130101 or 410100, or HTTP 429 —
it waits and tries again a few times. Any other error answer raises
:class:`RobotError` with the robot's code and message: the engine records the
failure with this plugin's name and ``yishi hooks --retry`` sends it later.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

RATE_LIMITED = {"wecom": {45009}, "dingtalk": {130101, 410100}}
PER_MINUTE = 20
ATTEMPTS = 4
TIMEOUT = 10.0  # seconds for one request


class RobotError(Exception):
    """The robot refused the message; ``code`` is its ``errcode`` (or the HTTP status)."""

    def __init__(self, robot: str, code: int, text: str) -> None:
        name = "企业微信" if robot == "wecom" else "钉钉"
        super().__init__(f"{name}机器人拒收消息：{code} {text}")
        self.robot, self.code, self.text = robot, code, text


def signed(url: str, secret: str, now_ms: int) -> str:
    """DingTalk 加签: ``timestamp`` and ``sign`` = urlencode(base64(HMAC-SHA256(secret,
    "timestamp\\nsecret"))) added to the URL."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{now_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = base64.b64encode(digest).decode("ascii")
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}{urllib.parse.urlencode({'timestamp': now_ms, 'sign': sign})}"


class Sender:
    """Sends JSON bodies to robots; ``clock`` and ``sleep`` are replaceable for tests."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        sleep: Callable[[float], None] = time.sleep,
        backoff: float = 3.0,
    ) -> None:
        self.clock, self.wall_ms, self.sleep, self.backoff = clock, wall_ms, sleep, backoff
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def _wait_turn(self, url: str) -> None:
        with self._lock:
            window = self._sent[url]
            now = self.clock()
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) >= PER_MINUTE:
                self.sleep(60 - (now - window[0]))
                window.popleft()
            window.append(self.clock())

    def send(self, robot: str, url: str, body: dict[str, Any], secret: str = "") -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for attempt in range(ATTEMPTS):
            self._wait_turn(url)
            target = signed(url, secret, self.wall_ms()) if secret else url
            request = urllib.request.Request(
                target, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                    reply = json.loads(answer.read().decode("utf-8") or "{}")
            except urllib.error.HTTPError as exc:
                if (exc.code == 429 or exc.code >= 500) and attempt + 1 < ATTEMPTS:
                    self.sleep(self.backoff * 2**attempt)
                    continue
                raise RobotError(robot, exc.code, f"HTTP {exc.code} {exc.reason}") from None
            except ValueError:
                raise RobotError(robot, -1, "答复不是 JSON") from None
            code = int(reply.get("errcode", 0))
            if code == 0:
                return
            if code in RATE_LIMITED[robot] and attempt + 1 < ATTEMPTS:
                self.sleep(self.backoff * 2**attempt)
                continue
            raise RobotError(robot, code, str(reply.get("errmsg", "")))
        raise AssertionError("unreachable")  # pragma: no cover
