"""Issue 18, the data model: indicators, data sets, validation rules and outlier ranges are data the
federal team creates through the pages; the entry form, the import and the API follow them; approval
municipality → subject → federal; an accepted period is locked and changes only by a correction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import centre, login, subject
from vyzov.accounts.access import ActionNotAllowed
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.monitoring import expressions, reference, rules, selectors, services
from vyzov.monitoring.models import (
    DataSet,
    Figure,
    FigureRevision,
    Indicator,
    MunicipalApproval,
    OutlierMethod,
    OutlierRange,
    QuarterReport,
    ReportStatus,
    ValidationRule,
)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 10, 1)


@pytest.fixture
def catalogue(db):
    reference.load_all()
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


# ---- «done when»: a new data collection without code changes ------------------------------------


def test_federal_team_runs_a_new_data_collection_through_the_pages(
    catalogue, fed_analyst, specialist_perm, client
):
    login(client, fed_analyst)
    for code, name in (
        ("kinship_families", "Семьи родственников, принявшие детей за квартал"),
        ("kinship_children", "Дети, переданные родственникам за квартал"),
    ):
        response = client.post(
            reverse("monitoring:indicator_create"),
            {
                "code": code,
                "name": name,
                "unit": "чел.",
                "aggregation": "sum",
                "direction": "higher",
                "territory_level": "subject",
                "order": 200,
                "is_active": "on",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    families, children = (
        Indicator.objects.get(code="kinship_families"),
        Indicator.objects.get(code="kinship_children"),
    )
    response = client.post(
        reverse("monitoring:data_set_create"),
        {
            "code": "kinship_care",
            "name": "Родственная опека",
            "period_type": "quarter",
            "deadline_days": 20,
            "indicators": [families.pk, children.pk],
            "required_indicators": [families.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        reverse("monitoring:rule_create"),
        {
            "code": "kinship_children_per_family",
            "name": "Не больше трёх детей на семью",
            "left": "kinship_children",
            "operator": "<=",
            "right": "3 × kinship_families",
            "importance": "medium",
            "message": "Детей больше, чем по трое на семью: проверьте.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        reverse("monitoring:outlier_ranges"),
        {"form": "manual", "indicator": families.pk, "subject": "59", "min_value": 0, "max_value": 50},
    )
    assert response.status_code == 302
    assert {entry.object_type for entry in AuditEntry.objects.filter(action=AuditAction.CREATE)} >= {
        "monitoring.indicator",
        "monitoring.dataset",
        "monitoring.validationrule",
        "monitoring.outlierrange",
    }

    # The region enters the new data set's form: built from the data set, not from code.
    login(client, specialist_perm)
    url = reverse("monitoring:report_edit_data_set", args=["59", AS_OF.isoformat(), "kinship_care"])
    page = client.get(url)
    assert set(page.context["form"].fields) == {
        "value_kinship_families",
        "comment_kinship_families",
        "value_kinship_children",
        "comment_kinship_children",
    }
    assert page.context["deadline"] == dt.date(2025, 10, 20)  # the 20th day after the quarter
    response = client.post(url, {"value_kinship_families": "60", "value_kinship_children": "200"})
    assert "вне допустимого диапазона 0–50" in str(response.context["form"].errors)
    assert not Figure.objects.exists()
    response = client.post(
        url,
        {
            "value_kinship_families": "60",
            "comment_kinship_families": "Заработала программа поддержки родственников",
            "value_kinship_children": "200",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Детей больше, чем по трое на семью" in page and "data-outlier-flag" in page
    report = QuarterReport.objects.get(subject=subject("59"), data_set__code="kinship_care", as_of=AS_OF)
    assert Figure.objects.get(report=report, indicator=families).outlier_range == "0–50"

    # The region approves (submits) its report.
    response = client.post(reverse("monitoring:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    # The federal team sees the violation and the outlier, approves and the period is locked.
    login(client, fed_analyst)
    analysis = client.get(reverse("monitoring:analysis"), {"data_set": "kinship_care"})
    assert [row.violation.rule.code for row in analysis.context["rows"]] == ["kinship_children_per_family"]
    outliers = client.get(reverse("monitoring:outliers"))
    assert [figure.indicator.code for figure in outliers.context["page_obj"]] == ["kinship_families"]
    client.post(reverse("monitoring:report_accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.is_locked and report.locked_by == fed_analyst
    # The completeness table of the new data set shows Perm's report as received.
    table = client.get(reverse("monitoring:completeness"), {"data_set": "kinship_care", "quarters": 40})
    data = table.context["data"]
    perm_line = next(line for line in data.lines if line.subject.code == "59")
    cell = perm_line.cells[data.quarters.index(AS_OF)]
    assert cell.received and cell.report_status == ReportStatus.ACCEPTED
    assert cell.deadline == dt.date(2025, 10, 20)
    # The explorer shows the accepted figure (the roll-ups were recomputed at acceptance).
    explore = client.get(
        reverse("monitoring:explore"),
        {
            "indicator": "kinship_families",
            "level": "subject",
            "start": AS_OF.isoformat(),
            "end": AS_OF.isoformat(),
        },
    )
    result = explore.context["result"]
    perm = next(t for t in result.territories if t.key == "59")
    assert result.value(perm, families, AS_OF).value == 60
    # The open-data CSV, without login, contains it.
    client.logout()
    csv_text = client.get(reverse("open_data:csv")).content.decode("utf-8-sig")
    assert any(
        line.startswith("59,") and ",kinship_families," in line and f",{AS_OF.isoformat()},60," in line
        for line in csv_text.splitlines()
    ), csv_text[:500]
    login(client, fed_analyst)

    # The region can no longer change the locked period.
    login(client, specialist_perm)
    client.post(url, {"value_kinship_families": "10", "value_kinship_children": "10"})
    assert Figure.objects.get(report=report, indicator=families).value == 60


def test_the_main_form_still_follows_the_main_data_set(catalogue, specialist_perm, client):
    login(client, specialist_perm)
    form = client.get(reverse("monitoring:report_edit", args=["59", AS_OF.isoformat()])).context["form"]
    assert {name[len("value_") :] for name in form.fields if name.startswith("value_")} == set(catalogue)


# ---- the expression evaluator ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "a.b",
        "a[0]",
        "a ** 2",
        "a if b else c",
        "lambda: 1",
        "a < b",
        "'text'",
        "f(a)",
        "a; b",
        "",
        "-" * 200 + "a",
    ],
)
def test_the_evaluator_refuses_anything_but_arithmetic(text):
    with pytest.raises(expressions.ExpressionError):
        expressions.parse(text)


def test_the_evaluator_computes_and_skips_what_it_cannot():
    expression = expressions.parse("(a + b) × 2 − c ÷ 4", known_codes={"a", "b", "c"})
    assert expression.codes == {"a", "b", "c"}
    assert expression.evaluate({"a": 1, "b": 2, "c": 8}) == Decimal(4)
    with pytest.raises(expressions.Missing):
        expression.evaluate({"a": 1, "b": 2})
    with pytest.raises(expressions.Missing):
        expressions.parse("a / b").evaluate({"a": 1, "b": 0})
    assert expressions.parse(" + ".join(["a"] * 60)).evaluate({"a": 1}) == 60
    with pytest.raises(expressions.ExpressionError, match="Нет таких показателей: zzz"):
        expressions.parse("a + zzz", known_codes={"a"})


def test_hard_coded_rules_became_rows(catalogue):
    assert set(ValidationRule.objects.values_list("left", "operator", "right")) == {
        ("children_with_parents", "<=", "children_in_institutions"),
        ("children_temporary_request", "<=", "children_in_institutions"),
        ("children_returned_home_quarter", "<=", "children_left_quarter"),
        ("children_family_placement_quarter", "<=", "children_left_quarter"),
        ("children_returned_home_quarter + children_family_placement_quarter", "<=", "children_left_quarter"),
    }
    main = DataSet.objects.get(code="vyzov_quarterly")
    assert set(main.indicators.values_list("code", flat=True)) == set(catalogue)
    reference.load_all()  # idempotent
    assert ValidationRule.objects.count() == 5


def test_a_rule_switched_off_no_longer_refuses(catalogue, specialist_perm, fed_admin):
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=AS_OF, create=True)
    bad = [
        services.FigureInput(catalogue["children_in_institutions"], 10),
        services.FigureInput(catalogue["children_with_parents"], 20),
    ]
    with pytest.raises(ValidationError, match="Больше итога"):
        services.figures_save(actor=specialist_perm, report=report, inputs=bad)
    rule = ValidationRule.objects.get(code="children_with_parents_le_total")
    services.validation_rule_save(actor=fed_admin, rule=rule, data={"is_active": False})
    assert services.figures_save(actor=specialist_perm, report=report, inputs=bad) == 2


def test_rule_with_unknown_code_or_code_is_refused(catalogue, fed_analyst):
    with pytest.raises(ValidationError) as caught:
        services.validation_rule_save(
            actor=fed_analyst,
            data={
                "code": "broken",
                "name": "Сломанное",
                "left": "nothing_like_this",
                "operator": "<=",
                "right": "open('x')",
                "message": "—",
            },
        )
    assert set(caught.value.message_dict) == {"left", "right"}
    assert not ValidationRule.objects.filter(code="broken").exists()


# ---- access ---------------------------------------------------------------------------------------


def test_only_the_federal_team_configures(catalogue, specialist_perm, analyst, fed_analyst, client):
    for user in (specialist_perm, analyst):
        login(client, user)
        assert client.get(reverse("monitoring:indicator_create")).status_code == 403
        assert client.post(reverse("monitoring:rule_create"), {"code": "x"}).status_code == 403
        assert client.get(reverse("monitoring:setup")).status_code == 200  # reading is open
        with pytest.raises(ActionNotAllowed):
            services.indicator_save(actor=user, data={"code": "x", "name": "x", "direction": "lower"})
    login(client, fed_analyst)
    assert client.get(reverse("monitoring:indicator_create")).status_code == 200


def test_municipal_specialist_without_monitoring_sees_no_setup(municipal_barnaul, client):
    login(client, municipal_barnaul)
    assert client.get(reverse("monitoring:setup")).status_code == 403
    assert client.get(reverse("monitoring:analysis")).status_code == 403


def test_api_reads_for_readers_writes_for_the_federal_team(catalogue, analyst, fed_analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    codes = [row["code"] for row in api.get("/api/v1/monitoring/indicators/").json()["results"]]
    assert "children_in_institutions" in codes
    assert api.get("/api/v1/monitoring/data-sets/vyzov_quarterly/").json()["required_indicators"] == [
        "children_in_institutions"
    ]
    assert len(api.get("/api/v1/monitoring/rules/").json()["results"]) == 5
    body = {"code": "api_made", "name": "Через API", "direction": "lower"}
    assert api.post("/api/v1/monitoring/indicators/", body, format="json").status_code == 403
    api.force_authenticate(fed_analyst)
    response = api.post("/api/v1/monitoring/indicators/", body, format="json")
    assert response.status_code == 201, response.json()
    response = api.post(
        "/api/v1/monitoring/rules/",
        {
            "code": "api_rule",
            "name": "x",
            "left": "api_made",
            "operator": "<=",
            "right": "children_in_institutions",
            "message": "Проверьте.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api.patch(
        "/api/v1/monitoring/rules/api_rule/", {"right": "bad(", "operator": "<"}, format="json"
    )
    assert response.status_code == 400 and "right" in response.json()
    response = api.post(
        "/api/v1/monitoring/data-sets/",
        {"code": "api_set", "name": "Набор API", "indicators": ["api_made"], "period_type": "year"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    taken = api.post(
        "/api/v1/monitoring/data-sets/",
        {"code": "api_other", "name": "Другой", "indicators": ["api_made"]},
        format="json",
    )
    assert taken.status_code == 400 and "только в один набор" in str(taken.json())
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/monitoring/indicators/" in schema and "/api/v1/monitoring/rules/{code}/" in schema


# ---- outliers -------------------------------------------------------------------------------------


def test_ranges_from_history_state_their_minimum(catalogue, fed_analyst):
    main = catalogue["children_in_institutions"]
    for index, value in enumerate([100, 110, 90, 100]):
        as_of = dt.date(2024, 1 + 3 * index, 1)
        report = QuarterReport.objects.create(
            subject=subject("59"), as_of=as_of, status=ReportStatus.ACCEPTED
        )
        Figure.objects.create(
            report=report, indicator=main, subject=report.subject, as_of=as_of, value=value, source="manual"
        )
    short = QuarterReport.objects.create(subject=subject("22"), as_of=AS_OF, status=ReportStatus.ACCEPTED)
    Figure.objects.create(
        report=short, indicator=main, subject=short.subject, as_of=AS_OF, value=5, source="manual"
    )
    result = services.outlier_ranges_generate(actor=fed_analyst, indicator=main, k=Decimal(2), min_history=4)
    assert (result.created, result.skipped) == (1, 1)
    generated = OutlierRange.objects.get(indicator=main, subject=subject("59"))
    # mean 100, population SD √50 ≈ 7,07: 100 ± 14,14 → 85…115.
    assert (generated.min_value, generated.max_value, generated.method, generated.history_count) == (
        85,
        115,
        OutlierMethod.HISTORY,
        4,
    )
    assert rules.history_range([1, 2, 3], k=2, min_history=4) is None


def test_federal_team_marks_an_outlier_followed_up(catalogue, specialist_perm, fed_analyst, analyst):
    services.outlier_range_save(
        actor=fed_analyst, indicator=catalogue["children_in_institutions"], min_value=0, max_value=10
    )
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=AS_OF, create=True)
    services.figures_save(
        actor=specialist_perm,
        report=report,
        inputs=[services.FigureInput(catalogue["children_in_institutions"], 11, "Проверено по журналу")],
    )
    figure = Figure.objects.get()
    assert [f.pk for f in selectors.outlier_figures(actor=fed_analyst, reviewed=False)] == [figure.pk]
    with pytest.raises(ActionNotAllowed):
        services.figure_outlier_review(actor=analyst, figure=figure)
    services.figure_outlier_review(actor=fed_analyst, figure=figure)
    assert not selectors.outlier_figures(actor=fed_analyst, reviewed=False).exists()


# ---- approval levels, locking, corrections ----------------------------------------------------------


def test_municipalities_approve_before_the_region_submits(catalogue, curator_altai, fed_analyst, client):
    barnaul = centre("22")
    report = services.report_for(actor=curator_altai, subject=subject("22"), as_of=AS_OF, create=True)
    services.figures_save(
        actor=curator_altai,
        report=report,
        inputs=[services.FigureInput(catalogue["children_in_institutions"], 40, "", barnaul)],
    )
    with pytest.raises(ValidationError, match="не утверждены муниципалитетами"):
        services.report_submit(actor=curator_altai, report=report)
    login(client, curator_altai)
    page = client.get(
        reverse("monitoring:report_edit", args=["22", AS_OF.isoformat()]), {"municipality": barnaul.pk}
    )
    assert page.context["form"]["value_children_in_institutions"].value() == 40
    client.post(reverse("monitoring:municipality_approve", args=[report.pk, barnaul.pk]))
    assert MunicipalApproval.objects.filter(report=report, municipality=barnaul).exists()
    # A change of the municipality's figures withdraws its approval.
    services.figures_save(
        actor=curator_altai,
        report=report,
        inputs=[services.FigureInput(catalogue["children_in_institutions"], 41, "", barnaul)],
    )
    assert not MunicipalApproval.objects.exists()
    services.municipality_approve(actor=curator_altai, report=report, municipality=barnaul)
    services.report_submit(actor=curator_altai, report=report)
    services.report_accept(actor=fed_analyst, report=report)
    report.refresh_from_db()
    assert report.is_locked


def test_municipal_specialist_approves_only_his_own_municipalitys_part(
    catalogue, curator_altai, curator_perm, municipal_barnaul, client, django_assert_max_num_queries
):
    from vyzov.accounts.access import NotInScope
    from vyzov.territories.models import Municipality

    barnaul = centre("22")
    biysk = Municipality.objects.filter(subject__code="22").exclude(pk=barnaul.pk).order_by("pk").first()
    report = services.report_for(actor=curator_altai, subject=subject("22"), as_of=AS_OF, create=True)
    services.figures_save(
        actor=curator_altai,
        report=report,
        inputs=[
            services.FigureInput(catalogue["children_in_institutions"], 40, "", barnaul),
            services.FigureInput(catalogue["children_in_institutions"], 7, "", biysk),
        ],
    )
    perm_report = services.report_for(actor=curator_perm, subject=subject("59"), as_of=AS_OF, create=True)
    login(client, municipal_barnaul)

    def url(report_pk, municipality):
        return reverse("monitoring:municipality_approve", args=[report_pk, municipality.pk])

    audit_before = AuditEntry.objects.count()
    # Another municipality of the same report, another subject's report, a missing report: all 404.
    assert client.post(url(report.pk, biysk)).status_code == 404
    assert client.post(url(perm_report.pk, barnaul)).status_code == 404
    assert client.post(url(999999, barnaul)).status_code == 404
    with pytest.raises(NotInScope):
        services.municipality_approve(actor=municipal_barnaul, report=report, municipality=biysk)
    assert not MunicipalApproval.objects.exists() and AuditEntry.objects.count() == audit_before
    # He still does not see the region's report, nor submit it.
    page = client.get(reverse("monitoring:report_edit", args=["22", AS_OF.isoformat()]))
    assert page.status_code in (403, 404)
    assert client.post(reverse("monitoring:report_submit", args=[report.pk])).status_code in (403, 404)
    # His list shows his municipality's figures only, in a bounded number of queries.
    with django_assert_max_num_queries(1):
        selectors.municipal_parts_awaiting(actor=municipal_barnaul)
    page = client.get(reverse("monitoring:municipal_approvals"))
    text = page.content.decode()
    assert page.status_code == 200 and f'data-part="{report.pk}-{barnaul.pk}"' in text
    assert f'data-part="{report.pk}-{biysk.pk}"' not in text and biysk.name not in text
    assert [(p.report.pk, p.municipality.pk, len(p.figures)) for p in page.context["parts"]] == [
        (report.pk, barnaul.pk, 1)
    ]
    # His own municipality: approved, by him, with the audit row.
    response = client.post(url(report.pk, barnaul))
    assert response.status_code == 302 and response.url == reverse("monitoring:municipal_approvals")
    assert "Значений, ожидающих утверждения, нет." in client.get(response.url).content.decode()
    approval = MunicipalApproval.objects.get()
    assert (approval.municipality, approval.approved_by) == (barnaul, municipal_barnaul)
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == AuditAction.STATUS_CHANGE and entry.details["municipality"] == barnaul.pk
    assert [m.pk for m in services.municipalities_awaiting_approval(report)] == [biysk.pk]
    # The region still approves for any municipality of its own; not for another subject's.
    assert [p.municipality.pk for p in selectors.municipal_parts_awaiting(actor=curator_altai)] == [biysk.pk]
    assert selectors.municipal_parts_awaiting(actor=curator_perm) == []
    services.municipality_approve(actor=curator_altai, report=report, municipality=biysk)
    assert services.municipalities_awaiting_approval(report) == []
    with pytest.raises(NotInScope):
        services.municipality_approve(actor=curator_perm, report=report, municipality=barnaul)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_locked_period_changes_only_by_a_correction_that_keeps_history(
    catalogue, specialist_perm, fed_analyst
):
    main = catalogue["children_in_institutions"]
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=AS_OF, create=True)
    services.figures_save(actor=specialist_perm, report=report, inputs=[services.FigureInput(main, 500)])
    services.report_submit(actor=specialist_perm, report=report)
    services.report_accept(actor=fed_analyst, report=report)
    with pytest.raises(ValidationError, match="период закрыт"):
        services.figures_save(actor=specialist_perm, report=report, inputs=[services.FigureInput(main, 450)])
    with pytest.raises(ActionNotAllowed):
        services.figures_correct(
            actor=specialist_perm, report=report, inputs=[services.FigureInput(main, 450)], reason="опечатка"
        )
    with pytest.raises(ValidationError, match="основание"):
        services.figures_correct(
            actor=fed_analyst, report=report, inputs=[services.FigureInput(main, 450)], reason=" "
        )
    services.figures_correct(
        actor=fed_analyst,
        report=report,
        inputs=[services.FigureInput(main, 480)],
        reason="Письмо министерства",
    )
    report.refresh_from_db()
    assert report.is_locked and Figure.objects.get(report=report).value == 480
    history = list(
        FigureRevision.objects.order_by("id").values_list(
            "old_value", "new_value", "is_correction", "comment"
        )
    )
    assert history == [(None, 500, False, ""), (500, 480, True, "Письмо министерства")]
    assert selectors.subject_rows()[0] is not None
    with pytest.raises(ValidationError, match="что нужно исправить"):
        services.report_unlock(actor=fed_analyst, report=report, reason="")
    services.report_unlock(actor=fed_analyst, report=report, reason="Регион пересчитал данные")
    report.refresh_from_db()
    assert not report.is_locked and report.is_editable
    entry = AuditEntry.objects.filter(action=AuditAction.STATUS_CHANGE).latest("id")
    assert entry.details["unlocked"] is True and entry.details["comment"] == "Регион пересчитал данные"


def test_import_routes_rows_to_the_indicator_data_set(catalogue, fed_analyst, specialist_perm):
    from vyzov.monitoring.imports import FigureImportError, import_figures

    from .test_monitoring import xlsx

    extra = services.indicator_save(
        actor=fed_analyst, data={"code": "yearly_count", "name": "Годовой показатель", "direction": "lower"}
    )
    services.data_set_save(
        actor=fed_analyst,
        data={"code": "yearly", "name": "Годовой сбор", "period_type": "year", "indicators": [extra]},
    )
    with pytest.raises(FigureImportError) as caught:
        import_figures(actor=specialist_perm, data=xlsx([("59", "01.10.2025", "yearly_count", "", 5, "")]))
    assert "раз в год" in str(caught.value.errors)
    import_figures(
        actor=specialist_perm,
        data=xlsx(
            [
                ("59", "01.01.2025", "yearly_count", "", 5, ""),
                ("59", "01.10.2025", "children_in_institutions", "", 7, ""),
            ]
        ),
    )
    assert set(QuarterReport.objects.values_list("data_set__code", "as_of")) == {
        ("yearly", dt.date(2025, 1, 1)),
        ("vyzov_quarterly", AS_OF),
    }


def test_an_indicator_reported_by_municipality_is_entered_per_municipality(
    catalogue, fed_analyst, curator_altai, client
):
    indicator = services.indicator_save(
        actor=fed_analyst,
        data={
            "code": "kinship_by_town",
            "name": "По муниципалитетам",
            "direction": "lower",
            "territory_level": "municipality",
        },
    )
    services.data_set_save(
        actor=fed_analyst, data={"code": "towns", "name": "Муниципальный сбор", "indicators": [indicator]}
    )
    data_set = DataSet.objects.get(code="towns")
    report = services.report_for(
        actor=curator_altai, subject=subject("22"), as_of=AS_OF, data_set=data_set, create=True
    )
    with pytest.raises(ValidationError, match="вводится по муниципалитетам"):
        services.figures_save(actor=curator_altai, report=report, inputs=[services.FigureInput(indicator, 3)])
    services.figures_save(
        actor=curator_altai, report=report, inputs=[services.FigureInput(indicator, 3, "", centre("22"))]
    )
    login(client, curator_altai)
    url = reverse("monitoring:report_edit_data_set", args=["22", AS_OF.isoformat(), "towns"])
    assert "value_kinship_by_town" not in client.get(url).context["form"].fields
    assert (
        "value_kinship_by_town" in client.get(url, {"municipality": centre("22").pk}).context["form"].fields
    )


def test_setup_and_analysis_pages_have_bounded_queries(
    catalogue, fed_analyst, client, django_assert_max_num_queries
):
    login(client, fed_analyst)
    for name in ("setup", "analysis", "outliers", "outlier_ranges"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(f"monitoring:{name}")).status_code == 200
