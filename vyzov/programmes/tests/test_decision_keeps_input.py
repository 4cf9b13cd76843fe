"""A working-group decision, an indicator or a measure that is not recorded comes back as typed (the
decision under its meeting, opened), never dropped by a redirect; access from both sides."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from vyzov.consilium.models import ActionItem
from vyzov.programmes import services
from vyzov.programmes.models import Measure

from .test_programmes import altai_group, direction, programme_for  # noqa: F401 (altai_group: the fixture)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_refused_decision_keeps_the_text_and_the_assignment(altai_group, curator_altai, client):  # noqa: F811
    meeting = services.meeting_add(actor=curator_altai, group=altai_group, date=TODAY, agenda="Службы")
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:decision_add", args=[meeting.pk]),
        {"text": "Открыть службы во всех округах", "action0-what": "Представить график без срока"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Открыть службы во всех округах" in body and "Представить график без срока" in body
    assert "<details open>" in body
    assert not meeting.decisions.exists() and not ActionItem.objects.exists()


def test_a_reader_cannot_record_a_decision(altai_group, curator_altai, fed_analyst, client):  # noqa: F811
    meeting = services.meeting_add(actor=curator_altai, group=altai_group, date=TODAY, agenda="Службы")
    login(client, fed_analyst)
    response = client.post(reverse("programmes:decision_add", args=[meeting.pk]), {"text": "Решение"})
    assert response.status_code in (403, 404)
    assert not meeting.decisions.exists()


def test_a_refused_measure_keeps_what_was_typed(curator_altai, curator_perm, client):
    programme = programme_for(curator_altai, "22")
    data = {
        "direction": direction(programme).pk,
        "title": "Открыть службу «Дети в семье» в Бийске",
        "responsible": "Минсоцзащиты",
        "deadline": "2026-01-01",
        "budget": "-5",
    }
    login(client, curator_altai)
    response = client.post(reverse("programmes:measure_add", args=[programme.pk]), data)
    assert response.status_code == 400
    assert "Открыть службу «Дети в семье» в Бийске" in response.content.decode()
    assert not Measure.objects.exists()
    login(client, curator_perm)
    response = client.post(reverse("programmes:measure_add", args=[programme.pk]), {**data, "budget": "5"})
    assert response.status_code == 404
    assert not Measure.objects.exists()
