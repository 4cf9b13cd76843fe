"""Regional governance: who edits a programme, indicator progress both ways, bad input, the МРГ's
assignments through the one action-item mechanism, curators, inspections, the regional passport."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from conftest import centre, login, make_org, make_user, queries_for, subject
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.consilium.models import ActionItem, ActionStatus
from vyzov.consilium.services import action_item_update
from vyzov.monitoring.models import Indicator, RollUp, RollUpLevel
from vyzov.programmes import selectors, services
from vyzov.programmes.models import (
    CuratorAssignment,
    CuratorTask,
    IndicatorActual,
    Measure,
    ProgrammeIndicator,
    RegionalProgramme,
    WorkingGroup,
)
from vyzov.support.models import Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def programme_for(actor, code, *, start=2025, end=2026):
    return services.programme_create(
        actor=actor, subject=subject(code), title=f"Программа {code}", start_year=start, end_year=end
    )


def direction(programme, number=1):
    return programme.directions.get(number=number)


def indicator(actor, programme, *, better, baseline, targets, name="Показатель", number=1):
    return services.indicator_add(
        actor=actor,
        direction=direction(programme, number),
        targets=targets,
        data={"name": name, "unit": "чел.", "better": better, "baseline": Decimal(baseline)},
    )


def measure(actor, programme, **data):
    values = {
        "title": "Мероприятие",
        "responsible": "Министерство",
        "deadline": dt.date(2026, 6, 1),
        "budget": Decimal(1000),
    } | data
    return services.measure_add(actor=actor, direction=direction(programme), data=values)


@pytest.fixture
def monitoring_indicators(db):
    from vyzov.monitoring.reference import load_all

    load_all()
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


# ---- access -------------------------------------------------------------------------------------


def test_programme_starts_with_the_brochures_eight_directions(curator_altai):
    programme = programme_for(curator_altai, "22")
    assert [d.number for d in programme.directions.all()] == list(range(1, 9))
    assert direction(programme, 3).title == "Организация работы службы «Дети в семье»"


def test_only_the_subjects_own_people_edit_its_programme(
    curator_altai, specialist_altai, curator_perm, client
):
    programme = programme_for(curator_altai, "22")
    indicator(specialist_altai, programme, better="lower", baseline=100, targets={2026: 75})
    with pytest.raises(NotInScope):
        indicator(curator_perm, programme, better="lower", baseline=100, targets={2026: 75})
    with pytest.raises(NotInScope):
        programme_for(curator_perm, "22")
    login(client, curator_perm)
    assert client.get(reverse("programmes:programme_detail", args=[programme.pk])).status_code == 404
    assert client.get(reverse("programmes:passport", args=["22"])).status_code == 404
    assert client.get(reverse("programmes:working_group", args=["22"])).status_code == 404
    response = client.post(
        reverse("programmes:measure_add", args=[programme.pk]),
        {
            "direction": direction(programme).pk,
            "title": "x",
            "responsible": "y",
            "deadline": "2026-01-01",
            "budget": "1",
        },
    )
    assert response.status_code == 404
    assert Measure.objects.count() == 0


def test_federal_analyst_reads_every_programme_but_edits_none(curator_altai, fed_analyst, client):
    programme = programme_for(curator_altai, "22")
    programme_for(curator_altai, "22", start=2027, end=2028)
    with pytest.raises(ActionNotAllowed):
        measure(fed_analyst, programme)
    login(client, fed_analyst)
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    assert page.status_code == 200
    assert "Новое мероприятие" not in page.content.decode()
    assert client.get(reverse("programmes:passport", args=["22"])).status_code == 200
    listing = client.get(reverse("programmes:programme_list")).content.decode()
    assert listing.count("Программа 22") == 2


def test_municipal_specialist_has_no_programmes(curator_altai, municipal_barnaul, client):
    programme = programme_for(curator_altai, "22")
    login(client, municipal_barnaul)
    assert client.get(reverse("programmes:programme_list")).status_code == 403
    assert client.get(reverse("programmes:programme_detail", args=[programme.pk])).status_code == 404


# ---- indicator progress -------------------------------------------------------------------------


def test_fewer_children_in_institutions_is_progress(curator_altai):
    programme = programme_for(curator_altai, "22")
    children = indicator(
        curator_altai, programme, better="lower", baseline=1000, targets={2025: 900, 2026: 750}
    )
    services.actual_add(
        actor=curator_altai, indicator=children, as_of=dt.date(2025, 7, 1), value=Decimal(850)
    )
    result = selectors.indicator_progress(ProgrammeIndicator.objects.get(pk=children.pk))
    assert result.target == 750
    assert result.share_of_way == pytest.approx(60)  # 150 of the 250 to go
    assert result.status == "on_track"  # halfway in time would need 875; 850 is ahead


def test_more_children_returned_home_is_progress_and_fewer_lags(curator_altai):
    programme = programme_for(curator_altai, "22")
    returned = indicator(curator_altai, programme, better="higher", baseline=0, targets={2026: 400})
    services.actual_add(
        actor=curator_altai, indicator=returned, as_of=dt.date(2025, 12, 31), value=Decimal(100)
    )
    result = selectors.indicator_progress(ProgrammeIndicator.objects.get(pk=returned.pk))
    assert result.share_of_way == pytest.approx(25)
    assert result.status == "lagging"  # a year out of two should have brought ~200
    services.actual_add(
        actor=curator_altai, indicator=returned, as_of=dt.date(2026, 6, 30), value=Decimal(360)
    )
    caught_up = selectors.indicator_progress(ProgrammeIndicator.objects.get(pk=returned.pk))
    assert caught_up.status == "on_track"  # the trend through 0, 100, 360 passes 400 by 31.12.2026
    assert caught_up.forecast > 400


def test_indicator_linked_to_monitoring_reads_the_subjects_rollups(curator_altai, monitoring_indicators):
    programme = programme_for(curator_altai, "22")
    stock, flow = (
        monitoring_indicators["children_in_institutions"],
        monitoring_indicators["children_returned_home_quarter"],
    )
    for as_of, stock_value, flow_value in [
        (dt.date(2024, 10, 1), 990, 40),
        (dt.date(2025, 4, 1), 900, 30),
        (dt.date(2025, 7, 1), 880, 50),
    ]:
        RollUp.objects.create(
            level=RollUpLevel.SUBJECT, key="22", indicator=stock, as_of=as_of, value=stock_value
        )
        RollUp.objects.create(
            level=RollUpLevel.SUBJECT, key="22", indicator=flow, as_of=as_of, value=flow_value
        )
        RollUp.objects.create(level=RollUpLevel.SUBJECT, key="59", indicator=stock, as_of=as_of, value=1)
    children = services.indicator_add(
        actor=curator_altai,
        direction=direction(programme),
        targets={2026: 750},
        data={
            "name": "Дети в учреждениях",
            "better": "lower",
            "baseline": Decimal(1000),
            "monitoring_indicator": stock,
        },
    )
    returned = services.indicator_add(
        actor=curator_altai,
        direction=direction(programme, 7),
        targets={2026: 200},
        data={
            "name": "Возвращены домой",
            "better": "higher",
            "baseline": Decimal(0),
            "monitoring_indicator": flow,
        },
    )
    views = {i.pk: p for view in selectors.programme_view(programme=programme) for i, p in view.indicators}
    assert views[children.pk].latest == 880
    assert (
        views[returned.pk].latest == 80
    )  # 30 + 50 since the programme's start; the 2024 quarter is before it
    with pytest.raises(ValidationError, match="связан с мониторингом"):
        services.actual_add(
            actor=curator_altai, indicator=children, as_of=dt.date(2025, 1, 1), value=Decimal(1)
        )


# ---- bad input ----------------------------------------------------------------------------------


def test_target_year_outside_the_period_is_refused_and_nothing_saved(curator_altai, client):
    programme = programme_for(curator_altai, "22")
    with pytest.raises(ValidationError, match="вне периода программы"):
        indicator(curator_altai, programme, better="lower", baseline=10, targets={2027: 5})
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:indicator_add", args=[programme.pk]),
        {
            "direction": direction(programme).pk,
            "name": "Дети",
            "unit": "чел.",
            "better": "lower",
            "baseline": "10",
            "target_year": "2024",
            "target_value": "5",
        },
    )
    assert response.status_code == 400  # the page again, with the form as typed
    assert 'value="Дети"' in response.content.decode()
    assert "Год цели вне периода программы (2025–2026): 2024." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    assert ProgrammeIndicator.objects.count() == 0


def test_negative_budget_and_deadline_after_the_end_are_refused(curator_altai, client):
    programme = programme_for(curator_altai, "22")
    with pytest.raises(ValidationError, match="Бюджет не может быть отрицательным"):
        measure(curator_altai, programme, budget=Decimal(-1))
    with pytest.raises(ValidationError, match=r"Срок позже окончания программы \(31\.12\.2026\)"):
        measure(curator_altai, programme, deadline=dt.date(2027, 1, 1))
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:measure_add", args=[programme.pk]),
        {
            "direction": direction(programme).pk,
            "title": "x",
            "responsible": "y",
            "deadline": "2026-01-01",
            "budget": "-5",
        },
    )
    assert any("больше либо равно 0" in str(m) for m in get_messages(response.wsgi_request))
    assert Measure.objects.count() == 0


def test_actual_value_in_the_future_is_refused(curator_altai):
    programme = programme_for(curator_altai, "22", start=TODAY.year, end=TODAY.year + 1)
    children = indicator(curator_altai, programme, better="lower", baseline=10, targets={TODAY.year + 1: 5})
    with pytest.raises(ValidationError, match="в будущем"):
        services.actual_add(
            actor=curator_altai, indicator=children, as_of=TODAY + dt.timedelta(days=1), value=Decimal(9)
        )
    assert IndicatorActual.objects.count() == 0


def test_evidence_must_really_be_the_file_it_claims(curator_altai):
    planned = measure(curator_altai, programme_for(curator_altai, "22"))
    fake = SimpleUploadedFile("акт.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="не соответствует"):
        services.measure_evidence_attach(actor=curator_altai, measure=planned, uploaded=fake)
    real = SimpleUploadedFile("акт.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.measure_evidence_attach(actor=curator_altai, measure=planned, uploaded=real)
    assert Measure.objects.get(pk=planned.pk).evidence.name.endswith(".pdf")


# ---- working group, curators, inspections, institutions -----------------------------------------


@pytest.fixture
def altai_group(db):
    return WorkingGroup.objects.create(subject=subject("22"), title="МРГ Алтайского края")


def test_working_group_decision_issues_assignments_through_the_one_mechanism(
    altai_group, curator_altai, ministry_altai, client
):
    meeting = services.meeting_add(actor=curator_altai, group=altai_group, date=TODAY, agenda="Службы")
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:decision_add", args=[meeting.pk]),
        {
            "text": "Открыть службы во всех округах",
            "action0-what": "Представить график",
            "action0-organization": ministry_altai.pk,
            "action0-executor": curator_altai.pk,
            "action0-deadline": (TODAY + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.origin.text == "Открыть службы во всех округах"
    assert item.subject_id == subject("22").pk
    # The executor finds it among their items, like any consilium assignment.
    assert "Представить график" in client.get(reverse("consilium:my_items")).content.decode()
    minutes = client.get(reverse("programmes:meeting_minutes", args=[meeting.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(minutes.content)).paragraphs)
    assert "Открыть службы во всех округах" in text and "Представить график" in text


def test_decision_with_half_an_assignment_saves_nothing(altai_group, curator_altai, client):
    meeting = services.meeting_add(actor=curator_altai, group=altai_group, date=TODAY, agenda="Службы")
    login(client, curator_altai)
    client.post(
        reverse("programmes:decision_add", args=[meeting.pk]),
        {"text": "Решение", "action0-what": "Без срока и организации"},
    )
    assert not meeting.decisions.exists()
    assert not ActionItem.objects.exists()


def test_curator_checklist_comes_from_the_seeds_and_needs_evidence(curator_altai):
    assignment = services.curator_assign(
        actor=curator_altai, subject=subject("22"), full_name="Куратор", position="Советник", since=TODAY
    )
    texts = list(assignment.tasks.values_list("text", flat=True))
    assert len(texts) == 8
    assert any("единой региональной базы детей" in text for text in texts)
    assert any("ресурсных карт" in text for text in texts)
    task = CuratorTask.objects.filter(assignment=assignment).first()
    with pytest.raises(ValidationError, match="Подтвердите выполнение"):
        services.curator_task_update(actor=curator_altai, task=task, done=True, evidence=" ")
    with pytest.raises(ValidationError, match="будущий месяц"):
        services.curator_report_add(
            actor=curator_altai,
            assignment=assignment,
            month=(TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1),
            text="x",
        )


def test_inspection_checks_only_the_subjects_organisations(curator_altai, home_barnaul, home_perm):
    data = {"date_from": dt.date(2025, 4, 1), "date_to": dt.date(2025, 4, 3), "findings": "Выводы"}
    with pytest.raises(ValidationError, match="из этого субъекта"):
        services.inspection_add(
            actor=curator_altai,
            subject=subject("22"),
            data=data,
            organizations=[home_barnaul, home_perm],
            actions=[],
        )
    inspection = services.inspection_add(
        actor=curator_altai, subject=subject("22"), data=data, organizations=[home_barnaul], actions=[]
    )
    assert list(inspection.organizations.all()) == [home_barnaul]


def test_transformation_plan_is_for_institutions_for_orphans(curator_altai, home_barnaul, ministry_altai):
    with pytest.raises(ValidationError, match="для организаций для детей-сирот"):
        services.institution_plan_save(
            actor=curator_altai,
            organization=ministry_altai,
            family_work_positions=1,
            target_profile="",
            milestones=[],
        )
    plan = services.institution_plan_save(
        actor=curator_altai,
        organization=home_barnaul,
        family_work_positions=2,
        target_profile="центр поддержки семьи",
        milestones=[{"title": "Ставки", "due_date": dt.date(2026, 1, 1)}],
    )
    milestone = plan.milestones.get()
    with pytest.raises(ValidationError, match="в будущем"):
        services.milestone_done(
            actor=curator_altai, milestone=milestone, done_on=TODAY + dt.timedelta(days=1)
        )


# ---- the regional passport ----------------------------------------------------------------------


def crafted_region(curator, ministry, executor):
    programme = programme_for(curator, "22")
    lagging = indicator(
        curator, programme, better="higher", baseline=0, targets={2026: 1000}, name="Возвращены"
    )
    services.actual_add(actor=curator, indicator=lagging, as_of=dt.date(2025, 12, 31), value=Decimal(10))
    indicator(curator, programme, better="lower", baseline=100, targets={2026: 75}, name="Без данных")
    done = measure(curator, programme)
    measure(curator, programme)
    services.measure_set_status(actor=curator, measure=done, status="done")
    group = WorkingGroup.objects.create(subject=subject("22"), title="МРГ")
    meeting = services.meeting_add(actor=curator, group=group, date=TODAY, agenda="Повестка")
    actions = [
        {
            "what": f"Поручение {n}",
            "organization": ministry,
            "executor": executor,
            "deadline": TODAY + dt.timedelta(days=5),
        }
        for n in range(3)
    ]
    decision = services.decision_add(actor=curator, meeting=meeting, text="Решение", actions=actions)
    first, second, _third = ActionItem.objects.filter(origin_id=decision.pk).order_by("id")
    action_item_update(actor=executor, item=first, status=ActionStatus.DONE, result="Сделано")
    ActionItem.objects.filter(pk=second.pk).update(deadline=TODAY - dt.timedelta(days=1))
    service = Service.objects.create(
        organization=make_org("Служба", kind="family_service", municipality=centre("22"))
    )
    Specialist.objects.create(service=service, full_name="Анна")
    Specialist.objects.create(service=service, full_name="Борис", is_active=False)
    Service.objects.create(
        organization=make_org("Служба Перми", kind="family_service", municipality=centre("59"))
    )
    return programme


def test_passport_gathers_the_region_from_every_part(curator_altai, ministry_altai, fed_analyst, client):
    crafted_region(curator_altai, ministry_altai, curator_altai)
    passport = selectors.passport(actor=fed_analyst, code="22")
    assert (passport.indicators_total, passport.indicators_lagging, passport.indicators_no_data) == (2, 1, 1)
    assert (passport.measures_done, passport.measures_total) == (1, 2)
    assert (passport.decisions, passport.actions_done, passport.actions_overdue, passport.actions_open) == (
        1,
        1,
        1,
        1,
    )
    assert [item.what for item in passport.overdue_items] == ["Поручение 1"]
    assert (passport.services, passport.specialists) == (1, 1)
    login(client, fed_analyst)
    page = client.get(reverse("programmes:passport", args=["22"])).content.decode()
    assert 'data-figure="actions_overdue">1<' in page
    response = client.get(reverse("programmes:passport_docx", args=["22"]))
    document = Document(io.BytesIO(response.content))
    assert "Паспорт региона: Алтайский край" in document.paragraphs[0].text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Поручений просрочено" in cells and cells[cells.index("Поручений просрочено") + 1] == "1"
    # The curators' field work and the МРГ's obligatory members are in the file too.
    assert "Случаев на личном контроле сейчас (снято)" in cells
    assert "руководитель НКО-оператора" in cells


def test_passport_query_count_does_not_grow_with_the_region(
    curator_altai, ministry_altai, fed_analyst, client
):
    programme = crafted_region(curator_altai, ministry_altai, curator_altai)
    login(client, fed_analyst)
    url = reverse("programmes:passport", args=["22"])
    before = queries_for(client, url)
    for number in range(5):
        indicator(curator_altai, programme, better="lower", baseline=10, targets={2026: 5}, name=f"П{number}")
        measure(curator_altai, programme)
    assert queries_for(client, url) == before
    # 30 before the curators' field work and the МРГ checklist joined the passport (about 8 queries, fixed).
    assert before <= 38


def test_passport_shows_the_documents_figures_for_the_region_beside_the_systems(
    curator_altai, ministry_altai, fed_analyst, client
):
    from vyzov.monitoring import reference

    reference.load_reference_figures()
    crafted_region(curator_altai, ministry_altai, curator_altai)
    passport = selectors.passport(actor=fed_analyst, code="22")
    rows = {row.name: row for row in passport.document_figures}
    services_row = rows["Службы «Дети в семье»"]
    assert services_row.as_in_seed and services_row.computed == "1"  # 002's table beside the register
    assert (
        "Стратегическая программа Уполномоченного по правам ребёнка «Дети в семье»" in services_row.document
    )
    assert not passport.monitoring_is_demo
    login(client, fed_analyst)
    page = client.get(reverse("programmes:passport", args=["24"])).content.decode()
    assert "По материалам программы" in page
    assert "более 4 500 детей" in page and "около 4 000 детей" in page  # 004, Красноярский край
    assert "демо" not in page


# ---- API ----------------------------------------------------------------------------------------


def test_api_lists_only_the_callers_programmes_and_refuses_bad_actuals(curator_altai, curator_perm, client):
    altai = programme_for(curator_altai, "22")
    programme_for(curator_perm, "59")
    children = indicator(curator_altai, altai, better="lower", baseline=100, targets={2026: 75})
    login(client, curator_altai)
    listed = client.get("/api/v1/programmes/programmes/").json()["results"]
    assert [p["subject"] for p in listed] == ["22"]
    url = f"/api/v1/programmes/indicators/{children.pk}/actuals/"
    response = client.post(
        url,
        {"as_of": (TODAY + dt.timedelta(days=3)).isoformat(), "value": "90"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "в будущем" in str(response.json())
    response = client.post(url, {"as_of": "2025-07-01", "value": "90"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["progress"]["status"] in ("on_track", "achieved")
    login(client, curator_perm)
    assert (
        client.post(url, {"as_of": "2025-07-01", "value": "1"}, content_type="application/json").status_code
        == 404
    )


def test_regional_specialist_of_another_subject_cannot_assign_a_curator(specialist_perm, client):
    login(client, specialist_perm)
    response = client.post(
        reverse("programmes:curator_assign", args=["22"]),
        {"full_name": "Чужой", "since": "2025-01-01"},
    )
    assert response.status_code == 404
    other = make_user("other", Role.FEDERAL_ANALYST, level=ScopeLevel.COUNTRY)
    login(client, other)
    assert (
        client.post(
            reverse("programmes:curator_assign", args=["22"]),
            {"full_name": "Чужой", "since": "2025-01-01"},
        ).status_code
        == 403
    )
    assert not RegionalProgramme.objects.exists()
    assert not CuratorAssignment.objects.exists()


# ---- inspections as 004 records them ------------------------------------------------------------


def test_004_inspection_cells_give_kind_and_dates_and_nothing_invented():
    from vyzov.programmes.inspections import YEAR_ONLY, parse_004
    from vyzov.programmes.models import InspectionKind

    desk, onsite = parse_004("2025— инспекция в регионе; 2024— кабинетный анализ")
    assert (desk.kind, desk.date_from, desk.date_to, desk.period_note) == (
        InspectionKind.DESK,
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        YEAR_ONLY,
    )
    assert (onsite.kind, onsite.date_from.year) == (InspectionKind.ONSITE, 2025)
    (dated,) = parse_004("25.11.2024 – 27.11.2024")
    assert (dated.kind, dated.date_from, dated.date_to, dated.period_note) == (
        "",
        dt.date(2024, 11, 25),
        dt.date(2024, 11, 27),
        "",
    )
    assert parse_004("✓") == [] and parse_004("√") == [] and parse_004("") == []


def test_inspection_kind_is_recorded_and_shown(curator_altai, client):
    from vyzov.programmes.inspections import findings_text
    from vyzov.programmes.models import Inspection

    services.inspection_add(
        actor=curator_altai,
        subject=subject("22"),
        data={
            "kind": "desk",
            "date_from": dt.date(2024, 1, 1),
            "date_to": dt.date(2024, 12, 31),
            "period_note": "в документе (004) указан только год",
            "findings": findings_text(),
        },
        organizations=[],
        actions=[],
    )
    assert Inspection.objects.get().get_kind_display() == "кабинетный анализ"
    login(client, curator_altai)
    page = client.get(reverse("programmes:region_governance", args=["22"])).content.decode()
    assert "Кабинетный анализ: 01.01.2024–31.12.2024" in page and "указан только год" in page
