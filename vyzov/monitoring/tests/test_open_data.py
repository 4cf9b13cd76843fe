"""Open data without login: only aggregates of accepted periods, small cells suppressed for everyone,
a licence and the last accepted period, CSV and JSON, cached and rate-limited, bad input refused."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache

from conftest import login, subject
from vyzov.monitoring import open_data, reference, rollups, services
from vyzov.monitoring.models import Figure, Indicator, QuarterReport, ReportStatus

pytestmark = pytest.mark.django_db
Q2, Q3, Q4 = dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def report(code, as_of, values, status):
    report = QuarterReport.objects.create(subject=subject(code), as_of=as_of, status=status)
    for indicator_code, number in values.items():
        Figure.objects.create(
            report=report,
            indicator=Indicator.objects.get(code=indicator_code),
            subject=report.subject,
            as_of=as_of,
            value=number,
            source="manual",
        )
    return report


@pytest.fixture
def data(db):
    reference.load_all()
    report(
        "22",
        Q2,
        {"children_in_institutions": 1200, "children_returned_home_quarter": 2},
        ReportStatus.ACCEPTED,
    )
    report("59", Q3, {"children_in_institutions": 900}, ReportStatus.ACCEPTED)
    report("38", Q4, {"children_in_institutions": 777}, ReportStatus.SUBMITTED)  # not accepted
    report("77", Q4, {"children_in_institutions": 666}, ReportStatus.DRAFT)
    for as_of in (Q2, Q3, Q4):
        rollups.recompute(as_of=as_of)


def csv_rows(client, **query):
    response = client.get("/open-data/data.csv", query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_anonymous_gets_the_page_csv_and_json_without_login(client, data):
    page = client.get("/open-data/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "CC BY 4.0" in text and 'rel="license"' in text
    assert 'data-figure="last_period">на 01.07.2025<' in text  # Q4 is not accepted
    body = client.get("/open-data/data.json").json()
    assert body["licence"]["code"] == "CC-BY-4.0" and body["last_period"] == "2025-07-01"
    assert body["small_cell_threshold"] == 3
    assert {item["code"] for item in body["indicators"]} >= {"children_in_institutions"}


def test_only_accepted_figures_are_published(client, data):
    rows = csv_rows(client)
    published = {(row["subject_code"], row["as_of"]) for row in rows}
    assert ("22", "2025-04-01") in published and ("59", "2025-07-01") in published
    assert not {("38", "2025-10-01"), ("77", "2025-10-01")} & published
    assert "777" not in str(rows) and "666" not in str(rows)
    body = client.get("/open-data/data.json").json()
    assert {row["subject"] for row in body["data"]} == {"22", "59"}


def test_a_report_returned_after_acceptance_leaves_the_open_data(client, data, fed_admin):
    assert any(row["subject_code"] == "59" for row in csv_rows(client))
    services.report_return(
        actor=fed_admin, report=QuarterReport.objects.get(subject__code="59"), comment="Ошибка"
    )
    assert not any(row["subject_code"] == "59" for row in csv_rows(client))  # the cache follows the roll-ups


def test_small_cells_are_suppressed_for_everyone_even_a_signed_in_admin(client, data, fed_admin):
    for signed_in in (False, True):
        if signed_in:
            login(client, fed_admin)
        row = next(
            r
            for r in csv_rows(client, indicator="children_returned_home_quarter")
            if r["subject_code"] == "22"
        )
        assert (row["value"], row["suppressed"]) == ("", "true")
        cell = next(
            r
            for r in client.get("/open-data/data.json").json()["data"]
            if r["indicator"] == "children_returned_home_quarter"
        )
        assert cell["value"] is None and cell["suppressed"] is True
        page = client.get(
            "/open-data/", {"indicator": "children_returned_home_quarter", "as_of": "2025-04-01"}
        )
        table = page.content.decode().split('id="open-data-table"')[1]
        assert "&lt; 3" in table and ">2<" not in table


def test_no_personal_data_only_aggregate_columns(client, data):
    response = client.get("/open-data/data.csv")
    header = response.content.decode().splitlines()[0].split(",")
    assert header == open_data.CSV_HEADER
    body = client.get("/open-data/data.json").json()
    assert set(body["data"][0]) == {
        "subject",
        "subject_name",
        "federal_district",
        "indicator",
        "as_of",
        "value",
        "suppressed",
    }


def test_filters_and_bad_parameters(client, data):
    rows = csv_rows(client, indicator="children_in_institutions", as_of="2025-04-01")
    assert [(r["subject_code"], r["value"]) for r in rows] == [("22", "1200")]
    assert client.get("/open-data/data.csv", {"as_of": "вчера"}).status_code == 400
    assert client.get("/open-data/data.json", {"indicator": "no_such"}).status_code == 400
    assert client.get("/open-data/", {"indicator": "=cmd"}).status_code == 400
    assert client.post("/open-data/data.csv").status_code == 405


def test_csv_text_never_starts_a_formula(client, data):
    Indicator.objects.filter(code="children_in_institutions").update(name="=HYPERLINK(1)")
    rollups.recompute(as_of=Q2)
    row = csv_rows(client, indicator="children_in_institutions")[0]
    assert row["indicator_name"] == "'=HYPERLINK(1)"


def test_requests_are_rate_limited_per_client(client, data, settings):
    settings.VYZOV_OPEN_DATA_RATE = 3
    answers = [client.get("/open-data/data.json").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/open-data/").status_code == 429


def test_data_set_is_cached_between_requests(client, data, django_assert_max_num_queries):
    client.get("/open-data/data.json")
    with django_assert_max_num_queries(1):  # the version check only
        assert client.get("/open-data/data.csv").status_code == 200


def test_empty_system_says_so(client, db):
    page = client.get("/open-data/")
    assert page.status_code == 200 and "данных пока нет" in page.content.decode()
    assert client.get("/open-data/data.json").json()["data"] == []
