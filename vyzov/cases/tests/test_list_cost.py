"""Register lists cost what one page costs: the count stops at a cap, families are counted per shown row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import centre, login, queries_for
from vyzov.cases.tests.factories import make_child, make_family
from vyzov.core.pagination import CappedPaginator
from vyzov.territories.models import Subject


def test_capped_paginator_is_exact_below_the_cap_and_says_more_above(db):
    subjects = Subject.objects.order_by("code")
    exact = CappedPaginator(subjects, 10, cap=1000)
    assert exact.count == subjects.count() and not exact.capped
    capped = CappedPaginator(subjects, 10, cap=25)
    assert capped.count == 25 and capped.capped and capped.num_pages == 3
    assert [s.code for s in capped.page(3)] == [s.code for s in subjects[20:25]]


def test_the_count_reads_at_most_cap_plus_one_rows(db):
    with CaptureQueriesContext(connection) as captured:
        assert CappedPaginator(Subject.objects.all(), 10, cap=25).count == 25
    assert "LIMIT 26" in captured.captured_queries[-1]["sql"]


def test_child_list_over_the_cap_says_more_and_keeps_pages(client, curator_altai, monkeypatch):
    monkeypatch.setattr("vyzov.cases.views.COUNT_CAP", 2)
    for _ in range(3):
        make_child(centre("22"))
    login(client, curator_altai)
    page = client.get(reverse("cases:child_list")).content.decode()
    assert "Всего: более 2" in page
    monkeypatch.setattr("vyzov.cases.views.COUNT_CAP", 10)
    assert "Всего: 3" in client.get(reverse("cases:child_list")).content.decode()


def test_family_list_counts_children_per_row_and_its_cost_is_constant(client, curator_altai):
    family = make_family(centre("22"))
    make_child(centre("22"), family=family)
    make_child(centre("22"), family=family)
    login(client, curator_altai)
    url = reverse("cases:family_list")
    few = queries_for(client, url)
    response = client.get(url)
    assert [f.child_count for f in response.context["page_obj"]] == [2]
    for _ in range(20):
        make_family(centre("22"))
    assert queries_for(client, url) == few
