"""«Сохранить и направить на проверку»: the values typed on the page are saved with the submission in one
transaction (never left behind), a refused submission saves nothing and shows what was typed; access
from both sides."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import login, subject
from vyzov.monitoring import services
from vyzov.monitoring.models import Figure, QuarterReport, ReportStatus

from .test_monitoring import catalogue  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 10, 1)


@pytest.fixture
def report(catalogue, specialist_perm):  # noqa: F811
    return services.report_for(actor=specialist_perm, subject=subject("59"), as_of=AS_OF, create=True)


def test_typed_values_are_saved_with_the_submission(report, specialist_perm, client):
    login(client, specialist_perm)
    page = client.get(reverse("monitoring:report_edit", args=["59", AS_OF.isoformat()])).content.decode()
    assert reverse("monitoring:report_submit", args=[report.pk]) in page and "data-confirm=" in page
    response = client.post(
        reverse("monitoring:report_submit", args=[report.pk]),
        {"value_children_in_institutions": "100", "value_children_with_parents": "80"},
    )
    assert response.status_code == 302
    assert QuarterReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert Figure.objects.get(indicator__code="children_in_institutions").value == 100


def test_refused_submission_saves_nothing_and_keeps_the_typed_values(report, specialist_perm, client):
    login(client, specialist_perm)
    response = client.post(
        reverse("monitoring:report_submit", args=[report.pk]),
        {"value_children_with_parents": "77", "comment_children_with_parents": "по данным опеки"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "основной показатель" in body and 'value="77"' in body and "по данным опеки" in body
    assert not Figure.objects.exists()
    assert QuarterReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_another_region_cannot_submit(report, curator_altai, client):
    login(client, curator_altai)
    response = client.post(
        reverse("monitoring:report_submit", args=[report.pk]), {"value_children_in_institutions": "100"}
    )
    assert response.status_code == 404
    assert not Figure.objects.exists()
    assert QuarterReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
