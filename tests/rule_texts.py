"""Rule-set texts the tests share: a committee that calls meetings, an assembly that
votes, and a board the elected join. Each test module adds its own stages."""

from __future__ import annotations


def committee_and_assembly(
    ruleset_id: str, title: str, *, committee_methods: str, assembly_methods: str
) -> str:
    """The head of a non-statutory rule set; the methods are TOML arrays' insides
    (``'"secret"'``)."""
    return f"""
schema_version = 1
id = "{ruleset_id}"
title = "{title}"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director"]
quorum = {{ base = "composition", fraction = "1/2", cmp = ">" }}
threshold = {{ base = "present", fraction = "1/2", cmp = ">" }}
vote_methods = [{committee_methods}]

[bodies.assembly]
name = "代表会议"
quorum = {{ base = "composition", fraction = "1/2", cmp = ">" }}
threshold = {{ base = "votes_cast", fraction = "1/2", cmp = ">" }}
vote_methods = [{assembly_methods}]

[bodies.board]
name = "理事会"
roles = ["member"]
"""
