"""What every request pays: grants and menu cached per (user, grants version), the session row written at
most once a minute — and still correct the moment grants change, in any process."""

import time

from django.contrib.sessions.models import Session
from django.urls import reverse

from conftest import login, queries_for, subject
from vyzov.accounts import access
from vyzov.accounts.models import Grant, Role, ScopeLevel, User
from vyzov.accounts.services import grant_build, grant_create
from vyzov.core.middleware import SessionIdleRefreshMiddleware


def fresh(user: User) -> User:
    """The user as the next request loads it (another process would see the same row)."""
    return User.objects.get(pk=user.pk)


def _row(user):
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_grants_come_from_the_process_cache_until_they_change(curator_altai, django_assert_num_queries):
    assert access.has_perm(fresh(curator_altai), access.Perm.CASES_VIEW)
    next_request_user = User(**_row(fresh(curator_altai)))  # a new object, as the next request has
    with django_assert_num_queries(0):
        assert access.has_perm(next_request_user, access.Perm.CASES_VIEW)


def test_a_grant_written_anywhere_is_seen_by_the_next_request(curator_altai):
    user = fresh(curator_altai)
    assert not access.has_perm(user, access.Perm.CONTESTS_SCORE)
    # Written through the ORM, not the service: the signal raises the version all the same.
    grant = grant_build(role=Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY)
    grant.user = curator_altai
    grant.save()
    assert access.has_perm(fresh(curator_altai), access.Perm.CONTESTS_SCORE)
    grant.delete()
    assert not access.has_perm(fresh(curator_altai), access.Perm.CONTESTS_SCORE)


def test_a_cached_entry_of_another_process_is_never_used_after_a_change(curator_altai):
    """Simulate a process that cached the grants before the change: its key no longer matches."""
    before = fresh(curator_altai)
    assert access.has_perm(before, access.Perm.CASES_VIEW)
    stale_key = access.grants_key(before)
    Grant.objects.filter(user=curator_altai).update(role=Role.ANALYST)  # no signal: a bulk change...
    User.objects.filter(pk=curator_altai.pk).update(
        grants_version=before.grants_version + 1
    )  # ...as services do
    assert stale_key in access._GRANTS_CACHE  # this process still holds the old entry
    assert not access.has_perm(fresh(curator_altai), access.Perm.CASES_VIEW_PERSONAL)


def test_a_stale_user_object_does_not_write_back_its_older_version(curator_altai):
    stale = fresh(curator_altai)
    grant = grant_build(role=Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY)
    grant.user = curator_altai
    grant.save()
    stale.position = "Куратор"
    stale.save()
    assert fresh(curator_altai).grants_version == stale.grants_version + 1
    assert access.has_perm(fresh(curator_altai), access.Perm.CONTESTS_SCORE)


def test_the_menu_follows_a_grant_given_by_the_service(client, fed_admin, curator_altai):
    login(client, curator_altai)
    users_url = reverse("accounts:user_list")
    assert users_url in client.get(reverse("accounts:profile")).content.decode()
    analyst = User.objects.create_user(username="analyst_new", password="x" * 12, full_name="Аналитик")
    grant = grant_build(role=Role.ANALYST, level=ScopeLevel.SUBJECT, subject=subject("22"))
    grant_create(actor=fed_admin, user=analyst, grant=grant)
    login(client, analyst)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert users_url not in page
    grant_create(
        actor=fed_admin,
        user=analyst,
        grant=grant_build(role=Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("22")),
    )
    assert users_url in client.get(reverse("accounts:profile")).content.decode()


def test_an_ordinary_page_reads_the_session_and_the_user_only(client, curator_altai):
    login(client, curator_altai)
    client.get(reverse("accounts:profile"))
    # session, user; then what the profile shows: two-factor status (device, recovery codes), home subject.
    # No grant, menu or session-write query.
    assert queries_for(client, reverse("accounts:profile")) == 5


def test_the_session_is_written_once_a_minute_and_still_slides(client, curator_altai, monkeypatch):
    login(client, curator_altai)
    url = reverse("accounts:profile")
    client.get(url)
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get(url)
    assert Session.objects.get(session_key=key).expire_date == first  # no write within the minute
    later = time.time() + SessionIdleRefreshMiddleware.EVERY_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(url)
    assert Session.objects.get(session_key=key).expire_date > first


def test_a_signed_in_page_pays_two_queries_for_the_session_and_the_user(client, curator_altai):
    """The fixed cost of a request: the session row and the user row (grants version). Menu, grants,
    the bell and the time zone come from the process cache or the session: a page without data of its
    own (the password form) costs exactly those two."""
    login(client, curator_altai)
    assert queries_for(client, reverse("accounts:password_change")) == 2


def test_the_regional_children_list_does_not_count_subjects_to_find_its_own(client, curator_altai, fed_admin):
    """The filter form knows a regional user's only subject from the grants (no COUNT of subjects)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, curator_altai)
    url = reverse("cases:child_list")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    sql = [query["sql"] for query in captured.captured_queries]
    assert not any('FROM "territories_subject"' in query and "COUNT(" in query for query in sql), sql
    # The municipality choices are the curator's subject's, offered without a subject chosen.
    choices = {m.subject.code for m in page.context["form"].fields["municipality"].queryset}
    assert choices == {"22"}
    login(client, fed_admin)
    federal = client.get(url).context["form"].fields["municipality"]
    assert federal.help_text == "Сначала выберите субъект РФ." or len(federal.queryset) > 0
