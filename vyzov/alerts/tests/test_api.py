"""Signals API: the same service and policy as the pages."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre
from vyzov.alerts.models import Alert
from vyzov.cases.tests.factories import make_family

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(**overrides):
    data = {
        "municipality": centre("22").pk,
        "received_on": TODAY.isoformat(),
        "source": "police",
        "content": "Участковый сообщил о ребёнке без присмотра",
        "person_description": "Девочка 5 лет, ул. Мира, 3",
    }
    data.update(overrides)
    return data


def test_curator_registers_through_the_api_and_the_answer_has_no_free_text(curator_altai):
    response = api_for(curator_altai).post("/api/v1/alerts/", body(), format="json")
    assert response.status_code == 201, response.content
    assert "content" not in response.json() and "Мира" not in response.content.decode()
    assert Alert.objects.get().source == "police"
    assert api_for(curator_altai).get(f"/api/v1/alerts/{response.json()['id']}/").status_code == 200


def test_future_date_and_foreign_family_are_refused_in_russian(curator_altai):
    api = api_for(curator_altai)
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    response = api.post("/api/v1/alerts/", body(received_on=future), format="json")
    assert response.status_code == 400 and "будущем" in response.content.decode()
    foreign = make_family(centre("59"), title="Семья Пермских")
    response = api.post("/api/v1/alerts/", body(family=foreign.pk), format="json")
    assert response.status_code == 400 and "не найдена" in response.content.decode()
    assert not Alert.objects.exists()


def test_other_region_and_roles_without_the_register_are_refused(curator_altai, curator_perm, analyst):
    created = api_for(curator_altai).post("/api/v1/alerts/", body(), format="json").json()
    assert api_for(curator_perm).get(f"/api/v1/alerts/{created['id']}/").status_code == 404
    assert api_for(curator_perm).get("/api/v1/alerts/").json()["count"] == 0
    assert api_for(analyst).post("/api/v1/alerts/", body(), format="json").status_code == 403
    # Another region's municipality is not a choice.
    response = api_for(curator_perm).post("/api/v1/alerts/", body(), format="json")
    assert response.status_code == 400
    assert Alert.objects.count() == 1
