"""schemathesis against the OpenAPI document: generated requests (bounded, deterministic)
for every operation; no 5xx, and every response matches what the document promises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.web_fixtures import bearer, make_app

schemathesis = pytest.importorskip("schemathesis")

_TMP = Path(tempfile.mkdtemp(prefix="yishi-schemathesis-"))
APP, ENGINE, ACCESS = make_app(_TMP, rate=10_000.0, burst=10_000)
TOKEN = ACCESS.new_token("k01")

# The event stream is endless by design (tests/test_web_api.py covers it).
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path_regex="/events$")
# Requests the document allows, to keep the run short on a shared machine: each must be
# answered without a 5xx and as documented. Malformed requests are tested by hand in
# test_web_api.py (every field named) and test_web_access.py.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], deterministic=True)


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(case):
    case.path_parameters = {**(case.path_parameters or {}), "community": "main"}
    case.call_and_validate(headers=bearer(TOKEN))
