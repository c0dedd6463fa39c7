"""Fuzzing the HTTP API (issue 17, item 5): schemathesis generates requests for every operation of
`/openapi.json` (valid and, in schemathesis's negative mode, invalid JSON and multipart bodies,
query parameters) against
`factcheck serve` on 127.0.0.1, and validates every answer against the schema: a documented
status, its content type, and its body (the report, or the error contract {code, message_fr,
hint_fr} with a documented code; the LanguageTool endpoint's plain-text errors, with their code in
a header). Never a server error.

Bounded in CI (FACTCHECK_FUZZ_API_EXAMPLES, default 30 per operation); `bench/fuzz` runs more."""

from __future__ import annotations

import os

import pytest

from extractor.service.errors import CODES, ErrorBody

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_API_EXAMPLES", "30"))


def test_every_operation_answers_as_documented(live_server) -> None:
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/check", "/api/extract", "/api/report", "/api/rules", "/healthz",
                                              "/v2/check", "/v2/languages"}  # fmt: skip
    seen: dict[str, set[int]] = {}
    calls: dict[str, int] = {}
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)))
        def call(case) -> None:
            response = case.call(timeout=60)
            seen.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
            calls[f"{case.method} {case.path}"] = calls.get(f"{case.method} {case.path}", 0) + 1
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
            case.validate_response(
                response, checks=[status_code_conformance, content_type_conformance, response_schema_conformance]
            )
            headers = {name.lower(): values[0] for name, values in response.headers.items()}  # a list each
            if response.status_code >= 400 and headers.get("content-type", "").startswith("text/plain"):
                # /v2/check answers its errors as LanguageTool does, in plain text (its code in a header)
                assert case.path.startswith("/v2/"), (case.path, response.text[:300])
                assert headers.get("x-factcheck-error") in CODES, headers
                assert response.text.startswith("Erreur : ") and "À faire : " in response.text, response.text
            elif response.status_code >= 400:
                error = ErrorBody.model_validate_json(response.content)
                assert error.code in CODES and error.message_fr and error.hint_fr, error

        call()
    print(f"API fuzzing: {sum(calls.values())} requests", calls, {k: sorted(v) for k, v in seen.items()})
    refused = {name: seen.get(f"POST /api/{name}", set()) - {200} for name in ("check", "extract", "report")}
    assert all(refused.values()), refused  # refusals were tried, not only good documents
