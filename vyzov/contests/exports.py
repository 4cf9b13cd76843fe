"""Contest documents: the ranking and the results report as XLSX rows, diplomas as DOCX with a
verification code."""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .models import Award, Contest
from .selectors import CategoryRanking, Report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RANKING_HEADER = [
    "Категория",
    "Место",
    "Участник",
    "Субъект РФ",
    "Итоговый балл",
    "Расхождение экспертов",
    "Награда",
]


def ranking_rows(contest: Contest, groups: list[CategoryRanking], awards) -> Iterator[list]:
    by_application: dict[int, list[str]] = {}
    for award in awards:
        by_application.setdefault(award.application_id, []).append(award.title)
    if contest.is_history:
        for award in awards:
            yield [
                award.category.title if award.category else "",
                award.place,
                award.application.settlement_name,
                award.application.subject.name if award.application.subject_id else "",
                None,
                "",
                award.title,
            ]
        return
    for group in groups:
        for row in group.rows:
            yield [
                group.category.title,
                row.place,
                row.application.settlement_name,
                row.application.subject.name,
                row.final,
                "да" if row.flagged else "",
                "; ".join(by_application.get(row.application.pk, [])),
            ]


def report_rows(r: Report) -> Iterator[list]:
    yield ["Итого", "Участников", r.participants]
    yield ["Итого", "Субъектов РФ", r.subjects]
    yield ["Итого", "Представили отчётные материалы", r.reports_received]
    for name, count in r.by_district:
        yield ["Федеральные округа", name, count]
    for category, participants, reports in r.by_category:
        yield ["Категории: участники", category.title, participants]
        yield ["Категории: отчёты", category.title, reports]
    for name, count in r.by_subject:
        yield ["Субъекты РФ", name, count]
    for name, count in r.leaders:
        yield ["Лидер по числу участников", name, count]
    for category, awards in r.places:
        for award in awards:
            yield [f"Победители: {category.title}", award.application.settlement_name, award.place]
    for award in r.special:
        yield ["Специальные награды и номинации", award.application.settlement_name, award.title]
    yield ["СМИ", "Сообщений о конкурсе", r.media_total]
    yield ["СМИ", "Из них об акции «А у нас во дворе»", r.media_about_action]
    yield ["СМИ", "Субъектов РФ с публикациями", r.media_subjects]
    for name, count in r.media_by_subject:
        yield ["СМИ по субъектам", name, count]


def diploma_docx(*, award: Award, verify_url: str) -> bytes:
    contest = award.contest
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(12)
    for text, size, bold in [
        ("ДИПЛОМ", 28, True),
        (f"{contest.number} {contest.title}".strip(), 14, False),
        (f"{contest.year} год", 12, False),
        ("", 12, False),
        (award.application.settlement_name, 20, True),
        (award.application.subject.name, 12, False),
        ("", 12, False),
        (award.title, 16, True),
    ]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold
    if award.score is not None:
        document.add_paragraph(f"Итоговый балл: {award.score}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = document.add_paragraph(
        f"Код проверки: {award.diploma_code}. Проверить подлинность: {verify_url}"
    )
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.runs[0].font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
