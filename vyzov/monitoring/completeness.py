"""Completeness and timeliness of the quarterly reporting, as DHIS2 counts them.

For every subject expected to report and every quarter whose period has ended: was the report
received (submitted or accepted), and was it received on time — by the reporting deadline. One
function says when a quarter's deadline is (`report_deadline`, which is the data set's
`DataSet.deadline_for`: the one rule, also used by the reminders, the regional passport and the report
page) and one says who is expected to report (`expected_subjects`). Every table is of one data set
and counts only its reports against its deadline; without a data set named, it is the programme's
main quarterly data set (20 days by default: 20.04 for 01.04).

A report is «received» while it is with the federal team or accepted; a draft or a report returned
for rework is not. «On time» compares the moment of the (last) submission, as a date in the
subject's time zone, with the deadline; a report accepted without a recorded submission (loaded
from the programme's materials) is received with its time unknown.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from vyzov.accounts.access import Perm, scope
from vyzov.territories.models import Subject

from .models import DataSet, QuarterReport, ReportStatus, previous_quarter
from .reference import BASELINE_DATE

RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def report_deadline(as_of: dt.date, *, data_set: DataSet | None = None) -> dt.date:
    """The last day to submit the figures «на as_of»: the data set's deadline (`DataSet.deadline_for`),
    of the main quarterly data set when none is given."""
    return (data_set or DataSet.main()).deadline_for(as_of)


def reporting_start() -> dt.date:
    """The first quarter the regions report through the system (the programme's baseline date)."""
    configured = getattr(settings, "VYZOV_REPORTING_START", "")
    return dt.date.fromisoformat(configured) if configured else BASELINE_DATE


def expected_subjects() -> QuerySet[Subject]:
    """Who is expected to report each quarter: every subject of the Federation."""
    return Subject.objects.all()


def due_quarters(*, today: dt.date | None = None, count: int | None = None) -> list[dt.date]:
    """Quarter dates from the reporting start whose period has ended (the latest last); the last
    `count` of them when given."""
    today = today or timezone.localdate()
    latest = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    start = reporting_start()
    dates = []
    current = latest
    while current >= start and (count is None or len(dates) < count):
        dates.append(current)
        current = previous_quarter(current)
    return sorted(dates)


class CellStatus:
    ON_TIME = "on_time"
    LATE = "late"  # received after the deadline
    UNKNOWN_TIME = "unknown_time"  # received, the moment of submission not recorded
    OVERDUE = "overdue"  # not received, the deadline has passed
    PENDING = "pending"  # not received, the deadline has not come yet

    LABELS = {
        ON_TIME: "в срок",
        LATE: "с опозданием",
        UNKNOWN_TIME: "получен (дата не записана)",
        OVERDUE: "не представлен, срок прошёл",
        PENDING: "срок не наступил",
    }


@dataclass(frozen=True)
class Cell:
    as_of: dt.date
    deadline: dt.date
    status: str
    report_status: str | None
    submitted_on: dt.date | None

    @property
    def label(self) -> str:
        return CellStatus.LABELS[self.status]

    @property
    def received(self) -> bool:
        return self.status in (CellStatus.ON_TIME, CellStatus.LATE, CellStatus.UNKNOWN_TIME)


@dataclass
class Rate:
    """Counts for one quarter or one subject: expected forms, received, received on time."""

    expected: int = 0
    received: int = 0
    on_time: int = 0
    overdue: int = 0

    def add(self, cell: Cell) -> None:
        if cell.status == CellStatus.PENDING:
            return  # not yet expected: the deadline has not come
        self.expected += 1
        self.received += cell.received
        self.on_time += cell.status == CellStatus.ON_TIME
        self.overdue += cell.status == CellStatus.OVERDUE

    @property
    def completeness(self) -> float | None:
        return 100 * self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return 100 * self.on_time / self.expected if self.expected else None


@dataclass
class SubjectLine:
    subject: Subject
    cells: list[Cell]
    rate: Rate = field(default_factory=Rate)


@dataclass
class Completeness:
    quarters: list[dt.date]
    deadlines: list[dt.date]
    lines: list[SubjectLine]
    by_quarter: list[Rate]
    total: Rate
    data_set: DataSet | None = None

    @property
    def summary_rows(self) -> list[tuple[dt.date, dt.date, Rate]]:
        """(quarter, deadline, rate), the latest quarter first."""
        return list(zip(self.quarters, self.deadlines, self.by_quarter, strict=True))[::-1]

    def latest_overdue(self) -> tuple[dt.date | None, list[Subject]]:
        """The latest quarter whose deadline has passed, and the subjects still owing its report."""
        for index in range(len(self.quarters) - 1, -1, -1):
            if self.by_quarter[index].expected:
                as_of = self.quarters[index]
                return as_of, self.late_in(as_of)
        return None, []

    def late_in(self, as_of: dt.date) -> list[Subject]:
        """Subjects whose report for `as_of` is overdue."""
        index = self.quarters.index(as_of)
        return [line.subject for line in self.lines if line.cells[index].status == CellStatus.OVERDUE]


def _local_date(moment: dt.datetime, zone_name: str) -> dt.date:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(moment, zone).date()


def cell_for(
    *,
    as_of: dt.date,
    report_status: str | None,
    submitted_at: dt.datetime | None,
    zone: str,
    today: dt.date,
    data_set: DataSet | None = None,
) -> Cell:
    """The one rule of a (subject, quarter) cell."""
    deadline = report_deadline(as_of, data_set=data_set)  # pass the data set: no query per cell
    submitted_on = _local_date(submitted_at, zone) if submitted_at else None
    if report_status in RECEIVED:
        if submitted_on is None:
            status = CellStatus.UNKNOWN_TIME
        else:
            status = CellStatus.ON_TIME if submitted_on <= deadline else CellStatus.LATE
    else:
        status = CellStatus.OVERDUE if today > deadline else CellStatus.PENDING
    return Cell(as_of, deadline, status, report_status, submitted_on)


def completeness(
    *,
    subjects: QuerySet[Subject],
    quarters: list[dt.date],
    today: dt.date | None = None,
    data_set: DataSet | None = None,
) -> Completeness:
    """The table of subjects × quarters with the rates per quarter, per subject and in total (three
    queries whatever the size): only the reports of `data_set` (the main one when not given), against
    its deadline."""
    data_set = data_set or DataSet.main()
    subjects = list(subjects.select_related("district").order_by("name"))
    reports_qs = QuarterReport.objects.filter(
        subject__in=[subject.pk for subject in subjects], as_of__in=quarters, data_set=data_set
    )
    reports = {
        (subject_id, as_of): (status, submitted_at)
        for subject_id, as_of, status, submitted_at in reports_qs.values_list(
            "subject_id", "as_of", "status", "submitted_at"
        )
    }
    return _table(subjects, quarters, reports, today or timezone.localdate(), data_set)


def _table(
    subjects: list[Subject],
    quarters: list[dt.date],
    reports: dict,
    today: dt.date,
    data_set: DataSet,
) -> Completeness:
    by_quarter = [Rate() for _ in quarters]
    total = Rate()
    lines = []
    for subject in subjects:
        line = SubjectLine(subject, [])
        for index, as_of in enumerate(quarters):
            status, submitted_at = reports.get((subject.pk, as_of), (None, None))
            cell = cell_for(
                as_of=as_of,
                report_status=status,
                submitted_at=submitted_at,
                zone=subject.timezone,
                today=today,
                data_set=data_set,
            )
            line.cells.append(cell)
            line.rate.add(cell)
            by_quarter[index].add(cell)
            total.add(cell)
        lines.append(line)
    return Completeness(
        quarters=quarters,
        deadlines=[report_deadline(as_of, data_set=data_set) for as_of in quarters],
        lines=lines,
        by_quarter=by_quarter,
        total=total,
        data_set=data_set,
    )


def overdue_reports(
    *, today: dt.date | None = None, data_set: DataSet | None = None
) -> list[tuple[Subject, dt.date]]:
    """(subject, quarter) pairs whose report (of the data set, the main one by default) is overdue,
    over every due quarter."""
    today = today or timezone.localdate()
    data = completeness(
        subjects=expected_subjects(), quarters=due_quarters(today=today), today=today, data_set=data_set
    )
    return [
        (line.subject, cell.as_of)
        for line in data.lines
        for cell in line.cells
        if cell.status == CellStatus.OVERDUE
    ]


def completeness_for(
    *, actor, count: int = 4, today: dt.date | None = None, data_set: DataSet | None = None
) -> Completeness:
    """The completeness table of the subjects the actor may see, for the last `count` due quarters
    (of one data set, against its deadline, when given)."""
    today = today or timezone.localdate()
    return completeness(
        subjects=scope(actor, expected_subjects(), Perm.MONITORING_VIEW),
        quarters=due_quarters(today=today, count=count),
        today=today,
        data_set=data_set,
    )


def subject_completeness(
    *,
    subject: Subject,
    count: int = 4,
    today: dt.date | None = None,
    latest_reports: list[QuarterReport] | None = None,
    latest_limit: int = 0,
) -> SubjectLine:
    """One subject's line (for the region page and the regional passport; the caller has checked access).

    `latest_reports` — the subject's latest reports the page has read anyway (at most `latest_limit`,
    newest first): used instead of a query when they surely hold every due quarter. The main data
    set's reports and deadline, as on the situational centre."""
    today = today or timezone.localdate()
    quarters = due_quarters(today=today, count=count)
    data_set = DataSet.main()
    if latest_reports is not None and (
        len(latest_reports) < latest_limit or (latest_reports and latest_reports[-1].as_of <= quarters[0])
    ):
        reports = {
            (subject.pk, report.as_of): (report.status, report.submitted_at)
            for report in latest_reports
            if report.subject_id == subject.pk and report.data_set_id == data_set.pk
        }
        return _table([subject], quarters, reports, today, data_set).lines[0]
    return completeness(
        subjects=Subject.objects.filter(pk=subject.pk), quarters=quarters, today=today, data_set=data_set
    ).lines[0]
