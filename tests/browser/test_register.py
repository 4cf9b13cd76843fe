"""The register in a real browser: list, card, a new child with a duplicate warning, an XLSX import."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from conftest import centre, town
from vyzov.cases import imports
from vyzov.cases.tests.factories import letters, make_child, make_family, place
from vyzov.territories.models import Organization

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def register(demo):
    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    family = make_family(centre("22"), title="Семья Морозовых")
    children = []
    for n, (last, first) in enumerate(
        [
            ("Морозова", "Алиса"),
            ("Морозов", "Кирилл"),
            ("Лебедева", "Вера"),
            ("Соколов", "Артём"),
            ("Кузнецова", "Дарья"),
        ]
    ):
        child = make_child(
            centre("22") if n < 4 else town("22", "Бийск"),
            last_name=last,
            first_name=first,
            middle_name="Игоревна" if last.endswith("а") else "Игоревич",
            birth_date=dt.date(2012 + n, 3, 1 + n),
            family=family if n < 2 else None,
        )
        place(child, home, start=dt.date(2024, 5, 1 + n))
        children.append(child)
    return {"home": home, "children": children, "family": family}


def test_curator_works_with_the_register(page, live_server, register):
    sign_in(page, live_server, "curator_altai")
    page.get_by_role("button", name="Дети и семьи").click()
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Реестр детей").click()
    expect(page.get_by_role("link", name="Морозова Алиса Игоревна")).to_be_visible()
    screenshot(page, "register-list-curator")

    page.get_by_role("link", name="Морозова Алиса Игоревна").click()
    expect(page.get_by_text("Просмотр записан в журнал аудита")).to_be_visible()
    screenshot(page, "register-child-card")

    page.get_by_role("link", name="Семья Морозовых").click()
    expect(page.get_by_role("heading", name="Семья Морозовых")).to_be_visible()
    screenshot(page, "register-family-card")

    page.goto(f"{live_server.url}/register/children/new/")
    page.locator("#id_last_name").fill("морозова")
    page.locator("#id_first_name").fill("АЛИСА")
    page.locator("#id_middle_name").fill("Игоревна")
    page.locator("#id_birth_date").fill("2012-03-01")
    page.locator("#id_sex").select_option("f")
    page.locator("#id_legal_status").select_option("has_parents")
    page.locator("#id_municipality").select_option(label="Барнаул")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Возможные дубли")).to_be_visible()
    screenshot(page, "register-duplicate-warning")


def test_federal_analyst_sees_no_names(page, live_server, register):
    sign_in(page, live_server, "fed_analyst")
    page.goto(f"{live_server.url}/register/children/?subject=22")
    expect(page.get_by_role("link", name="Ребёнок №").first).to_be_visible()
    assert not page.get_by_text("Морозова").count()
    screenshot(page, "register-list-federal-analyst")


def test_import_with_errors_then_valid_rows(page, live_server, register, tmp_path):
    home = register["home"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.title for column in imports.COLUMNS])
    for n in range(3):
        sheet.append(
            [
                f"Импортова{letters(n)}",
                "Нина",
                "",
                "01.02.2016",
                "ж",
                "112-233-445 96" if n == 2 else "",
                "",
                "есть родители (законные представители)",
                "да",
                "нет",
                "Барнаул",
                home.name,
                "временно по заявлению родителей (ст. 155.1 СК РФ)",
                "01.10.2025",
                "Заявление",
                "",
                "",
            ]
        )
    path = tmp_path / "list.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/register/import/")
    page.get_by_label("Файл XLSX").set_input_files(str(path))
    page.get_by_role("button", name="Проверить и загрузить").click()
    expect(page.get_by_text("Ничего не записано")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Неверная контрольная сумма СНИЛС: проверьте номер.")
    ).to_be_visible()
    screenshot(page, "register-import-errors")
    page.get_by_role("button", name="Загрузить только корректные строки (2)").click()
    expect(page.get_by_text("Загружено строк: 2 из 3")).to_be_visible()
