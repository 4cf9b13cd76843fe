"""Hostile and broken files against every import and upload endpoint.

Each file is built in code. Pass = no 5xx, a Russian message, nothing written, and an import job
(if one was created) has ended — never left «running».
"""

from __future__ import annotations

import datetime as dt
import re
import time
import tracemalloc
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login, subject
from vyzov.cases import imports as case_imports
from vyzov.cases.models import Child, ImportJob, ImportStatus
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import Level
from vyzov.core.xlsx import TableColumn, XlsxFileError, XlsxTable
from vyzov.monitoring import imports as figure_imports
from vyzov.monitoring import reference
from vyzov.monitoring.models import Figure, FigureImportJob
from vyzov.programmes import services as programme_services
from vyzov.programmes.models import Measure
from vyzov.support.models import MethodDocument

from . import xlsx_builders as build

pytestmark = pytest.mark.django_db

CASES_HEADER = [column.title for column in case_imports.COLUMNS]
FIGURES_HEADER = list(figure_imports.COLUMNS)
CYRILLIC = re.compile(r"[А-Яа-яЁё]{4,}")


def case_row(home, **overrides):
    values = {
        "last_name": "Враждебнова",
        "first_name": "Анна",
        "middle_name": "",
        "birth_date": "12.05.2015",
        "sex": "ж",
        "snils": "",
        "birth_certificate": "",
        "legal_status": "есть родители (законные представители)",
        "has_living_parents": "да",
        "disability": "нет",
        "municipality": "Барнаул",
        "organization": home.name,
        "placement_kind": "временно по заявлению родителей (ст. 155.1 СК РФ)",
        "start_date": "01.09.2025",
        "basis": "Заявление матери",
        "planned_end_date": "",
        "goal": "",
    } | overrides
    return [values[column.key] for column in case_imports.COLUMNS]


def figure_row(**overrides):
    values = {
        "Код субъекта": "59",
        "Отчётная дата": "01.10.2025",
        "Код показателя": "children_in_institutions",
        "Муниципалитет": "",
        "Значение": 1500,
        "Комментарий": "",
    } | overrides
    return [values[title] for title in FIGURES_HEADER]


def hostile_files(header, good_row, row_with):
    """(name, bytes) of every hostile kind for one table format."""
    return [
        ("empty", b""),
        ("not a spreadsheet", b"just some text, not a spreadsheet"),
        ("encrypted (OLE)", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("encrypted (zip flag)", build.encrypted_zip(header)),
        ("truncated", build.truncated(header, [good_row] * 50)),
        ("zip bomb", build.zip_bomb(header)),
        ("entity bomb in sheet", build.entity_bomb_in_sheet(header)),
        ("entity bomb in shared strings", build.entity_bomb_in_shared_strings(header)),
        ("malformed xml", build.malformed(header)),
        ("row bomb", build.row_bomb(header, 1_000_000, good_row)),
        ("many rows", build.table(header, [[1]] * 60_000, compression=0)),
        ("formula", build.table(header, [row_with(0, '=HYPERLINK("http://x","y")')])),
        ("macro", build.with_macro(header, [good_row])),
        ("missing headers", build.table(header[:2], [good_row[:2]])),
        ("wrong headers", build.table(["Что-то", "Другое"], [["a", "b"]])),
        ("only header", build.table(header, [])),
        ("control characters", build.table(header, [row_with(0, "Анна\u202e\u200bтест\x07")])),
        ("long text", build.table(header, [row_with(0, "Я" * 10_000)])),
    ]


def assert_refused(response):
    assert response.status_code < 500
    assert CYRILLIC.search(response.content.decode()), "the answer must say why, in Russian"


# ---- the register import (a background job) ----------------------------------------------------


def _case_files(home):
    good = case_row(home)

    def row_with(index, value):
        values = list(good)
        values[index] = value
        return values

    files = hostile_files(CASES_HEADER, good, row_with)
    files += [
        (f"birth date {year}", build.table(CASES_HEADER, [case_row(home, birth_date=f"01.01.{year}")]))
        for year in ("0001", "1800", "2100")
    ]
    files.append(("comma decimal", build.table(CASES_HEADER, [case_row(home, sex="1,5")])))
    return files


def test_register_import_refuses_every_hostile_file(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    before = Child.objects.count()
    for name, data in _case_files(home_barnaul):
        started = time.monotonic()
        response = client.post(
            reverse("cases:import_upload"),
            {"subject": subject("22").pk, "file": SimpleUploadedFile("list.xlsx", data)},
            follow=True,
        )
        assert time.monotonic() - started < 15, name
        assert_refused(response)
        if not data:  # an empty file is named so, not taken for a missing one («Выберите файл»)
            assert "Файл пустой" in response.content.decode()
        assert Child.objects.count() == before, name
        job = ImportJob.objects.order_by("-pk").first()
        if job is not None:
            assert not job.is_running, name
    assert not ImportJob.objects.filter(status=ImportStatus.DONE).exists()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("entity bomb in sheet", "XML-сущности"),
        ("entity bomb in shared strings", "XML-сущности"),
        ("malformed xml", "повреждён"),
        ("row bomb", "слишком большой объём"),
        ("many rows", "не больше 20000"),
        ("macro", "макросами"),
        ("encrypted (zip flag)", "зашифрован"),
        ("zip bomb", "слишком большой объём"),
    ],
)
def test_register_import_job_ends_failed_with_the_reason(client, curator_altai, home_barnaul, kind, message):
    files = dict(_case_files(home_barnaul))
    job = ImportJob.objects.create(
        subject=subject("22"), original_name="x.xlsx", created_by=curator_altai, updated_by=curator_altai
    )
    job.file.save("hostile.xlsx", SimpleUploadedFile("x.xlsx", files[kind]), save=True)
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert message in job.failure


