"""Leaks 3 and 5: for roles without personal-data rights, dates of a child's or family's record are shown
to the month and free text is hidden — in pages, the API and exports; those with the rights see both."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_org, make_user, subject
from vyzov.accounts import privacy
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases import exports, selectors
from vyzov.cases.models import Placement, RouteGoal
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.consilium import services as consilium
from vyzov.consilium.models import ActionItem, Level
from vyzov.support.models import FamilyCase, Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PLACED = dt.date(2025, 1, 10)
SECRET = "Заявление матери Ивановой Марии Петровны"


@pytest.fixture
def placed(home_barnaul):
    child = make_child(centre("22"), birth_date=PLACED)
    Placement.objects.filter(pk=place(child, home_barnaul, start=PLACED).pk).update(basis=SECRET)
    child.refresh_from_db()
    return child


def test_the_rule_itself(fed_analyst, curator_altai, placed):
    child = selectors.child_get(actor=curator_altai, pk=placed.pk)
    assert privacy.date_for(curator_altai, PLACED, child) == PLACED
    assert privacy.text_for(curator_altai, SECRET, child) == SECRET
    child = selectors.child_get(actor=fed_analyst, pk=placed.pk)
    assert privacy.date_for(fed_analyst, PLACED, child) == "01.2025"
    assert privacy.date_for(fed_analyst, PLACED, child, iso=True) == "2025-01"
    assert privacy.text_for(fed_analyst, SECRET, child) == privacy.HIDDEN_TEXT
    assert privacy.text_for(fed_analyst, "", child) == ""


def test_child_card_page(fed_analyst, curator_altai, placed, client):
    login(client, curator_altai)
    text = client.get(reverse("cases:child_detail", args=[placed.pk])).content.decode()
    assert "10.01.2025" in text and SECRET in text
    login(client, fed_analyst)
    response = client.get(reverse("cases:child_detail", args=[placed.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "10.01.2025" not in text and "01.2025" in text
    assert "Ивановой" not in text and privacy.HIDDEN_TEXT in text


def test_children_and_placements_api(fed_analyst, curator_altai, placed):
    api = APIClient()
    api.force_authenticate(curator_altai)
    assert api.get(f"/api/v1/children/{placed.pk}/").json()["placed_since"] == "2025-01-10"
    placement = api.get(f"/api/v1/placements/?child={placed.pk}").json()["results"][0]
    assert (placement["start_date"], placement["basis"]) == ("2025-01-10", SECRET)
    timeline = api.get(f"/api/v1/children/{placed.pk}/timeline/").json()
    assert "2025-01-10" in [event["date"] for event in timeline]

    api.force_authenticate(fed_analyst)
    data = api.get(f"/api/v1/children/{placed.pk}/").json()
    assert data["placed_since"] == "2025-01" and "birth_date" not in data
    listed = api.get("/api/v1/children/").json()["results"]
    assert [row["placed_since"] for row in listed] == ["2025-01"]
    placement = api.get(f"/api/v1/placements/?child={placed.pk}").json()["results"][0]
    assert (placement["start_date"], placement["basis"]) == ("2025-01", privacy.HIDDEN_TEXT)
    timeline = api.get(f"/api/v1/children/{placed.pk}/timeline/").json()
    assert {event["date"] for event in timeline} <= {"2025-01", TODAY.strftime("%Y-%m")}
    assert all("Ивановой" not in event["title"] for event in timeline)


def test_export_rows(fed_analyst, curator_altai, placed):
    for actor, expected in ((curator_altai, PLACED), (fed_analyst, "01.2025")):
        children = selectors.child_list(actor=actor)
        (row,) = list(exports.rows(children, personal=False))
        assert row[exports.HEADER_COMMON.index("В организации с")] == expected
        assert isinstance(row[exports.HEADER_COMMON.index("Возраст")], int)


def test_consilium_free_text_and_protocol(fed_admin, fed_analyst, curator_altai, placed, client):
    regional = consilium.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    meeting = consilium.meeting_create(actor=fed_admin, consilium=regional, date=TODAY - dt.timedelta(days=1))
    review = consilium.review_save(
        actor=fed_admin,
        meeting=meeting,
        child=placed,
        data={"placement_comment": "Мать, Иванова М. П., в больнице"},
        expected_version=None,
    )
    consilium.decision_make(
        actor=fed_admin,
        review=review,
        route_goal=RouteGoal.RETURN_HOME,
        reasons="Иванова готова забрать сына",
        next_review_date=TODAY + dt.timedelta(days=30),
        escalate=False,
        actions=[
            {
                "what": "Навестить Иванову дома",
                "organization": placed.current_organization,
                "executor": None,
                "deadline": TODAY + dt.timedelta(days=10),
            }
        ],
    )
    item = ActionItem.objects.get()
    review_url = reverse("consilium:review", args=[meeting.pk, placed.pk])
    for actor, sees in ((curator_altai, True), (fed_analyst, False)):
        login(client, actor)
        pages = [client.get(review_url), client.get(reverse("consilium:action_item", args=[item.pk]))]
        api = APIClient()
        api.force_authenticate(actor)
        api_text = api.get(f"/api/v1/action-items/{item.pk}/").content.decode()
        api_text += api.get(f"/api/v1/consilium/reviews/{review.pk}/").content.decode()
        protocol = client.get(reverse("consilium:meeting_protocol", args=[meeting.pk]))
        import io

        from docx import Document

        docx_text = "\n".join(p.text for p in Document(io.BytesIO(protocol.content)).paragraphs)
        for response in pages:
            assert response.status_code == 200
        texts = [r.content.decode() for r in pages] + [api_text, docx_text]
        for text in texts:
            assert ("Иванов" in text) is sees, (actor, text[:200])


def test_support_case_page_and_api(fed_analyst, client):
    organization = make_org("Служба Барнаул", kind="family_service", municipality=centre("22"))
    service = Service.objects.create(organization=organization)
    user = make_user(
        "service_barnaul", Role.SERVICE_SPECIALIST, level=ScopeLevel.ORGANIZATION, organization=organization
    )
    specialist = Specialist.objects.create(service=service, user=user, full_name="Анна")
    case = FamilyCase.objects.create(
        service=service,
        family=make_family(centre("22")),
        specialist=specialist,
        referral="guardianship",
        reason="Отец, Савин Пётр, пьёт",
        intake_date=dt.date(2025, 2, 14),
        children_count=1,
    )
    for actor, sees in ((user, True), (fed_analyst, False)):
        login(client, actor)
        page = client.get(reverse("support:case_detail", args=[case.pk])).content.decode()
        assert ("Савин" in page) is sees
        assert ("14.02.2025" in page) is sees
        assert "02.2025" in page
        api = APIClient()
        api.force_authenticate(actor)
        data = api.get(f"/api/v1/support/family-cases/{case.pk}/").json()
        assert data["intake_date"] == ("2025-02-14" if sees else "2025-02")


def test_family_names_are_shown_per_row_not_per_user(client, db):
    """A specialist with personal-data rights in Барнаул and aggregate rights in the whole district sees
    Барнаул's family names, and only numbers for another town's families."""
    from conftest import centre, make_user, subject, town
    from vyzov.accounts.models import Role, ScopeLevel
    from vyzov.accounts.services import grant_build
    from vyzov.cases.tests.factories import make_family

    barnaul, biysk = centre("22"), town("22", "Бийск")
    specialist = make_user(
        "specialist_barnaul_wide",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=barnaul,
    )
    grant = grant_build(role=Role.FEDERAL_ANALYST, level=ScopeLevel.DISTRICT, district=subject("22").district)
    grant.user = specialist
    grant.save()
    make_family(barnaul, title="Семья Барнаульских")
    make_family(biysk, title="Семья Бийских")
    client.force_login(specialist)
    html = client.get("/register/families/").content.decode()
    assert "Семья Барнаульских" in html
    assert "Семья Бийских" not in html
