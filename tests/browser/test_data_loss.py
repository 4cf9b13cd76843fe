"""Nothing typed is lost and nothing irreversible happens by one click, in the browser: review answers
kept when «Принять решение» is pressed first; the confirm dialog of an irreversible action, and
«Отмена» changes nothing; a request returned for rework is edited; the unsaved-changes warning."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vyzov.accounts.models import User
from vyzov.consilium.models import Meeting, MeetingStatus, Review
from vyzov.contests.models import Contest, ContestStatus
from vyzov.contests.tests.test_contests import make_contest
from vyzov.ngo_aid.models import AidRequest, RequestStatus

from .conftest import accept_dialog, assert_accessible, console_errors
from .test_consilium import meeting  # noqa: F401 (the fixture)
from .test_ngo_aid import aid  # noqa: F401 (the fixture)
from .test_roles import sign_in

pytestmark = pytest.mark.browser


def dismiss_dialogs(page) -> list[str]:
    """From now on the user presses «Отмена»; returns the list the dialog texts are collected in."""
    texts: list[str] = []
    page.remove_listener("dialog", accept_dialog)

    def dismiss(dialog):
        texts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return texts


def test_answers_are_kept_when_the_decision_is_pressed_first(page, live_server, meeting):  # noqa: F811
    errors = console_errors(page)
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Рассмотреть").first.click()
    review_url = page.url
    page.locator("#id_review-placement_justified").select_option("justified")
    page.locator("#id_review-return_prospect").select_option("conditional")
    page.locator("#id_review-return_measures").fill("Лечение матери, затем возвращение домой")
    # No «Сохранить ответы»: straight to the decision.
    page.locator("#id_decision-route_goal").select_option("return_home")
    page.locator("#id_decision-reasons").fill("Мама готова забрать ребёнка")
    page.locator("#id_decision-next_review_date").fill(
        (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    )
    messages = []
    page.once("dialog", lambda dialog: messages.append(dialog.message))
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("решение принято")).to_be_visible()
    assert messages and "Ответы на вопросы будут сохранены" in messages[0]
    page.goto(review_url)
    page.reload()
    assert page.locator("#id_review-placement_justified").input_value() == "justified"
    assert page.locator("#id_review-return_prospect").input_value() == "conditional"
    assert (
        page.locator("#id_review-return_measures").input_value() == "Лечение матери, затем возвращение домой"
    )
    assert Review.objects.get(meeting=meeting).decision.reasons == "Мама готова забрать ребёнка"
    assert_accessible(page)
    assert errors == []


def test_dismissing_the_confirmation_changes_nothing(page, live_server, meeting):  # noqa: F811
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    texts = dismiss_dialogs(page)
    page.get_by_role("button", name="Отметить проведённым").click()
    page.wait_for_timeout(300)
    assert texts == ["Отметить заседание проведённым? Повестку после этого изменить нельзя."]
    assert page.url.endswith(f"/consilium/meetings/{meeting.pk}/")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED
    # Typed into another form of the page: the page says those changes would be lost.
    page.locator("input[name=reason]").first.fill("Ребёнок уже дома")
    page.get_by_role("button", name="Отметить проведённым").click()
    page.wait_for_timeout(300)
    assert "несохранённые изменения" in texts[-1]
    assert page.locator("input[name=reason]").first.input_value() == "Ребёнок уже дома"
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_operator_edits_a_returned_request_and_withdrawal_asks_first(page, live_server, aid):  # noqa: F811
    sign_in(page, live_server, "ngo_irkutsk")
    page.goto(f"{live_server.url}/aid/{aid.pk}/")
    page.locator("#id_reason").fill("Приложите квитанцию за отопление")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("возвращена на доработку").first).to_be_visible()
    page.get_by_role("link", name="Изменить заявку").click()
    expect(page.get_by_text("Причина возврата: Приложите квитанцию за отопление")).to_be_visible()
    page.locator("#id_justification").fill("Долг за отопление; квитанция приложена")
    page.get_by_role("button", name="Сохранить изменения").click()
    expect(page.get_by_text("квитанция приложена")).to_be_visible()
    assert AidRequest.objects.get(pk=aid.pk).justification == "Долг за отопление; квитанция приложена"
    texts = dismiss_dialogs(page)
    page.get_by_role("button", name="Отозвать").click()
    page.wait_for_timeout(300)
    assert len(texts) == 1 and texts[0].startswith(
        f"Отозвать заявку № {aid.pk}? Она останется в истории семьи"
    )
    assert AidRequest.objects.get(pk=aid.pk).status == RequestStatus.RETURNED


def test_the_intake_is_not_closed_before_its_deadline_without_saying_so(page, live_server, demo):
    contest = make_contest(User.objects.get(username="fed_admin"))
    deadline = f"{contest.submission_deadline:%d.%m.%Y}"
    sign_in(page, live_server, "fed_admin")
    page.goto(f"{live_server.url}/contests/{contest.pk}/")
    texts = []
    page.on("dialog", lambda dialog: texts.append(dialog.message))  # accepted by the default listener
    page.get_by_role("button", name="Закрыть приём, начать экспертизу").click()
    expect(page.get_by_text(f"Приём заявок идёт до {deadline} включительно")).to_be_visible()
    assert texts and texts[0].startswith("Закрыть приём заявок и начать экспертизу?")
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN
    page.get_by_label(f"Закрыть досрочно (приём идёт до {deadline} включительно)").check()
    page.get_by_role("button", name="Закрыть приём, начать экспертизу").click()
    expect(page.get_by_text("Конкурс: экспертиза.")).to_be_visible()
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.REVIEW
