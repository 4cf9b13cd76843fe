"""The small actions of a regional programme's pages: an indicator's actual value, a measure's state and a
transformation plan's milestone. The region's curator does them; a curator of another region gets 404
and changes nothing; a federal analyst who reads the programme is refused (403); bad input is named in
Russian on the page the action returns to."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import login, subject
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.programmes import services
from vyzov.programmes.models import IndicatorActual, MeasureStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def altai_programme(curator_altai):
    return services.programme_create(
        actor=curator_altai, subject=subject("22"), title="Программа Алтая", start_year=2025, end_year=2026
    )


@pytest.fixture
def returned_home(curator_altai, altai_programme):
    """A programme indicator of Алтай entered by hand: children returned to their families."""
    return services.indicator_add(
        actor=curator_altai,
        direction=altai_programme.directions.get(number=1),
        targets={2026: Decimal(120)},
        data={"name": "Возвращены в семьи", "unit": "чел.", "better": "higher", "baseline": Decimal(80)},
    )


@pytest.fixture
def club_measure(curator_altai, altai_programme):
    return services.measure_add(
        actor=curator_altai,
        direction=altai_programme.directions.get(number=1),
        data={
            "title": "Клубы «Устойчивая семья»",
            "responsible": "Минсоцзащиты",
            "deadline": dt.date(2026, 6, 1),
            "budget": Decimal(1000),
        },
    )


@pytest.fixture
def barnaul_milestone(curator_altai, home_barnaul):
    plan = services.institution_plan_save(
        actor=curator_altai,
        organization=home_barnaul,
        family_work_positions=2,
        target_profile="центр поддержки семьи",
        milestones=[{"title": "Ставки специалистов по работе с семьёй", "due_date": dt.date(2026, 1, 1)}],
    )
    return plan.milestones.get()


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def last_said(response) -> str:
    """The message of this action (messages of earlier redirects wait until a page shows them)."""
    return said(response)[-1]


# ---- an indicator's actual value ----------------------------------------------------------------------


def test_curator_altai_enters_the_actual_value_typed_the_russian_way(client, curator_altai, returned_home):
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:actual_add", args=[returned_home.pk]), {"as_of": "31.12.2025", "value": "95,5"}
    )
    assert response.status_code == 302
    assert response.url == reverse("programmes:programme_detail", args=[returned_home.direction.programme_id])
    assert said(response) == ["Значение внесено."]
    actual = IndicatorActual.objects.get(indicator=returned_home)
    assert (actual.as_of, actual.value) == (dt.date(2025, 12, 31), Decimal("95.5"))
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        object_type="programmes.programmeindicator",
        object_id=str(returned_home.pk),
    ).exists()


def test_curator_altai_is_told_why_an_actual_value_was_refused(client, curator_altai, returned_home):
    login(client, curator_altai)
    url = reverse("programmes:actual_add", args=[returned_home.pk])
    future = (TODAY + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert last_said(client.post(url, {"as_of": future, "value": "10"})) == "Дата не может быть в будущем."
    assert (
        last_said(client.post(url, {"as_of": "01.01.2010", "value": "10"})) == "Дата вне периода программы."
    )
    assert "0" in last_said(client.post(url, {"as_of": "31.12.2025", "value": "-3"}))
    assert not IndicatorActual.objects.exists()


def test_curator_perm_gets_404_for_an_indicator_of_altai(client, curator_perm, returned_home):
    login(client, curator_perm)
    response = client.post(
        reverse("programmes:actual_add", args=[returned_home.pk]), {"as_of": "31.12.2025", "value": "95"}
    )
    assert response.status_code == 404
    assert not IndicatorActual.objects.exists()


def test_fed_analyst_reads_the_programme_but_enters_no_actual(client, fed_analyst, returned_home):
    login(client, fed_analyst)
    programme_id = returned_home.direction.programme_id
    assert client.get(reverse("programmes:programme_detail", args=[programme_id])).status_code == 200
    response = client.post(
        reverse("programmes:actual_add", args=[returned_home.pk]), {"as_of": "31.12.2025", "value": "95"}
    )
    assert response.status_code == 403
    assert not IndicatorActual.objects.exists()


# ---- a measure's state ------------------------------------------------------------------------------------


def test_curator_altai_marks_the_clubs_in_progress(client, curator_altai, club_measure):
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:measure_status", args=[club_measure.pk]), {"status": MeasureStatus.IN_PROGRESS}
    )
    assert response.status_code == 302
    club_measure.refresh_from_db()
    assert club_measure.status == MeasureStatus.IN_PROGRESS
    entry = AuditEntry.objects.get(action=AuditAction.STATUS_CHANGE, object_id=str(club_measure.pk))
    assert entry.details == {"status": MeasureStatus.IN_PROGRESS}


def test_an_unknown_measure_state_changes_nothing(client, curator_altai, club_measure):
    login(client, curator_altai)
    client.post(reverse("programmes:measure_status", args=[club_measure.pk]), {"status": "finished-ish"})
    club_measure.refresh_from_db()
    assert club_measure.status == MeasureStatus.PLANNED


def test_curator_perm_gets_404_for_a_measure_of_altai(client, curator_perm, club_measure):
    login(client, curator_perm)
    response = client.post(
        reverse("programmes:measure_status", args=[club_measure.pk]), {"status": MeasureStatus.DONE}
    )
    assert response.status_code == 404
    club_measure.refresh_from_db()
    assert club_measure.status == MeasureStatus.PLANNED


def test_fed_analyst_may_not_change_a_measure(client, fed_analyst, club_measure):
    login(client, fed_analyst)
    response = client.post(
        reverse("programmes:measure_status", args=[club_measure.pk]), {"status": MeasureStatus.DONE}
    )
    assert response.status_code == 403
    club_measure.refresh_from_db()
    assert club_measure.status == MeasureStatus.PLANNED


# ---- a transformation plan's milestone ---------------------------------------------------------------


def test_curator_altai_marks_a_milestone_done(client, curator_altai, barnaul_milestone):
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:milestone_done", args=[barnaul_milestone.pk]), {"done_on": "15.01.2026"}
    )
    assert response.status_code == 302
    assert response.url == reverse("programmes:region_governance", args=["22"])
    assert said(response) == ["Этап отмечен выполненным."]
    barnaul_milestone.refresh_from_db()
    assert barnaul_milestone.done_on == dt.date(2026, 1, 15)


def test_a_milestone_without_a_date_or_in_the_future_is_refused(client, curator_altai, barnaul_milestone):
    login(client, curator_altai)
    url = reverse("programmes:milestone_done", args=[barnaul_milestone.pk])
    assert last_said(client.post(url, {"done_on": ""})) == "Укажите дату выполнения."
    future = (TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert last_said(client.post(url, {"done_on": future})) == "Дата не может быть в будущем."
    barnaul_milestone.refresh_from_db()
    assert barnaul_milestone.done_on is None


def test_curator_perm_gets_404_for_a_milestone_of_altai(client, curator_perm, barnaul_milestone):
    login(client, curator_perm)
    response = client.post(
        reverse("programmes:milestone_done", args=[barnaul_milestone.pk]), {"done_on": "15.01.2026"}
    )
    assert response.status_code == 404
    barnaul_milestone.refresh_from_db()
    assert barnaul_milestone.done_on is None
