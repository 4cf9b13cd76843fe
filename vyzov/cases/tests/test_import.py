"""XLSX import: every problem reported by row and column in Russian; nothing partial."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import centre, login, subject
from vyzov.cases import imports
from vyzov.cases.models import Child, ImportJob, ImportStatus, Placement

from .factories import letters, make_child, valid_snils

pytestmark = pytest.mark.django_db

HEADER = [column.title for column in imports.COLUMNS]


def row(n: int, home, **overrides):
    values = {
        "last_name": f"Загрузкин{letters(n)}",
        "first_name": "Пётр",
        "middle_name": "Олегович",
        "birth_date": dt.date(2014, 1, 1) + dt.timedelta(days=n),
        "sex": "м",
        "snils": valid_snils(300_000_000 + n),
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
        "goal": "возвращение в кровную семью",
    }
    values.update(overrides)
    return [values[column.key] for column in imports.COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="list.xlsx"):
    return client.post(
        reverse("cases:import_upload"),
        {"subject": subject("22").pk, "file": SimpleUploadedFile(name, data)},
    )


def test_valid_file_is_imported_whole(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    response = upload(client, xlsx([row(n, home_barnaul) for n in range(5)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:import_detail", args=[job.pk]
    )
    assert job.status == ImportStatus.DONE and job.imported_rows == 5 and job.error_count == 0
    children = Child.objects.filter(last_name__startswith="Загрузкин")
    assert children.count() == 5
    child = children.get(last_name="Загрузкина")
    assert child.current_organization == home_barnaul and child.placed_since == dt.date(2025, 9, 1)
    assert child.case.goal == "return_home" and child.placements.get().end_date is None
    assert child.search_name == "загрузкина петр олегович"
    assert set(child.events.values_list("kind", flat=True)) == {"registered", "placement"}
    page = client.get(reverse("cases:import_detail", args=[job.pk])).content.decode()
    assert "Загружено строк: 5" in page


def test_a_file_with_errors_writes_nothing_and_reports_row_and_column(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    rows = [
        row(0, home_barnaul),
        row(1, home_barnaul, snils="112-233-445 96"),
        row(2, home_barnaul, birth_date="31.02.2015"),
        row(3, home_barnaul, municipality="Пермь"),
        row(4, home_barnaul, organization="Несуществующий дом"),
        row(5, home_barnaul, start_date="01.01.2010"),  # before birth
        row(6, home_barnaul, last_name=""),
        row(7, home_barnaul, birth_date=dt.date.today() + dt.timedelta(days=5)),
        row(8, home_barnaul, sex="неизвестно"),
    ]
    upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.NEEDS_DECISION
    assert not Child.objects.filter(last_name__startswith="Загрузкин").exists()
    errors = {(r, c): m for r, c, m in job.errors}
    assert "контрольная сумма" in errors[(3, "СНИЛС")]
    assert "ДД.ММ.ГГГГ" in errors[(4, "Дата рождения")]
    assert "муниципального образования нет" in errors[(5, "Муниципальное образование")]
    assert "не найдена" in errors[(6, "Организация (название или ИНН)")]
    assert "раньше даты рождения" in errors[(7, "Дата помещения")]
    assert "Обязательное поле" in errors[(8, "Фамилия")]
    assert "в будущем" in errors[(9, "Дата рождения")]
    assert "Возможные" in errors[(10, "Пол (м/ж)")]
    assert job.valid_rows == 1

    report = client.get(reverse("cases:import_report", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content)), read_only=True).active
    assert next(iter(sheet.iter_rows(values_only=True))) == ("Строка", "Столбец", "Ошибка")

    response = client.post(reverse("cases:import_accept_valid", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.imported_rows == 1
    assert list(
        Child.objects.filter(last_name__startswith="Загрузкин").values_list("last_name", flat=True)
    ) == ["Загрузкина"]


def test_duplicates_inside_the_file_and_against_the_register_are_reported(
    client, curator_altai, home_barnaul
):
    existing = make_child(
        centre("22"),
        last_name="Загрузкинк",
        first_name="Пётр",
        middle_name="Олегович",
        birth_date=dt.date(2014, 1, 10),
    )
    login(client, curator_altai)
    rows = [row(0, home_barnaul), row(1, home_barnaul, snils=row(0, home_barnaul)[5]), row(9, home_barnaul)]
    upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    messages = " ".join(m for _r, _c, m in job.errors)
    assert "Повторяет строку 2" in messages
    assert f"ребёнок № {existing.pk} уже в реестре" in messages
    assert job.valid_rows == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "пуст"),
        (b"just some text, not a spreadsheet", "не файл XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "защищён паролем"),
        (b"PK\x03\x04broken zip", "повреждён"),
    ],
)
def test_unreadable_files_are_refused_at_once(client, curator_altai, payload, message):
    login(client, curator_altai)
    response = upload(client, payload)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not ImportJob.objects.exists()


def test_zip_that_is_not_a_workbook_is_refused(client, curator_altai):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "привет")
    login(client, curator_altai)
    response = upload(client, buffer.getvalue())
    assert "нет рабочей книги" in str(response.context["form"].errors)


def test_huge_file_is_refused(client, curator_altai, settings, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 1000)
    from vyzov.cases import services

    monkeypatch.setattr(services, "MAX_FILE_BYTES", 1000)
    login(client, curator_altai)
    response = upload(client, b"PK\x03\x04" + b"0" * 5000)
    assert "больше" in str(response.context["form"].errors)
    assert not ImportJob.objects.exists()


def test_too_many_rows_missing_columns_and_empty_body_fail_cleanly(
    client, curator_altai, home_barnaul, monkeypatch
):
    login(client, curator_altai)
    upload(client, xlsx([row(0, home_barnaul)], header=HEADER[:3]))
    job = ImportJob.objects.latest("id")
    assert job.status == ImportStatus.FAILED and "Нет обязательных столбцов" in job.failure
    assert "«Дата рождения»" in job.failure

    upload(client, xlsx([]))
    assert "нет строк с данными" in ImportJob.objects.latest("id").failure

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    upload(client, xlsx([row(n, home_barnaul) for n in range(4)]))
    assert "можно не больше 3" in ImportJob.objects.latest("id").failure
    assert not Child.objects.filter(last_name__startswith="Загрузкин").exists()


def test_columns_may_come_in_any_order_and_excel_dates_work(curator_altai, home_barnaul):
    order = list(reversed(range(len(HEADER))))
    values = row(0, home_barnaul, birth_date=dt.datetime(2014, 5, 5), start_date=dt.datetime(2025, 9, 1))
    data = xlsx([[values[i] for i in order]], header=[HEADER[i] for i in order])
    result = imports.validate_file(data, subject=subject("22"))
    assert not result.errors and result.rows[0].child.birth_date == dt.date(2014, 5, 5)


def test_import_into_another_region_is_refused(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:import_upload"),
        {"subject": subject("59").pk, "file": SimpleUploadedFile("a.xlsx", xlsx([row(0, home_barnaul)]))},
    )
    assert "subject" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_other_region_cannot_see_the_job(client, curator_altai, curator_perm, home_barnaul):
    login(client, curator_altai)
    upload(client, xlsx([row(0, home_barnaul, snils="bad")]))
    job = ImportJob.objects.get()
    login(client, curator_perm)
    assert client.get(reverse("cases:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("cases:import_report", args=[job.pk])).status_code == 404
    assert client.post(reverse("cases:import_accept_valid", args=[job.pk])).status_code == 404


def test_template_has_every_column_and_the_subjects_lists(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    response = client.get(reverse("cases:import_template"), {"subject": "22"})
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert list(next(workbook["Дети"].iter_rows(values_only=True))) == HEADER
    lists = list(workbook["Справочники"].iter_rows(values_only=True))
    assert "Барнаул" in [r[0] for r in lists] and home_barnaul.name in [r[1] for r in lists]
    assert client.get(reverse("cases:import_template"), {"subject": "59"}).status_code == 404


def test_progress_fragment_polls_while_running(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    upload(client, xlsx([row(0, home_barnaul)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATING, total_rows=10, processed_rows=4
    )
    fragment = client.get(
        reverse("cases:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment and "<html" not in fragment


def test_written_rows_keep_the_one_open_placement_rule(curator_altai, home_barnaul):
    data = xlsx([row(n, home_barnaul) for n in range(3)])
    result = imports.validate_file(data, subject=subject("22"))
    imports.write_rows(actor=curator_altai, rows=result.rows)
    assert (
        Placement.objects.filter(end_date__isnull=True, child__last_name__startswith="Загрузкин").count() == 3
    )
