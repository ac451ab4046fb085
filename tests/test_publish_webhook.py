"""Webhooks: Standard Webhooks signatures, retries with backoff, a receiver that comes back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.publish_fixtures import run
from yishi.plugins.host import PluginHost
from yishi.publish.webhook import DeliveryFailed, WebhookPublisher, sign

SECRET = "whsec_" + base64.b64encode(b"a secret the receiver also holds!").decode()


def independent_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Written from docs/publishing.md alone, as a receiver would."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        part.startswith("v1,") and hmac.compare_digest(part[3:], expected)
        for part in headers["webhook-signature"].split(" ")
    )


class Receiver:
    """A local HTTP server that answers 503 for its first ``down`` requests."""

    def __init__(self, down: int = 0) -> None:
        self.down = down
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.attempts = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.attempts += 1
                if outer.attempts <= outer.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_each_disclosure_is_posted_signed_and_verifiable_independently():
    with Receiver() as receiver:
        hook = WebhookPublisher(receiver.url, SECRET, sleep=lambda s: None)
        engine, _ = run(
            "01_land_lease_passes.toml", plugins=PluginHost.load([hook], entry_points=False)
        )
    assert engine.store.hook_failures() == []
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert independent_verify(SECRET, headers, body)
        doc = json.loads(body)
        assert doc["format"] == "yishi-disclosure/1"
        assert headers["webhook-id"] == f"{doc['disclosure']['id']}-{doc['code']}"
        assert headers["content-type"].startswith("application/json")
        tampered = body.replace(b"m1", b"m2")
        assert not independent_verify(SECRET, headers, tampered)


def test_a_receiver_that_is_down_then_comes_back_gets_it_after_backoff():
    waits: list[float] = []
    with Receiver(down=2) as receiver:
        hook = WebhookPublisher(receiver.url, SECRET, attempts=4, backoff=0.5, sleep=waits.append)
        hook.deliver("m1-d1-X", b'{"a": 1}')
    assert waits == [0.5, 1.0]  # doubling backoff
    assert receiver.attempts == 3 and len(receiver.received) == 1
    assert independent_verify(SECRET, *receiver.received[0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_receiver_down_for_good_fails_the_hook_without_blocking_the_log(tmp_path):
    from yishi.publish.channels import JsonPublisher

    port = _free_port()
    hook = WebhookPublisher(
        f"http://127.0.0.1:{port}/hook", SECRET, attempts=2, sleep=lambda s: None, timeout=2
    )
    files = JsonPublisher(tmp_path)
    host = PluginHost.load([hook, files], entry_points=False)
    engine, records = run("01_land_lease_passes.toml", plugins=host)
    failures = engine.store.hook_failures()
    assert {f.plugin for f in failures} == {"publish-webhook"}
    assert any(type(r.event).__name__ == "MatterClosed" for r in records)  # the log went on
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m1-d1.json", "m1-d2.json"]
    # the receiver comes back on that port; the retry delivers the same message ids
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert engine.retry_hooks() == []
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 2 and all(independent_verify(SECRET, h, b) for h, b in received)


def test_bad_configuration_is_refused_up_front():
    with pytest.raises(ValueError, match="whsec_"):
        WebhookPublisher("http://127.0.0.1:1/", "not-a-secret")
    with pytest.raises(ValueError, match="http"):
        WebhookPublisher("ftp://x/", SECRET)
    with pytest.raises(DeliveryFailed, match="after 1 attempts"):
        WebhookPublisher(f"http://127.0.0.1:{_free_port()}/", SECRET, attempts=1).deliver(
            "i", b"{}"
        )


def test_the_signature_matches_the_standard_webhooks_test_vector():
    # from the Standard Webhooks specification's reference libraries
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_the_command_line_publishes_through_configured_webhooks_and_retries(tmp_path):
    """YISHI_PUBLISHERS names a webhook; `yishi run --db` records its failure while the
    receiver is down; `yishi hooks --retry` delivers once it is back."""
    import os
    import subprocess
    import sys

    from tests.conftest import EXAMPLES

    port = _free_port()
    env = {
        **os.environ,
        "YISHI_PUBLISHERS": f"webhook=http://127.0.0.1:{port}/hook",
        "YISHI_WEBHOOK_SECRET": SECRET,
        "YISHI_WEBHOOK_ATTEMPTS": "1",
        "YISHI_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    db = tmp_path / "yishi.db"
    yishi = [sys.executable, "-m", "yishi"]
    run_ = subprocess.run(
        [*yishi, "run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run_.returncode == 0, run_.stderr
    listed = subprocess.run(
        [*yishi, "hooks", "--db", str(db)], env=env, capture_output=True, text=True, timeout=120
    )
    assert "publish-webhook" in listed.stdout and listed.returncode == 1
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        retried = subprocess.run(
            [*yishi, "hooks", "--db", str(db), "--retry"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert sorted(json.loads(b)["disclosure"]["id"] for _, b in received) == ["m1-d1", "m1-d2"]
    assert all(independent_verify(SECRET, h, b) for h, b in received)
