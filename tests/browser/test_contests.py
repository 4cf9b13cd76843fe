"""Contests in the browser: an expert scores an application end to end; the federal team's ranking;
the 2017 results report; the practice library search."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from vyzov.accounts.models import User
from vyzov.contests import history, services
from vyzov.contests.models import Criterion, Score
from vyzov.contests.tests.test_contests import accepted_application, make_contest
from vyzov.practices.services import load_reference_practices
from vyzov.territories.models import Municipality

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


def test_expert_scores_an_application_end_to_end(page, live_server, demo):
    admin, expert = User.objects.get(username="fed_admin"), User.objects.get(username="expert_samara")
    contest = make_contest(admin, criteria=4)
    barnaul = Municipality.objects.get(subject__code="22", is_regional_centre=True)
    application = accepted_application(admin, contest, barnaul)
    services.expert_assign(actor=admin, application=application, expert=expert)
    sign_in(page, live_server, "expert_samara")
    page.goto(f"{live_server.url}/contests/")
    screenshot(page, "contests-expert-list")
    page.get_by_role("link", name="Барнаул (Алтайский край)").click()
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    )
    page.locator(f"#points_{criteria[0].pk}").fill("9")
    page.get_by_role("button", name="Завершить оценку").click()
    expect(page.get_by_text("не больше 5 баллов")).to_be_visible()
    assert not Score.objects.exists()
    for number, criterion in enumerate(criteria):
        page.locator(f"#points_{criterion.pk}").fill(str(2 + number % 3))
    page.get_by_label("Комментарий к критерию 1").fill("Совет жителей работает")
    screenshot(page, "contests-scoring")
    page.get_by_role("button", name="Завершить оценку").click()
    expect(page.get_by_text("Оценка завершена.")).to_be_visible()
    assert Score.objects.count() == 4

    page.context.clear_cookies()
    sign_in(page, live_server, "fed_admin")
    page.goto(f"{live_server.url}/contests/{contest.pk}/ranking/")
    assert page.locator("table[data-category='I'] td[data-place]").first.inner_text() == "1"
    screenshot(page, "contests-ranking")


def test_results_report_and_practice_library(page, live_server, demo):
    history.load_history()
    load_reference_practices()
    sign_in(page, live_server, "fed_analyst")
    from vyzov.contests.models import Contest

    page.goto(f"{live_server.url}/contests/{Contest.objects.get(year=2017).pk}/report/")
    assert page.locator('[data-figure="participants"]').inner_text() == "293"
    screenshot(page, "contests-report-2017")
    page.goto(f"{live_server.url}/practices/?q=примирения")
    expect(page.get_by_role("link", name="Архангельск").first).to_be_visible()
    screenshot(page, "practices-search")


def test_a_score_typed_with_a_comma_is_shown_after_save_and_reload(page, live_server, demo):
    """Issue 15: scores looked erased — the browser could not show «4,0» in a number input."""
    admin, expert = User.objects.get(username="fed_admin"), User.objects.get(username="expert_samara")
    contest = make_contest(admin, criteria=2)
    barnaul = Municipality.objects.get(subject__code="22", is_regional_centre=True)
    application = accepted_application(admin, contest, barnaul)
    services.expert_assign(actor=admin, application=application, expert=expert)
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    )
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    sign_in(page, live_server, "expert_samara")
    page.goto(f"{live_server.url}/contests/applications/{application.pk}/score/")
    page.locator(f"#points_{criteria[0].pk}").fill("4,5")
    page.locator(f"#points_{criteria[1].pk}").fill("4")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Оценки сохранены.")).to_be_visible()
    page.reload()
    assert page.locator(f"#points_{criteria[0].pk}").input_value() == "4,5"
    assert page.locator(f"#points_{criteria[1].pk}").input_value() in ("4", "4,0")
    assert {s.points for s in Score.objects.all()} == {4, Decimal("4.5")}
    assert not [text for text in messages if "cannot be parsed" in text]
