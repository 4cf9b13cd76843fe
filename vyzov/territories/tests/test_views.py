"""Territory and organisation pages: each role sees exactly its scope; bad input writes nothing."""

import pytest
from django.urls import reverse

from conftest import centre, login, make_org, queries_for, subject, town
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.territories.models import Organization

pytestmark = pytest.mark.django_db


def org_url(organization, name="territories:organization_detail"):
    return reverse(name, args=[organization.pk])


# ---- reading: every role, its scope and one step outside ----------------------------------------


def test_curator_altai_opens_altai_organization_but_not_perm(client, curator_altai, home_barnaul, home_perm):
    login(client, curator_altai)
    assert client.get(org_url(home_barnaul)).status_code == 200
    assert client.get(org_url(home_perm)).status_code == 404
    assert client.get(reverse("territories:subject_detail", args=["22"])).status_code == 200
    assert client.get(reverse("territories:subject_detail", args=["59"])).status_code == 404


def test_municipal_barnaul_sees_barnaul_and_gets_404_in_biysk(
    client, municipal_barnaul, home_barnaul, home_biysk
):
    login(client, municipal_barnaul)
    assert client.get(org_url(home_barnaul)).status_code == 200
    assert client.get(org_url(home_biysk)).status_code == 404
    assert client.get(reverse("territories:municipality_detail", args=[centre("22").pk])).status_code == 200
    assert (
        client.get(reverse("territories:municipality_detail", args=[town("22", "Бийск").pk])).status_code
        == 404
    )
    # The subject card shows the whole region: one step above a municipal grant.
    assert client.get(reverse("territories:subject_detail", args=["22"])).status_code == 404


def test_staff_sees_own_organization_only(client, staff_barnaul_home, home_barnaul):
    neighbour = make_org("Соседний центр, Барнаул", municipality=centre("22"))
    login(client, staff_barnaul_home)
    assert client.get(org_url(home_barnaul)).status_code == 200
    assert client.get(org_url(neighbour)).status_code == 404
    listing = client.get(reverse("territories:organization_list"))
    assert list(listing.context["page_obj"]) == [home_barnaul]


def test_specialist_perm_sees_perm_not_altai(client, specialist_perm, home_barnaul, home_perm):
    login(client, specialist_perm)
    assert client.get(org_url(home_perm)).status_code == 200
    assert client.get(org_url(home_barnaul)).status_code == 404


def test_federal_admin_and_analyst_see_every_region(client, fed_admin, fed_analyst, home_barnaul, home_perm):
    for person in (fed_admin, fed_analyst):
        login(client, person)
        assert client.get(org_url(home_barnaul)).status_code == 200
        assert client.get(org_url(home_perm)).status_code == 200


def test_expert_has_no_territory_pages(client, expert_samara, home_barnaul):
    login(client, expert_samara)
    assert client.get(reverse("territories:organization_list")).status_code == 403
    assert client.get(org_url(home_barnaul)).status_code == 404


def test_anonymous_is_sent_to_login(client, home_barnaul):
    response = client.get(org_url(home_barnaul))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_list_search_is_case_insensitive_for_cyrillic(client, curator_altai, home_barnaul, home_biysk):
    login(client, curator_altai)
    response = client.get(reverse("territories:organization_list"), {"q": "БИЙСК"})
    assert list(response.context["page_obj"]) == [home_biysk]


def test_list_filters_by_kind(client, curator_altai, home_barnaul, ministry_altai):
    login(client, curator_altai)
    response = client.get(reverse("territories:organization_list"), {"kind": "regional_authority"})
    assert list(response.context["page_obj"]) == [ministry_altai]


def test_list_filter_by_another_region_is_refused(client, curator_altai, home_barnaul, home_perm):
    login(client, curator_altai)
    response = client.get(reverse("territories:organization_list"), {"subject": "59"})
    assert response.status_code == 200
    assert home_perm not in list(response.context["page_obj"])
    assert "subject" in response.context["form"].errors


