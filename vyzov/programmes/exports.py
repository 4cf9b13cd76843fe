"""DOCX documents of regional governance: the МРГ meeting minutes and the regional passport. Both are
generated from recorded data; neither carries children's personal data."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from vyzov.core.templatetags.vyzov import money

from .models import WorkingGroupMeeting
from .selectors import Passport, meetings_with_items


def _document(title: str) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(title, level=1)
    return document


def _bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document: DocxDocument, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value


def minutes_docx(*, meeting: WorkingGroupMeeting) -> bytes:
    group = meeting.group
    document = _document(f"Протокол заседания: {group.title}")
    document.add_paragraph(f"Дата: {meeting.date:%d.%m.%Y}. Субъект РФ: {group.subject}.")
    document.add_heading("Состав рабочей группы", level=2)
    for member in group.members.all():
        document.add_paragraph(f"{member.person} — {member.agency}, {member.role}", style="List Bullet")
    document.add_heading("Повестка", level=2)
    document.add_paragraph(meeting.agenda)
    document.add_heading("Решения", level=2)
    # The one selector that attaches action items to decisions, filtered to this meeting.
    current = next((m for m in meetings_with_items(group=group) if m.pk == meeting.pk), meeting)
    decisions = list(current.decisions.all())
    for number, decision in enumerate(decisions, start=1):
        document.add_paragraph(f"{number}. {decision.text}")
        for item in getattr(decision, "items", []):
            executor = f", исполнитель {item.executor}" if item.executor else ""
            document.add_paragraph(
                f"Поручение: {item.what} — {item.organization}{executor}, срок {item.deadline:%d.%m.%Y}",
                style="List Bullet",
            )
    if not decisions:
        document.add_paragraph("Решения не записаны.")
    return _bytes(document)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _reporting(document: DocxDocument, p: Passport) -> None:
    """The same completeness line as the page: the share of expected quarterly reports received and
    received on time, then quarter by quarter (the latest first)."""
    document.add_heading("Полнота и своевременность отчётности", level=2)
    line = p.reporting
    if line is None or not line.cells:
        document.add_paragraph("Отчётные кварталы ещё не наступили.")
        return
    rate = line.rate
    _table(
        document,
        [
            ("Получено отчётов", f"{rate.received} из {rate.expected} ({_percent(rate.completeness)})"),
            ("Из них в срок", f"{rate.on_time} ({_percent(rate.timeliness)})"),
            *[
                (
                    f"Отчёт на {cell.as_of:%d.%m.%Y} (срок {cell.deadline:%d.%m.%Y})",
                    cell.label + (f" ({cell.submitted_on:%d.%m.%Y})" if cell.submitted_on else ""),
                )
                for cell in reversed(line.cells)
            ],
        ],
    )


def _field_work(document, p: Passport) -> None:
    """The curators' field work (counted from the rows) and who must sit on the МРГ, with what is missing."""
    r = p.field_work
    if r is not None:
        document.add_heading("Выездная работа кураторов (по записям системы)", level=2)
        _table(
            document,
            [
                (
                    "Выездов в семьи (с органом опеки / с КДНиЗП)",
                    f"{r.visits} ({r.visits_with_guardianship} / {r.visits_with_kdn})",
                ),
                ("Личных приёмов, принято граждан", f"{r.receptions}, {r.people_received}"),
                ("Детей передано в семьи: в родную / в замещающую", f"{r.placed}: {r.home} / {r.substitute}"),
                ("Случаев на личном контроле сейчас (снято)", f"{r.control_open} ({r.control_closed})"),
            ],
        )
    document.add_heading("Обязательные члены МРГ (002)", level=2)
    _table(
        document,
        [(check.label, "входит" if check.ok else "; ".join(check.missing)) for check in p.mrg_checklist],
    )


def passport_docx(*, passport: Passport) -> bytes:
    p = passport
    document = _document(f"Паспорт региона: {p.subject}")
    document.add_paragraph(f"Федеральный округ: {p.subject.district}.")
    document.add_heading("Дети в организациях для детей-сирот: прогресс к цели", level=2)
    row = p.monitoring
    result = row.progress if row else None
    _table(
        document,
        [
            ("Базовое значение", "—" if result is None else f"{result.baseline:.0f}"),
            ("Цель", "—" if result is None else f"{result.target:.0f}"),
            (
                "Последнее значение",
                "—" if result is None or result.latest is None else f"{result.latest:.0f}",
            ),
            ("Пройдено пути к цели", _percent(result.share_of_way if result else None)),
            ("Состояние", result.status_label if result else "нет данных"),
        ],
    )
    _reporting(document, p)
    document.add_heading("Региональная программа", level=2)
    if p.programme:
        _table(
            document,
            [
                ("Программа", f"{p.programme.title} ({p.programme.start_year}–{p.programme.end_year})"),
                ("Форма", p.programme.get_programme_form_display()),
                ("Показателей", str(p.indicators_total)),
                ("Из них с отставанием", str(p.indicators_lagging)),
                ("Без данных", str(p.indicators_no_data)),
                ("Мероприятий выполнено", f"{p.measures_done} из {p.measures_total}"),
            ],
        )
    else:
        document.add_paragraph("Программа не внесена.")
    document.add_heading("Межведомственная рабочая группа", level=2)
    _table(
        document,
        [
            ("Решений", str(p.decisions)),
            ("Поручений выполнено", str(p.actions_done)),
            ("Поручений просрочено", str(p.actions_overdue)),
            ("Поручений в работе", str(p.actions_open)),
        ],
    )
    for item in p.overdue_items:
        document.add_paragraph(
            f"Просрочено: {item.what} — {item.organization}, срок {item.deadline:%d.%m.%Y}",
            style="List Bullet",
        )
    document.add_heading("Консилиумы, службы, адресная помощь", level=2)
    _table(
        document,
        [
            ("Детей в учреждениях (в реестре)", str(p.children_in_institutions)),
            (
                "Из них рассмотрены консилиумом за 6 месяцев",
                f"{p.reviewed_recently} ({_percent(p.consilium_coverage_percent)})",
            ),
            ("Служб «Дети в семье»", str(p.services)),
            ("Специалистов служб", str(p.specialists)),
            ("Семей на сопровождении", str(p.families_on_support)),
            ("Семей, получивших адресную помощь", str(p.aid_families)),
            ("Одобрено адресной помощи, руб.", money(p.aid_approved)),
        ],
    )
    document.add_heading("Управление", level=2)
    _table(
        document,
        [
            (
                "Региональный куратор",
                f"{p.curator.full_name}, {p.curator.position}" if p.curator else "не назначен",
            ),
            ("Стратегических сессий", str(p.strategic_sessions)),
            ("Инспекций", str(p.inspections)),
            ("Планов трансформации учреждений", str(p.institution_plans)),
        ],
    )
    _field_work(document, p)
    document.add_heading("Документы МРГ, действующие", level=2)
    _table(
        document,
        [
            (
                f"{doc.get_kind_display()}: {doc.title}" + (f" № {doc.number}" if doc.number else ""),
                f"{doc.date:%d.%m.%Y}, {doc.get_approval_way_display()}" if doc.date else "",
            )
            for doc in p.mrg_documents
        ]
        or [("Утверждённых документов в системе нет", "")],
    )
    return _bytes(document)
