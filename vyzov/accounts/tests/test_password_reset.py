"""Password reset by e-mail: a working one-time link, the same answer for unknown addresses, rate limits."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import PASSWORD
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a-brand-new-passphrase-2026"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_mail_is_sent_with_a_working_one_time_link(client, curator_altai):
    Token.objects.create(user=curator_altai)
    response = client.post(RESET, {"email": "CURATOR_ALTAI@example.test"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["curator_altai@example.test"]
    assert "Восстановление пароля" in message.subject and "curator_altai" in message.body

    link = link_in(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Новый пароль" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")

    curator_altai.refresh_from_db()
    assert curator_altai.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=curator_altai).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=curator_altai).count() == 1
    # Not signed in by the link: the login (and its second factor) comes next.
    assert "_auth_user_id" not in client.session

    # The link works once.
    again = client.get(link, follow=True)
    assert "Ссылка недействительна" in again.content.decode()


def test_weak_password_is_refused_through_the_link(client, curator_altai):
    client.post(RESET, {"email": "curator_altai@example.test"})
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    curator_altai.refresh_from_db()
    assert curator_altai.check_password(PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, curator_altai):
    known = client.post(RESET, {"email": "curator_altai@example.test"})
    unknown = client.post(RESET, {"email": "nobody@example.test"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    done = client.get(known.url).content.decode()
    assert "Если этот адрес указан в учётной записи" in done


def test_blocked_user_gets_no_mail(client, curator_altai):
    curator_altai.is_active = False
    curator_altai.save()
    response = client.post(RESET, {"email": "curator_altai@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_requests_per_address_are_limited(client, settings, curator_altai):
    limit = settings.VYZOV_PASSWORD_RESET_LIMIT
    for _ in range(limit):
        assert client.post(RESET, {"email": "curator_altai@example.test"}).status_code == 302
    response = client.post(RESET, {"email": "curator_altai@example.test"})
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    assert len(mail.outbox) == limit
    # An unknown address is counted the same way: the limit reveals nothing.
    for _ in range(limit):
        client.post(RESET, {"email": "nobody@example.test"}, REMOTE_ADDR="10.0.0.9")
    assert client.post(RESET, {"email": "nobody@example.test"}, REMOTE_ADDR="10.0.0.9").status_code == 429


def test_requests_per_client_address_are_limited(client, settings, curator_altai):
    limit = settings.VYZOV_PASSWORD_RESET_LIMIT
    for number in range(limit):
        client.post(RESET, {"email": f"someone{number}@example.test"})
    response = client.post(RESET, {"email": "curator_altai@example.test"})
    assert response.status_code == 429
    assert mail.outbox == []
    # Another client may still ask for the same address.
    response = client.post(RESET, {"email": "curator_altai@example.test"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_login_page_links_to_the_reset(client):
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()
