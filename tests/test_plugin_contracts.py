"""yishi's own publisher and vote methods pass the contracts in yishi.testing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yishi.publish.files import FilePublisher
from yishi.testing.plugin_contracts import PublisherContract, VoteMethodContract


class TestFilePublisher(PublisherContract):
    def make_publisher(self, tmp_path: Path) -> Any:
        return FilePublisher(tmp_path / "board")

    def published(self, publisher: Any, tmp_path: Path) -> list[str]:
        return [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "board").iterdir())]


class TestShowOfHands(VoteMethodContract):
    method = "show_of_hands"


class TestSecretBallot(VoteMethodContract):
    method = "secret"


class TestConsensus(VoteMethodContract):
    method = "consensus"


class TestAPublisherThatDropsTheCheckpointFails(PublisherContract):
    """The contract can fail: a publisher that leaves the checkpoint off is caught."""

    class Careless:
        def __init__(self) -> None:
            self.texts: list[str] = []

        from yishi import hookimpl

        @hookimpl
        def yishi_disclosure_published(self, notice: Any) -> None:
            self.texts.append(notice.title)

    def make_publisher(self, tmp_path: Path) -> Any:
        return self.Careless()

    def published(self, publisher: Any, tmp_path: Path) -> list[str]:
        return publisher.texts

    def test_a_notice_is_published_with_its_title_and_checkpoint(self, tmp_path: Path) -> None:
        with pytest.raises(AssertionError):
            super().test_a_notice_is_published_with_its_title_and_checkpoint(tmp_path)
