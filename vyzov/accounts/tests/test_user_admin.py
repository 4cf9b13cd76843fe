"""User administration: a federal admin manages everyone; a curator manages their subject's users
with roles below their own; nobody else manages anyone."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, centre, login, make_user, queries_for, subject
from vyzov.accounts.models import Grant, Role, ScopeLevel, User
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def new_user_form(**overrides):
    data = {
        "username": "new_specialist",
        "full_name": "Новый Специалист",
        "email": "new@example.test",
        "position": "",
        "phone": "",
        "password1": "long-enough-password-1",
        "password2": "long-enough-password-1",
        "role": Role.MUNICIPAL_SPECIALIST,
        "district": "",
        "subject": str(subject("22").pk),
        "municipality": str(centre("22").pk),
        "organization": "",
    }
    data.update(overrides)
    return data


def test_curator_creates_municipal_specialist_in_own_subject(client, curator_altai):
    login(client, curator_altai)
    response = client.post(reverse("accounts:user_create"), new_user_form())
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="new_specialist")
    grant = user.grants.get()
    assert (grant.role, grant.level, grant.municipality) == (
        Role.MUNICIPAL_SPECIALIST,
        "municipality",
        centre("22"),
    )
    assert grant.subject == subject("22") and grant.district.code == "СФО"
    assert user.check_password("long-enough-password-1")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(user.pk)).count() == 1


def test_curator_cannot_create_a_curator(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_create"),
        new_user_form(role=Role.REGIONAL_CURATOR, municipality=""),
    )
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="new_specialist").exists()


def test_curator_cannot_create_in_another_subject(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_create"),
        new_user_form(subject=str(subject("59").pk), municipality=str(centre("59").pk)),
    )
    assert response.context["form"].errors
    assert not User.objects.filter(username="new_specialist").exists()


def test_role_at_the_wrong_level_is_refused_in_russian(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_create"),
        new_user_form(role=Role.INSTITUTION_STAFF),  # needs an organisation
    )
    assert "только на уровне: организация" in " ".join(response.context["form"].non_field_errors())
    assert not User.objects.filter(username="new_specialist").exists()


def test_short_password_for_new_user_is_refused(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_create"), new_user_form(password1="short", password2="short")
    )
    assert "слишком короткий" in str(response.context["form"].errors)
    assert not User.objects.filter(username="new_specialist").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "Кириллица"}, "username"),
        ({"username": "x" * 151}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"password2": "different-password-9"}, "password2"),
        ({"role": "superuser"}, "role"),
        ({"municipality": "999999"}, "municipality"),
    ],
)
def test_bad_user_input_writes_nothing(client, curator_altai, overrides, field):
    login(client, curator_altai)
    users, grants = User.objects.count(), Grant.objects.count()
    response = client.post(reverse("accounts:user_create"), new_user_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (User.objects.count(), Grant.objects.count()) == (users, grants)


def test_duplicate_username_is_refused(client, curator_altai, municipal_barnaul):
    login(client, curator_altai)
    response = client.post(reverse("accounts:user_create"), new_user_form(username="municipal_barnaul"))
    assert "уже есть" in str(response.context["form"].errors["username"])


def test_curator_sees_own_subject_users_and_404_for_perm_users(
    client, curator_altai, municipal_barnaul, specialist_perm
):
    login(client, curator_altai)
    listed = list(client.get(reverse("accounts:user_list")).context["page_obj"])
    assert municipal_barnaul in listed and specialist_perm not in listed
    assert client.get(reverse("accounts:user_detail", args=[municipal_barnaul.pk])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[specialist_perm.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:user_set_active", args=[specialist_perm.pk]), {"is_active": "0"}
        ).status_code
        == 404
    )
    specialist_perm.refresh_from_db()
    assert specialist_perm.is_active


def test_curator_cannot_manage_a_peer_curator_of_same_subject(client, curator_altai):
    peer = make_user(
        "curator_altai_2", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("22")
    )
    login(client, curator_altai)
    assert client.get(reverse("accounts:user_detail", args=[peer.pk])).status_code == 200
    response = client.post(reverse("accounts:user_set_active", args=[peer.pk]), {"is_active": "0"})
    assert response.status_code == 403
    peer.refresh_from_db()
    assert peer.is_active


def test_curator_cannot_manage_themselves(client, curator_altai):
    login(client, curator_altai)
    response = client.post(reverse("accounts:user_set_active", args=[curator_altai.pk]), {"is_active": "0"})
    assert response.status_code == 403


def test_curator_cannot_manage_user_who_also_works_in_another_region(
    client, curator_altai, municipal_barnaul
):
    grant = Grant(
        user=municipal_barnaul,
        role=Role.ANALYST,
        level="subject",
        subject=subject("59"),
        district=subject("59").district,
    )
    grant.save()
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_set_active", args=[municipal_barnaul.pk]), {"is_active": "0"}
    )
    assert response.status_code == 403


def test_federal_admin_manages_anyone_including_curators(client, fed_admin, curator_perm):
    login(client, fed_admin)
    response = client.post(reverse("accounts:user_set_active", args=[curator_perm.pk]), {"is_active": "0"})
    assert response.status_code == 302
    curator_perm.refresh_from_db()
    assert not curator_perm.is_active
    assert (
        AuditEntry.objects.filter(action=AuditAction.STATUS_CHANGE, object_id=str(curator_perm.pk)).count()
        == 1
    )


def test_blocked_user_is_signed_out_at_next_request(client, fed_admin, curator_perm):
    from django.test import Client

    theirs = Client()
    theirs.post(reverse("accounts:login"), {"username": "curator_perm", "password": PASSWORD})
    assert theirs.get(reverse("core:home")).status_code == 200
    login(client, fed_admin)
    client.post(reverse("accounts:user_set_active", args=[curator_perm.pk]), {"is_active": "0"})
    assert theirs.get(reverse("core:home")).status_code == 302


def test_curator_adds_and_revokes_a_grant(client, curator_altai, municipal_barnaul, home_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:grant_create", args=[municipal_barnaul.pk]),
        {
            "role": Role.INSTITUTION_STAFF,
            "subject": str(subject("22").pk),
            "organization": str(home_barnaul.pk),
        },
    )
    assert response.status_code == 302
    new_grant = municipal_barnaul.grants.get(role=Role.INSTITUTION_STAFF)
    assert new_grant.organization == home_barnaul
    response = client.post(reverse("accounts:grant_delete", args=[new_grant.pk]))
    assert response.status_code == 302
    assert not municipal_barnaul.grants.filter(role=Role.INSTITUTION_STAFF).exists()
    actions = list(AuditEntry.objects.filter(object_type="accounts.grant").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


def test_last_grant_cannot_be_revoked(client, curator_altai, municipal_barnaul):
    login(client, curator_altai)
    grant = municipal_barnaul.grants.get()
    client.post(reverse("accounts:grant_delete", args=[grant.pk]))
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_curator_cannot_revoke_a_grant_in_another_region(client, curator_altai, specialist_perm):
    login(client, curator_altai)
    grant = specialist_perm.grants.get()
    assert client.post(reverse("accounts:grant_delete", args=[grant.pk])).status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_admin_sets_password_which_ends_sessions(client, fed_admin, curator_perm):
    login(client, fed_admin)
    response = client.post(
        reverse("accounts:user_set_password", args=[curator_perm.pk]),
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    curator_perm.refresh_from_db()
    assert curator_perm.check_password("brand-new-passphrase")


def test_non_managers_cannot_open_user_pages(client, municipal_barnaul, analyst, staff_barnaul_home):
    for person in (municipal_barnaul, analyst, staff_barnaul_home):
        login(client, person)
        assert client.get(reverse("accounts:user_list")).status_code == 403
        assert client.post(reverse("accounts:user_create"), new_user_form()).status_code == 403
    assert not User.objects.filter(username="new_specialist").exists()


def test_user_list_query_count_does_not_grow(client, fed_admin):
    login(client, fed_admin)
    url = reverse("accounts:user_list")
    few = queries_for(client, url)
    for number in range(30):
        make_user(
            f"user_{number}",
            Role.MUNICIPAL_SPECIALIST,
            level=ScopeLevel.MUNICIPALITY,
            municipality=centre("22"),
        )
    assert few == queries_for(client, url) <= 10


def test_user_search_finds_cyrillic_name_case_insensitively(client, curator_altai, municipal_barnaul):
    municipal_barnaul.full_name = "Ёлкина Мария Петровна"
    municipal_barnaul.save()
    login(client, curator_altai)
    listed = list(client.get(reverse("accounts:user_list"), {"q": "елкина"}).context["page_obj"])
    assert listed == [municipal_barnaul]


def test_grant_for_another_regions_organization_posted_by_hand_is_refused(
    client, curator_altai, municipal_barnaul, home_perm
):
    login(client, curator_altai)
    grants = Grant.objects.count()
    response = client.post(
        reverse("accounts:grant_create", args=[municipal_barnaul.pk]),
        {"role": Role.INSTITUTION_STAFF, "subject": str(subject("59").pk), "organization": str(home_perm.pk)},
    )
    assert response.status_code == 400
    assert Grant.objects.count() == grants


def test_user_update_refuses_bad_email_and_writes_nothing(client, curator_altai, municipal_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:user_update", args=[municipal_barnaul.pk]),
        {"full_name": "", "email": "нет", "position": "", "phone": ""},
    )
    assert set(response.context["form"].errors) == {"full_name", "email"}
    municipal_barnaul.refresh_from_db()
    assert municipal_barnaul.email == "municipal_barnaul@example.test"
