# ruff: noqa: F811 — the fixtures of test_support are imported by name
"""Outcomes counted in children as the brochure does (002: «почти 8 тысяч детей вернулись из учреждений в
родную семью … почти 9 тысячам детей удалось избежать попадания в учреждение»): one outcome per child of a
supported family, reported by region and by the service's level beside the brochure's figures."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login
from vyzov.accounts.access import NotInScope
from vyzov.accounts.privacy import coarse_date
from vyzov.core.models import AuditEntry
from vyzov.monitoring import reference
from vyzov.support import selectors, services
from vyzov.support.models import ChildOutcome, ServiceLevel

from .test_support import barnaul_service, biysk_service, open_case, service_in, specialist_of  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def anna_case(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    return open_case(anna_user, barnaul_service, anna, children_count=3), anna_user


def test_anna_records_what_became_of_each_child(anna_case, curator_altai):
    case, anna = anna_case
    services.child_outcomes_record(
        actor=anna, case=case, date=TODAY, outcomes={1: "returned_home", 2: "kept_in_family", 3: ""}
    )
    assert list(case.child_outcomes.values_list("number", "outcome")) == [
        (1, "returned_home"),
        (2, "kept_in_family"),
    ]
    # Recorded again: the same children, not new rows; an emptied child loses its outcome.
    services.child_outcomes_record(
        actor=anna, case=case, date=TODAY, outcomes={1: "returned_home", 2: "", 3: "substitute_family"}
    )
    assert list(case.child_outcomes.values_list("number", "outcome")) == [
        (1, "returned_home"),
        (3, "substitute_family"),
    ]
    assert (
        AuditEntry.objects.filter(object_id=str(case.pk), details__child_outcomes__isnull=False).count() == 2
    )
    report = selectors.child_outcome_report(actor=curator_altai, date_from=TODAY, date_to=TODAY)
    assert report.totals["returned_home"] == 1 and report.totals["substitute_family"] == 1
    assert [(row.label, row.total) for row in report.regions] == [("Алтайский край", 2)]
    assert [(row.label, row.total) for row in report.levels] == [("территориальная", 2)]


@pytest.mark.parametrize(
    ("outcomes", "day", "message"),
    [
        ({4: "returned_home"}, TODAY, "ребёнка № 4 нет"),
        ({1: "lost"}, TODAY, "Неизвестный итог"),
        ({1: "", 2: ""}, TODAY, "хотя бы для одного"),
        ({1: "returned_home"}, TODAY + dt.timedelta(days=1), "в будущем"),
        ({1: "returned_home"}, TODAY - dt.timedelta(days=365), "раньше приёма"),
    ],
)
def test_bad_outcomes_are_refused_in_russian_and_nothing_is_saved(anna_case, outcomes, day, message):
    case, anna = anna_case
    with pytest.raises(ValidationError, match=message):
        services.child_outcomes_record(actor=anna, case=case, date=day, outcomes=outcomes)
    assert not ChildOutcome.objects.exists()


def test_the_case_card_keeps_a_refused_form_as_filled_in(anna_case, client):
    case, anna = anna_case
    login(client, anna)
    url = reverse("support:child_outcomes_record", args=[case.pk])
    future = (TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    response = client.post(url, {"children-date": future, "children-child_1": "returned_home"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Дата не может быть в будущем" in body
    assert 'value="returned_home" selected' in body and future in body
    response = client.post(
        url, {"children-date": TODAY.strftime("%d.%m.%Y"), "children-child_2": "institution"}
    )
    assert response.status_code == 302
    page = client.get(reverse("support:case_detail", args=[case.pk])).content.decode()
    assert "Ребёнок 2: помещён в учреждение" in page


def test_outcomes_of_a_closed_case_can_still_be_recorded(anna_case):
    case, anna = anna_case
    services.case_close(actor=anna, case=case, outcome="returned_home", closed_on=TODAY)
    services.child_outcomes_record(actor=anna, case=case, date=TODAY, outcomes={1: "returned_home"})
    assert case.child_outcomes.count() == 1


def test_another_service_and_another_region_get_404(anna_case, biysk_service, curator_perm, client):
    case, _anna = anna_case
    _boris, boris = specialist_of(biysk_service, "boris")
    with pytest.raises(NotInScope):
        services.child_outcomes_record(
            actor=curator_perm, case=case, date=TODAY, outcomes={1: "returned_home"}
        )
    for user in (boris, curator_perm):
        login(client, user)
        response = client.post(
            reverse("support:child_outcomes_record", args=[case.pk]),
            {"children-date": TODAY.isoformat(), "children-child_1": "returned_home"},
        )
        assert response.status_code == 404
    assert not ChildOutcome.objects.exists()


def test_the_report_counts_children_by_region_and_level_beside_the_brochure(
    anna_case, curator_altai, fed_analyst, client
):
    reference.load_reference_figures()
    case, anna = anna_case
    services.child_outcomes_record(
        actor=anna,
        case=case,
        date=TODAY,
        outcomes={1: "returned_home", 2: "returned_home", 3: "kept_in_family"},
    )
    regional = service_in(centre("22"), "Краевая служба")
    regional.level = ServiceLevel.REGIONAL
    regional.save()
    head, head_user = specialist_of(regional, "head")
    other = open_case(head_user, regional, head, children_count=1)
    services.child_outcomes_record(actor=head_user, case=other, date=TODAY, outcomes={1: "kept_in_family"})
    report = selectors.child_outcome_report(actor=fed_analyst, date_from=TODAY, date_to=TODAY)
    assert [(row.label, row.counts[:2]) for row in report.levels] == [
        ("региональная", [0, 1]),
        ("территориальная", [2, 1]),
    ]
    documents = dict(report.documents)
    returned = documents["вернулся из учреждения в родную семью"]
    assert (returned.computed, returned.as_in_seed) == ("2", "почти 8 тысяч")
    assert (
        documents["остался в семье: попадания в учреждение удалось избежать"].as_in_seed == "почти 9 тысячам"
    )
    # The period: an outcome dated before it is not counted.
    earlier = selectors.child_outcome_report(
        actor=fed_analyst, date_from=TODAY - dt.timedelta(days=10), date_to=TODAY - dt.timedelta(days=1)
    )
    assert sum(earlier.totals.values()) == 0
    login(client, curator_altai)
    page = client.get(reverse("support:report")).content.decode()
    assert "Итоги в детях" in page and "по материалам программы" in page and "почти 8 тысяч" in page
    # The section stands once, in the page's content (not in its <title> or breadcrumbs).
    assert page.count('id="children"') == 1
    assert "<h2" not in page.split("<title>", 1)[1].split("</title>", 1)[0]
    response = client.get(reverse("support:report_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["Детей: вернулся из учреждения в родную семью"] == 2
    assert "почти 8 тысяч" in values["По материалам программы: вернулся из учреждения в родную семью"]


def test_another_regions_curator_counts_no_altai_children(anna_case, curator_perm):
    case, anna = anna_case
    services.child_outcomes_record(actor=anna, case=case, date=TODAY, outcomes={1: "returned_home"})
    report = selectors.child_outcome_report(actor=curator_perm, date_from=TODAY, date_to=TODAY)
    assert sum(report.totals.values()) == 0 and report.regions == []


def test_the_api_gives_outcomes_with_dates_coarsened_without_personal_rights(anna_case, fed_analyst):
    case, anna = anna_case
    day = TODAY - dt.timedelta(days=3)
    services.child_outcomes_record(actor=anna, case=case, date=day, outcomes={2: "kept_in_family"})
    api = APIClient()
    api.force_authenticate(anna)
    row = api.get(f"/api/v1/support/family-cases/{case.pk}/").json()
    assert row["child_outcomes"] == [{"number": 2, "outcome": "kept_in_family", "date": day.isoformat()}]
    api.force_authenticate(fed_analyst)
    row = api.get(f"/api/v1/support/family-cases/{case.pk}/").json()
    assert row["child_outcomes"][0]["outcome"] == "kept_in_family"
    assert row["child_outcomes"][0]["date"] == coarse_date(day, iso=True)
