"""The МРГ page: one view per action (a meeting, a member), each with its own URL, and both refused to
those who may only read the group or who work in another region."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, subject
from vyzov.programmes.models import WorkingGroup

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def altai_group(db):
    return WorkingGroup.objects.create(subject=subject("22"), title="МРГ Алтайского края")


def test_the_page_posts_each_form_to_its_own_action(altai_group, curator_altai, client):
    login(client, curator_altai)
    page = client.get(reverse("programmes:working_group", args=["22"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{reverse("programmes:working_group_meeting_add", args=["22"])}"' in html
    assert f'action="{reverse("programmes:working_group_member_add", args=["22"])}"' in html


def test_a_meeting_is_added_and_a_bad_one_is_shown_again_with_what_was_typed(
    altai_group, curator_altai, client
):
    login(client, curator_altai)
    url = reverse("programmes:working_group_meeting_add", args=["22"])
    response = client.post(url, {"date": TODAY.isoformat(), "agenda": "Службы «Дети в семье»"})
    assert response.status_code == 302
    assert altai_group.meetings.get().agenda == "Службы «Дети в семье»"
    response = client.post(url, {"date": "", "agenda": "Повестка без даты"})
    assert response.status_code == 200
    assert "Повестка без даты" in response.content.decode()
    assert altai_group.meetings.count() == 1


def test_a_member_is_added(altai_group, curator_altai, client):
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:working_group_member_add", args=["22"]),
        {"person": "Иванова Анна Петровна", "agency": "Минсоцзащиты", "role": "член рабочей группы"},
    )
    assert response.status_code == 302
    assert altai_group.members.get().person == "Иванова Анна Петровна"


def test_another_regions_curator_cannot_add_to_the_group(altai_group, curator_perm, client):
    meeting = {"date": TODAY.isoformat(), "agenda": "Повестка"}
    member = {"person": "Петров Пётр", "agency": "Минздрав", "role": "член"}
    login(client, curator_perm)  # another region: the group does not exist for them
    assert (
        client.post(reverse("programmes:working_group_meeting_add", args=["22"]), meeting).status_code == 404
    )
    assert client.post(reverse("programmes:working_group_member_add", args=["22"]), member).status_code == 404
    assert client.get(reverse("programmes:working_group_meeting_add", args=["22"])).status_code == 405
    assert not altai_group.meetings.exists()
    assert not altai_group.members.exists()


def test_no_group_yet_is_a_404_for_the_actions(curator_altai, client):
    login(client, curator_altai)
    url = reverse("programmes:working_group_meeting_add", args=["22"])
    assert client.post(url, {"date": dt.date(2026, 1, 1).isoformat(), "agenda": "x"}).status_code == 404
