"""Every API endpoint answers junk, malformed and deeply nested JSON with 4xx, never 500."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.web.api import api
from custodes.web.bodies.models import Body
from custodes.web.core.jsoninput import MAX_DEPTH, JsonInputError, loads
from custodes.web.estate import scans
from custodes.web.estate.models import ScanUpload

pytestmark = pytest.mark.django_db

NESTED = b"[" * 100_000
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
BODIES = (
    st.binary(max_size=300)
    | JSON_VALUES.map(lambda v: json.dumps(v).encode())
    | st.integers(min_value=1, max_value=50_000).map(lambda n: b"[" * n + b"]" * (n % 3))
    | st.integers(min_value=1, max_value=5_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n)
)


def endpoints() -> list[tuple[str, str]]:
    """Every path and method the API declares, with its path parameters filled in."""
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method in operations:
            found.append((method, path.replace("{name}", "round-2022")))
    return found


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent_header(roster) -> dict[str, str]:
    _, raw = scans.issue_agent_token(Body.objects.get(code="kent"), actor="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_declares_the_endpoints_tested():
    declared = endpoints()
    assert ("post", "/api/scans") in declared
    assert ("get", "/api/rounds/round-2022/findings") in declared


def test_a_hundred_thousand_nested_brackets_are_refused(client, agent_header):
    response = client.post("/api/scans", NESTED, content_type="application/json", **agent_header)
    assert response.status_code == 422
    assert "nested deeper" in response.json()["detail"]
    deep = b'{"scanner":"x","targets":["127.0.0.1"],"devices":' + b"[" * 40 + b"]" * 40 + b"}"
    response = client.post("/api/scans", deep, content_type="application/json", **agent_header)
    assert response.status_code == 422
    nul = json.dumps(
        {
            "scanner": "x\u0000",
            "started_at": "2026-01-01T10:00:00+00:00",
            "finished_at": "2026-01-01T10:05:00+00:00",
            "targets": ["127.0.0.1"],
            "devices": [],
        }
    )
    response = client.post("/api/scans", nul, content_type="application/json", **agent_header)
    assert response.status_code == 422 and "NUL" in response.json()["detail"]
    far = nul.replace("x\\u0000", "x").replace(
        "2026-01-01T10:05:00+00:00", "9999-12-31T23:59:59-05:00"
    )
    response = client.post("/api/scans", far, content_type="application/json", **agent_header)
    assert response.status_code == 422 and "out of range" in response.json()["detail"]
    assert not ScanUpload.objects.exists()


def test_loads_limits_depth_and_refuses_nul():
    assert loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    for raw in (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), NESTED, b'{"a\\u0000":1}', b"{"):
        with pytest.raises(JsonInputError):
            loads(raw)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BODIES, content_type=st.sampled_from(["application/json", "text/plain"]))
def test_every_endpoint_answers_junk_without_a_server_error(
    client, watchdog, past_round, agent_header, body, content_type
):
    client.force_login(watchdog)
    for method, path in endpoints():
        for headers in ({}, agent_header):
            response = client.generic(
                method.upper(), path, body, content_type=content_type, **headers
            )
            assert response.status_code < 500, (method, path, response.status_code)
    for junk in ("not-a-date", "9999-12-31T23:59:59-05:00", "\x00", "[" * 1000):
        response = client.get("/api/rounds/round-2022/findings", {"as_of": junk})
        assert response.status_code < 500, junk


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.fixed_dictionaries(
        {
            "scanner": JSON_VALUES,
            "started_at": st.sampled_from(
                ["2026-01-01T10:00:00+00:00", "9999-12-31T23:59:59-05:00"]
            )
            | JSON_VALUES,
            "finished_at": st.sampled_from(["2026-01-01T10:05:00+00:00", "0001-01-01T00:00:00Z"])
            | JSON_VALUES,
            "targets": st.lists(st.sampled_from(["127.0.0.1", "10.0.0.0/8", "x"]) | JSON_VALUES),
            "devices": st.lists(
                st.fixed_dictionaries(
                    {"address": st.sampled_from(["127.0.0.1", "::1"]) | JSON_VALUES},
                    optional={
                        "open_ports": JSON_VALUES,
                        "evidence": JSON_VALUES,
                        "concerns": JSON_VALUES,
                        "confidence": JSON_VALUES,
                    },
                ),
                max_size=3,
            ),
        }
    )
)
def test_scan_payloads_are_stored_or_refused_with_field_problems(client, agent_header, payload):
    raw = json.dumps(payload).encode()
    response = client.post("/api/scans", raw, content_type="application/json", **agent_header)
    assert response.status_code in (200, 422), response.content[:300]
    if response.status_code == 422:
        problems = response.json()["problems"]
        assert problems and all(p["field"] and p["message"] for p in problems)
