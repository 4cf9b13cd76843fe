"""Monitoring with the database: seed reproduction, exact roll-ups, entry rules, approval, access."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rest_framework.test import APIClient

from conftest import centre, login, queries_for, subject, town
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.demo import monitoring as demo
from vyzov.monitoring import reference, rollups, services
from vyzov.monitoring.imports import FigureImportError, import_figures
from vyzov.monitoring.models import (
    Figure,
    FigureRevision,
    Indicator,
    QuarterReport,
    ReportStatus,
    RollUp,
    RollUpLevel,
)
from vyzov.monitoring.selectors import overview, subject_rows
from vyzov.territories.models import FederalDistrict, Municipality, Subject

pytestmark = pytest.mark.django_db
Q3_2025, Q4_2025 = dt.date(2025, 7, 1), dt.date(2025, 10, 1)


@pytest.fixture
def catalogue(db):
    reference.load_all()
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


@pytest.fixture
def demo_data(catalogue):
    demo.load()


def value(catalogue, code, number, comment=""):
    return services.FigureInput(catalogue[code], number, comment)


# ---- the seed, reproduced from the data ---------------------------------------------------------


def test_demo_reproduces_the_seed_figures_computed_from_the_regions(demo_data):
    data = overview()
    assert (data.pilot.baseline, data.pilot.latest) == (21152, 16446)
    assert round(data.pilot.change_percent, 1) == -22.2
    # The documents give no national number: 21 152 ÷ 35 % and then −18,2 % (a derived estimate).
    assert (data.country.baseline, data.country.latest) == (60434, 49435)
    assert round(data.country.change_percent, 1) == -18.2
    assert round(data.gap_points) == 4  # «превысила средний показатель по стране на 4 п.п.»
    pilot_sum = sum(row.latest for row in subject_rows() if row.subject.is_pilot)
    assert pilot_sum == 16446  # not typed anywhere: the sum of 14 regions' figures


def test_demo_figures_are_marked_as_demo_and_krasnoyarsk_above_4500(demo_data):
    assert set(Figure.objects.values_list("source", flat=True)) == {"demo"}
    krasnoyarsk = next(row for row in subject_rows() if row.subject.code == "24")
    assert krasnoyarsk.baseline > 4500
    assert krasnoyarsk.target is not None and float(krasnoyarsk.target.reduction_percent) == 25


def test_pilot_municipal_figures_add_up_to_the_subject(demo_data):
    altai = subject("22")
    total = RollUp.objects.get(
        level=RollUpLevel.SUBJECT, key="22", indicator__code="children_in_institutions", as_of=Q4_2025
    ).value
    municipal = sum(
        Figure.objects.filter(
            subject=altai,
            as_of=Q4_2025,
            municipality__isnull=False,
            indicator__code="children_in_institutions",
        ).values_list("value", flat=True)
    )
    assert municipal == total


# ---- roll-ups are exact ------------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.integers(min_value=0, max_value=5000), min_size=6, max_size=6),
    municipal=st.lists(st.integers(min_value=0, max_value=3000), min_size=3, max_size=3),
)
def test_rollups_add_up_at_every_level(catalogue, values, municipal):
    QuarterReport.objects.all().delete()
    indicator = catalogue["children_in_institutions"]
    chosen = ["22", "59", "38", "77", "01", "05"]
    for code, number in zip(chosen, values, strict=True):
        report = QuarterReport.objects.create(
            subject=subject(code), as_of=Q4_2025, status=ReportStatus.ACCEPTED
        )
        if code == "22":  # Алтайский край reports by municipality: the subject value is their sum
            for municipality, part in zip(
                Municipality.objects.filter(subject__code="22").order_by("pk")[:3], municipal, strict=True
            ):
                Figure.objects.create(
                    report=report,
                    indicator=indicator,
                    subject=report.subject,
                    municipality=municipality,
                    as_of=Q4_2025,
                    value=part,
                    source="manual",
                )
        else:
            Figure.objects.create(
                report=report,
                indicator=indicator,
                subject=report.subject,
                as_of=Q4_2025,
                value=number,
                source="manual",
            )
    rollups.recompute(as_of=Q4_2025)
    get = {(r.level, r.key): r.value for r in RollUp.objects.filter(indicator=indicator, as_of=Q4_2025)}
    assert get[("subject", "22")] == sum(municipal)
    for district in FederalDistrict.objects.all():
        codes = set(Subject.objects.filter(district=district).values_list("code", flat=True))
        expected = sum(v for (level, key), v in get.items() if level == "subject" and key in codes)
        assert get.get(("district", district.code), 0) == expected
    assert get[("country", "RU")] == sum(v for (level, _k), v in get.items() if level == "district")
    pilots = set(Subject.objects.filter(is_pilot=True).values_list("code", flat=True))
    assert get[("pilot", "pilot")] == sum(
        v for (level, k), v in get.items() if level == "subject" and k in pilots
    )


def test_only_accepted_reports_count(catalogue):
    indicator = catalogue["children_in_institutions"]
    for code, status in (("22", ReportStatus.ACCEPTED), ("59", ReportStatus.SUBMITTED)):
        report = QuarterReport.objects.create(subject=subject(code), as_of=Q4_2025, status=status)
        Figure.objects.create(
            report=report,
            indicator=indicator,
            subject=report.subject,
            as_of=Q4_2025,
            value=100,
            source="manual",
        )
    rollups.recompute(as_of=Q4_2025)
    assert RollUp.objects.get(level="country", indicator=indicator, as_of=Q4_2025).value == 100


# ---- entry rules -------------------------------------------------------------------------------


def test_specialist_enters_submits_and_federal_team_accepts(catalogue, specialist_perm, fed_analyst):
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True)
    services.figures_save(
        actor=specialist_perm,
        report=report,
        inputs=[
            value(catalogue, "children_in_institutions", 1200),
            value(catalogue, "children_with_parents", 900),
        ],
    )
    services.report_submit(actor=specialist_perm, report=report)
    with pytest.raises(ValidationError, match="изменить значения нельзя"):
        services.figures_save(
            actor=specialist_perm, report=report, inputs=[value(catalogue, "children_in_institutions", 1)]
        )
    services.report_accept(actor=fed_analyst, report=report)
    assert (
        RollUp.objects.get(
            level="subject", key="59", indicator__code="children_in_institutions", as_of=Q4_2025
        ).value
        == 1200
    )
    statuses = list(
        AuditEntry.objects.filter(
            object_type="monitoring.quarterreport", action=AuditAction.STATUS_CHANGE
        ).values_list("details__status", flat=True)
    )
    assert sorted(statuses) == ["accepted", "submitted"]


def test_return_needs_a_comment_and_reopens_the_report(catalogue, specialist_perm, fed_analyst):
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True)
    services.figures_save(
        actor=specialist_perm, report=report, inputs=[value(catalogue, "children_in_institutions", 5)]
    )
    services.report_submit(actor=specialist_perm, report=report)
    with pytest.raises(ValidationError, match="что нужно исправить"):
        services.report_return(actor=fed_analyst, report=report, comment="  ")
    services.report_return(actor=fed_analyst, report=report, comment="Проверьте итог")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.is_editable


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([("children_in_institutions", -1)], "отрицательным"),
        ([("children_in_institutions", 100), ("children_with_parents", 150)], "Больше итога"),
        (
            [
                ("children_left_quarter", 10),
                ("children_returned_home_quarter", 8),
                ("children_family_placement_quarter", 5),
            ],
            "меньше суммы его частей",
        ),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(catalogue, specialist_perm, inputs, message):
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True)
    with pytest.raises(ValidationError, match=message):
        services.figures_save(
            actor=specialist_perm,
            report=report,
            inputs=[value(catalogue, code, number) for code, number in inputs],
        )
    assert not Figure.objects.exists() and not FigureRevision.objects.exists()


def test_large_change_needs_a_comment(catalogue, specialist_perm):
    earlier = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q3_2025, create=True)
    services.figures_save(
        actor=specialist_perm, report=earlier, inputs=[value(catalogue, "children_in_institutions", 1000)]
    )
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True)
    with pytest.raises(ValidationError, match="поясните в комментарии"):
        services.figures_save(
            actor=specialist_perm, report=report, inputs=[value(catalogue, "children_in_institutions", 700)]
        )
    services.figures_save(
        actor=specialist_perm, report=report, inputs=[value(catalogue, "children_in_institutions", 800)]
    )
    services.figures_save(
        actor=specialist_perm,
        report=report,
        inputs=[value(catalogue, "children_in_institutions", 600, "Закрыт детский дом № 3")],
    )
    revisions = list(
        FigureRevision.objects.filter(figure__report=report)
        .order_by("id")
        .values_list("old_value", "new_value")
    )
    assert revisions == [(None, 800), (800, 600)]


def test_wrong_quarter_date_is_refused(catalogue, specialist_perm):
    with pytest.raises(ValidationError, match="первое число квартала"):
        services.report_for(actor=specialist_perm, subject=subject("59"), as_of=dt.date(2025, 11, 1))


# ---- access ------------------------------------------------------------------------------------


def test_regional_specialist_edits_only_their_subject(catalogue, specialist_perm):
    with pytest.raises(NotInScope):
        services.report_for(actor=specialist_perm, subject=subject("22"), as_of=Q4_2025, create=True)
    assert not QuarterReport.objects.exists()


def test_analyst_reads_aggregates_but_cannot_write_or_accept(catalogue, demo_data, analyst, client):
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.report_for(actor=analyst, subject=subject("22"), as_of=Q4_2025, create=True)
    report = QuarterReport.objects.filter(subject__code="22").first()
    report.status = ReportStatus.SUBMITTED
    report.save()
    with pytest.raises(ActionNotAllowed):
        services.report_accept(actor=analyst, report=report)
    login(client, analyst)
    assert client.get(reverse("monitoring:overview")).status_code == 200
    assert client.get(reverse("monitoring:region", args=["22"])).status_code == 200
    assert client.get(reverse("monitoring:ranking_export")).status_code == 200


def test_region_page_of_another_subject_is_404_for_a_regional_user(demo_data, specialist_perm, client):
    login(client, specialist_perm)
    assert client.get(reverse("monitoring:region", args=["59"])).status_code == 200
    assert client.get(reverse("monitoring:region", args=["22"])).status_code == 404
    assert client.get(reverse("monitoring:report_edit", args=["22", "2025-10-01"])).status_code == 404
    assert client.get(reverse("monitoring:overview")).status_code == 200  # the country's aggregates


def test_roles_without_monitoring_are_refused(municipal_barnaul, expert_samara, client):
    for person in (municipal_barnaul, expert_samara):
        login(client, person)
        assert client.get(reverse("monitoring:overview")).status_code == 403


def test_small_municipal_cells_are_suppressed_without_personal_permission(
    demo_data, analyst, curator_altai, client
):
    report = QuarterReport.objects.get(subject__code="22", as_of=Q4_2025)
    figure = Figure.objects.filter(report=report, municipality__isnull=False).order_by("value").first()
    Figure.objects.filter(pk=figure.pk).update(value=2)
    login(client, analyst)
    rows = client.get(reverse("monitoring:region", args=["22"])).context["page"].municipal
    assert (figure.municipality.name, None, True) in rows
    login(client, curator_altai)
    rows = client.get(reverse("monitoring:region", args=["22"])).context["page"].municipal
    assert (figure.municipality.name, 2, False) in rows


# ---- pages and forms ---------------------------------------------------------------------------


def test_quarter_form_saves_and_reports_errors_in_russian(catalogue, specialist_perm, client):
    login(client, specialist_perm)
    url = reverse("monitoring:report_edit", args=["59", "2025-10-01"])
    response = client.post(
        url, {"value_children_in_institutions": "100", "value_children_with_parents": "150"}
    )
    assert "Больше итога" in str(response.context["form"].errors)
    assert not Figure.objects.exists()
    response = client.post(url, {"value_children_in_institutions": "абв"})
    assert "Введите целое число" in str(response.context["form"].errors)
    response = client.post(url, {"value_children_in_institutions": "-3"})
    assert "отрицательным" in str(response.context["form"].errors)
    response = client.post(
        url, {"value_children_in_institutions": "100", "value_children_with_parents": "80"}
    )
    assert response.status_code == 302
    assert Figure.objects.count() == 2
    assert client.get(reverse("monitoring:report_edit", args=["59", "2025-11-01"])).status_code == 404


def test_overview_and_region_query_counts_are_bounded(demo_data, fed_analyst, client):
    login(client, fed_analyst)
    # +3 for the programme-document panel: its rows, its roll-ups, whether the figures are demo.
    assert queries_for(client, reverse("monitoring:overview")) <= 19
    assert queries_for(client, reverse("monitoring:region", args=["24"])) <= 22  # +2: same panel
    assert queries_for(client, reverse("monitoring:ranking")) <= 10


def test_region_page_computes_only_its_own_row_and_it_equals_the_overviews(demo_data, fed_analyst, client):
    """The region page no longer computes all 89 subjects' progress to show one: its row is the
    overview's row for that subject, figure for figure."""
    everyone = {row.subject.code: row for row in subject_rows()}
    for code in ("24", "22", "59"):
        (own,) = subject_rows(subject=Subject.objects.get(code=code))
        assert (own.baseline, own.latest, own.target, own.per_10k, own.change_percent) == (
            everyone[code].baseline,
            everyone[code].latest,
            everyone[code].target,
            everyone[code].per_10k,
            everyone[code].change_percent,
        )
    login(client, fed_analyst)
    page = client.get(reverse("monitoring:region", args=["24"])).context["page"]
    assert page.row.latest == everyone["24"].latest and page.row.subject.code == "24"


