"""Property-based run of every API operation against our own OpenAPI document: no 5xx, answers conform.

In-process (ASGI), with a token holding every scope, a fixed seed, on SQLite and PostgreSQL; the
live-server run with `--checks all` is in .ci/run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from factcheck.services.api_tokens import SCOPES, ApiTokenService
from tests import factories
from tests.api.conftest import article_with_claims

CONFIG = schemathesis.config.SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml"))


@pytest.fixture
def api_schema(app, db, publish):
    # Something to find: a published verdict on a known article, so reads are not all 404.
    _, claims = article_with_claims("Unemployment fell to 3.4% in January.\nHomes cost 8% more.",
                                    external_id="cms-4711")
    publish(claims[0])
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def all_scopes(db) -> dict[str, str]:
    admin = factories.UserFactory(role="admin")
    issued = ApiTokenService(db).create(name="schemathesis", scopes=sorted(SCOPES), system=True, user=admin)
    return {"Authorization": f"Bearer {issued.secret}"}


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_openapi_document(case, all_scopes, app):
    app.state.settings.api_rate_limit_per_minute = 1_000_000
    case.call_and_validate(headers=all_scopes)
