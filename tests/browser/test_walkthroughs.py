"""A working day end to end in the browser, as the demo users: each step asserts what the user sees
afterwards, and no page logs a console error or has a serious axe-core violation. Screenshots of each
step via `make screenshots`."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_family
from vyzov.support.models import Service, Specialist

from . import test_consilium
from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


meeting = test_consilium.meeting  # the fixture: three children over 6 months in care, a planned meeting


def check(page, name):
    assert_accessible(page)
    screenshot(page, f"walk-{name}")


@pytest.fixture
def service(demo):
    user = User.objects.get(username="service_altai")
    service = Service.objects.create(organization=user.grants.get().organization)
    Specialist.objects.create(service=service, user=user, full_name=user.full_name)
    return service


def test_service_specialist_opens_a_case_assesses_plans_and_logs_a_visit(page, live_server, service):
    errors = console_errors(page)
    family = make_family(centre("22"), title="Семья Журавлёвых")
    sign_in(page, live_server, "service_altai")
    page.goto(f"{live_server.url}/support/services/{service.pk}/cases/new/")
    check(page, "support-1-open-form")
    page.get_by_role("searchbox", name="Семья").fill("журавл")
    page.get_by_role("button", name=family.title).click()
    # The specialist is preselected: the case is about their own work.
    page.locator("#id_referral").select_option(index=1)
    page.locator("#id_children_count").fill("2")
    page.get_by_label("Причина").fill("Ребёнок пропускает школу, дома конфликт")
    page.get_by_label("Дата приёма").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    page.wait_for_url("**/support/cases/*/")
    assert "Сопровождение" in page.get_by_role("heading", level=1).inner_text()
    check(page, "support-2-case")

    page.locator("summary", has_text="Оценка потребностей и ресурсов").click()
    assessment = page.locator("form[action$='/assessment/']")
    assessment.get_by_label("Дата оценки").fill(timezone.localdate().isoformat())
    assessment.get_by_label("материальные").check()
    assessment.get_by_label("занятость").check()
    assessment.get_by_label("Уровень риска").select_option(index=1)
    assessment.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Потребности: материальные, занятость")).to_be_visible()  # kept and shown
    check(page, "support-3-assessed")

    page.locator("summary", has_text="Шаг плана").click()
    step = page.locator("form[action$='/steps/']")
    step.locator("[name$='goal']").fill("Ребёнок ходит в школу")
    step.locator("[name$='action']").fill("Встреча с классным руководителем")
    step.locator("[name$='responsible']").select_option(index=1)
    step.locator("[name$='due_date']").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    step.get_by_role("button").last.click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    expect(page.get_by_text("Встреча с классным руководителем").first).to_be_visible()
    check(page, "support-4-planned")

    page.locator("summary", has_text="Запись в журнал").click()
    contact = page.locator("form[action$='/contacts/']")
    contact.locator("[name$='date']").fill(timezone.localdate().isoformat())
    contact.locator("[name$='kind']").select_option(index=1)
    contact.locator("[name$='note']").fill("Визит домой: мама согласна на встречу в школе")
    contact.get_by_label("Специалист").select_option(index=1)  # a Russian label, not «Specialist»
    contact.get_by_role("button").last.click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    expect(page.get_by_text("Визит домой: мама согласна на встречу в школе")).to_be_visible()
    check(page, "support-5-visit")
    assert errors == []


def test_federal_admin_creates_a_user(page, live_server, demo):
    errors = console_errors(page)
    sign_in(page, live_server, "fed_admin")
    page.goto(f"{live_server.url}/accounts/users/")
    check(page, "admin-1-users")
    page.get_by_role("link", name="Добавить пользователя").click()
    check(page, "admin-2-form")
    page.get_by_label("Имя входа").fill("curator_tomsk")
    page.get_by_label("ФИО").fill("Соколова Анна Петровна")
    page.get_by_label("Электронная почта").fill("sokolova@example.org")
    page.locator("#id_password1").fill("Zvezda-Sever-4815!")
    page.locator("#id_password2").fill("Zvezda-Sever-4815!")
    page.locator("#id_role").select_option("regional_curator")
    page.locator("#id_subject").select_option(label="Томская область")
    page.locator("main form").get_by_role("button", name="Создать").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    page.wait_for_url(re.compile(r"/accounts/users/\d+/$"))
    assert User.objects.filter(username="curator_tomsk").exists()
    expect(page.get_by_text("Соколова Анна Петровна").first).to_be_visible()
    check(page, "admin-3-created")
    assert errors == []


def test_curator_reviews_decides_with_a_task_and_downloads_the_protocol(page, live_server, meeting):
    from vyzov.territories.models import Organization

    errors = console_errors(page)
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    check(page, "consilium-1-agenda")
    page.get_by_role("link", name="Рассмотреть").first.click()
    page.locator("#id_review-placement_justified").select_option("justified")
    page.locator("#id_review-return_prospect").select_option("conditional")
    page.locator("#id_decision-route_goal").select_option("return_home")
    page.locator("#id_decision-reasons").fill("Мама готова забрать ребёнка при поддержке службы")
    page.locator("#id_decision-next_review_date").fill(
        (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    )
    page.locator("#id_action0-what").fill("Обследовать условия жизни семьи")
    guardianship = Organization.objects.filter(
        subject__code="22", kind="guardianship_body", municipality__is_regional_centre=True
    ).first()
    page.locator("#id_action0-organization").select_option(label=str(guardianship))
    page.locator("#id_action0-executor").select_option(label="Специалист опеки г. Барнаула (демо)")
    page.locator("#id_action0-deadline").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    check(page, "consilium-2-review")
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("Решение принято")).to_be_visible()
    check(page, "consilium-3-decided")

    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Протокол (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")

    page.context.clear_cookies()
    sign_in(page, live_server, "municipal_barnaul")
    page.goto(f"{live_server.url}/consilium/my-items/")
    page.get_by_role("link", name="Обследовать условия жизни семьи").click()
    check(page, "consilium-4-task")
    page.locator("dd a[href*='/register/children/']").click()  # the task links the child it is about
    page.wait_for_url(re.compile(r"/register/children/\d+/$"))
    check(page, "consilium-5-child")
    assert errors == []
