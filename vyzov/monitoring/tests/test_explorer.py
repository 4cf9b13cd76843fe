"""The analytics explorer: values from accepted data at every territory level, the pivot layouts, the
chart, small-cell suppression as on the region page, scope by the policy, the link, XLSX and API."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import centre, login, subject, town
from vyzov.monitoring import explorer, reference, rollups
from vyzov.monitoring.models import Direction, Figure, Indicator, QuarterReport, ReportStatus

pytestmark = pytest.mark.django_db
Q1, Q2, Q3 = dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1)
URL = "/monitoring/explore/"
API = "/api/v1/monitoring/explore/"


def figures(code, as_of, values, *, status=ReportStatus.ACCEPTED, municipal=None):
    report, _ = QuarterReport.objects.get_or_create(
        subject=subject(code), as_of=as_of, defaults={"status": status}
    )
    for indicator_code, number in values.items():
        Figure.objects.create(
            report=report,
            indicator=Indicator.objects.get(code=indicator_code),
            subject=report.subject,
            as_of=as_of,
            value=number,
            source="manual",
        )
    for municipality, number in (municipal or {}).items():
        Figure.objects.create(
            report=report,
            indicator=Indicator.objects.get(code="children_in_institutions"),
            subject=report.subject,
            municipality=municipality,
            as_of=as_of,
            value=number,
            source="manual",
        )
    return report


@pytest.fixture
def data(db):
    """Altai reports by municipality, Perm and Moscow as a whole; a new indicator created as a row
    (nothing in the code knows it); Irkutsk's Q3 report is only submitted."""
    reference.load_all()
    Indicator.objects.create(
        code="families_helped",
        name="=Семьи, получившие помощь",
        unit="семей",
        direction=Direction.HIGHER_IS_BETTER,
    )
    for as_of, base in ((Q1, 100), (Q2, 90), (Q3, 80)):
        figures(
            "22",
            as_of,
            {"families_helped": 2},
            municipal={centre("22"): base, town("22", "Бийск"): 2},
        )
        figures("59", as_of, {"children_in_institutions": base * 2, "families_helped": 40})
        figures("77", as_of, {"children_in_institutions": base * 3})
    figures("38", Q3, {"children_in_institutions": 555}, status=ReportStatus.SUBMITTED)
    for as_of in (Q1, Q2, Q3):
        rollups.recompute(as_of=as_of)


def params(**extra):
    base = {
        "indicator": ["children_in_institutions"],
        "level": "subject",
        "start": "2025-01-01",
        "end": "2025-07-01",
    }
    base.update(extra)
    return base


def api_get(user, **query):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(API, params(**query))


def cells(body):
    return {(row["territory"], row["indicator"], row["as_of"]): row for row in body["data"]}


def test_subject_level_reads_accepted_roll_ups_only(data, fed_admin):
    body = api_get(fed_admin).json()
    values = cells(body)
    assert values[("22", "children_in_institutions", "2025-07-01")]["value"] == 82  # 80 + 2 municipal
    assert values[("59", "children_in_institutions", "2025-04-01")]["value"] == 180
    assert values[("38", "children_in_institutions", "2025-07-01")]["value"] is None  # only submitted
    assert body["territory_count"] == 89 and body["quarters"] == ["2025-01-01", "2025-04-01", "2025-07-01"]


def test_aggregate_levels_sum_the_subjects(data, fed_admin):
    country = cells(api_get(fed_admin, level="country").json())
    assert country[("RU", "children_in_institutions", "2025-07-01")]["value"] == 82 + 160 + 240
    assert country[("RU", "children_in_institutions", "2025-07-01")]["subjects_reporting"] == 3
    districts = cells(api_get(fed_admin, level="district").json())
    sibirsky = subject("22").district.code
    assert districts[(sibirsky, "children_in_institutions", "2025-07-01")]["value"] == 82
    pilot = cells(api_get(fed_admin, level="pilot").json())
    expected = sum(v for code, v in (("22", 82), ("59", 160), ("77", 240)) if subject(code).is_pilot)
    assert pilot[("pilot", "children_in_institutions", "2025-07-01")]["value"] == expected


def test_municipality_level_shows_accepted_municipal_figures(data, fed_admin):
    body = api_get(fed_admin, level="municipality", subject="22").json()
    values = cells(body)
    assert values[(str(centre("22").pk), "children_in_institutions", "2025-04-01")]["value"] == 90
    assert body["territory_count"] == subject("22").municipalities.count()


def test_small_cells_are_suppressed_for_roles_without_personal_data(
    data, fed_admin, fed_analyst, curator_altai
):
    query = {"indicator": ["families_helped", "children_in_institutions"]}
    biysk = (str(town("22", "Бийск").pk), "children_in_institutions", "2025-07-01")
    for user, hidden in ((fed_analyst, True), (fed_admin, False), (curator_altai, False)):
        subject_cell = cells(api_get(user, **query).json())[("22", "families_helped", "2025-07-01")]
        municipal_cell = cells(api_get(user, level="municipality", subject="22").json())[biysk]
        for cell in (subject_cell, municipal_cell):
            assert cell["suppressed"] is hidden, user
            assert cell["value"] == (None if hidden else 2), user
    # The rule is the region page's: the same function decides both.
    from vyzov.monitoring.selectors import suppress

    assert suppress(fed_analyst, 2) == (None, True) and suppress(fed_analyst, 3) == (3, False)


def test_page_shows_suppressed_cells_as_below_threshold(data, client, fed_analyst):
    text = login(client, fed_analyst).get(URL, params(indicator=["families_helped"])).content.decode()
    assert "&lt; 3" in text and ">40<" in text


