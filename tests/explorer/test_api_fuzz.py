"""The API fuzzed against its own OpenAPI schema (schemathesis): no 5xx, and every answer (status,
content type, headers, body) is what the schema says."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def unlimited(settings):
    settings.EXPLORER_RATE_LIMITS = {}  # fuzzing is many requests from one address


# A real database transaction per request: the app is called as WSGI, outside the test client.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, open_data, unlimited):
    # Every check but one: the parameters parse leniently (" 2" is page 2), as the pages do.
    case.call_and_validate(excluded_checks=[negative_data_rejection])
