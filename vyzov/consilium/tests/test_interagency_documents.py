"""Documents the consilium drafts, approves and revises (002): an algorithm of interagency action and an
interagency ИПР for a child or a family — steps with agency, action and term, a review date, editions
that keep their history; pages and API from both sides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, subject
from vyzov.cases.tests.factories import make_family
from vyzov.consilium import services
from vyzov.consilium.models import DocumentStatus, InteragencyDocument, Level

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def regional(fed_admin):
    return services.consilium_create(
        actor=fed_admin, data={"title": "Региональный", "level": Level.REGIONAL, "subject": subject("22")}
    )


def steps_post(rows, blanks=1):
    data = {"steps-TOTAL_FORMS": str(len(rows) + blanks), "steps-INITIAL_FORMS": "0"}
    for number, (agency, action, term) in enumerate(rows):
        data |= {
            f"steps-{number}-agency": agency,
            f"steps-{number}-action": action,
            f"steps-{number}-term": term,
        }
    return data


def test_curator_altai_drafts_approves_and_revises_an_algorithm(regional, curator_altai, fed_admin, client):
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    login(client, curator_altai)
    url = reverse("consilium:document_create", args=[regional.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "algorithm", "title": "Алгоритм при выявлении семьи в риске", "review_date": ""}
    response = client.post(url, data | steps_post([("Опека", "Проверить сигнал", "")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "ведомство, действие и срок" in html and "Проверить сигнал" in html  # nothing typed is lost
    response = client.post(
        url,
        data
        | steps_post(
            [
                ("Опека", "Проверить сигнал", "в течение 3 рабочих дней"),
                ("Служба", "Сопровождение", "3 месяца"),
            ]
        ),
    )
    assert response.status_code == 302
    first = InteragencyDocument.objects.get()
    assert first.status == DocumentStatus.DRAFT and list(first.steps.values_list("number", "agency")) == [
        (1, "Опека"),
        (2, "Служба"),
    ]
    approve = reverse("consilium:document_approve", args=[first.pk])
    page = client.post(
        approve, {"approved_on": TODAY.strftime("%d.%m.%Y"), "meeting": meeting.pk}, follow=True
    )
    assert "дату пересмотра" in page.content.decode()  # no review date: refused in Russian
    edit = reverse("consilium:document_edit", args=[first.pk])
    response = client.post(
        edit,
        {
            "title": first.title,
            "review_date": (TODAY + dt.timedelta(days=180)).strftime("%d.%m.%Y"),
            "version": first.version,
        }
        | steps_post([("Опека", "Проверить сигнал", "в течение 3 рабочих дней")]),
    )
    assert response.status_code == 302
    client.post(approve, {"approved_on": TODAY.strftime("%d.%m.%Y"), "meeting": meeting.pk})
    first.refresh_from_db()
    assert (
        first.status == DocumentStatus.APPROVED and first.approved_at == meeting and first.steps.count() == 1
    )
    assert client.post(edit, {"title": "x"}).status_code == 400  # an approved edition is not edited

    response = client.post(reverse("consilium:document_revise", args=[first.pk]), {"reason": "Новый шаг"})
    second = InteragencyDocument.objects.get(previous=first)
    assert response["Location"] == reverse("consilium:document_edit", args=[second.pk])
    assert second.edition == 2 and second.status == DocumentStatus.DRAFT and second.steps.count() == 1
    first.refresh_from_db()
    assert first.status == DocumentStatus.APPROVED  # in force until the new edition is approved
    services.document_update(
        actor=curator_altai,
        document=second,
        data={"title": second.title, "review_date": TODAY + dt.timedelta(days=365)},
        steps=[
            {"agency": "Опека", "action": "Проверить", "term": "3 дня"},
            {"agency": "КДНиЗП", "action": "Рассмотреть", "term": "месяц"},
        ],
        expected_version=second.version,
    )
    services.document_approve(actor=curator_altai, document=second, approved_on=TODAY)
    first.refresh_from_db()
    assert first.status == DocumentStatus.REVISED
    card = client.get(reverse("consilium:document_detail", args=[second.pk])).content.decode()
    assert "ред. 1" in card and "заменён новой редакцией" in card and "КДНиЗП" in card
    listed = client.get(reverse("consilium:document_list")).context["page_obj"]
    assert list(listed) == [second]


def test_an_ipr_needs_a_child_or_a_family_of_the_region(regional, curator_altai, client):
    perm_family = make_family(centre("59"), title="Семья Пермских")
    own = make_family(centre("22"), title="Семья Алтайских")
    login(client, curator_altai)
    url = reverse("consilium:document_create", args=[regional.pk])
    data = {"kind": "ipr", "title": "ИПР", "review_date": ""} | steps_post(
        [("Служба", "Сопровождение", "3 месяца")]
    )
    assert "укажите ребёнка или семью" in client.post(url, data).content.decode()
    assert "Не найдено" in client.post(url, data | {"family": perm_family.pk}).content.decode()
    assert client.post(url, data | {"family": own.pk}).status_code == 302
    ipr = InteragencyDocument.objects.get()
    assert ipr.family == own
    card = client.get(reverse("consilium:document_detail", args=[ipr.pk])).content.decode()
    assert "Семья Алтайских" in card
    with pytest.raises(ValidationError, match="не относится к одному ребёнку"):
        services.document_create(
            actor=curator_altai,
            consilium=regional,
            data={"kind": "algorithm", "title": "Алгоритм", "family": own},
            steps=[{"agency": "a", "action": "b", "term": "c"}],
        )


def test_the_perm_curator_gets_404_for_an_altai_document_on_pages_and_api(
    regional, curator_altai, curator_perm, client
):
    document = services.document_create(
        actor=curator_altai,
        consilium=regional,
        data={"kind": "algorithm", "title": "Алгоритм Алтая"},
        steps=[{"agency": "Опека", "action": "Проверить", "term": "3 дня"}],
    )
    login(client, curator_perm)
    for name in ("document_detail", "document_edit"):
        assert client.get(reverse(f"consilium:{name}", args=[document.pk])).status_code == 404
    assert (
        client.post(reverse("consilium:document_revise", args=[document.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(reverse("consilium:document_create", args=[regional.pk])).status_code == 404
    assert client.get("/api/v1/consilium/documents/").json()["results"] == []
    assert list(client.get(reverse("consilium:document_list")).context["page_obj"]) == []
    login(client, curator_altai)
    rows = client.get("/api/v1/consilium/documents/").json()["results"]
    assert [(row["title"], row["steps"][0]["agency"]) for row in rows] == [("Алгоритм Алтая", "Опека")]