def test_regional_user_sees_only_their_region_and_is_refused_another(data, curator_perm):
    body = api_get(curator_perm).json()
    assert {row["territory"] for row in body["data"]} == {"59"}
    assert api_get(curator_perm, subject="22").status_code == 400  # not a choice for them
    municipal = api_get(curator_perm, level="municipality").json()
    assert {
        subject("59").municipalities.filter(pk=int(row["territory"])).exists() for row in municipal["data"]
    } <= {True}
    # The country aggregate of the situational centre stays visible.
    assert cells(api_get(curator_perm, level="country").json())[
        ("RU", "children_in_institutions", "2025-07-01")
    ]


def test_access_from_both_sides(data, client, municipal_barnaul, analyst):
    assert login(client, analyst).get(URL).status_code == 200
    assert api_get(analyst).status_code == 200
    client.logout()
    assert login(client, municipal_barnaul).get(URL).status_code in (403, 404)
    assert api_get(municipal_barnaul).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
    assert APIClient().get(API, params()).status_code in (401, 403)


def test_layouts_put_each_dimension_in_the_rows(data, fed_admin):
    query = explorer.Query(
        indicators=list(Indicator.objects.filter(code__in=["children_in_institutions", "families_helped"])),
        level="subject",
        quarters=[Q1, Q2],
        within_subject=subject("59"),
    )
    result = explorer.run(actor=fed_admin, query=query)
    by_territory = explorer.pivot(result)
    assert [row[0] for row in by_territory.rows] == ["Пермский край"]
    assert len(by_territory.columns) == 4 and [span for _l, span in by_territory.groups] == [2, 2]
    by_period = explorer.pivot(explorer.Result(**{**result.__dict__, "query": _with(query, layout="period")}))
    assert [row[0] for row in by_period.rows] == ["01.01.2025", "01.04.2025"]
    assert [cell.value for cell in by_period.rows[1][2]] == [40, 180]  # families_helped first (order 0)
    by_indicator = explorer.pivot(
        explorer.Result(**{**result.__dict__, "query": _with(query, layout="indicator")})
    )
    assert len(by_indicator.rows) == 2 and by_indicator.corner == "Показатель"


def _with(query, **changes):
    return explorer.Query(**{**query.__dict__, **changes})


def test_chart_has_a_line_per_territory_and_gaps_for_hidden_values(data, fed_analyst):
    query = explorer.Query(
        indicators=list(Indicator.objects.filter(code="families_helped")),
        level="subject",
        quarters=[Q1, Q2, Q3],
        within_district=subject("22").district,
    )
    chart = explorer.chart(explorer.run(actor=fed_analyst, query=query))
    assert chart["kind"] == "line" and chart["labels"] == ["01.01.2025", "01.04.2025", "01.07.2025"]
    altai = next(series for series in chart["series"] if series["label"].startswith("Алтайский край"))
    assert altai["data"] == [None, None, None]  # 2 families each quarter: below the threshold


def test_territories_are_paged_so_that_a_page_stays_small(data, fed_admin):
    indicators = list(Indicator.objects.all())
    query = explorer.Query(indicators=indicators, level="municipality", quarters=[Q1, Q2, Q3])
    size = explorer.per_page(query)
    assert size * len(indicators) * 3 <= explorer.MAX_CELLS
    result = explorer.run(actor=fed_admin, query=_with(query, page=2))
    assert result.page == 2 and len(result.territories) <= size
    assert (
        len(explorer.run(actor=fed_admin, query=query, all_pages=True).territories) == result.territory_count
    )


def test_page_is_a_shareable_link_with_bounded_queries(
    data, client, fed_analyst, django_assert_max_num_queries
):
    login(client, fed_analyst)
    query = params(
        indicator=["children_in_institutions", "families_helped"], district=subject("59").district.code
    )
    client.get(URL, query)  # warm the session and the grants
    with django_assert_max_num_queries(14):
        response = client.get(URL, query)
    text = response.content.decode()
    table = text.split('id="explore-table"')[1]
    assert response.status_code == 200 and "Пермский край" in table and "Алтайский край" not in table
    assert "indicator=children_in_institutions&amp;indicator=families_helped" in text
    assert 'id="explore-chart-data"' in text


def test_default_view_and_bad_parameters(data, client, fed_analyst):
    login(client, fed_analyst)
    default = client.get(URL)
    assert default.status_code == 200 and "Пермский край" in default.content.decode()
    bad = client.get(URL, params(start="2025-07-01", end="2025-01-01", indicator=["nope"]))
    text = bad.content.decode()
    assert (
        bad.status_code == 200 and "Конец периода раньше начала." in text and "Нет такого показателя." in text
    )
    assert client.get(reverse("monitoring:explore_export"), params(level="galaxy")).status_code == 404


def test_xlsx_export_is_formula_safe_and_holds_every_territory(data, client, fed_analyst):
    login(client, fed_analyst)
    response = client.get(reverse("monitoring:explore_export"), params(indicator=["families_helped"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Сводная таблица", "Данные"]
    pivot_rows = list(book["Сводная таблица"].values)
    assert pivot_rows[0][1] == "'=Семьи, получившие помощь, семей"  # never a formula
    assert len(pivot_rows) == 2 + 89
    flat = list(book["Данные"].values)
    altai = next(row for row in flat if row[1] == "22" and row[7] == dt.datetime(2025, 7, 1))
    assert altai[8] is None and altai[9] == "да"
    perm = next(row for row in flat if row[1] == "59" and row[7] == dt.datetime(2025, 7, 1))
    assert perm[8] == 40
