"""A local HTTP server that plays a group robot: records each request, answers as scripted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class Robot:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []  # (path with query, JSON body)
        self.answers: list[tuple[int, dict[str, Any]]] = []  # scripted; then errcode 0

    def answer(self) -> tuple[int, dict[str, Any]]:
        return self.answers.pop(0) if self.answers else (200, {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def robot() -> Iterator[tuple[Robot, str]]:
    """(the robot, its base URL)."""
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            state.requests.append((self.path, body))
            status, reply = state.answer()
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
