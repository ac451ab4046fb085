"""Rendering a scenario run: a readable timeline, or a stable JSON document.

The JSON format is documented in docs/scenarios.md ("yishi-run/1"); golden
tests hold it stable. ``document`` builds the JSON, ``timeline`` the text, and
``event_lines`` the lines the timeline prints under each act.
"""

from yishi.report.document import FORMAT, to_json
from yishi.report.timeline import to_text

__all__ = ["FORMAT", "to_json", "to_text"]
