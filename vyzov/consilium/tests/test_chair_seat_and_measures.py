"""Who chairs a consilium and where a municipal one sits (002); the review's assessment of the measures
taken to keep the family before placement (002, задача № 2); the action item's card and its update are
two views, the update refused to a stranger exactly like a missing item."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, subject
from vyzov.cases.tests.factories import make_child, place
from vyzov.consilium import exports, services
from vyzov.consilium.models import ActionItem, ChairKind, Level, MunicipalSeat, Review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_curator_altai_records_that_the_ombudsman_chairs_the_regional_consilium(curator_altai, client):
    login(client, curator_altai)
    response = client.post(
        reverse("consilium:consilium_create"),
        {
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "region_model": 2,
            "subject": subject("22").pk,
            "chair_kind": ChairKind.OMBUDSMAN,
            "chair_name": "Иванова Мария Петровна",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Уполномоченный по правам ребёнка в регионе — Иванова Мария Петровна" in page


def test_a_municipal_consilium_at_the_kdn_but_a_regional_one_has_no_seat(curator_altai, client):
    municipal = services.consilium_create(
        actor=curator_altai,
        data={
            "title": "Консилиум Барнаула",
            "level": Level.MUNICIPAL,
            "subject": subject("22"),
            "municipality": centre("22"),
            "seat": MunicipalSeat.KDN,
        },
    )
    assert municipal.get_seat_display() == "при КДНиЗП"
    with pytest.raises(ValidationError) as error:
        services.consilium_create(
            actor=curator_altai,
            data={
                "title": "Региональный",
                "level": Level.REGIONAL,
                "subject": subject("22"),
                "seat": MunicipalSeat.ADMINISTRATION,
            },
        )
    assert "только для муниципального" in str(error.value)


def test_the_curator_cannot_chair_a_municipal_consilium_by_the_regional_rule(curator_altai, client):
    login(client, curator_altai)
    data = {
        "title": "Консилиум Барнаула",
        "level": Level.MUNICIPAL,
        "region_model": 2,
        "subject": subject("22").pk,
        "municipality": centre("22").pk,
        "chair_kind": ChairKind.CURATOR,
        "chair_name": "Петров Пётр Петрович",
    }
    response = client.post(reverse("consilium:consilium_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "возглавляют региональный консилиум" in html
    assert 'value="Петров Пётр Петрович"' in html  # nothing typed is lost
    data["chair_kind"], data["chair_name"] = "", "Петров Пётр Петрович"
    response = client.post(reverse("consilium:consilium_create"), data)
    assert "Укажите, кто председательствует" in response.content.decode()


def test_consilium_api_shows_the_chair_and_the_seat(curator_altai, client):
    services.consilium_create(
        actor=curator_altai,
        data={
            "title": "Региональный",
            "level": Level.REGIONAL,
            "subject": subject("22"),
            "chair_kind": ChairKind.CURATOR,
            "chair_name": "Сидорова Анна Ивановна",
        },
    )
    login(client, curator_altai)
    rows = client.get("/api/v1/consilia/").json()["results"]
    assert rows[0]["chair_kind"] == "curator" and rows[0]["chair_name"] == "Сидорова Анна Ивановна"


@pytest.fixture
def decided_meeting(fed_admin, home_barnaul):
    regional = services.consilium_create(
        actor=fed_admin, data={"title": "Региональный", "level": Level.REGIONAL, "subject": subject("22")}
    )
    child = make_child(centre("22"))
    place(child, home_barnaul, start=TODAY - dt.timedelta(days=20))
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    return regional, meeting, child


def test_curator_altai_assesses_the_measures_taken_before_a_recent_placement(
    decided_meeting, curator_altai, client
):
    _regional, meeting, child = decided_meeting
    login(client, curator_altai)
    page = client.get(reverse("consilium:review", args=[meeting.pk, child.pk])).content.decode()
    assert "полнота и адекватность предпринятых мер по сохранению семейного окружения" in page.lower()
    assert "помещён недавно" in page
    response = client.post(
        reverse("consilium:review_answers_save", args=[meeting.pk, child.pk]),
        {
            "review-placement_justified": "not_justified",
            "review-family_measures": "not_taken",
            "review-family_measures_comment": "Семью не направляли в службу «Дети в семье».",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(meeting=meeting, child=child)
    assert review.family_measures == "not_taken"
    docx = exports.protocol_docx(actor=curator_altai, meeting=meeting)
    assert b"word/document.xml" in docx  # the protocol is built with the new question
    text = _docx_text(docx)
    assert "Меры по сохранению семейного окружения: меры не предпринимались" in text


def _docx_text(data: bytes) -> str:
    import io

    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_executor_updates_an_item_and_a_perm_curator_gets_404_on_the_update(
    decided_meeting, fed_admin, municipal_barnaul, curator_perm, home_barnaul, client
):
    regional, _meeting, child = decided_meeting
    item = services.action_item_create(
        actor=fed_admin,
        origin=regional,
        subject=subject("22"),
        what="Обследовать семью",
        organization=home_barnaul,
        deadline=TODAY + dt.timedelta(days=5),
        executor=municipal_barnaul,
        child=child,
    )
    login(client, curator_perm)
    url = reverse("consilium:action_item_update", args=[item.pk])
    assert client.post(url, {"status": "done", "result": "Чужое"}).status_code == 404
    assert client.get(url).status_code == 405
    login(client, municipal_barnaul)
    response = client.post(url, {"status": "in_progress", "result": "Выезд назначен"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "consilium:action_item", args=[item.pk]
    )
    assert ActionItem.objects.get(pk=item.pk).status == "in_progress"
    response = client.post(url, {"status": "bogus", "result": "Текст остаётся"})
    assert response.status_code == 400 and "Текст остаётся" in response.content.decode()
