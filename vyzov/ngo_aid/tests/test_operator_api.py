"""The operators' appointments by API (read only, the fund page's permission): the operator of a region
sees its own criteria and roles; another region's operator answers exactly like a missing one."""

import pytest
from rest_framework.test import APIClient

from conftest import make_user, subject
from vyzov.accounts.models import Role, ScopeLevel

pytestmark = pytest.mark.django_db


def test_irkutsk_operator_reads_its_appointment_and_not_khabarovsks(irkutsk, khabarovsk, operator_irkutsk):
    irkutsk.criterion_reputation = True
    irkutsk.role_leading_operator = True
    irkutsk.save()
    api = APIClient()
    api.force_authenticate(operator_irkutsk)

    listed = api.get("/api/v1/aid/operators/").json()["results"]
    assert [row["subject"] for row in listed] == ["38"]
    assert listed[0]["criterion_reputation"] is True and listed[0]["role_leading_operator"] is True
    assert listed[0]["criterion_property_staff"] is None  # not assessed stays distinct from «no»

    theirs = api.get(f"/api/v1/aid/operators/{khabarovsk.pk}/")
    missing = api.get("/api/v1/aid/operators/999999/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_federal_admin_sees_every_operator_and_a_curator_none(irkutsk, khabarovsk, fed_admin):
    api = APIClient()
    api.force_authenticate(fed_admin)
    assert {row["subject"] for row in api.get("/api/v1/aid/operators/").json()["results"]} == {"27", "38"}
    assert api.post("/api/v1/aid/operators/", {}).status_code == 405
    curator = make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    api.force_authenticate(curator)
    assert api.get("/api/v1/aid/operators/").json()["results"] == []
    assert api.get(f"/api/v1/aid/operators/{irkutsk.pk}/").status_code == 404
