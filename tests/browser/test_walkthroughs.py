"""A working day end to end in the browser, as the demo users: each step asserts what the user sees
afterwards, and no page logs a console error or has a serious axe-core violation. Screenshots of each
step via `make screenshots`."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.support.models import Service, Specialist

from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


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


@pytest.fixture
def consilium(demo):
    """The regional consilium of Altai and three children over 6 months in care (as the `meeting`
    fixture of test_consilium.py), without a meeting: the curator schedules one in the browser."""
    from vyzov.consilium import services as consilium_services
    from vyzov.consilium.models import Level
    from vyzov.territories.models import Organization

    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    for n, name in enumerate(["Воробьёва", "Синицына", "Снегирёв"]):
        child = make_child(
            centre("22"),
            last_name=name,
            first_name="Ольга" if name.endswith("а") else "Олег",
            middle_name="Петровна" if name.endswith("а") else "Петрович",
            birth_date=dt.date(2013 + n, 5, 5),
        )
        place(child, home, start=timezone.localdate() - dt.timedelta(days=300 + n))
    return consilium_services.consilium_create(
        actor=User.objects.get(username="fed_admin"),
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )


def test_curator_prepares_a_meeting_reviews_decides_with_a_task_and_downloads_the_protocol(
    page, live_server, consilium
):
    from vyzov.consilium.models import Meeting
    from vyzov.territories.models import Organization

    errors = console_errors(page)
    sign_in(page, live_server, "curator_altai")
    # Preparing the meeting: scheduled on the consilium's page, the agenda proposed automatically.
    page.goto(f"{live_server.url}/consilium/{consilium.pk}/")
    page.locator("#id_meeting-date").fill(timezone.localdate().isoformat())
    page.locator("#id_meeting-place").fill("Барнаул, ул. Ленина, 10, зал 2")
    page.get_by_role("button", name="Запланировать (повестка — автоматически)").click()
    page.wait_for_url(re.compile(r"/consilium/meetings/\d+/$"))
    expect(page.get_by_text("Заседание запланировано; в повестке детей: 3.")).to_be_visible()
    meeting = Meeting.objects.get(consilium=consilium)
    assert meeting.agenda.count() == 3
    for surname in ("Воробьёва", "Синицына", "Снегирёв"):
        expect(page.get_by_text(surname).first).to_be_visible()
    expect(page.get_by_text("в учреждении больше 6 месяцев").first).to_be_visible()
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


def test_municipal_specialist_registers_a_child_with_a_family_places_and_reroutes_him(
    page, live_server, demo
):
    from vyzov.cases.models import Child, RouteGoal
    from vyzov.territories.models import Organization

    errors = console_errors(page)
    home = Organization.objects.filter(
        municipality__subject__code="22", municipality__is_regional_centre=True, kind="orphan_institution"
    ).first()
    sign_in(page, live_server, "municipal_barnaul")

    # The blood family first, then the child linked to it by picking it (not by typing its number).
    page.goto(f"{live_server.url}/register/families/new/")
    page.locator("#id_title").fill("Семья Ворониных")
    # The specialist's own municipality is chosen already.
    expect(page.locator("#id_municipality option:checked")).to_have_text("Барнаул (Алтайский край)")
    page.locator("#id_address").fill("г. Барнаул, ул. Лесная, 4")
    check(page, "register-1-family-form")
    page.locator("main form").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Семья Ворониных")).to_be_visible()

    page.goto(f"{live_server.url}/register/children/new/")
    page.locator("#id_last_name").fill("Воронин")
    page.locator("#id_first_name").fill("Степан")
    page.locator("#id_middle_name").fill("Ильич")
    page.locator("#id_birth_date").fill("2015-06-12")
    page.locator("#id_sex").select_option("m")
    page.locator("#id_legal_status").select_option("has_parents")
    page.locator("#id_municipality").select_option(label="Барнаул")
    page.get_by_role("searchbox", name="Кровная семья").fill("ворон")
    page.get_by_role("button", name="Семья Ворониных").click()
    expect(page.get_by_role("searchbox", name="Кровная семья")).to_have_value("Семья Ворониных")
    check(page, "register-2-child-form")
    page.locator("main form").get_by_role("button", name="Сохранить").click()
    page.wait_for_url(re.compile(r"/register/children/\d+/$"))
    expect(page.get_by_role("heading", name="Воронин Степан Ильич")).to_be_visible()
    expect(page.get_by_role("link", name="Семья Ворониных")).to_be_visible()  # linked and shown by name
    child = Child.objects.get(last_name="Воронин")
    assert child.family.title == "Семья Ворониных"
    check(page, "register-3-child-card")

    page.get_by_role("link", name="Оформить помещение").click()
    page.locator("#id_organization").select_option(label=str(home))
    page.locator("#id_kind").select_option("temporary_request")
    page.locator("#id_start_date").fill((timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.locator("#id_basis").fill("Заявление матери от 27.11")
    page.locator("#id_planned_end_date").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    check(page, "register-4-placement-form")
    page.get_by_role("button", name="Оформить").click()
    page.wait_for_url(re.compile(rf"/register/children/{child.pk}/$"))
    expect(page.get_by_role("cell", name="Заявление матери от 27.11")).to_be_visible()
    expect(page.get_by_text(f"{home.name}, с")).to_be_visible()  # «Сейчас: …, с <date>»

    page.get_by_role("link", name="Изменить маршрут").click()
    page.locator("#id_goal").select_option("return_home")
    # The responsible curator is the specialist by default: the route is their own work.
    expect(page.locator("#id_responsible option:checked")).to_contain_text("Специалист опеки г. Барнаула")
    page.locator("#id_next_review_date").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.locator("#id_reason").fill("Мама прошла курс, готова забрать сына при поддержке службы")
    check(page, "register-5-route-form")
    page.get_by_role("button", name="Сохранить маршрут").click()
    page.wait_for_url(re.compile(rf"/register/children/{child.pk}/$"))
    expect(page.get_by_text("возвращение в кровную семью").first).to_be_visible()
    expect(page.get_by_text("Причина: Мама прошла курс").first).to_be_visible()  # in the timeline
    child.case.refresh_from_db()
    assert child.case.goal == RouteGoal.RETURN_HOME
    check(page, "register-6-rerouted")
    assert errors == []


@pytest.fixture
def irkutsk_family(demo):
    import datetime as dt_

    from vyzov.cases.models import SocialStatusKind
    from vyzov.demo import ngo_aid as ngo_aid_demo
    from vyzov.ngo_aid import reference
    from vyzov.territories.reference import read_csv

    reference.load_forms()
    reference.ensure_operators(pilot_rows=read_csv("vyzov_pilot_regions.csv"))
    ngo_aid_demo._live_requests()  # the fund's grant (no family in СОП yet: no demo request)
    family = make_family(centre("38"), title="Семья Багровых")
    family.statuses.create(kind=SocialStatusKind.SOP, start_date=dt_.date(2025, 1, 1), basis="Решение КДН")
    return family


def test_ngo_operator_creates_edits_after_return_approves_and_pays_a_request(
    page, live_server, irkutsk_family
):
    from vyzov.ngo_aid.models import AidRequest, RequestStatus

    errors = console_errors(page)
    sign_in(page, live_server, "ngo_irkutsk")
    page.goto(f"{live_server.url}/aid/new/")
    page.get_by_role("searchbox", name="Семья").fill("багров")
    page.get_by_role("button", name="Семья Багровых").click()
    page.get_by_label("Детей в семье").fill("3")
    page.get_by_label("Кто направил").select_option(index=1)
    page.get_by_label("Обоснование").fill(
        "Долг за отопление, угроза отключения зимой; дети могут попасть в центр"
    )
    page.locator("#id_line0-form").select_option(index=1)
    page.locator("#id_line0-amount").fill("38 500,00")  # as typed on a Russian keyboard
    check(page, "aid-1-new")
    page.get_by_role("button", name="Создать заявку").click()
    page.wait_for_url(re.compile(r"/aid/\d+/$"))
    aid = AidRequest.objects.get(family=irkutsk_family)
    expect(page.get_by_text("Семья Багровых").first).to_be_visible()
    page.get_by_label("Помощь содействует выходу семьи из кризиса").check()
    page.get_by_label("Помощь снижает риск разлучения").check()
    page.get_by_role("button", name="Проверить условия и направить").click()
    expect(page.get_by_text("Заявка направлена на рассмотрение.")).to_be_visible()

    # The operator returns it: the amount must cover the neighbours' debt too.
    page.locator(
        "form[action$='/return/'] textarea, form[action$='/return/'] input[name='reason']"
    ).first.fill("Добавьте продуктовый набор: в семье трое детей")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("Заявка возвращена на доработку.")).to_be_visible()
    check(page, "aid-2-returned")

    page.get_by_role("link", name="Изменить заявку").click()
    expect(page.get_by_text("Причина возврата: Добавьте продуктовый набор")).to_be_visible()
    expect(page.locator("#id_line0-amount")).not_to_have_value("")  # what was entered is kept
    page.locator("#id_line1-form").select_option(index=2)
    page.locator("#id_line1-amount").fill("21000")
    check(page, "aid-3-edit")
    page.get_by_role("button", name="Сохранить изменения").click()
    expect(page.get_by_text("изменена")).to_be_visible()
    expect(page.get_by_role("cell", name="59 500,00")).to_be_visible()  # the new total
    page.get_by_label("Помощь содействует выходу семьи из кризиса").check()
    page.get_by_label("Помощь снижает риск разлучения").check()
    page.get_by_role("button", name="Проверить условия и направить").click()
    expect(page.get_by_text("Заявка направлена на рассмотрение.")).to_be_visible()

    page.locator("#id_amount").fill("59500,00")
    page.get_by_role("button", name="Одобрить").click()
    expect(page.get_by_text("Заявка одобрена.")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("одобрена")
    check(page, "aid-4-approved")

    payment = page.locator("form[action$='/payments/']")
    payment.get_by_label("Сумма, руб.").fill("59 500")
    payment.get_by_label("Получатель").fill("АО «Барнаульская теплосетевая компания»")
    payment.get_by_label("Платёжный документ").fill("п/п № 118")
    payment.get_by_role("button", name="Внести выплату").click()
    expect(page.get_by_text("Выплата внесена.")).to_be_visible()
    expect(page.get_by_text("АО «Барнаульская теплосетевая компания» (п/п № 118)")).to_be_visible()
    aid.refresh_from_db()
    assert aid.status == RequestStatus.PAID and aid.approved_amount == 59500
    check(page, "aid-5-paid")
    assert errors == []


def test_expert_scores_saves_and_finishes_with_values_visible(page, live_server, demo):
    from vyzov.contests import services as contest_services
    from vyzov.contests.models import Criterion, Score
    from vyzov.contests.tests.test_contests import accepted_application, make_contest
    from vyzov.territories.models import Municipality

    admin, expert = User.objects.get(username="fed_admin"), User.objects.get(username="expert_samara")
    contest = make_contest(admin, criteria=3)
    barnaul = Municipality.objects.get(subject__code="22", is_regional_centre=True)
    application = accepted_application(admin, contest, barnaul)
    contest_services.expert_assign(actor=admin, application=application, expert=expert)
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    )
    errors = console_errors(page)
    sign_in(page, live_server, "expert_samara")
    # The home page lists the assigned application, one click from the scoring page.
    queue = page.locator("[data-queue='to_score']")
    expect(queue).to_be_visible()
    queue.get_by_role("link").first.click()
    page.wait_for_url(f"**/contests/applications/{application.pk}/score/")
    check(page, "expert-1-score")
    page.locator(f"#points_{criteria[0].pk}").fill("4,5")
    page.locator(f"#points_{criteria[1].pk}").fill("3")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Оценки сохранены.")).to_be_visible()
    expect(page.locator(f"#points_{criteria[0].pk}")).to_have_value("4,5")  # kept, not erased
    expect(page.locator(f"#points_{criteria[1].pk}")).to_have_value(re.compile(r"^3(,0)?$"))

    page.locator(f"#points_{criteria[2].pk}").fill("5")
    page.get_by_label("Комментарий к критерию 1").fill("Совет жителей работает")
    page.get_by_role("button", name="Завершить оценку").click()
    expect(page.get_by_text("Оценка завершена.")).to_be_visible()
    check(page, "expert-2-finished")
    page.goto(f"{live_server.url}/contests/applications/{application.pk}/score/")
    for criterion, shown in zip(criteria, ("4,5", "3", "5"), strict=True):
        expect(page.locator(f"#points_{criterion.pk}")).to_have_value(re.compile(rf"^{shown}(,0)?$"))
    assert {s.points for s in Score.objects.filter(assignment__expert=expert)} == {4.5, 3, 5}
    assert errors == []