def test_tree_shows_only_scope(client, curator_altai):
    login(client, curator_altai)
    response = client.get(reverse("territories:tree"))
    nodes = [node for d in response.context["districts"] for node in d.subjects]
    assert [(node.subject.name, node.linked, node.municipality_count) for node in nodes] == [
        ("Алтайский край", True, 11)
    ]


def test_tree_shows_ancestor_of_municipal_grant_unlinked(client, municipal_barnaul):
    login(client, municipal_barnaul)
    response = client.get(reverse("territories:tree"))
    [district] = response.context["districts"]
    [node] = district.subjects
    assert node.subject.code == "22" and node.linked is False and node.municipality_count == 1
    fragment = client.get(reverse("territories:subject_municipalities", args=["22"]))
    assert fragment.status_code == 200
    assert "Барнаул" in fragment.content.decode() and "Бийск" not in fragment.content.decode()
    assert client.get(reverse("territories:subject_municipalities", args=["59"])).status_code == 404


# ---- query counts: the same with 1 row or 60, and small ----------------------------------------


def test_organization_list_query_count_does_not_grow(client, fed_admin):
    login(client, fed_admin)
    url = reverse("territories:organization_list")
    make_org("Организация 0", municipality=centre("22"))
    few = queries_for(client, url)
    for number in range(1, 61):
        make_org(f"Организация {number}", municipality=centre("22"))
    many = queries_for(client, url)
    assert few == many <= 10


def test_tree_query_count_is_bounded(client, fed_admin):
    login(client, fed_admin)
    assert queries_for(client, reverse("territories:tree")) <= 10


def test_subject_card_query_count_does_not_grow(client, curator_altai):
    login(client, curator_altai)
    url = reverse("territories:subject_detail", args=["22"])
    few = queries_for(client, url)
    for number in range(20):
        make_org(
            f"Организация {number}", municipality=town("22", "Бийск"), kind=["ngo", "education"][number % 2]
        )
    assert few == queries_for(client, url) <= 12


def test_municipality_card_query_count_does_not_grow(client, curator_altai):
    login(client, curator_altai)
    url = reverse("territories:municipality_detail", args=[centre("22").pk])
    make_org("Первая", municipality=centre("22"))
    few = queries_for(client, url)
    for number in range(20):
        make_org(f"Организация {number}", municipality=centre("22"))
    assert few == queries_for(client, url) <= 12


# ---- writing ------------------------------------------------------------------------------------


