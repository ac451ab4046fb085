"""Webhooks: a signed POST of the disclosure document, Standard Webhooks style.

Each delivery carries three headers (https://www.standardwebhooks.com/):

- ``webhook-id``: ``<disclosure>-<verification code>``, the same on every
  retry, so a receiver can drop duplicates;
- ``webhook-timestamp``: seconds since the epoch when this attempt was sent;
- ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")),
  where the key is the base64 after ``whsec_`` in the secret.

The body is the ``yishi-disclosure/1`` JSON document, UTF-8. A 2xx answer is
success; anything else (or no answer) is tried again after 1, 2, 4 … seconds
(``attempts`` in all); then the hook fails, the engine records it, and
``yishi hooks --retry`` sends it again later. docs/publishing.md shows how a
receiver checks the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.publish.channels import document_for
from yishi.publish.notice import Notice
from yishi.publish.privacy import PrivacyPolicy

SECRET_PREFIX = "whsec_"


def secret_key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with 'whsec_' followed by base64")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one delivery."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


class DeliveryFailed(RuntimeError):
    pass


class WebhookPublisher:
    """POSTs each disclosure's document to ``url``, signed with ``secret``."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        lang: str = "zh",
        policy: PrivacyPolicy | None = None,
        attempts: int = 4,
        backoff: float = 1.0,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url!r}")
        secret_key(secret)  # refuse a malformed secret now, not at the first notice
        self.url = url
        self.secret = secret
        self.lang = lang
        self.policy = policy or PrivacyPolicy()
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.__name__ = "publish-webhook"
        self.delivered: list[str] = []

    def deliver(self, msg_id: str, body: bytes) -> None:
        errors = []
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            timestamp = int(self.clock())
            request = urllib.request.Request(
                self.url,
                data=body,
                method="POST",
                headers={
                    "content-type": "application/json; charset=utf-8",
                    "webhook-id": msg_id,
                    "webhook-timestamp": str(timestamp),
                    "webhook-signature": sign(self.secret, msg_id, timestamp, body),
                    "user-agent": "yishi-webhook/1",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    if 200 <= response.status < 300:
                        self.delivered.append(msg_id)
                        return
                    errors.append(f"HTTP {response.status}")
            except urllib.error.HTTPError as exc:
                errors.append(f"HTTP {exc.code}")
            except (urllib.error.URLError, OSError) as exc:
                errors.append(str(getattr(exc, "reason", exc)))
        raise DeliveryFailed(
            f"{self.url}: not delivered after {self.attempts} attempts ({'; '.join(errors)})"
        )

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        doc = document_for(engine, notice, self.lang, self.policy)
        body = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.deliver(f"{notice.disclosure}-{doc['code'] or notice.position}", body)