def test_formula_cells_are_named_not_read_as_empty(curator_altai, home_barnaul):
    values = case_row(home_barnaul, last_name='=HYPERLINK("http://x","y")')
    result = case_imports.validate_file(build.table(CASES_HEADER, [values]), subject=subject("22"))
    assert (2, "Фамилия", "Формулы не допускаются, вставьте значение.") in result.errors
    assert not result.rows


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("last_name", "Анна\x85Мария"),  # NEL: a control character that str.split() took for a space
        ("first_name", "\u200b\u200b"),
        ("middle_name", "Иван\u202eович"),
        ("last_name", "<script>alert(1)</script>"),
        ("basis", "Заявление\u2066матери"),
    ],
)
def test_register_import_names_hostile_text_instead_of_cleaning_it(curator_altai, home_barnaul, key, value):
    result = case_imports.validate_file(
        build.table(CASES_HEADER, [case_row(home_barnaul, **{key: value})]), subject=subject("22")
    )
    title = case_imports.COLUMN_TITLES[key]
    assert [text for _row, column, text in result.errors if column == title], result.errors
    assert not result.rows


def test_any_exception_ends_the_job_as_failed(curator_altai, home_barnaul, monkeypatch):
    job = ImportJob.objects.create(
        subject=subject("22"), original_name="x.xlsx", created_by=curator_altai, updated_by=curator_altai
    )
    job.file.save(
        "ok.xlsx", SimpleUploadedFile("x.xlsx", build.table(CASES_HEADER, [case_row(home_barnaul)]))
    )

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(case_imports, "_Directory", explode)
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "внутренней ошибки" in job.failure


def test_a_job_past_its_time_limit_is_stopped(curator_altai, home_barnaul, settings):
    settings.IMPORT_JOB_TIME_LIMIT = 0
    job = ImportJob.objects.create(
        subject=subject("22"), original_name="x.xlsx", created_by=curator_altai, updated_by=curator_altai
    )
    rows = [case_row(home_barnaul, last_name=f"Долгова{'а' * (n % 7)}") for n in range(300)]
    job.file.save("slow.xlsx", SimpleUploadedFile("x.xlsx", build.table(CASES_HEADER, rows)))
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "остановлена" in job.failure
    assert not Child.objects.filter(last_name__startswith="Долгова").exists()


