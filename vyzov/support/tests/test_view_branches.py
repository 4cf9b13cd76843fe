# ruff: noqa: F811 — the fixtures of test_support are imported by name
"""Branches of the existing support pages that had no test: the methodical library (upload, refusal,
search, download scoped), clubs (list, refused session keeps input), the report's period, the case
list's filters, a plan step done from the card, another service's case-load."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import login, subject
from vyzov.core.models import AuditEntry
from vyzov.support import services
from vyzov.support.models import ClubSession, MethodDocument, PlanStep

from .test_support import barnaul_service, biysk_service, open_case, specialist_of  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n% memo\n"


def test_curator_altai_uploads_a_memo_to_the_library_and_curator_perm_cannot_fetch_it(
    barnaul_service, curator_altai, curator_perm, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(client, curator_altai)
    response = client.post(
        reverse("support:library_upload"),
        {
            "title": "Памятка: риск разлучения",
            "description": "Признаки высокого риска",
            "subject": barnaul_service.organization.subject_id,
            "file": SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = MethodDocument.objects.get()
    assert (
        "Памятка: риск разлучения" in client.get(reverse("support:library"), {"q": "риск"}).content.decode()
    )
    assert "Ничего не найдено" in client.get(reverse("support:library"), {"q": "бюджет"}).content.decode()
    download = client.get(reverse("support:library_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    login(client, curator_perm)
    assert client.get(reverse("support:library_download", args=[document.pk])).status_code == 404


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_stored(curator_altai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match="не соответствует"):
        services.method_document_add(
            actor=curator_altai,
            subject=subject("22"),
            title="Памятка без PDF",
            description="",
            uploaded=SimpleUploadedFile("memo.pdf", b"MZ not a pdf", content_type="application/pdf"),
        )
    assert not MethodDocument.objects.exists() and not list(tmp_path.rglob("*.pdf"))


def test_a_refused_club_session_keeps_what_was_typed(barnaul_service, client):
    _anna, anna = specialist_of(barnaul_service, "anna")
    club = services.club_create(actor=anna, service=barnaul_service, title="Клуб Барнаул", families=[])
    login(client, anna)
    assert "Клуб Барнаул" in client.get(reverse("support:clubs")).content.decode()
    response = client.post(
        reverse("support:club_detail", args=[club.pk]),
        {
            "date": TODAY.strftime("%d.%m.%Y"),
            "topic": "Бюджет семьи",
            "facilitator": "Светлова Ирина",
            "families_attended": "3",
            "children_attended": "2",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Пришло больше семей, чем в клубе (0)" in body and "Бюджет семьи" in body
    assert not ClubSession.objects.exists()


def test_a_report_period_that_ends_before_it_starts_is_refused_in_russian(
    barnaul_service, curator_altai, client
):
    login(client, curator_altai)
    response = client.get(reverse("support:report"), {"date_from": "01.06.2025", "date_to": "01.01.2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Дата окончания раньше даты начала" in body and "01.06.2025" in body
    export = client.get(
        reverse("support:report_export"), {"date_from": "2025-01-01", "date_to": "2025-06-30"}
    )
    assert export["Content-Disposition"].endswith('support-2025-01-01-2025-06-30.xlsx"')
    assert AuditEntry.objects.filter(actor=curator_altai, action="export").exists()


def test_the_case_list_filters_overdue_and_closed_cases(barnaul_service, client):
    anna_record, anna = specialist_of(barnaul_service, "anna")
    overdue = open_case(anna, barnaul_service, anna_record)
    services.step_add(
        actor=anna,
        case=overdue,
        data={
            "goal": "Жильё",
            "action": "Подать документы",
            "responsible": anna_record,
            "due_date": overdue.intake_date,
        },
    )
    calm = open_case(anna, barnaul_service, anna_record)
    closed = open_case(anna, barnaul_service, anna_record)
    services.case_close(actor=anna, case=closed, outcome="other", closed_on=TODAY)
    login(client, anna)

    def listed(**params):
        page = client.get(reverse("support:case_list"), params).content.decode()
        return {case.pk for case in (overdue, calm, closed) if f"/support/cases/{case.pk}/" in page}

    assert listed() == {overdue.pk, calm.pk}
    assert listed(overdue="1") == {overdue.pk}
    assert listed(status="closed") == {closed.pk}
    assert listed(status="all") == {overdue.pk, calm.pk, closed.pk}


def test_anna_marks_a_step_done_and_boris_gets_404(barnaul_service, biysk_service, client):
    anna_record, anna = specialist_of(barnaul_service, "anna")
    case = open_case(anna, barnaul_service, anna_record)
    step = services.step_add(
        actor=anna,
        case=case,
        data={
            "goal": "Школа",
            "action": "Встреча с классным руководителем",
            "responsible": anna_record,
            "due_date": TODAY + dt.timedelta(days=5),
        },
    )
    boris_record, boris = specialist_of(biysk_service, "boris")
    login(client, boris)
    assert client.post(reverse("support:step_done", args=[step.pk])).status_code == 404
    assert client.get(reverse("support:caseload", args=[anna_record.pk])).status_code == 404
    login(client, anna)
    assert client.post(reverse("support:step_done", args=[step.pk])).status_code == 302
    step = PlanStep.objects.get(pk=step.pk)
    assert (step.status, step.done_on) == ("done", TODAY)
    assert client.get(reverse("support:caseload", args=[anna_record.pk])).status_code == 200
    assert boris_record.pk != anna_record.pk
