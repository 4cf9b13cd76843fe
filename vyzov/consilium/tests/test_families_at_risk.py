"""Families at risk on the consilium's agenda before any placement (002: «рассмотрение сложных случаев с
целью недопущения помещения детей в учреждения»): the agenda rule, the secretary's addition, the
prevention decision with its action items, the meeting page's section, the API — from both sides."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from conftest import centre, login, make_org, subject, town
from vyzov.cases import services as case_services
from vyzov.cases.models import FamilyEvent, SocialStatusKind
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.consilium import services
from vyzov.consilium.agenda import family_agenda_candidates
from vyzov.consilium.models import ActionItem, AgendaReason, FamilyAgendaItem, FamilyReview, Level
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def regional(fed_admin):
    return services.consilium_create(
        actor=fed_admin, data={"title": "Региональный", "level": Level.REGIONAL, "subject": subject("22")}
    )


@pytest.fixture
def barnaul_consilium(fed_admin):
    return services.consilium_create(
        actor=fed_admin,
        data={
            "title": "Консилиум Барнаула",
            "level": Level.MUNICIPAL,
            "subject": subject("22"),
            "municipality": centre("22"),
        },
    )


def at_risk(municipality, *, days_ago, kind=SocialStatusKind.SOP, title="Семья Рисковых", end=None):
    family = make_family(municipality, title=title)
    from vyzov.cases.tests.factories import admin

    status = case_services.family_status_add(
        actor=admin(),
        family=family,
        data={
            "kind": kind,
            "start_date": TODAY - dt.timedelta(days=days_ago),
            "basis": "Постановление КДНиЗП",
        },
    )
    if end is not None:
        type(status).objects.filter(pk=status.pk).update(end_date=end)
    return family


def test_the_agenda_rule_proposes_families_with_a_fresh_status_and_no_child_placed(
    regional, barnaul_consilium, home_barnaul, fed_admin
):
    fresh = at_risk(centre("22"), days_ago=10)
    tzhs = at_risk(centre("22"), days_ago=30, kind=SocialStatusKind.TZHS)
    old = at_risk(centre("22"), days_ago=31)
    closed = at_risk(centre("22"), days_ago=5, end=TODAY - dt.timedelta(days=1))
    placed = at_risk(centre("22"), days_ago=5)
    place(make_child(centre("22"), family=placed), home_barnaul, start=TODAY - dt.timedelta(days=2))
    biysk = at_risk(town("22", "Бийск"), days_ago=3)
    perm = at_risk(centre("59"), days_ago=3)

    regional_rule = family_agenda_candidates(regional, as_of=TODAY)
    assert set(regional_rule) == {fresh.pk, tzhs.pk, biysk.pk}
    assert regional_rule[fresh.pk] == [AgendaReason.FAMILY_AT_RISK]
    assert set(family_agenda_candidates(barnaul_consilium, as_of=TODAY)) == {fresh.pk, tzhs.pk}
    assert old.pk not in regional_rule and closed.pk not in regional_rule and perm.pk not in regional_rule

    meeting = services.meeting_create(actor=fed_admin, consilium=barnaul_consilium, date=TODAY)
    assert set(FamilyAgendaItem.objects.filter(meeting=meeting).values_list("family", flat=True)) == {
        fresh.pk,
        tzhs.pk,
    }
    services.family_review_decide(
        actor=fed_admin,
        meeting=meeting,
        family=fresh,
        data={
            "risk": "placement_threat",
            "situation": "Отец пьёт",
            "measures": "Лечение, сопровождение",
            "next_review_date": TODAY + dt.timedelta(days=30),
            "escalate": True,
        },
    )
    # Heard here since the status: not proposed again; escalated: proposed to the regional level.
    assert fresh.pk not in family_agenda_candidates(barnaul_consilium, as_of=TODAY)
    assert family_agenda_candidates(regional, as_of=TODAY)[fresh.pk] == [
        AgendaReason.FAMILY_AT_RISK,
        AgendaReason.ESCALATED,
    ]


def test_curator_altai_adds_a_family_and_the_perm_curator_gets_404(
    regional, home_barnaul, curator_altai, curator_perm, client
):
    meeting = services.meeting_create(
        actor=curator_altai, consilium=regional, date=TODAY + dt.timedelta(days=3)
    )
    family = make_family(centre("22"), title="Семья Ждановых")
    with_child_placed = make_family(centre("22"), title="Семья Помещённых")
    place(make_child(centre("22"), family=with_child_placed), home_barnaul)
    perm_family = make_family(centre("59"), title="Семья Пермских")
    url = reverse("consilium:agenda_family_add", args=[meeting.pk])

    login(client, curator_perm)
    assert client.post(url, {"family-family": family.pk, "family-reason": "x"}).status_code == 404

    login(client, curator_altai)
    response = client.post(url, {"family-family": family.pk, "family-reason": ""}, follow=True)
    assert "Укажите семью и причину" in response.content.decode()
    response = client.post(url, {"family-family": perm_family.pk, "family-reason": "Сигнал"}, follow=True)
    assert "не найдена" in response.content.decode()
    response = client.post(
        url, {"family-family": with_child_placed.pk, "family-reason": "Сигнал"}, follow=True
    )
    assert "не найдена" in response.content.decode()
    response = client.post(url, {"family-family": family.pk, "family-reason": "Сигнал школы"}, follow=True)
    assert "Семья добавлена в повестку" in response.content.decode()
    item = FamilyAgendaItem.objects.get(meeting=meeting, family=family)
    assert item.reasons == [AgendaReason.MANUAL] and item.note == "Сигнал школы"

    page = client.get(reverse("consilium:meeting_detail", args=[meeting.pk]), {"section": "families"}, **HTMX)
    html = page.content.decode()
    assert "Семьи в риске (до помещения)" in html and "Семья Ждановых" in html
    assert reverse("consilium:family_review", args=[meeting.pk, family.pk]) in html

    with pytest.raises(ValidationError, match="уже в повестке"):
        services.agenda_family_add(actor=curator_altai, meeting=meeting, family=family, reason="ещё раз")


def test_an_institution_consilium_hears_no_families(home_barnaul, fed_admin):
    institution = services.consilium_create(
        actor=fed_admin,
        data={
            "title": "Консилиум учреждения",
            "level": Level.INSTITUTION,
            "subject": subject("22"),
            "municipality": home_barnaul.municipality,
            "organization": home_barnaul,
        },
    )
    at_risk(centre("22"), days_ago=2)
    assert family_agenda_candidates(institution, as_of=TODAY) == {}
    meeting = services.meeting_create(actor=fed_admin, consilium=institution, date=TODAY)
    with pytest.raises(ValidationError, match="учреждения рассматривает детей"):
        services.agenda_family_add(
            actor=fed_admin, meeting=meeting, family=make_family(centre("22")), reason="Сигнал"
        )


def test_curator_altai_records_the_prevention_decision_with_action_items(
    regional, curator_altai, curator_perm, municipal_barnaul, client
):
    family = at_risk(centre("22"), days_ago=4, title="Семья Орловых")
    meeting = services.meeting_create(actor=curator_altai, consilium=regional, date=TODAY)
    body = make_org("Опека Барнаула", kind="guardianship_body", municipality=centre("22"))
    url = reverse("consilium:family_review", args=[meeting.pk, family.pk])
    decide = reverse("consilium:family_review_decide", args=[meeting.pk, family.pk])

    login(client, curator_perm)
    assert client.get(url).status_code == 404
    assert client.post(decide, {}).status_code == 404

    login(client, curator_altai)
    page = client.get(url).content.decode()
    assert "Семья Орловых" in page and "недопущения помещения" in page
    typed = {
        "review-risk": "placement_threat",
        "review-situation": "Мать потеряла работу, долги за жильё",
        "review-services_needed": ["material", "employment"],
        "review-measures": "",
        "review-next_review_date": (TODAY + dt.timedelta(days=45)).strftime("%d.%m.%Y"),
        "action0-what": "Помочь с трудоустройством",
        "action0-organization": body.pk,
        "action0-executor": municipal_barnaul.pk,
        "action0-deadline": (TODAY + dt.timedelta(days=14)).strftime("%d.%m.%Y"),
    }
    response = client.post(decide, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Мать потеряла работу, долги за жильё" in html and "Помочь с трудоустройством" in html
    assert not FamilyReview.objects.exists()

    typed["review-measures"] = "Сопровождение службой, адресная помощь, трудоустройство"
    response = client.post(decide, typed)
    assert response.status_code == 302
    review = FamilyReview.objects.get(meeting=meeting, family=family)
    assert review.services_needed == ["material", "employment"] and review.risk == "placement_threat"
    item = ActionItem.objects.get(family=family)
    assert item.origin == review and item.executor == municipal_barnaul and item.child is None
    assert FamilyEvent.objects.filter(family=family, details__family_review=review.pk).exists()
    assert "Помочь с трудоустройством" in client.get(url).content.decode()

    protocol = client.get(reverse("consilium:meeting_protocol", args=[meeting.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(protocol.content)).paragraphs)
    assert f"Семья № {family.pk} в реестре" in text and "Орловых" not in text
    assert "РЕШЕНИЕ: Сопровождение службой, адресная помощь, трудоустройство" in text
    assert "Помочь с трудоустройством — Опека Барнаула" in text
    export = AuditEntry.objects.get(
        action=AuditAction.EXPORT, actor=curator_altai, details__kind="consilium_protocol"
    )
    assert export.details["ids"] == [family.pk] and export.details["filters"]["families"] == str(family.pk)

    login(client, municipal_barnaul)
    card = client.get(reverse("consilium:action_item", args=[item.pk])).content.decode()
    assert "меры по недопущению помещения" in card

    with pytest.raises(ValidationError, match="уже принято"):
        services.family_review_decide(
            actor=curator_altai,
            meeting=meeting,
            family=family,
            data={
                "risk": "overcome",
                "situation": "x",
                "measures": "y",
                "next_review_date": TODAY + dt.timedelta(days=9),
            },
        )


def test_family_reviews_in_the_api_are_scoped_and_texts_masked(
    regional, curator_altai, curator_perm, analyst, client
):
    family = at_risk(centre("22"), days_ago=4)
    meeting = services.meeting_create(actor=curator_altai, consilium=regional, date=TODAY)
    services.family_review_decide(
        actor=curator_altai,
        meeting=meeting,
        family=family,
        data={
            "risk": "risk_remains",
            "situation": "Конфликт в семье",
            "measures": "Психолог",
            "next_review_date": TODAY + dt.timedelta(days=30),
        },
    )
    login(client, curator_altai)
    rows = client.get("/api/v1/consilium/family-reviews/").json()["results"]
    assert [(row["family"], row["situation"]) for row in rows] == [(family.pk, "Конфликт в семье")]
    agenda = client.get(f"/api/v1/consilium/meetings/{meeting.pk}/").json()["family_agenda"]
    assert [row["family"] for row in agenda] == [family.pk]
    login(client, curator_perm)
    assert client.get("/api/v1/consilium/family-reviews/").json()["results"] == []


def test_the_families_section_pages_50_rows_like_the_children_sections(regional, fed_admin, client):
    from vyzov.cases.models import Family

    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=2))
    families = [
        Family(
            subject=subject("22"),
            municipality=centre("22"),
            title=f"Семья № {n:03d}",
            search_name=f"семья {n:03d}",
        )
        for n in range(55)
    ]
    Family.objects.bulk_create(families)
    FamilyAgendaItem.objects.bulk_create(
        FamilyAgendaItem(meeting=meeting, family=family, reasons=[AgendaReason.MANUAL], note="Сигнал")
        for family in families
    )
    login(client, fed_admin)
    url = reverse("consilium:meeting_detail", args=[meeting.pk])
    first = client.get(url, {"section": "families"}, **HTMX).content.decode()
    assert first.count("семья в риске") == 50 and "<html" not in first
    assert "Семьи в риске (до помещения): 55" in first and "1 из 2" in first
    second = client.get(url, {"section": "families", "page": 2}, **HTMX).content.decode()
    assert second.count("семья в риске") == 5 and "2 из 2" in second
    whole = client.get(url).content.decode()
    assert "семей в риске (до помещения): 55" in whole
