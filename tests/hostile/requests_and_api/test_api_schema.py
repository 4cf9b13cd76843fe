"""Schemathesis against the published schema (/api/schema/), through the Django WSGI application, with
the tokens of three roles: every GET of every endpoint and the POSTs that create register rows and aid
requests, with valid and invalid input. Checks: never a server error, every response conforms to the
schema. Bounded: a few examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from vyzov.accounts.models import User

pytestmark = pytest.mark.usefixtures("hostile_data")

ROLES = ("fed_admin", "curator_altai", "analyst")
POSTED = {"/api/v1/aid/requests/", "/api/v1/families/", "/api/v1/children/"}
EXAMPLES = 4
APP = get_wsgi_application()


def _included(ctx) -> bool:
    operation = ctx.operation
    method = operation.method.upper()
    return method == "GET" or (method == "POST" and operation.path in POSTED)


def _failures(operation, headers: dict[str, str], mode: GenerationMode) -> list[str]:
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
        except AssertionError as failure:  # schemathesis' failure groups are assertion errors
            found.append(f"{operation.label} ({mode.value}): {str(failure)[:2000]}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
        assert mode is GenerationMode.NEGATIVE
    return found


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the application must not close the connection that holds the test's
    transaction at the end of each request (it does so through these signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_as_its_schema_says(role, db, keep_test_connection):
    user = User.objects.get(username=role)
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP, headers=headers).include(
        _included
    )
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.extend(_failures(operation, headers, mode))
    assert operations > 40
    assert not failures, "\n\n".join(failures)
