"""The consilium: the agenda rule on crafted dates, decisions that change the route, action items,
access from both sides, optimistic locking, bad input, the protocol, query counts, reminders."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, make_user, queries_for, subject, town
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases.models import Case, EventKind, FamilyMember, ParentalRights, PlacementKind, RouteGoal
from vyzov.cases.tests.factories import letters, make_child, make_family, place
from vyzov.consilium import services
from vyzov.consilium.agenda import agenda_candidates, months_before
from vyzov.consilium.models import ActionItem, AgendaReason, Consilium, Level, Review
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def regional(fed_admin):
    return services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )


def placed_child(home, *, since, reviewed=None, **kwargs):
    child = make_child(home.municipality, **kwargs)
    place(child, home, start=since, **({"kind": kwargs.pop("kind")} if "kind" in kwargs else {}))
    if reviewed is not None:
        Case.objects.filter(child=child).update(last_review_date=reviewed)
    return child


def test_agenda_rule_picks_exactly_the_right_children(regional, home_barnaul, fed_admin):
    as_of = TODAY
    edge = months_before(as_of, 6)
    recent = as_of - dt.timedelta(days=30)
    stay_minus_day = placed_child(home_barnaul, since=edge + dt.timedelta(days=1), reviewed=recent)
    stay_plus_day = placed_child(home_barnaul, since=edge - dt.timedelta(days=1), reviewed=recent)
    reviewed_5 = placed_child(home_barnaul, since=recent, reviewed=months_before(as_of, 5))
    reviewed_7 = placed_child(home_barnaul, since=recent, reviewed=months_before(as_of, 7))
    never = placed_child(home_barnaul, since=recent)
    temporary = make_child(centre("22"))
    services_place = place(
        temporary, home_barnaul, start=recent, kind=PlacementKind.TEMPORARY_PARENTS_REQUEST
    )
    type(services_place).objects.filter(pk=services_place.pk).update(
        planned_end_date=as_of + dt.timedelta(days=10)
    )
    Case.objects.filter(child=temporary).update(last_review_date=recent)
    family = make_family(centre("22"))
    suit = placed_child(home_barnaul, since=recent, reviewed=recent, family=family)
    FamilyMember.objects.create(
        family=family,
        last_name="Мать",
        first_name="Тест",
        relation="mother",
        parental_rights=ParentalRights.SUIT_PENDING,
    )
    overdue = placed_child(home_barnaul, since=recent, reviewed=recent)
    ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        child=overdue,
        what="x",
        organization=home_barnaul,
        deadline=as_of - dt.timedelta(days=1),
    )
    not_placed = make_child(centre("22"))  # not in an institution: never on the agenda
    elsewhere = placed_child(
        make_org("Дом в Перми", municipality=centre("59")), since=edge - dt.timedelta(days=30)
    )

    agenda = agenda_candidates(regional, as_of=as_of)

    assert agenda == {
        stay_plus_day.pk: [AgendaReason.LONG_STAY],
        reviewed_7.pk: [AgendaReason.REVIEW_DUE],
        never.pk: [AgendaReason.NEVER_REVIEWED],
        temporary.pk: [AgendaReason.TEMPORARY_ENDING],
        suit.pk: [AgendaReason.PARENTAL_SUIT],
        overdue.pk: [AgendaReason.OVERDUE_ACTIONS],
    }
    assert stay_minus_day.pk not in agenda and reviewed_5.pk not in agenda
    assert not_placed.pk not in agenda and elsewhere.pk not in agenda


def test_escalation_from_the_level_below(fed_admin, regional, staff_barnaul_home, home_barnaul):
    institution = services.consilium_create(
        actor=fed_admin,
        data={
            "title": "Консилиум учреждения",
            "level": Level.INSTITUTION,
            "subject": subject("22"),
            "municipality": centre("22"),
            "organization": home_barnaul,
        },
    )
    child = placed_child(
        home_barnaul, since=TODAY - dt.timedelta(days=20), reviewed=TODAY - dt.timedelta(days=2)
    )
    meeting = services.meeting_create(
        actor=fed_admin, consilium=institution, date=TODAY - dt.timedelta(days=1)
    )
    review = services.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
    )
    services.decision_make(
        actor=fed_admin,
        review=review,
        route_goal=RouteGoal.RETURN_HOME,
        reasons="Нужен регион",
        next_review_date=TODAY + dt.timedelta(days=30),
        escalate=True,
    )
    assert agenda_candidates(regional, as_of=TODAY)[child.pk] == [AgendaReason.ESCALATED]


def test_meeting_gets_the_proposed_agenda_and_the_secretary_edits_it(
    regional, home_barnaul, fed_admin, client
):
    due = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=400))
    other = placed_child(
        home_barnaul, since=TODAY - dt.timedelta(days=5), reviewed=TODAY - dt.timedelta(days=3)
    )
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=7))
    assert list(meeting.agenda.values_list("child_id", flat=True)) == [due.pk]
    with pytest.raises(ValidationError, match="почему"):
        services.agenda_add(actor=fed_admin, meeting=meeting, child=other, reason="")
    services.agenda_add(actor=fed_admin, meeting=meeting, child=other, reason="Просьба органа опеки")
    item = meeting.agenda.get(child=due)
    with pytest.raises(ValidationError, match="почему"):
        services.agenda_remove(actor=fed_admin, item=item, reason=" ")
    services.agenda_remove(actor=fed_admin, item=item, reason="Рассмотрен на муниципальном уровне")
    assert set(meeting.agenda.filter(removed=False).values_list("child_id", flat=True)) == {other.pk}


def test_decision_changes_the_case_and_leaves_event_and_audit(
    regional, home_barnaul, fed_admin, municipal_barnaul
):
    child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    review = services.review_save(
        actor=fed_admin,
        meeting=meeting,
        child=child,
        data={"return_prospect": "soon", "services_needed": ["family_service"]},
        expected_version=None,
    )
    barnaul_body = make_org("Опека Барнаула", kind="guardianship_body", municipality=centre("22"))
    decision = services.decision_make(
        actor=fed_admin,
        review=review,
        route_goal=RouteGoal.RETURN_HOME,
        reasons="Мама прошла лечение",
        next_review_date=TODAY + dt.timedelta(days=60),
        actions=[
            {
                "what": "Подготовить возвращение",
                "organization": barnaul_body,
                "executor": municipal_barnaul,
                "deadline": TODAY + dt.timedelta(days=14),
            }
        ],
    )
    case = Case.objects.get(child=child)
    assert case.goal == RouteGoal.RETURN_HOME and case.last_review_date == TODAY
    assert case.next_review_date == TODAY + dt.timedelta(days=60)
    # the child's stored copy (the register's «ближайший пересмотр» sort) follows the decision
    assert type(child).objects.get(pk=child.pk).next_review_date == TODAY + dt.timedelta(days=60)
    kinds = set(child.events.values_list("kind", flat=True))
    assert {EventKind.DECISION, EventKind.REVIEW} <= kinds
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.CREATE, object_type="consilium.decision", object_id=str(decision.pk)
        ).count()
        == 1
    )
    item = ActionItem.objects.get()
    assert (item.executor, item.child, item.origin) == (municipal_barnaul, child, decision)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reasons": "  "}, "с обоснованием"),
        ({"next_review_date": TODAY - dt.timedelta(days=1)}, "после даты заседания"),
        ({"actions": [{"what": "x", "deadline": TODAY - dt.timedelta(days=1)}]}, "уже прошёл"),
        ({"actions": [{"what": "x", "executor": "specialist_perm"}]}, "не работает на территории"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_written(
    regional, home_barnaul, fed_admin, specialist_perm, overrides, message
):
    child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    review = services.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
    )
    arguments = {
        "route_goal": RouteGoal.RETURN_HOME,
        "reasons": "основание",
        "next_review_date": TODAY + dt.timedelta(days=30),
        "actions": [],
    }
    for action in overrides.get("actions", []):
        action.setdefault("organization", home_barnaul)
        action.setdefault("deadline", TODAY + dt.timedelta(days=3))
        if action.get("executor") == "specialist_perm":
            action["executor"] = specialist_perm
    arguments.update(overrides)
    events = child.events.count()
    with pytest.raises(ValidationError, match=message):
        services.decision_make(actor=fed_admin, review=review, **arguments)
    assert not ActionItem.objects.exists()
    assert Case.objects.get(child=child).goal == RouteGoal.UNDETERMINED
    assert child.events.count() == events


def test_concurrent_review_edits_do_not_overwrite_each_other(regional, home_barnaul, fed_admin):
    child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    review = services.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={"placement_comment": "A"}, expected_version=None
    )
    services.review_save(
        actor=fed_admin,
        meeting=meeting,
        child=child,
        data={"placement_comment": "Первый"},
        expected_version=review.version,
    )
    with pytest.raises(ValidationError, match="изменил другой пользователь"):
        services.review_save(
            actor=fed_admin,
            meeting=meeting,
            child=child,
            data={"placement_comment": "Второй"},
            expected_version=review.version,
        )
    assert Review.objects.get(pk=review.pk).placement_comment == "Первый"


def test_executor_sees_only_their_own_items_and_the_child(
    regional, home_barnaul, fed_admin, municipal_barnaul, client
):
    child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300), last_name="Поручений")
    mine = ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        child=child,
        what="Моё поручение",
        organization=home_barnaul,
        executor=municipal_barnaul,
        deadline=TODAY + dt.timedelta(days=5),
    )
    colleague = make_user(
        "colleague",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=town("22", "Бийск"),
    )
    theirs = ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        what="Чужое поручение",
        organization=make_org("Бийск-опека", kind="guardianship_body", municipality=town("22", "Бийск")),
        executor=colleague,
        deadline=TODAY + dt.timedelta(days=5),
    )
    login(client, municipal_barnaul)
    page = client.get(reverse("consilium:my_items"))
    assert list(page.context["page_obj"]) == [mine]
    assert "Поручений" in page.content.decode()
    read = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL, actor=municipal_barnaul)
    assert read.details["ids"] == [child.pk] and read.details["kind"] == "consilium_my_items"
    assert client.get(reverse("consilium:action_item", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("consilium:action_item_update", args=[mine.pk]), {"status": "done", "result": ""}
    )
    assert response.status_code == 400
    assert "Опишите результат" in str(response.context["form"].errors)
    response = client.post(
        reverse("consilium:action_item_update", args=[mine.pk]),
        {"status": "done", "result": "Семья обследована"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    # «Done on» is the executor's own date: in Барнаул (UTC+7) it may already be tomorrow in UTC terms.
    barnaul_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(subject("22").timezone))
    assert mine.status == "done" and mine.done_on == barnaul_today and mine.done_on_time


def test_perm_member_cannot_open_a_samara_meeting(fed_admin, specialist_perm, client):
    samara = services.consilium_create(
        actor=fed_admin,
        data={"title": "Самарский консилиум", "level": Level.REGIONAL, "subject": subject("63")},
    )
    meeting = services.meeting_create(actor=fed_admin, consilium=samara, date=TODAY)
    login(client, specialist_perm)
    assert client.get(reverse("consilium:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("consilium:consilium_detail", args=[samara.pk])).status_code == 404
    assert client.get(reverse("consilium:meeting_protocol", args=[meeting.pk])).status_code == 404
    perm = services.consilium_create(
        actor=fed_admin,
        data={"title": "Пермский консилиум", "level": Level.REGIONAL, "subject": subject("59")},
    )
    assert client.get(reverse("consilium:consilium_detail", args=[perm.pk])).status_code == 200


def test_institution_staff_see_only_their_organizations_consilium_and_children(
    fed_admin, staff_barnaul_home, home_barnaul, home_biysk, regional, client
):
    institution = services.consilium_create(
        actor=fed_admin,
        data={
            "title": "Консилиум учреждения",
            "level": Level.INSTITUTION,
            "subject": subject("22"),
            "municipality": centre("22"),
            "organization": home_barnaul,
        },
    )
    ours = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    other = placed_child(home_biysk, since=TODAY - dt.timedelta(days=300))
    meeting = services.meeting_create(actor=fed_admin, consilium=institution, date=TODAY)
    assert set(meeting.agenda.values_list("child_id", flat=True)) == {ours.pk}
    regional_meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    login(client, staff_barnaul_home)
    assert client.get(reverse("consilium:meeting_detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("consilium:meeting_detail", args=[regional_meeting.pk])).status_code == 404
    assert client.get(reverse("consilium:review", args=[meeting.pk, other.pk])).status_code == 404
    with pytest.raises(NotInScope):
        services.review_save(
            actor=staff_barnaul_home, meeting=regional_meeting, child=ours, data={}, expected_version=None
        )


def test_municipal_specialist_cannot_manage_a_regional_consilium(regional, municipal_barnaul):
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.meeting_create(actor=municipal_barnaul, consilium=regional, date=TODAY)


def test_consilium_set_up_rules(fed_admin, home_barnaul):
    with pytest.raises(ValidationError, match="нужен муниципалитет"):
        services.consilium_create(
            actor=fed_admin, data={"title": "М", "level": Level.MUNICIPAL, "subject": subject("22")}
        )
    with pytest.raises(ValidationError, match="другому субъекту"):
        services.consilium_create(
            actor=fed_admin,
            data={
                "title": "М",
                "level": Level.MUNICIPAL,
                "subject": subject("22"),
                "municipality": centre("59"),
            },
        )
    assert not Consilium.objects.exists()


def test_protocol_docx_holds_every_decision_and_action_item(
    regional, home_barnaul, fed_admin, fed_analyst, client
):
    from docx import Document

    children = [
        placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300), last_name=f"Протоколов{letters(n)}")
        for n in range(2)
    ]
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    for number, child in enumerate(children):
        review = services.review_save(
            actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
        )
        services.decision_make(
            actor=fed_admin,
            review=review,
            route_goal=RouteGoal.SUBSTITUTE_FAMILY,
            reasons=f"Обоснование {number}",
            next_review_date=TODAY + dt.timedelta(days=30),
            actions=[
                {
                    "what": f"Поручение {number}",
                    "organization": home_barnaul,
                    "deadline": TODAY + dt.timedelta(days=9),
                }
            ],
        )
    login(client, fed_admin)
    document = Document(
        io.BytesIO(client.get(reverse("consilium:meeting_protocol", args=[meeting.pk])).content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for number in range(2):
        assert f"Обоснование {number}" in text and f"Поручение {number}" in cells
    assert "Протоколова" in text
    login(client, fed_analyst)  # no personal data permission: the protocol names children by number
    document = Document(
        io.BytesIO(client.get(reverse("consilium:meeting_protocol", args=[meeting.pk])).content)
    )
    assert "Протоколов0" not in "\n".join(p.text for p in document.paragraphs)


def test_signed_protocol_upload_checks_the_content(regional, fed_admin, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    login(client, fed_admin)
    url = reverse("consilium:protocol_upload", args=[meeting.pk])
    client.post(url, {"file": SimpleUploadedFile("protocol.pdf", b"<html>not a pdf</html>")})
    meeting.refresh_from_db()
    assert not meeting.signed_protocol
    client.post(url, {"file": SimpleUploadedFile("protocol.exe", b"MZ....")})
    meeting.refresh_from_db()
    assert not meeting.signed_protocol
    client.post(url, {"file": SimpleUploadedFile("protocol.pdf", b"%PDF-1.7 signed")})
    meeting.refresh_from_db()
    assert meeting.signed_protocol
    download = client.get(reverse("consilium:protocol_download", args=[meeting.pk]))
    assert download["Content-Disposition"].startswith("attachment")


def test_query_counts_of_agenda_meeting_and_my_items(
    regional, home_barnaul, fed_admin, municipal_barnaul, client
):
    def fill(count):
        for _ in range(count):
            child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=400))
            ActionItem.objects.create(
                origin=regional,
                subject=subject("22"),
                child=child,
                what="x",
                organization=home_barnaul,
                executor=municipal_barnaul,
                deadline=TODAY + dt.timedelta(days=3),
            )

    fill(1)
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    login(client, fed_admin)
    few = queries_for(client, reverse("consilium:meeting_detail", args=[meeting.pk]))
    fill(15)
    meeting_many = services.meeting_create(
        actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=1)
    )
    assert queries_for(client, reverse("consilium:meeting_detail", args=[meeting_many.pk])) == few <= 16
    login(client, municipal_barnaul)
    my_url = reverse("consilium:my_items")
    mine = queries_for(client, my_url)
    fill(10)
    assert queries_for(client, my_url) == mine <= 14


def test_reminders_are_sent_once_a_day(regional, home_barnaul, municipal_barnaul):
    ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        what="Срок завтра",
        organization=home_barnaul,
        executor=municipal_barnaul,
        deadline=TODAY + dt.timedelta(days=1),
    )
    ActionItem.objects.create(
        origin=regional,
        subject=subject("22"),
        what="Не скоро",
        organization=home_barnaul,
        executor=municipal_barnaul,
        deadline=TODAY + dt.timedelta(days=30),
    )
    assert services.reminders_send() == 1
    assert (
        len(mail.outbox) == 1
        and "Срок завтра" in mail.outbox[0].body
        and "Не скоро" not in mail.outbox[0].body
    )
    assert mail.outbox[0].to == [municipal_barnaul.email]
    assert services.reminders_send() == 0


def test_report_counts_coverage_with_the_agenda_rule(regional, home_barnaul, fed_admin, client):
    reviewed = placed_child(
        home_barnaul, since=TODAY - dt.timedelta(days=300), reviewed=months_before(TODAY, 5)
    )
    placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300), reviewed=months_before(TODAY, 7))
    placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    login(client, fed_admin)
    data = client.get(reverse("consilium:report", args=["22"])).context["report"]
    assert (data.children_in_institutions, data.reviewed_in_six_months) == (3, 1)
    assert reviewed


def test_api_lists_only_scope(regional, fed_admin, specialist_perm):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(specialist_perm)
    assert api.get("/api/v1/consilia/").json()["count"] == 0
    api.force_authenticate(fed_admin)
    assert api.get("/api/v1/consilia/").json()["count"] == 1
