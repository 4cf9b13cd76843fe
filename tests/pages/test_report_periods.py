"""The report period («С … по …») of the support, NGO aid and consilium report pages: one form, one
reading of the query string (vyzov.core.periods) — Russian dates are read, a wrong period is named in
Russian and the page stays on its default period instead of failing."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import login
from vyzov.core.periods import PeriodForm, period_from_request, year_to_date

pytestmark = pytest.mark.django_db

REPORT_PAGES = [
    ("support:report", {}),
    ("ngo_aid:report", {}),
    ("consilium:report", {"code": "22"}),
]


def test_year_to_date_starts_on_the_first_of_january():
    assert year_to_date(dt.date(2026, 5, 17)) == (dt.date(2026, 1, 1), dt.date(2026, 5, 17))


def test_a_period_typed_in_russian_dates_is_read():
    request = RequestFactory().get("/", {"date_from": "01.02.2025", "date_to": "31.03.2025"})
    period = period_from_request(request, default=(dt.date(2026, 1, 1), dt.date(2026, 6, 1)))
    assert (period.date_from, period.date_to) == (dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert period.form.is_valid()


def test_an_end_before_the_start_is_refused_and_the_default_period_kept():
    request = RequestFactory().get("/", {"date_from": "31.03.2025", "date_to": "01.02.2025"})
    default = (dt.date(2026, 1, 1), dt.date(2026, 6, 1))
    period = period_from_request(request, default=default)
    assert (period.date_from, period.date_to) == default
    assert period.form.errors["date_to"] == ["Дата окончания раньше даты начала."]
    assert period.form.data["date_from"] == "31.03.2025"  # what was typed stays on the form


def test_no_period_in_the_query_string_shows_the_default_unbound():
    period = period_from_request(
        RequestFactory().get("/"), default=(dt.date(2026, 1, 1), dt.date(2026, 6, 1))
    )
    assert not period.form.is_bound
    assert period.form.initial == {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 6, 1)}
    assert isinstance(period.form, PeriodForm)


@pytest.mark.parametrize(("name", "kwargs"), REPORT_PAGES)
def test_fed_admin_sees_a_wrong_period_named_on_every_report_page(client, fed_admin, name, kwargs):
    login(client, fed_admin)
    response = client.get(reverse(name, kwargs=kwargs), {"date_from": "31.03.2025", "date_to": "01.02.2025"})
    assert response.status_code == 200
    assert "Дата окончания раньше даты начала." in response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), REPORT_PAGES)
def test_fed_admin_gets_the_period_he_typed_back_on_every_report_page(client, fed_admin, name, kwargs):
    login(client, fed_admin)
    response = client.get(reverse(name, kwargs=kwargs), {"date_from": "01.02.2025", "date_to": "kaput"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="01.02.2025"' in content
    assert 'value="kaput"' in content


def test_curator_perm_gets_404_for_the_consilium_report_of_altai_whatever_the_period(client, curator_perm):
    login(client, curator_perm)
    response = client.get(
        reverse("consilium:report", kwargs={"code": "22"}), {"date_from": "01.01.2025", "date_to": "kaput"}
    )
    assert response.status_code == 404


def test_support_export_names_the_chosen_period_in_the_file(client, fed_admin):
    login(client, fed_admin)
    response = client.get(
        reverse("support:report_export"), {"date_from": "01.02.2025", "date_to": "31.03.2025"}
    )
    assert response.status_code == 200
    assert "support-2025-02-01-2025-03-31.xlsx" in response["Content-Disposition"]
    today = timezone.localdate()
    response = client.get(reverse("support:report_export"))
    assert f"support-{today.year}-01-01-{today}.xlsx" in response["Content-Disposition"]
