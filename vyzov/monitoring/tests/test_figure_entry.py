"""Entering monitoring figures is one use case (services.figures_enter) for the quarter page, the API and
the XLSX import: each finds or creates the draft report (one audited creation) and saves the figures,
all or nothing — a refused entry leaves no empty report behind; another region is refused by all three."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import login
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.monitoring.imports import FigureImportError, import_figures
from vyzov.monitoring.models import Figure, QuarterReport, ReportStatus

from .test_monitoring import catalogue, xlsx  # noqa: F401  (the indicator catalogue fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
PAGE, API, IMPORT = dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)


def by_page(client, actor, code, as_of, value):
    login(client, actor)
    url = reverse("monitoring:report_edit", args=[code, as_of.isoformat()])
    return client.post(url, {"value_children_in_institutions": str(value)})


def by_api(actor, code, as_of, value):
    api = APIClient()
    api.force_authenticate(actor)
    body = {
        "subject": code,
        "as_of": as_of.isoformat(),
        "indicator": "children_in_institutions",
        "value": value,
    }
    return api.post("/api/v1/monitoring/figures/", body, format="json")


def by_import(actor, code, as_of, value):
    row = (code, as_of.strftime("%d.%m.%Y"), "children_in_institutions", "", value, "")
    return import_figures(actor=actor, data=xlsx([row]))


def entered(as_of) -> tuple:
    report = QuarterReport.objects.get(subject__code="59", as_of=as_of)
    figure = Figure.objects.get(report=report, indicator__code="children_in_institutions")
    created = AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="monitoring.quarterreport", object_id=str(report.pk)
    ).count()
    return (report.status, report.created_by_id, figure.value, figure.revisions.count(), created)


def test_page_api_and_import_reach_the_same_report(specialist_perm, client):
    assert by_page(client, specialist_perm, "59", PAGE, 1500).status_code == 302
    assert by_api(specialist_perm, "59", API, 1500).status_code == 201
    assert by_import(specialist_perm, "59", IMPORT, 1500) == 1
    expected = (ReportStatus.DRAFT, specialist_perm.pk, 1500, 1, 1)
    assert entered(PAGE) == entered(API) == entered(IMPORT) == expected
    assert {figure.source for figure in Figure.objects.all()} == {"manual", "import"}


def test_a_refused_entry_leaves_no_empty_report(specialist_perm, client):
    response = by_page(client, specialist_perm, "59", PAGE, -3)
    assert "отрицательным" in str(response.context["form"].errors)
    assert by_api(specialist_perm, "59", API, 20_000_000).status_code == 400
    with pytest.raises(FigureImportError):
        by_import(specialist_perm, "59", IMPORT, -3)
    assert not QuarterReport.objects.exists()
    assert not AuditEntry.objects.filter(object_type="monitoring.quarterreport").exists()


def test_another_region_is_refused_by_all_three(specialist_perm, client):
    assert by_page(client, specialist_perm, "22", PAGE, 10).status_code == 404
    assert by_api(specialist_perm, "22", API, 10).status_code in (400, 403, 404)
    with pytest.raises(FigureImportError):
        by_import(specialist_perm, "22", IMPORT, 10)
    assert not QuarterReport.objects.exists() and not Figure.objects.exists()