def valid_form(**overrides):
    data = {
        "name": "Центр «Семья» (тест)",
        "short_name": "",
        "kind": "family_service",
        "subject": str(subject("22").pk),
        "municipality": str(centre("22").pk),
        "address": "г. Барнаул, ул. Тестовая, 1",
        "capacity": "",
        "inn": "",
        "phone": "",
        "email": "",
        "website": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_curator_creates_organization_and_one_audit_row_is_written(client, curator_altai):
    login(client, curator_altai)
    before = AuditEntry.objects.count()
    response = client.post(reverse("territories:organization_create"), valid_form())
    organization = Organization.objects.get(name="Центр «Семья» (тест)")
    assert response.status_code == 302
    assert organization.created_by == curator_altai
    rows = AuditEntry.objects.filter(object_type="territories.organization", object_id=str(organization.pk))
    assert rows.count() == 1 and AuditEntry.objects.count() == before + 1
    row = rows.get()
    assert row.action == AuditAction.CREATE and row.actor == curator_altai and row.subject == subject("22")
    assert row.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Обязательное поле."),
        ({"name": "Я" * 301}, "name", "не более 300 символов"),
        ({"capacity": "много"}, "capacity", "Введите целое число."),
        ({"capacity": "-5"}, "capacity", "больше либо равно"),
        ({"inn": "12345"}, "inn", "ИНН — 10 цифр"),
        ({"email": "не-почта"}, "email", "правильный адрес электронной почты"),
        ({"kind": "spaceship"}, "kind", "Выберите корректный вариант"),
    ],
)
def test_bad_organization_input_is_refused_in_russian(client, curator_altai, overrides, field, message):
    login(client, curator_altai)
    count = Organization.objects.count()
    audit = AuditEntry.objects.count()
    response = client.post(reverse("territories:organization_create"), valid_form(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Organization.objects.count() == count
    assert AuditEntry.objects.count() == audit


def test_curator_cannot_create_in_another_region_by_posting_its_ids(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("territories:organization_create"),
        valid_form(subject=str(subject("59").pk), municipality=str(centre("59").pk)),
    )
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert not Organization.objects.filter(name="Центр «Семья» (тест)").exists()


def test_municipality_of_another_subject_is_refused(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("territories:organization_create"), valid_form(municipality=str(centre("59").pk))
    )
    assert "municipality" in response.context["form"].errors
    assert not Organization.objects.filter(name="Центр «Семья» (тест)").exists()


def test_municipal_specialist_creates_only_in_own_municipality(client, municipal_barnaul):
    login(client, municipal_barnaul)
    response = client.post(
        reverse("territories:organization_create"), valid_form(municipality=str(town("22", "Бийск").pk))
    )
    assert "municipality" in response.context["form"].errors
    response = client.post(reverse("territories:organization_create"), valid_form())
    assert response.status_code == 302
    assert Organization.objects.get(name="Центр «Семья» (тест)").municipality == centre("22")


def test_staff_and_analyst_cannot_create(client, staff_barnaul_home, analyst):
    for person in (staff_barnaul_home, analyst):
        login(client, person)
        assert client.get(reverse("territories:organization_create")).status_code == 403
        assert client.post(reverse("territories:organization_create"), valid_form()).status_code == 403
    assert not Organization.objects.filter(name="Центр «Семья» (тест)").exists()


def test_curator_edits_and_changes_are_audited(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    data = valid_form(
        name="Переименованный центр", kind="orphan_institution", version=str(home_barnaul.version)
    )
    response = client.post(org_url(home_barnaul, "territories:organization_update"), data)
    assert response.status_code == 302
    home_barnaul.refresh_from_db()
    assert home_barnaul.name == "Переименованный центр" and home_barnaul.version == 2
    row = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(home_barnaul.pk))
    assert row.details["changes"]["name"] == ["Центр содействия № 1, Барнаул", "Переименованный центр"]


def test_stale_edit_is_refused_and_nothing_is_overwritten(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    first = valid_form(name="Первая правка", kind="orphan_institution", version="1")
    second = valid_form(name="Вторая правка", kind="orphan_institution", version="1")
    assert client.post(org_url(home_barnaul, "territories:organization_update"), first).status_code == 302
    response = client.post(org_url(home_barnaul, "territories:organization_update"), second)
    assert response.status_code == 200
    assert "изменил другой пользователь" in str(response.context["form"].non_field_errors())
    home_barnaul.refresh_from_db()
    assert home_barnaul.name == "Первая правка"


def test_curator_cannot_edit_perm_organization(client, curator_altai, home_perm):
    login(client, curator_altai)
    url = org_url(home_perm, "territories:organization_update")
    assert client.get(url).status_code == 404
    assert client.post(url, valid_form(version="1")).status_code == 404
    home_perm.refresh_from_db()
    assert home_perm.name == "Центр содействия № 1, Пермь"


def test_curator_cannot_move_organization_to_another_region(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    data = valid_form(subject=str(subject("59").pk), municipality="", version="1")
    response = client.post(org_url(home_barnaul, "territories:organization_update"), data)
    assert response.status_code == 200
    home_barnaul.refresh_from_db()
    assert home_barnaul.subject == subject("22")


def test_municipality_options_fragment_lists_only_managed_municipalities(client, curator_altai):
    login(client, curator_altai)
    response = client.get(reverse("territories:municipality_options"), {"subject": subject("22").pk})
    assert "Бийск" in response.content.decode()
    response = client.get(reverse("territories:municipality_options"), {"subject": subject("59").pk})
    assert "Пермь" not in response.content.decode()
