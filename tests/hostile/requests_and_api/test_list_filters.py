"""Property: whatever text arrives in a list filter or a search box of a page or an API list — NUL and
other control characters, any script, emoji, 10 000 characters — the answer is never a server error.
Every list of every app, as a federal admin and as a regional curator; a few dozen examples each."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vyzov.contests.models import Contest

pytestmark = pytest.mark.usefixtures("hostile_data")

PAGES = [
    "/",
    "/audit/",
    "/territories/",
    "/organizations/",
    "/accounts/users/",
    "/register/children/",
    "/register/children/duplicates/",
    "/register/families/",
    "/monitoring/",
    "/monitoring/ranking/",
    "/monitoring/priority/",
    "/monitoring/reports/",
    "/consilium/",
    "/consilium/items/",
    "/consilium/my-items/",
    "/consilium/documents/",
    "/aid/",
    "/aid/report/",
    "/support/",
    "/support/cases/",
    "/support/clubs/",
    "/support/library/",
    "/support/report/",
    "/programmes/",
    "/contests/",
    "/contests/{contest}/applications/",
    "/contests/{contest}/ranking/",
    "/practices/",
]
API = [
    "/api/v1/subjects/",
    "/api/v1/municipalities/",
    "/api/v1/organizations/",
    "/api/v1/children/",
    "/api/v1/families/",
    "/api/v1/placements/",
    "/api/v1/cases/",
    "/api/v1/consilia/",
    "/api/v1/consilium/meetings/",
    "/api/v1/consilium/reviews/",
    "/api/v1/consilium/family-reviews/",
    "/api/v1/consilium/documents/",
    "/api/v1/action-items/",
    "/api/v1/aid/requests/",
    "/api/v1/aid/report/",
    "/api/v1/support/services/",
    "/api/v1/support/family-cases/",
    "/api/v1/support/clubs/",
    "/api/v1/support/supervision/",
    "/api/v1/programmes/programmes/",
    "/api/v1/programmes/indicators/",
    "/api/v1/programmes/measures/",
    "/api/v1/programmes/decisions/",
    "/api/v1/contests/contests/",
    "/api/v1/contests/applications/",
    "/api/v1/contests/assignments/",
    "/api/v1/practices/",
    "/api/v1/monitoring/figures/",
    "/api/v1/monitoring/rollups/",
    "/api/v1/monitoring/progress/",
]


def _form_parameters() -> set[str]:
    """The fields of every filter form and API query serializer."""
    from vyzov.accounts.forms import AuditFilterForm, UserFilterForm
    from vyzov.cases.api import ChildQuery
    from vyzov.cases.forms import ChildFilterForm
    from vyzov.monitoring.forms import PriorityForm, ReportFilterForm
    from vyzov.practices.forms import SearchForm
    from vyzov.territories.forms import OrganizationFilterForm

    forms = (UserFilterForm, ChildFilterForm, AuditFilterForm, ReportFilterForm, PriorityForm, SearchForm)
    names = {name for form in (*forms, OrganizationFilterForm) for name in form.base_fields}
    return names | set(ChildQuery().fields)


# Every filter and search parameter the lists read (forms, selectors and API views), and pagination.
PARAMETERS = [
    "q",
    "subject",
    "municipality",
    "organization",
    "district",
    "kind",
    "status",
    "state",
    "category",
    "theme",
    "year",
    "indicator",
    "as_of",
    "level",
    "from",
    "to",
    "date_from",
    "date_to",
    "sort",
    "pilot",
    "contest",
    "programme",
    "child",
    "family",
    "mine",
    "all",
    "overdue",
    "action",
    "actor",
    "legal_status",
    "placement",
    "service",
    "is_active",
    "page",
    "page_size",
    "after",
    "before",
]

TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.text(st.characters(codec="utf-8", max_codepoint=0x7F), max_size=20),
    st.builds(lambda char, n: char * n, st.characters(exclude_categories=["Cs"]), st.integers(500, 10_000)),
    st.sampled_from(["0", "-1", "1e3", "9" * 30, "²", "٣", "2024-13-01", "0001-01-01", "99999-01-01", "NaN"]),
)
QUERIES = st.dictionaries(
    st.sampled_from(sorted(set(PARAMETERS) | _form_parameters())), TEXT, min_size=1, max_size=3
)


@pytest.fixture
def clients(people):
    signed_in = {}
    for role in ("fed_admin", "curator_altai"):
        client = Client()
        client.force_login(people[role])
        signed_in[role] = client
    return signed_in


def _contest_pk() -> int:
    return Contest.objects.filter(is_history=False).order_by("-year").values_list("pk", flat=True).first()


@pytest.mark.parametrize("url", PAGES + API)
def test_no_filter_text_makes_a_list_fail(clients, url):
    url = url.format(contest=_contest_pk())

    @given(role=st.sampled_from(sorted(clients)), query=QUERIES)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(role, query):
        response = clients[role].get(url, query)
        assert response.status_code < 500, (url, role, query)

    check()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_audit_journal_refuses_a_day_at_the_end_of_the_calendar_in_russian(clients, field, day):
    """Found by the property above: such a day overflowed when it became a datetime in Moscow time."""
    response = clients["fed_admin"].get("/audit/", {field: day})
    assert response.status_code == 200
    assert "Журнал не хранит записей" in response.content.decode()
