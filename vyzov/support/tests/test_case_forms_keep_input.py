"""The case card never drops what was typed: a refused action shows the card again with its form as
filled in (opened) and the reasons; access from both sides."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from vyzov.support.models import Assessment

from .test_support import barnaul_service, biysk_service, open_case, specialist_of  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def assessment(**extra):
    data = {
        "assessment-date": TODAY.isoformat(),
        "assessment-needs": ["housing"],
        "assessment-resources": "Бабушка живёт рядом и готова помогать",
        "assessment-risk_level": "high",
        "assessment-notes": "Мама работает посменно",
    }
    data.update(extra)
    return data


@pytest.fixture
def case_and_specialist(barnaul_service):  # noqa: F811
    specialist, user = specialist_of(barnaul_service, "service_barnaul")
    return open_case(user, barnaul_service, specialist), user


def test_a_refused_assessment_keeps_what_was_typed(case_and_specialist, client):
    case, user = case_and_specialist
    login(client, user)
    url = reverse("support:assessment_add", args=[case.pk])
    response = client.post(url, assessment(**{"assessment-date": (TODAY + dt.timedelta(days=3)).isoformat()}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Бабушка живёт рядом и готова помогать" in body and "Мама работает посменно" in body
    assert '<details class="mb-2" open>' in body
    assert not Assessment.objects.exists()
    assert client.post(url, assessment()).status_code == 302
    assert Assessment.objects.get().notes == "Мама работает посменно"


def test_another_services_specialist_cannot_post(case_and_specialist, biysk_service, client):  # noqa: F811
    case, _user = case_and_specialist
    _specialist, stranger = specialist_of(biysk_service, "service_biysk")
    login(client, stranger)
    response = client.post(reverse("support:assessment_add", args=[case.pk]), assessment())
    assert response.status_code == 404
    assert not Assessment.objects.exists()