def test_priority_page_explains_scores(demo_data, fed_analyst, client):
    login(client, fed_analyst)
    response = client.get(
        reverse("monitoring:priority"), {"weight_count": "1", "weight_share": "1", "top_n": "14"}
    )
    assert response.status_code == 200
    assert response.context["pilots_in_top"] >= 10
    assert "на 10 000 детей" in response.content.decode()
    bad = client.get(
        reverse("monitoring:priority"), {"weight_count": "0", "weight_share": "0", "top_n": "500"}
    )
    assert bad.context["form"].errors


def test_region_summary_docx_opens(demo_data, fed_analyst, client):
    from docx import Document

    login(client, fed_analyst)
    response = client.get(reverse("monitoring:region_summary", args=["22"]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Алтайский край" in text
    assert any(
        "Базовое значение" in cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )


# ---- import ------------------------------------------------------------------------------------


def xlsx(
    rows,
    header=("Код субъекта", "Отчётная дата", "Код показателя", "Муниципалитет", "Значение", "Комментарий"),
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_valid_file(catalogue, specialist_perm):
    count = import_figures(
        actor=specialist_perm,
        data=xlsx(
            [
                ("59", "01.10.2025", "children_in_institutions", "", 1500, ""),
                ("59", "01.10.2025", "children_in_institutions", "Пермь", 700, ""),
                ("59", "01.10.2025", "children_with_parents", "", 1200, ""),
            ]
        ),
    )
    assert count == 3 and Figure.objects.filter(source="import").count() == 3


def test_import_with_any_error_writes_nothing(catalogue, specialist_perm):
    with pytest.raises(FigureImportError) as caught:
        import_figures(
            actor=specialist_perm,
            data=xlsx(
                [
                    ("59", "01.10.2025", "children_in_institutions", "", 1500, ""),
                    ("59", "15.10.2025", "children_in_institutions", "", 10, ""),  # wrong quarter
                    ("59", "01.10.2025", "unknown_code", "", 10, ""),
                    ("59", "01.10.2025", "children_with_parents", "", -5, ""),
                    ("22", "01.10.2025", "children_with_parents", "", 5, ""),  # another region
                    (
                        "59",
                        "01.10.2025",
                        "children_temporary_request",
                        "Барнаул",
                        5,
                        "",
                    ),  # another region's town
                ]
            ),
        )
    messages = {(row, column): text for row, column, text in caught.value.errors}
    assert "первое число квартала" in messages[(3, "Отчётная дата")]
    assert "Нет такого показателя" in messages[(4, "Код показателя")]
    assert "отрицательным" in messages[(5, "Значение")]
    assert "не можете вводить" in messages[(6, "Код субъекта")]
    assert "Нет такого муниципалитета" in messages[(7, "Муниципалитет")]
    assert not Figure.objects.exists()


def test_import_applies_the_form_rules_too(catalogue, specialist_perm):
    with pytest.raises(FigureImportError) as caught:
        import_figures(
            actor=specialist_perm,
            data=xlsx(
                [
                    ("59", "01.10.2025", "children_in_institutions", "", 100, ""),
                    ("59", "01.10.2025", "children_with_parents", "", 200, ""),
                ]
            ),
        )
    assert any("Больше итога" in text for _r, _c, text in caught.value.errors)
    assert not Figure.objects.exists()


@pytest.mark.parametrize("payload", [b"", b"not an xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100])
def test_import_refuses_broken_files(catalogue, specialist_perm, payload):
    with pytest.raises(FigureImportError):
        import_figures(actor=specialist_perm, data=payload)


def test_import_reports_missing_columns(catalogue, specialist_perm):
    with pytest.raises(FigureImportError) as caught:
        import_figures(actor=specialist_perm, data=xlsx([("59",)], header=("Код субъекта",)))
    assert {column for _r, column, _t in caught.value.errors} >= {"Отчётная дата", "Значение"}


# ---- API ---------------------------------------------------------------------------------------


def test_api_progress_figures_and_write(demo_data, specialist_perm, analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    progress = api.get("/api/v1/monitoring/progress/").json()
    assert len(progress) == 89 and {"subject", "status", "share_of_way"} <= set(progress[0])
    assert api.get("/api/v1/monitoring/rollups/", {"level": "pilot"}).json()["count"] > 0
    refused = api.post(
        "/api/v1/monitoring/figures/",
        {"subject": "59", "as_of": "2026-01-01", "indicator": "children_in_institutions", "value": 1},
        format="json",
    )
    assert refused.status_code == 403  # the analyst may enter figures nowhere: refused before the body
    api.force_authenticate(specialist_perm)
    bad = api.post(
        "/api/v1/monitoring/figures/",
        {"subject": "59", "as_of": "2026-02-01", "indicator": "children_in_institutions", "value": -1},
        format="json",
    )
    assert bad.status_code == 400 and {"as_of", "value"} <= set(bad.json())
    ok = api.post(
        "/api/v1/monitoring/figures/",
        {"subject": "59", "as_of": "2026-01-01", "indicator": "sop_families", "value": 1234},
        format="json",
    )
    assert ok.status_code == 400 and "поясните" in str(ok.json())  # the form's rules hold in the API
    ok = api.post(
        "/api/v1/monitoring/figures/",
        {
            "subject": "59",
            "as_of": "2026-01-01",
            "indicator": "sop_families",
            "value": 1234,
            "comment": "Новая методика учёта",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    ids = {row["subject"] for row in api.get("/api/v1/monitoring/figures/").json()["results"]}
    assert ids == {"59"}


def test_demo_load_is_idempotent(demo_data):
    count = Figure.objects.count()
    assert demo.load() == 0 and Figure.objects.count() == count
    assert town("22", "Бийск") and centre("22")


# ---- every aggregation kind at every level (aggregation.combine, the one rule) -------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["sum", "average", "none"]),
    values=st.lists(st.integers(min_value=0, max_value=5000), min_size=5, max_size=5),
    municipal=st.lists(st.integers(min_value=0, max_value=3000), min_size=3, max_size=3),
)
def test_rollups_follow_the_indicators_aggregation_at_every_level(catalogue, kind, values, municipal):
    from vyzov.monitoring.aggregation import combine

    QuarterReport.objects.all().delete()
    indicator = catalogue["children_in_institutions"]
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=kind)
    indicator.refresh_from_db()
    chosen = ["22", "59", "38", "77", "01"]
    for code, number in zip(chosen, values, strict=True):
        report = QuarterReport.objects.create(
            subject=subject(code), as_of=Q4_2025, status=ReportStatus.ACCEPTED
        )
        if code == "22":
            for municipality, part in zip(
                Municipality.objects.filter(subject__code="22").order_by("pk")[:3], municipal, strict=True
            ):
                Figure.objects.create(
                    report=report,
                    indicator=indicator,
                    subject=report.subject,
                    municipality=municipality,
                    as_of=Q4_2025,
                    value=part,
                    source="manual",
                )
        else:
            Figure.objects.create(
                report=report,
                indicator=indicator,
                subject=report.subject,
                as_of=Q4_2025,
                value=number,
                source="manual",
            )
    rollups.recompute(as_of=Q4_2025)
    get = {(r.level, r.key): r.value for r in RollUp.objects.filter(indicator=indicator, as_of=Q4_2025)}
    subject_values = dict(zip(chosen[1:], values[1:], strict=True))
    if kind == "none":
        # a figure entered for a subject is shown as it is; no total anywhere, not even for Altai's parts
        assert get == {("subject", code): v for code, v in subject_values.items()}
        return
    altai = sum(municipal) if kind == "sum" else int(sum(municipal) / 3 + 0.5 + 1e-9)
    subject_values["22"] = altai
    assert get[("subject", "22")] == altai
    for district in FederalDistrict.objects.all():
        codes = set(Subject.objects.filter(district=district).values_list("code", flat=True))
        members = [v for code, v in subject_values.items() if code in codes]
        assert get.get(("district", district.code)) == combine(indicator, members)
    everything = list(subject_values.values())
    expected_country = (
        sum(everything) if kind == "sum" else int(sum(everything) / len(everything) + 0.5 + 1e-9)
    )
    assert get[("country", "RU")] == expected_country
    pilots = set(Subject.objects.filter(is_pilot=True).values_list("code", flat=True))
    assert get[("pilot", "pilot")] == combine(
        indicator, [v for c, v in subject_values.items() if c in pilots]
    )


def test_combine_over_periods_adds_flows_and_takes_the_latest_stock():
    from types import SimpleNamespace

    from vyzov.monitoring.aggregation import Across, combine

    flow = SimpleNamespace(aggregation="sum", is_stock=False)
    stock = SimpleNamespace(aggregation="sum", is_stock=True)
    rate = SimpleNamespace(aggregation="none", is_stock=False)
    average = SimpleNamespace(aggregation="average", is_stock=False)
    assert combine(flow, [10, 20, 30], across=Across.PERIODS) == 60
    assert combine(stock, [10, 20, 30], across=Across.PERIODS) == 30
    assert combine(rate, [10, 20, 30], across=Across.PERIODS) is None
    assert combine(rate, [10, 20], across=Across.TERRITORIES) is None
    assert combine(average, [1, 2], across=Across.TERRITORIES) == 2  # 1.5 rounded half up
    assert combine(flow, []) is None


def test_explorer_shows_no_fake_total_of_an_indicator_that_is_not_aggregatable(
    client, catalogue, fed_analyst
):
    indicator = catalogue["children_in_institutions"]
    Indicator.objects.filter(pk=indicator.pk).update(aggregation="none")
    report = QuarterReport.objects.create(subject=subject("59"), as_of=Q4_2025, status=ReportStatus.ACCEPTED)
    Figure.objects.create(
        report=report, indicator=indicator, subject=report.subject, as_of=Q4_2025, value=1234, source="manual"
    )
    rollups.recompute(as_of=Q4_2025)
    assert not RollUp.objects.filter(indicator=indicator).exclude(level="subject").exists()
    login(client, fed_analyst)
    params = {"indicator": indicator.code, "start": "2025-10-01", "end": "2025-10-01"}
    country = client.get(reverse("monitoring:explore"), {**params, "level": "country"}).content.decode()
    assert "не суммируется" in country and "1\u00a0234" not in country
    subjects = client.get(reverse("monitoring:explore"), {**params, "level": "subject"}).content.decode()
    assert "1\u00a0234" in subjects
