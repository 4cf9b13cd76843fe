"""Notifications: emitted by the domain services through core signals, shown by the bell and the
page, e-mailed unless opted out, a daily digest sent once, and each user sees only their own."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, make_user, subject
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import ActionItem, Level
from vyzov.dashboard import services
from vyzov.dashboard.models import Kind, Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def regional(fed_admin):
    return consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )


@pytest.fixture
def opeka_barnaul(db):
    return make_org("Опека Барнаула", kind="guardianship_body", municipality=centre("22"))


def assign(curator, consilium, organization, executor, *, what="Обследовать условия семьи", days=5):
    return consilium_services.action_item_create(
        actor=curator,
        origin=consilium,
        subject=subject("22"),
        what=what,
        organization=organization,
        executor=executor,
        deadline=TODAY + dt.timedelta(days=days),
    )


def test_assigning_an_action_item_notifies_the_executor_and_emails_them(
    regional, opeka_barnaul, curator_altai, municipal_barnaul, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = assign(curator_altai, regional, opeka_barnaul, municipal_barnaul)
    notification = Notification.objects.get()
    assert notification.recipient == municipal_barnaul and notification.kind == Kind.ASSIGNMENT
    assert notification.url == reverse("consilium:action_item", args=[item.pk])
    assert "Обследовать условия семьи" in notification.title and notification.read_at is None
    assert [m.to for m in mail.outbox] == [[municipal_barnaul.email]]
    assert notification.url in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nobody_is_notified_of_their_own_assignment_nor_without_an_executor(
    regional, opeka_barnaul, curator_altai
):
    assign(curator_altai, regional, opeka_barnaul, curator_altai)
    assign(curator_altai, regional, opeka_barnaul, None)
    assert not Notification.objects.exists()


def test_email_opt_out_is_respected_but_the_bell_still_counts(
    regional, opeka_barnaul, curator_altai, municipal_barnaul, client, django_capture_on_commit_callbacks
):
    login(client, municipal_barnaul)
    response = client.post(reverse("dashboard:notification_list"), {"email_digest": "on"})
    assert response.status_code == 302
    assert services.preference_of(municipal_barnaul).email_each is False
    with django_capture_on_commit_callbacks(execute=True):
        assign(curator_altai, regional, opeka_barnaul, municipal_barnaul)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=municipal_barnaul).count() == 1


def test_bell_page_and_open_mark_read_through_the_pages(
    regional, opeka_barnaul, curator_altai, municipal_barnaul, client
):
    item = assign(curator_altai, regional, opeka_barnaul, municipal_barnaul)
    login(client, municipal_barnaul)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert 'data-unread="1"' in home
    page = client.get(reverse("dashboard:notification_list"))
    notification = page.context["page_obj"][0]
    assert "Обследовать условия семьи" in page.content.decode()
    response = client.post(reverse("dashboard:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "consilium:action_item", args=[item.pk]
    )
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-unread="0"' in client.get(reverse("dashboard:home")).content.decode()


def test_mark_all_read(regional, opeka_barnaul, curator_altai, municipal_barnaul, client):
    assign(curator_altai, regional, opeka_barnaul, municipal_barnaul, what="Первое")
    assign(curator_altai, regional, opeka_barnaul, municipal_barnaul, what="Второе")
    login(client, municipal_barnaul)
    assert 'data-unread="2"' in client.get(reverse("dashboard:notification_list")).content.decode()
    client.post(reverse("dashboard:notifications_read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    unread = client.get(reverse("dashboard:notification_list"), {"unread": "1"})
    assert list(unread.context["page_obj"]) == []


def test_a_user_sees_only_their_own_notifications(
    regional, opeka_barnaul, curator_altai, municipal_barnaul, client
):
    assign(curator_altai, regional, opeka_barnaul, municipal_barnaul)
    theirs = Notification.objects.get()
    colleague = make_user(
        "colleague_barnaul",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=centre("22"),
    )
    login(client, colleague)
    page = client.get(reverse("dashboard:notification_list"))
    assert list(page.context["page_obj"]) == [] and 'data-unread="0"' in page.content.decode()
    assert client.post(reverse("dashboard:notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("dashboard:notification_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("dashboard:notification_open", args=[theirs.pk])).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None
    login(client, municipal_barnaul)
    assert client.post(reverse("dashboard:notification_read", args=[theirs.pk])).status_code == 302


def test_notifications_need_a_login(client):
    response = client.get(reverse("dashboard:notification_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_outside_url_is_never_a_redirect_target(municipal_barnaul, client):
    (evil,) = services.notify(
        recipients=[municipal_barnaul], kind=Kind.ASSIGNMENT, title="x", url="https://evil.example/"
    )
    login(client, municipal_barnaul)
    assert client.post(reverse("dashboard:notification_open", args=[evil.pk]))["Location"] == "/"


def test_digest_is_sent_once_with_the_unread_of_the_last_day_and_respects_the_opt_out(
    municipal_barnaul, curator_altai, specialist_altai
):
    def note(user, title, **fields):
        (n,) = services.notify(recipients=[user], kind=Kind.ASSIGNMENT, title=title, url="/x/", email=False)
        if fields:
            Notification.objects.filter(pk=n.pk).update(**fields)

    note(municipal_barnaul, "Свежее непрочитанное")
    note(municipal_barnaul, "Уже прочитанное", read_at=timezone.now())
    note(municipal_barnaul, "Позавчерашнее", created_at=timezone.now() - dt.timedelta(days=2))
    note(curator_altai, "Для куратора")
    note(specialist_altai, "Для отписавшегося")
    services.preference_set(actor=specialist_altai, email_each=True, email_digest=False)

    assert services.digest_send() == 2
    letters = {m.to[0]: m.body for m in mail.outbox}
    assert set(letters) == {municipal_barnaul.email, curator_altai.email}
    body = letters[municipal_barnaul.email]
    assert "Свежее непрочитанное" in body and "Уже прочитанное" not in body and "Позавчерашнее" not in body
    assert services.digest_send() == 0 and len(mail.outbox) == 2  # once


def test_send_digest_command_runs_the_task(municipal_barnaul):
    from django.core.management import call_command

    services.notify(recipients=[municipal_barnaul], kind=Kind.RETURN, title="Вернули", url="/x/", email=False)
    call_command("send_digest")
    assert len(mail.outbox) == 1 and "Вернули" in mail.outbox[0].body


def test_reminders_also_notify_in_the_app_without_a_second_letter(
    regional, opeka_barnaul, fed_admin, municipal_barnaul
):
    overdue = ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        what="Просроченное дело",
        organization=opeka_barnaul,
        executor=municipal_barnaul,
        deadline=TODAY - dt.timedelta(days=2),
    )
    assert consilium_services.reminders_send() == 1
    notification = Notification.objects.get(recipient=municipal_barnaul)
    assert notification.kind == Kind.DEADLINE and notification.title.startswith("Просрочено поручение")
    assert notification.url == reverse("consilium:action_item", args=[overdue.pk])
    assert len(mail.outbox) == 1  # the reminder itself
    assert consilium_services.reminders_send() == 0
    assert Notification.objects.count() == 1


def test_bell_costs_no_query_per_page_and_catches_up_within_a_minute(
    regional, opeka_barnaul, curator_altai, municipal_barnaul, client, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vyzov.dashboard import context_processors

    login(client, municipal_barnaul)  # counted once, at login
    with CaptureQueriesContext(connection) as captured:
        assert 'data-unread="0"' in client.get(reverse("dashboard:home")).content.decode()
    assert not [q for q in captured.captured_queries if "dashboard_notification" in q["sql"]]
    assign(curator_altai, regional, opeka_barnaul, municipal_barnaul)
    assert 'data-unread="0"' in client.get(reverse("dashboard:home")).content.decode()  # within the minute
    monkeypatch.setattr(context_processors, "FRESH_SECONDS", 0)
    assert 'data-unread="1"' in client.get(reverse("dashboard:home")).content.decode()
