"""Editing the family register: create, edit (with optimistic locking), add and remove members, add and
close СОП/ТЖС statuses. Each action is allowed to the region's curator and the municipality's specialist,
answered 404 to another region or municipality (nothing changes), 403 to a federal analyst who sees the
family but may not edit it; every write leaves an audit row; bad input is named in Russian."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, town
from vyzov.cases.models import Event, Family, FamilyMember, FamilySocialStatus, SocialStatusKind
from vyzov.core.models import AuditAction, AuditEntry

from .factories import make_child, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivanovs_barnaul():
    """The Ивановы of Барнаул (Алтайский край) with their son in the register."""
    family = make_family(centre("22"), title="Семья Ивановых")
    make_child(centre("22"), last_name="Иванов", family=family)
    return family


@pytest.fixture
def petrovs_biysk():
    return make_family(town("22", "Бийск"), title="Семья Петровых")


def audited(action: str, obj) -> bool:
    return AuditEntry.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).exists()


def member_form(**overrides) -> dict:
    data = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Сергеевна",
        "birth_date": "14.02.1990",
        "relation": "mother",
        "parental_rights": "full",
        "is_alive": "on",
        "phone": "",
    }
    data.update(overrides)
    return data


def status_form(**overrides) -> dict:
    data = {
        "kind": SocialStatusKind.SOP,
        "start_date": "01.03.2025",
        "end_date": "",
        "basis": "Постановление КДНиЗП № 15",
    }
    data.update(overrides)
    return data


# ---- creating a family ----------------------------------------------------------------------------


def test_curator_altai_registers_a_family_in_barnaul(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_create"),
        {
            "title": "Семья Сидоровых",
            "municipality": centre("22").pk,
            "address": "ул. Ленина, 1",
            "notes": "",
        },
    )
    family = Family.objects.get(title="Семья Сидоровых")
    assert response.status_code == 302 and response.url == reverse("cases:family_detail", args=[family.pk])
    assert family.subject.code == "22" and family.municipality == centre("22")
    assert family.created_by == curator_altai
    assert audited(AuditAction.CREATE, family)


def test_curator_altai_keeps_what_he_typed_when_the_title_is_missing(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_create"),
        {"title": "", "municipality": centre("22").pk, "address": "ул. Ленина, 1", "notes": "Многодетная"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Обязательное поле." in content
    assert "ул. Ленина, 1" in content and "Многодетная" in content
    assert not Family.objects.exists()


def test_curator_perm_cannot_register_a_family_in_barnaul(client, curator_perm):
    login(client, curator_perm)
    response = client.post(
        reverse("cases:family_create"), {"title": "Семья Сидоровых", "municipality": centre("22").pk}
    )
    assert response.status_code == 200  # the municipality is not among his choices
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Family.objects.exists()


def test_fed_analyst_may_not_open_the_create_page(client, fed_analyst):
    login(client, fed_analyst)
    assert client.get(reverse("cases:family_create")).status_code == 403


# ---- editing a family -----------------------------------------------------------------------------


def test_municipal_barnaul_edits_the_ivanovs_address(client, municipal_barnaul, ivanovs_barnaul):
    login(client, municipal_barnaul)
    url = reverse("cases:family_update", args=[ivanovs_barnaul.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Семья Ивановых",
            "municipality": centre("22").pk,
            "address": "ул. Попова, 7",
            "is_large": "true",
            "notes": "",
            "version": ivanovs_barnaul.version,
        },
    )
    assert response.status_code == 302
    ivanovs_barnaul.refresh_from_db()
    assert ivanovs_barnaul.address == "ул. Попова, 7"
    assert ivanovs_barnaul.is_large is True
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_type="cases.family", object_id=str(ivanovs_barnaul.pk)
    )
    assert {"address", "is_large"} <= set(entry.details["fields"])


def test_curator_altai_is_told_when_someone_edited_the_family_meanwhile(
    client, curator_altai, ivanovs_barnaul
):
    login(client, curator_altai)
    stale = ivanovs_barnaul.version
    form = {
        "title": "Семья Ивановых",
        "municipality": centre("22").pk,
        "address": "ул. Попова, 7",
        "notes": "",
    }
    url = reverse("cases:family_update", args=[ivanovs_barnaul.pk])
    assert client.post(url, {**form, "version": stale}).status_code == 302
    response = client.post(url, {**form, "address": "пр. Ленина, 3", "version": stale})
    assert response.status_code == 200
    assert "Запись уже изменил другой пользователь" in response.content.decode()
    ivanovs_barnaul.refresh_from_db()
    assert ivanovs_barnaul.address == "ул. Попова, 7"


def test_curator_perm_gets_404_for_the_ivanovs_and_changes_nothing(client, curator_perm, ivanovs_barnaul):
    login(client, curator_perm)
    url = reverse("cases:family_update", args=[ivanovs_barnaul.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "Чужие", "municipality": centre("59").pk, "version": 0})
    assert response.status_code == 404
    ivanovs_barnaul.refresh_from_db()
    assert ivanovs_barnaul.title == "Семья Ивановых"


def test_municipal_barnaul_gets_404_for_a_family_of_biysk(client, municipal_barnaul, petrovs_biysk):
    login(client, municipal_barnaul)
    assert client.get(reverse("cases:family_update", args=[petrovs_biysk.pk])).status_code == 404


def test_fed_analyst_sees_the_family_but_may_not_edit_it(client, fed_analyst, ivanovs_barnaul):
    login(client, fed_analyst)
    assert client.get(reverse("cases:family_detail", args=[ivanovs_barnaul.pk])).status_code == 200
    assert client.get(reverse("cases:family_update", args=[ivanovs_barnaul.pk])).status_code == 403


# ---- members ----------------------------------------------------------------------------------------


def test_curator_altai_adds_the_mother_to_the_ivanovs(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]), member_form(), follow=True
    )
    assert "Член семьи добавлен." in response.content.decode()
    mother = FamilyMember.objects.get(family=ivanovs_barnaul)
    assert (mother.last_name, mother.birth_date, mother.relation) == (
        "Иванова",
        dt.date(1990, 2, 14),
        "mother",
    )
    assert audited(AuditAction.CREATE, mother)


def test_curator_altai_is_told_why_a_member_was_not_added(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]),
        member_form(first_name="", birth_date="31.02.1990"),
        follow=True,
    )
    content = response.content.decode()
    assert "Член семьи не добавлен" in content
    assert "Обязательное поле." in content
    assert not FamilyMember.objects.exists()


def test_curator_perm_cannot_add_or_remove_members_of_the_ivanovs(
    client, curator_altai, curator_perm, ivanovs_barnaul
):
    login(client, curator_altai)
    client.post(reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]), member_form())
    mother = FamilyMember.objects.get()
    login(client, curator_perm)
    assert (
        client.post(reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]), member_form()).status_code
        == 404
    )
    assert client.post(reverse("cases:family_member_remove", args=[mother.pk])).status_code == 404
    assert FamilyMember.objects.count() == 1


def test_fed_analyst_may_not_add_a_member(client, fed_analyst, ivanovs_barnaul):
    login(client, fed_analyst)
    response = client.post(reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]), member_form())
    assert response.status_code == 403
    assert not FamilyMember.objects.exists()


def test_municipal_barnaul_removes_a_member_entered_by_mistake(client, municipal_barnaul, ivanovs_barnaul):
    login(client, municipal_barnaul)
    client.post(reverse("cases:family_member_add", args=[ivanovs_barnaul.pk]), member_form())
    member = FamilyMember.objects.get()
    response = client.post(reverse("cases:family_member_remove", args=[member.pk]))
    assert response.status_code == 302
    assert response.url == reverse("cases:family_detail", args=[ivanovs_barnaul.pk])
    assert not FamilyMember.objects.exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="cases.familymember", object_id=str(member.pk)
    ).exists()


# ---- СОП / ТЖС statuses -------------------------------------------------------------------------------


def test_curator_altai_records_sop_and_the_son_gets_an_event(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]), status_form(), follow=True
    )
    assert "Статус семьи добавлен." in response.content.decode()
    status = FamilySocialStatus.objects.get(family=ivanovs_barnaul)
    assert (status.kind, status.start_date, status.end_date) == (
        SocialStatusKind.SOP,
        dt.date(2025, 3, 1),
        None,
    )
    assert audited(AuditAction.CREATE, status)
    son = ivanovs_barnaul.children.get()
    assert Event.objects.filter(child=son, title__startswith="Семья: СОП").exists()


def test_a_second_open_sop_is_refused_in_russian(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    url = reverse("cases:family_status_add", args=[ivanovs_barnaul.pk])
    client.post(url, status_form())
    response = client.post(url, status_form(start_date="01.04.2025"), follow=True)
    assert "уже есть действующий статус этого вида" in response.content.decode()
    assert FamilySocialStatus.objects.count() == 1


def test_a_status_ending_before_it_starts_is_refused(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]),
        status_form(start_date="01.03.2025", end_date="01.02.2025"),
        follow=True,
    )
    assert "Статус не добавлен" in response.content.decode()
    assert not FamilySocialStatus.objects.exists()


def test_curator_altai_closes_the_sop(client, curator_altai, ivanovs_barnaul):
    login(client, curator_altai)
    client.post(reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]), status_form())
    status = FamilySocialStatus.objects.get()
    url = reverse("cases:family_status_close", args=[status.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"end_date": tomorrow.strftime("%d.%m.%Y")}, follow=True)
    assert "Дата не может быть в будущем." in response.content.decode()
    response = client.post(url, {"end_date": "30.06.2025"}, follow=True)
    assert "Статус закрыт." in response.content.decode()
    status.refresh_from_db()
    assert status.end_date == dt.date(2025, 6, 30)
    assert audited(AuditAction.UPDATE, status)
    response = client.post(url, {"end_date": "01.07.2025"}, follow=True)
    assert "Статус уже закрыт." in response.content.decode()
    status.refresh_from_db()
    assert status.end_date == dt.date(2025, 6, 30)


def test_curator_perm_can_neither_add_nor_close_statuses_of_the_ivanovs(
    client, curator_altai, curator_perm, ivanovs_barnaul
):
    login(client, curator_altai)
    client.post(reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]), status_form())
    status = FamilySocialStatus.objects.get()
    login(client, curator_perm)
    add = client.post(
        reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]), status_form(kind=SocialStatusKind.TZHS)
    )
    close = client.post(reverse("cases:family_status_close", args=[status.pk]), {"end_date": "30.06.2025"})
    assert (add.status_code, close.status_code) == (404, 404)
    status.refresh_from_db()
    assert status.end_date is None and FamilySocialStatus.objects.count() == 1


def test_fed_analyst_may_not_close_a_status(client, curator_altai, fed_analyst, ivanovs_barnaul):
    login(client, curator_altai)
    client.post(reverse("cases:family_status_add", args=[ivanovs_barnaul.pk]), status_form())
    status = FamilySocialStatus.objects.get()
    login(client, fed_analyst)
    response = client.post(reverse("cases:family_status_close", args=[status.pk]), {"end_date": "30.06.2025"})
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.end_date is None
