"""A location names the database and the community."""

from __future__ import annotations

import pytest

from yishi_postgres import split_location


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("postgresql://h/city?community=gaojia", ("postgresql://h/city", "gaojia")),
        (
            "postgresql://h/city?sslmode=require&community=g",
            ("postgresql://h/city?sslmode=require", "g"),
        ),
        (
            "postgresql://h/city?community=g&sslmode=require",
            ("postgresql://h/city?sslmode=require", "g"),
        ),
        ("dbname=city host=h community=gaojia", ("dbname=city host=h", "gaojia")),
        ("postgresql://h/city", ("postgresql://h/city", "default")),
        ("", ("", "default")),
    ],
)
def test_the_community_is_taken_out_of_the_conninfo(
    location: str, expected: tuple[str, str]
) -> None:
    assert split_location(location) == expected
