"""Completeness and timeliness of the quarterly reports: the deadline rule, the table and its rates,
its pages (situational centre, region page, regional passport), the API and the reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import login, subject
from vyzov.dashboard.models import Kind, Notification
from vyzov.monitoring import completeness, reference, services
from vyzov.monitoring.completeness import CellStatus, cell_for, report_deadline
from vyzov.monitoring.models import DataSet, Indicator, QuarterReport, ReportStatus

pytestmark = pytest.mark.django_db
Q2, Q3 = dt.date(2025, 4, 1), dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def reporting_from_q2(settings):
    settings.VYZOV_REPORTING_START = "2025-04-01"


def report(code, as_of, status, submitted_at=None):
    return QuarterReport.objects.create(
        subject=subject(code), as_of=as_of, status=status, submitted_at=submitted_at
    )


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_deadline_is_the_twentieth_day_after_the_quarter_and_follows_the_main_data_set():
    assert DataSet.main().deadline_days == 20
    assert report_deadline(dt.date(2025, 4, 1)) == dt.date(2025, 4, 20)
    assert report_deadline(dt.date(2025, 1, 1)) == dt.date(2025, 1, 20)
    DataSet.objects.filter(code="vyzov_quarterly").update(deadline_days=30)
    assert report_deadline(dt.date(2025, 10, 1)) == dt.date(2025, 10, 30)
    assert DataSet(code="new").deadline_days == 20  # the default of a new data set


def test_on_time_is_judged_by_the_date_in_the_subjects_time_zone():
    moment = utc(2025, 4, 20, 20, 0)  # 23:00 in Moscow, 06:00 on the 21st in Vladivostok
    common = {"as_of": Q2, "report_status": ReportStatus.SUBMITTED, "today": dt.date(2025, 5, 1)}
    assert cell_for(submitted_at=moment, zone="Europe/Moscow", **common).status == CellStatus.ON_TIME
    assert cell_for(submitted_at=moment, zone="Asia/Vladivostok", **common).status == CellStatus.LATE


@pytest.mark.parametrize(
    ("status", "submitted_at", "today", "expected"),
    [
        (ReportStatus.ACCEPTED, utc(2025, 4, 10, 9), dt.date(2025, 5, 1), CellStatus.ON_TIME),
        (ReportStatus.SUBMITTED, utc(2025, 4, 25, 9), dt.date(2025, 5, 1), CellStatus.LATE),
        (ReportStatus.ACCEPTED, None, dt.date(2025, 5, 1), CellStatus.UNKNOWN_TIME),
        (ReportStatus.DRAFT, None, dt.date(2025, 4, 20), CellStatus.PENDING),
        (ReportStatus.DRAFT, None, dt.date(2025, 4, 21), CellStatus.OVERDUE),
        (ReportStatus.RETURNED, utc(2025, 4, 10, 9), dt.date(2025, 4, 21), CellStatus.OVERDUE),
        (None, None, dt.date(2025, 4, 21), CellStatus.OVERDUE),
    ],
)
def test_cell_rule(status, submitted_at, today, expected):
    cell = cell_for(
        as_of=Q2, report_status=status, submitted_at=submitted_at, zone="Europe/Moscow", today=today
    )
    assert cell.status == expected


def test_table_counts_expected_received_and_on_time_per_quarter_and_subject():
    report("22", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    report("59", Q2, ReportStatus.SUBMITTED, utc(2025, 4, 28, 9))
    report("38", Q2, ReportStatus.DRAFT)
    report("22", Q3, ReportStatus.SUBMITTED, utc(2025, 7, 15, 9))
    today = dt.date(2025, 7, 10)  # Q3's deadline (20.07) not yet come
    data = completeness.completeness(
        subjects=completeness.expected_subjects(),
        quarters=completeness.due_quarters(today=today),
        today=today,
    )
    assert data.quarters == [Q2, Q3]
    q2, q3 = data.by_quarter
    assert (q2.expected, q2.received, q2.on_time, q2.overdue) == (89, 2, 1, 87)
    assert round(q2.completeness, 2) == round(200 / 89, 2) and round(q2.timeliness, 2) == round(100 / 89, 2)
    # Q3: only the received report is counted as expected; the others are not late yet.
    assert (q3.expected, q3.received, q3.on_time) == (1, 1, 1)
    altai = next(line for line in data.lines if line.subject.code == "22")
    assert (altai.rate.expected, altai.rate.received, altai.rate.on_time) == (2, 2, 2)
    assert [s.code for s in data.late_in(Q2)][:1] and "22" not in {s.code for s in data.late_in(Q2)}
    assert data.latest_overdue()[0] == Q3 and data.latest_overdue()[1] == []


def test_table_costs_three_queries_whatever_the_number_of_subjects(django_assert_max_num_queries):
    report("22", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    with django_assert_max_num_queries(3):  # subjects, reports and the main data set (its deadline)
        completeness.completeness(
            subjects=completeness.expected_subjects(), quarters=[Q2, Q3], today=dt.date(2025, 8, 1)
        )


# ---- pages -----------------------------------------------------------------------------------------


def test_completeness_page_is_scoped_by_the_policy(client, fed_analyst, curator_perm):
    report("59", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    page = login(client, fed_analyst).get(reverse("monitoring:completeness"), {"quarters": 2})
    assert page.status_code == 200
    assert "Алтайский край" in page.content.decode() and "Пермский край" in page.content.decode()
    client.logout()
    page = login(client, curator_perm).get(reverse("monitoring:completeness"))
    text = page.content.decode()
    assert page.status_code == 200 and "Пермский край" in text and "Алтайский край" not in text


def test_completeness_page_is_refused_without_monitoring(client, municipal_barnaul):
    assert login(client, municipal_barnaul).get(reverse("monitoring:completeness")).status_code in (403, 404)


def test_situational_centre_lists_the_regions_that_are_late(client, fed_analyst):
    reference.load_all()
    today = timezone.localdate()
    latest = completeness.due_quarters(today=today)[-1]
    for sub in completeness.expected_subjects().exclude(code="22"):
        QuarterReport.objects.create(
            subject=sub, as_of=latest, status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
        )
    text = login(client, fed_analyst).get(reverse("monitoring:overview")).content.decode()
    assert "Полнота и своевременность квартальных отчётов" in text
    if today > report_deadline(latest):
        assert 'data-figure="overdue_count">1<' in text
        assert 'href="/monitoring/regions/22/">Алтайский край</a>' in text


def test_region_page_and_passport_show_the_regions_reports(client, curator_altai):
    reference.load_all()
    latest = completeness.due_quarters()[-1]
    report("22", latest, ReportStatus.SUBMITTED, timezone.now())
    login(client, curator_altai)
    for url in (reverse("monitoring:region", args=["22"]), reverse("programmes:passport", args=["22"])):
        text = client.get(url).content.decode()
        assert 'data-completeness="22"' in text, url
        assert f"{latest:%d.%m.%Y}" in text
    assert client.get(reverse("programmes:passport", args=["59"])).status_code == 404


# ---- API -------------------------------------------------------------------------------------------


def test_api_gives_the_table_in_scope_and_refuses_others(curator_altai, municipal_barnaul):
    report("22", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    api = APIClient()
    api.force_authenticate(curator_altai)
    body = api.get("/api/v1/monitoring/completeness/", {"quarters": 40}).json()
    assert [row["subject"] for row in body["subjects"]] == ["22"]
    q2 = next(row for row in body["quarters"] if row["as_of"] == "2025-04-01")
    assert (q2["expected"], q2["received"], q2["on_time"]) == (1, 1, 1)
    assert body["subjects"][0]["cells"][0]["status"] == "on_time"  # the first quarter: 01.04.2025
    assert api.get("/api/v1/monitoring/completeness/", {"quarters": "many"}).status_code == 400
    api.force_authenticate(municipal_barnaul)
    assert api.get("/api/v1/monitoring/completeness/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/monitoring/completeness/").status_code in (401, 403)


def test_api_schema_lists_completeness_and_explorer(fed_admin):
    api = APIClient()
    api.force_authenticate(fed_admin)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/monitoring/completeness/" in schema["paths"]
    assert "/api/v1/monitoring/explore/" in schema["paths"]


# ---- reminders -------------------------------------------------------------------------------------


def test_late_region_is_reminded_before_the_day_after_and_weekly_by_mail_and_notification(
    curator_altai, specialist_altai, curator_perm
):
    report("59", Q3, ReportStatus.SUBMITTED, utc(2025, 7, 10, 9))  # Perm has reported
    report("22", Q3, ReportStatus.DRAFT)
    report("59", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    report("22", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))

    assert services.report_reminders_send(today=dt.date(2025, 7, 16)) == 0
    assert services.report_reminders_send(today=dt.date(2025, 7, 17)) == 2  # three days before 20.07
    titles = set(Notification.objects.filter(recipient=curator_altai).values_list("title", flat=True))
    assert titles == {"Алтайский край: квартальный отчёт на 01.07.2025 — срок 20.07.2025"}
    assert not Notification.objects.filter(recipient=curator_perm).exists()
    Notification.objects.all().delete()
    mail.outbox.clear()

    assert services.report_reminders_send(today=dt.date(2025, 7, 20)) == 0
    assert services.report_reminders_send(today=dt.date(2025, 7, 21)) == 2  # the day after the deadline
    notification = Notification.objects.get(recipient=specialist_altai)
    assert notification.kind == Kind.DEADLINE
    assert "не представлен, срок 20.07.2025 прошёл" in notification.title
    assert notification.url == reverse("monitoring:report_edit", args=["22", "2025-07-01"])
    assert {message.to[0] for message in mail.outbox} == {curator_altai.email, specialist_altai.email}
    assert "01.07.2025" in mail.outbox[0].body

    assert services.report_reminders_send(today=dt.date(2025, 7, 22)) == 0
    assert services.report_reminders_send(today=dt.date(2025, 7, 28)) == 2  # a week later
    QuarterReport.objects.filter(subject__code="22", as_of=Q3).update(
        status=ReportStatus.SUBMITTED, submitted_at=utc(2025, 7, 29, 9)
    )
    assert services.report_reminders_send(today=dt.date(2025, 8, 4)) == 0  # received: no more reminders


def test_send_reminders_command_queues_the_report_reminders_too():
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().count("Задача поставлена") == 2


def test_region_line_from_the_pages_reports_equals_the_queried_one(django_assert_num_queries):
    today = dt.date(2025, 8, 1)
    report("22", Q2, ReportStatus.ACCEPTED, utc(2025, 4, 10, 9))
    report("22", Q3, ReportStatus.SUBMITTED, utc(2025, 7, 25, 9))
    altai = subject("22")
    queried = completeness.subject_completeness(subject=altai, today=today)
    latest = list(QuarterReport.objects.filter(subject=altai).order_by("-as_of"))
    with django_assert_num_queries(1):  # the main data set (its deadline), not the reports
        preloaded = completeness.subject_completeness(
            subject=altai, today=today, latest_reports=latest, latest_limit=12
        )
    assert [c.status for c in preloaded.cells] == [c.status for c in queried.cells] == ["on_time", "late"]
    # Twelve later drafts push the due quarters out of the page's list: then the line is queried.
    for year in (2026, 2027, 2028):
        for month in (1, 4, 7, 10):
            report("22", dt.date(year, month, 1), ReportStatus.DRAFT)
    latest = list(QuarterReport.objects.filter(subject=altai).order_by("-as_of")[:12])
    with django_assert_num_queries(3):  # the main data set, the subject, its reports
        line = completeness.subject_completeness(
            subject=altai, today=today, latest_reports=latest, latest_limit=12
        )
    assert [c.status for c in line.cells] == ["on_time", "late"]


# ---- a data set's own deadline ---------------------------------------------------------------------


def sport_data_set(deadline_days=10):
    return DataSet.objects.create(code="sport", name="Спорт и досуг", deadline_days=deadline_days)


def test_a_data_set_counts_only_its_reports_against_its_own_deadline(django_assert_max_num_queries):
    sport = sport_data_set(deadline_days=10)  # the 10th day after the quarter: 10.04
    assert report_deadline(Q2, data_set=sport) == dt.date(2025, 4, 10)
    QuarterReport.objects.create(
        subject=subject("22"),
        as_of=Q2,
        data_set=sport,
        status=ReportStatus.SUBMITTED,
        submitted_at=utc(2025, 4, 15, 9),
    )
    report("59", Q2, ReportStatus.SUBMITTED, utc(2025, 4, 15, 9))  # the main data set's report
    today = dt.date(2025, 6, 1)
    with django_assert_max_num_queries(2):
        data = completeness.completeness(
            subjects=completeness.expected_subjects(), quarters=[Q2], today=today, data_set=sport
        )
    assert data.deadlines == [dt.date(2025, 4, 10)]
    cells = {line.subject.code: line.cells[0].status for line in data.lines}
    assert cells["22"] == CellStatus.LATE  # 15.04 is after the data set's 10.04
    assert cells["59"] == CellStatus.OVERDUE  # another data set's report does not count for this one
    assert (data.total.expected, data.total.received, data.total.on_time) == (89, 1, 0)
    # Without a data set named, the table is the main data set's (20 days): only its report counts.
    general = completeness.completeness(subjects=completeness.expected_subjects(), quarters=[Q2], today=today)
    statuses = {line.subject.code: line.cells[0].status for line in general.lines}
    assert statuses["59"] == CellStatus.ON_TIME and statuses["22"] == CellStatus.OVERDUE
    assert general.deadlines == [dt.date(2025, 4, 20)]


def test_changing_the_deadline_on_the_setup_page_moves_the_data_sets_completeness(client, fed_admin):
    sport = sport_data_set(deadline_days=30)
    QuarterReport.objects.create(
        subject=subject("22"),
        as_of=Q2,
        data_set=sport,
        status=ReportStatus.SUBMITTED,
        submitted_at=utc(2025, 4, 25, 9),
    )
    line = completeness.completeness(
        subjects=completeness.expected_subjects().filter(code="22"),
        quarters=[Q2],
        today=dt.date(2025, 6, 1),
        data_set=sport,
    ).lines[0]
    assert line.cells[0].status == CellStatus.ON_TIME
    login(client, fed_admin)
    page = client.get(reverse("monitoring:completeness"), {"data_set": "sport", "quarters": 40})
    text = page.content.decode()
    assert (
        page.status_code == 200
        and 'data-figure="deadline_days">30</span>-й день после окончания периода' in text
        and "30.04.2025" in text
    )
    indicator = Indicator.objects.create(code="sport_clubs", name="Дети в секциях", direction="higher")
    response = client.post(
        reverse("monitoring:data_set_edit", args=["sport"]),
        {
            "code": "sport",
            "name": "Спорт и досуг",
            "period_type": "quarter",
            "deadline_days": 20,
            "indicators": [indicator.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    sport.refresh_from_db()
    assert sport.deadline_days == 20
    line = completeness.completeness(
        subjects=completeness.expected_subjects().filter(code="22"),
        quarters=[Q2],
        today=dt.date(2025, 6, 1),
        data_set=sport,
    ).lines[0]
    assert line.cells[0].status == CellStatus.LATE and line.cells[0].deadline == dt.date(2025, 4, 20)
    page = client.get(reverse("monitoring:completeness"), {"data_set": "nope"})
    assert page.status_code == 200 and "Выберите корректный вариант" in page.content.decode()


# ---- the regional passport -------------------------------------------------------------------------


def test_passport_page_and_docx_state_the_share_of_reports_received_and_on_time(client, curator_altai):
    import io

    from docx import Document

    first, second, third, latest = completeness.due_quarters(count=4)
    for as_of, days_after in ((first, 1), (second, 25), (latest, 1)):  # the second is late, the third missing
        moment = dt.datetime.combine(as_of + dt.timedelta(days=days_after), dt.time(9), tzinfo=dt.UTC)
        report("22", as_of, ReportStatus.SUBMITTED, moment)
    login(client, curator_altai)
    page = client.get(reverse("programmes:passport", args=["22"])).content.decode()
    assert "Полнота и своевременность отчётности" in page
    assert 'data-figure="reporting_rates">Получено 3 из 4 (75,0 %), в срок — 2 (50,0 %).' in page
    response = client.get(reverse("programmes:passport_docx", args=["22"]))
    document = Document(io.BytesIO(response.content))
    assert "Полнота и своевременность отчётности" in [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert cells[cells.index("Получено отчётов") + 1] == "3 из 4 (75.0%)"
    assert cells[cells.index("Из них в срок") + 1] == "2 (50.0%)"
    row = f"Отчёт на {third:%d.%m.%Y} (срок {report_deadline(third):%d.%m.%Y})"
    assert cells[cells.index(row) + 1] == "не представлен, срок прошёл"
    second_row = f"Отчёт на {second:%d.%m.%Y} (срок {report_deadline(second):%d.%m.%Y})"
    assert cells[cells.index(second_row) + 1].startswith("с опозданием")


def test_day_twenty_is_on_time_and_day_twenty_one_late_everywhere(client, fed_admin, curator_altai):
    """One deadline rule: the completeness table, the region line (page and passport), the page text,
    the report page and the reminders all say 20.07 for the figures «на 01.07»."""
    on_day_20 = report("22", Q3, ReportStatus.SUBMITTED, utc(2025, 7, 20, 9))
    report("59", Q3, ReportStatus.SUBMITTED, utc(2025, 7, 21, 9))
    today = dt.date(2025, 8, 1)
    data = completeness.completeness(
        subjects=completeness.expected_subjects().filter(code__in=["22", "59"]), quarters=[Q3], today=today
    )
    assert data.deadlines == [dt.date(2025, 7, 20)] == [DataSet.main().deadline_for(Q3)]
    assert {line.subject.code: line.cells[0].status for line in data.lines} == {"22": "on_time", "59": "late"}
    for code, status in (("22", "on_time"), ("59", "late")):
        line = completeness.subject_completeness(subject=subject(code), today=today, count=1)
        assert (line.cells[0].deadline, line.cells[0].status) == (dt.date(2025, 7, 20), status)
    login(client, fed_admin)
    page = client.get(reverse("monitoring:completeness"))
    assert 'data-figure="deadline_days">20</span>' in page.content.decode()
    assert '<span data-figure="example_deadline">20.04</span>' in page.content.decode()
    edit = client.get(on_day_20.get_absolute_url())
    assert edit.context["deadline"] == dt.date(2025, 7, 20)
    # The reminders: a report not sent is reminded about on 21.07, the day after the same deadline.
    on_day_20.delete()
    assert services.report_reminders_send(today=dt.date(2025, 7, 20)) == 0
    assert services.report_reminders_send(today=dt.date(2025, 7, 21)) >= 1
    assert Notification.objects.filter(
        recipient=curator_altai, title__contains="срок 20.07.2025 прошёл"
    ).exists()