def test_the_watchdog_fails_jobs_left_in_flight_and_the_page_stops_polling(client, curator_altai, settings):
    settings.IMPORT_JOB_TIME_LIMIT = 60
    job = ImportJob.objects.create(
        subject=subject("22"),
        original_name="x.xlsx",
        status=ImportStatus.VALIDATING,
        created_by=curator_altai,
        updated_by=curator_altai,
    )
    fresh = ImportJob.objects.create(
        subject=subject("22"),
        original_name="y.xlsx",
        status=ImportStatus.VALIDATING,
        created_by=curator_altai,
        updated_by=curator_altai,
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(minutes=5))
    login(client, curator_altai)
    fragment = client.get(
        reverse("cases:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "не завершилась вовремя" in job.failure
    assert "hx-trigger" not in fragment and "не завершилась вовремя" in fragment
    assert fresh.status == ImportStatus.VALIDATING  # a job within its limit is left alone
    # …and the job is not run afterwards by a late worker.
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


class _Clock:
    """time.monotonic that a test can move forward (the job's own deadline, without sleeping)."""

    def __init__(self):
        self.offset = 0.0

    def monotonic(self):
        return time.monotonic() + self.offset


def _case_job(actor, home, rows=3):
    job = ImportJob.objects.create(
        subject=subject("22"), original_name="x.xlsx", created_by=actor, updated_by=actor
    )
    data = build.table(CASES_HEADER, [case_row(home, last_name=f"Поздняя{'я' * n}") for n in range(rows)])
    job.file.save("late.xlsx", SimpleUploadedFile("x.xlsx", data))
    return job


def test_a_job_the_watchdog_failed_while_it_wrote_writes_nothing(curator_altai, home_barnaul, monkeypatch):
    """The watchdog (another process) fails the job as the worker starts writing: the rows the worker
    goes on to write are rolled back and the job stays failed — its page said «ничего не записано»."""
    job = _case_job(curator_altai, home_barnaul)
    save_if_still = case_imports._save_if_still

    def failed_by_the_watchdog_once_importing(job_, status):
        saved = save_if_still(job_, status)
        if saved and job_.status == ImportStatus.IMPORTING:
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, failure=case_imports.STALE_JOB_MESSAGE
            )
        return saved

    monkeypatch.setattr(case_imports, "_save_if_still", failed_by_the_watchdog_once_importing)
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "Ничего не записано" in job.failure
    assert not Child.objects.filter(last_name__startswith="Поздняя").exists()


def test_a_job_failed_while_it_was_checked_stays_failed(curator_altai, home_barnaul, monkeypatch):
    job = _case_job(curator_altai, home_barnaul)
    validate_file = case_imports.validate_file

    def checked_then_failed_by_the_watchdog(*args, **kwargs):
        result = validate_file(*args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=case_imports.STALE_JOB_MESSAGE
        )
        return result

    monkeypatch.setattr(case_imports, "validate_file", checked_then_failed_by_the_watchdog)
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Child.objects.filter(last_name__startswith="Поздняя").exists()


def test_writing_past_the_time_limit_is_rolled_back(curator_altai, home_barnaul, monkeypatch, settings):
    settings.IMPORT_JOB_TIME_LIMIT = 60
    job = _case_job(curator_altai, home_barnaul)
    clock = _Clock()
    monkeypatch.setattr(case_imports, "time", clock)
    write_rows = case_imports.write_rows

    def slow_write(**kwargs):
        count = write_rows(**kwargs)
        clock.offset += 61
        return count

    monkeypatch.setattr(case_imports, "write_rows", slow_write)
    case_imports.run_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "остановлена" in job.failure and job.imported_rows == 0
    assert not Child.objects.filter(last_name__startswith="Поздняя").exists()


def test_fail_stale_jobs_command(curator_altai, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.IMPORT_JOB_TIME_LIMIT = 1
    job = ImportJob.objects.create(
        subject=subject("22"), original_name="x.xlsx", created_by=curator_altai, updated_by=curator_altai
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("fail_stale_jobs", stdout=out)
    assert "1" in out.getvalue()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED


# ---- the monitoring import ----------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    reference.load_all()


def _figure_files():
    good = figure_row()

    def row_with(index, value):
        values = list(good)
        values[index] = value
        return values

    files = hostile_files(FIGURES_HEADER, good, row_with)
    files += [
        (f"date {year}", build.table(FIGURES_HEADER, [figure_row(**{"Отчётная дата": f"01.01.{year}"})]))
        for year in ("0001", "1800", "2100")
    ]
    files += [
        ("comma decimal", build.table(FIGURES_HEADER, [figure_row(Значение="1,5")])),
        ("exponent", build.table(FIGURES_HEADER, [figure_row(Значение="1e3")])),
        ("long comment", build.table(FIGURES_HEADER, [figure_row(Комментарий="к" * 10_000)])),
        ("duplicate keys", build.table(FIGURES_HEADER, [figure_row(Значение=1), figure_row(Значение=2)])),
    ]
    return files


def test_monitoring_import_refuses_every_hostile_file(client, catalogue, specialist_perm):
    login(client, specialist_perm)
    for name, data in _figure_files():
        started = time.monotonic()
        response = client.post(
            reverse("monitoring:figure_import"),
            {"file": SimpleUploadedFile("figures.xlsx", data)},
            follow=True,
        )
        assert time.monotonic() - started < 15, name
        assert_refused(response)
        if data:
            assert "Ничего не записано" in response.content.decode(), name
        else:
            assert "Файл пустой" in response.content.decode()
        assert not Figure.objects.exists(), name
    assert not [job for job in FigureImportJob.objects.all() if job.is_running]
    assert not FigureImportJob.objects.filter(status=ImportStatus.DONE).exists()


def test_monitoring_import_runs_as_a_job_seen_by_its_author_only(
    client, catalogue, specialist_perm, curator_perm
):
    login(client, specialist_perm)
    data = build.table(FIGURES_HEADER, [figure_row(), figure_row(Муниципалитет="Пермь", Значение=700)])
    response = client.post(reverse("monitoring:figure_import"), {"file": SimpleUploadedFile("f.xlsx", data)})
    job = FigureImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "monitoring:figure_import_detail", args=[job.pk]
    )
    assert job.status == ImportStatus.DONE and job.imported_rows == 2
    assert Figure.objects.count() == 2
    page = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "Загружено строк: 2" in page and "hx-trigger" not in page
    bad = build.table(FIGURES_HEADER, [figure_row(Значение="1e3")])
    client.post(reverse("monitoring:figure_import"), {"file": SimpleUploadedFile("f.xlsx", bad)})
    failed = FigureImportJob.objects.latest("pk")
    assert failed.status == ImportStatus.FAILED and failed.errors[0][1] == "Значение"
    report = client.get(reverse("monitoring:figure_import_report", args=[failed.pk]))
    assert report.status_code == 200
    login(client, curator_perm)
    assert client.get(reverse("monitoring:figure_import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("monitoring:figure_import_report", args=[failed.pk])).status_code == 404


def test_stale_figure_jobs_are_failed(catalogue, specialist_perm, settings):
    settings.IMPORT_JOB_TIME_LIMIT = 60
    job = FigureImportJob.objects.create(
        original_name="x.xlsx",
        status=ImportStatus.VALIDATING,
        created_by=specialist_perm,
        updated_by=specialist_perm,
    )
    FigureImportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(minutes=5))
    assert figure_imports.fail_stale_figure_jobs() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "не завершилась вовремя" in job.failure


def _figure_job(actor):
    job = FigureImportJob.objects.create(original_name="f.xlsx", created_by=actor, updated_by=actor)
    data = build.table(FIGURES_HEADER, [figure_row(), figure_row(Муниципалитет="Пермь", Значение=700)])
    job.file.save("f.xlsx", SimpleUploadedFile("f.xlsx", data))
    return job


def test_a_figure_job_the_watchdog_failed_before_it_wrote_writes_nothing(
    catalogue, specialist_perm, monkeypatch
):
    from vyzov.monitoring import services as monitoring_services

    job = _figure_job(specialist_perm)
    report_for = monitoring_services.report_for

    def checked_then_failed_by_the_watchdog(**kwargs):
        FigureImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=case_imports.STALE_JOB_MESSAGE
        )
        return report_for(**kwargs)

    monkeypatch.setattr(monitoring_services, "report_for", checked_then_failed_by_the_watchdog)
    figure_imports.run_figure_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "Ничего не записано" in job.failure
    assert not Figure.objects.exists()


def test_figures_written_past_the_time_limit_are_rolled_back(
    catalogue, specialist_perm, monkeypatch, settings
):
    from vyzov.monitoring import services as monitoring_services

    settings.IMPORT_JOB_TIME_LIMIT = 60
    job = _figure_job(specialist_perm)
    clock = _Clock()
    monkeypatch.setattr(figure_imports, "time", clock)
    figures_enter = monitoring_services.figures_enter

    def slow_enter(**kwargs):
        result = figures_enter(**kwargs)
        clock.offset += 61
        return result

    monkeypatch.setattr(monitoring_services, "figures_enter", slow_enter)
    figure_imports.run_figure_import_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "остановлена" in job.failure
    assert "Ничего не записано" in job.failure
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("rows", "column", "message"),
    [
        ([figure_row(**{"Отчётная дата": "01.01.0001"})], "Отчётная дата", "2015"),
        ([figure_row(**{"Отчётная дата": "01.01.1800"})], "Отчётная дата", "2015"),
        ([figure_row(**{"Отчётная дата": "01.01.2100"})], "Отчётная дата", "2015"),
        ([figure_row(Значение="1e3")], "Значение", "целое число"),
        ([figure_row(Значение="1,5")], "Значение", "целое число"),
        ([figure_row(Комментарий="к" * 501)], "Комментарий", "Не длиннее 500"),
        ([figure_row(Значение="=1+1")], "Значение", "Формулы не допускаются"),
        ([figure_row(Комментарий="Рост\u202e")], "Комментарий", "направления текста"),
        ([figure_row(Комментарий="\u200b")], "Комментарий", "нулевой ширины"),
        ([figure_row(Комментарий="Рост\x85")], "Комментарий", "U+0085"),
        ([figure_row(Значение=1), figure_row(Значение=2)], "Код показателя", "Повторяет строку 2"),
    ],
)
def test_monitoring_import_names_the_field(catalogue, specialist_perm, rows, column, message):
    with pytest.raises(figure_imports.FigureImportError) as caught:
        figure_imports.import_figures(actor=specialist_perm, data=build.table(FIGURES_HEADER, rows))
    assert any(c == column and message in text for _row, c, text in caught.value.errors), caught.value.errors
    assert not Figure.objects.exists()


def test_monitoring_import_still_accepts_spaces_in_numbers(catalogue, specialist_perm):
    data = build.table(FIGURES_HEADER, [figure_row(Значение="1 500")])
    assert figure_imports.import_figures(actor=specialist_perm, data=data) == 1
    assert Figure.objects.get().value == 1500


# ---- the shared reader: fast and bounded ---------------------------------------------------------


def test_row_bomb_is_refused_in_seconds_and_bounded_memory():
    header = ["Имя"]
    columns = [TableColumn("name", "Имя", True)]
    for data in (
        build.row_bomb(header, 1_000_000, ["Анна"]),
        build.table(header, [["Анна"]] * 100_000, compression=0),
    ):
        started = time.monotonic()
        with pytest.raises(XlsxFileError, match=r"слишком большой объём|не больше"):
            XlsxTable(data, columns=columns, max_bytes=10 * 1024 * 1024, max_rows=20_000)
        assert time.monotonic() - started < 8  # ~3 s for the uncompressed one on a busy machine
        tracemalloc.start()
        with pytest.raises(XlsxFileError):
            XlsxTable(data, columns=columns, max_bytes=10 * 1024 * 1024, max_rows=20_000)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 50 * 1024 * 1024


def test_entity_bombs_are_refused_fast():
    columns = [TableColumn("name", "Имя", True)]
    for data in (build.entity_bomb_in_sheet(["Имя"]), build.entity_bomb_in_shared_strings(["Имя"])):
        started = time.monotonic()
        with (
            pytest.raises(XlsxFileError, match="XML-сущности"),
            XlsxTable(data, columns=columns, max_bytes=1024 * 1024, max_rows=100) as table,
        ):
            list(table.rows())
        assert time.monotonic() - started < 2


# ---- the templates the system writes -------------------------------------------------------------


def test_register_template_carries_no_live_formula(client, curator_altai):
    from openpyxl import load_workbook

    from conftest import make_org

    make_org('=HYPERLINK("http://evil.example","нажми")', subject_=subject("22"))
    login(client, curator_altai)
    response = client.get(reverse("cases:import_template"), {"subject": "22"})
    workbook = load_workbook(__import__("io").BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert any(str(cell.value).startswith("'=HYPERLINK") for cell in cells)


# ---- uploads: consilium protocol, programme evidence, support library, contest files --------------


def _measure(curator_altai):
    programme = programme_services.programme_create(
        actor=curator_altai, subject=subject("22"), title="Программа", start_year=2025, end_year=2026
    )
    return programme_services.measure_add(
        actor=curator_altai,
        direction=programme.directions.get(number=1),
        data={
            "title": "Мероприятие",
            "responsible": "Министерство",
            "deadline": dt.date(2026, 6, 1),
            "budget": Decimal(1000),
        },
    )


UPLOAD_FILES = [
    ("empty.pdf", b"", "Файл пустой"),
    ("fake.pdf", b"<script>alert(1)</script>", "не соответствует"),
    ("setup.exe", b"MZ\x90\x00", "Допустимые форматы|PDF"),
]


def test_consilium_protocol_upload(client, fed_admin, django_capture_on_commit_callbacks):
    consilium = consilium_services.consilium_create(
        actor=fed_admin, data={"title": "Консилиум", "level": Level.REGIONAL, "subject": subject("22")}
    )
    meeting = consilium_services.meeting_create(actor=fed_admin, consilium=consilium, date=dt.date.today())
    login(client, fed_admin)
    url = reverse("consilium:protocol_upload", args=[meeting.pk])
    for name, data, message in UPLOAD_FILES:
        response = client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)
        assert_refused(response)
        assert re.search(message, response.content.decode()), name
        meeting.refresh_from_db()
        assert not meeting.signed_protocol
    # Replacing the protocol deletes the old file once the new one is committed: nothing orphaned.
    client.post(url, {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.7 first")})
    meeting.refresh_from_db()
    first = meeting.signed_protocol.name
    storage = meeting.signed_protocol.storage
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.7 second")})
    meeting.refresh_from_db()
    assert meeting.signed_protocol.name != first
    assert storage.exists(meeting.signed_protocol.name) and not storage.exists(first)


def test_programme_evidence_upload(client, curator_altai, django_capture_on_commit_callbacks):
    measure = _measure(curator_altai)
    login(client, curator_altai)
    url = reverse("programmes:measure_evidence", args=[measure.pk])
    for name, data, message in UPLOAD_FILES:
        response = client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)
        assert_refused(response)
        assert re.search(message, response.content.decode()), name
        assert not Measure.objects.get(pk=measure.pk).evidence
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.measure_evidence_attach(
            actor=curator_altai, measure=measure, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4 one")
        )
    first = Measure.objects.get(pk=measure.pk).evidence
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.measure_evidence_attach(
            actor=curator_altai,
            measure=Measure.objects.get(pk=measure.pk),
            uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4 two"),
        )
    second = Measure.objects.get(pk=measure.pk).evidence
    assert second.name != first.name
    assert second.storage.exists(second.name) and not first.storage.exists(first.name)


def test_support_library_upload_page(client, curator_altai, curator_perm, analyst):
    login(client, curator_altai)
    url = reverse("support:library_upload")
    assert 'href="/support/library/upload/"' in client.get(reverse("support:library")).content.decode()
    for name, data, message in UPLOAD_FILES:
        response = client.post(
            url, {"title": "Методичка", "subject": subject("22").pk, "file": SimpleUploadedFile(name, data)}
        )
        assert_refused(response)
        assert re.search(message, response.content.decode()), name
    assert not MethodDocument.objects.exists()
    # A region outside the curator's scope is not offered.
    response = client.post(
        url, {"title": "Чужая", "subject": subject("59").pk, "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert not MethodDocument.objects.exists()
    response = client.post(
        url,
        {
            "title": "Методичка",
            "subject": subject("22").pk,
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        },
    )
    assert response.status_code == 302
    document = MethodDocument.objects.get()
    assert document.subject == subject("22")
    from vyzov.core.models import AuditEntry

    assert AuditEntry.objects.filter(object_id=str(document.pk)).exists()
    # Who may not manage the library gets no page.
    login(client, analyst)
    assert client.get(url).status_code in (403, 404)


def test_oversized_request_is_refused_before_it_is_read(client, curator_altai, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    login(client, curator_altai)
    response = client.post(
        reverse("cases:import_upload"),
        {"subject": subject("22").pk, "file": SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 5000)},
    )
    assert response.status_code == 413
    assert "Файл слишком большой" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_too_big_form_fields_answer_413_not_500(client, curator_altai, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    login(client, curator_altai)
    response = client.post(reverse("support:library_upload"), {"title": "я" * 1000})
    assert response.status_code == 413


def test_contest_application_files(client, fed_admin, participant_chelyabinsk):
    from conftest import centre
    from vyzov.contests import services as contest_services
    from vyzov.contests.models import ApplicationFile
    from vyzov.contests.tests.test_contests import make_contest

    contest = make_contest(fed_admin)
    application = contest_services.application_create(
        actor=participant_chelyabinsk, contest=contest, municipality=centre("74")
    )
    login(client, participant_chelyabinsk)
    url = reverse("contests:file_add", args=[application.pk])
    for name, data, message in UPLOAD_FILES:
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert_refused(response)
        assert re.search(message, response.content.decode()), name
    assert not ApplicationFile.objects.exists()


def test_practice_files(client, curator_altai):
    from vyzov.practices.models import Practice

    login(client, curator_altai)
    url = reverse("practices:practice_create")
    for name, data, message in UPLOAD_FILES:
        response = client.post(
            url,
            {
                "title": "Практика",
                "subject": subject("22").pk,
                "year": 2025,
                "description": "Описание",
                "file": SimpleUploadedFile(name, data),
            },
        )
        assert_refused(response)
        assert re.search(message, response.content.decode()), name
    assert not Practice.objects.exists()
