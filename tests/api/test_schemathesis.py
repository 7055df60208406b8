"""Property-based run of every operation in the OpenAPI schema (schemathesis 4): no input may cause a 5xx."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import corpus_settings, make_api, real_service


def test_no_server_errors_on_any_operation(tmp_path: Path) -> None:
    cfg = corpus_settings(tmp_path)
    api = make_api(cfg, real_service(cfg))
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    checked = []
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=4, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            case.call_and_validate(headers=api.h("admin"), checks=[not_a_server_error])

        run()
        checked.append(f"{op.method.upper()} {op.path}")
    assert "POST /v1/chat" in checked and "POST /v1/documents" in checked


DECISION_PATHS = ("/v1/approvals", "/v1/threads", "/v1/feedback", "/v1/work-orders", "/v1/decision-records")


def test_approval_thread_and_record_operations_pass_every_check(tmp_path: Path) -> None:
    """All default schemathesis checks (status codes, content types, response schemas, positive data
    accepted, negative data rejected) on the approval, thread, feedback and record operations (bounded)."""
    cfg = corpus_settings(tmp_path)
    api = make_api(cfg, real_service(cfg))
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith(DECISION_PATHS)]
    assert len(operations) >= 12
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            case.call_and_validate(headers=api.h("admin"))

        run()
