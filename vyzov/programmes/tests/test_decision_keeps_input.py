"""A working-group decision that is not recorded comes back as typed (under its meeting, opened),
never dropped by a redirect; access from both sides."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from vyzov.consilium.models import ActionItem
from vyzov.programmes import services

from .test_programmes import altai_group  # noqa: F401 (the fixture)

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
