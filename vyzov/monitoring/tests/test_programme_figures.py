"""Programme-document figures beside the computed ones; the national estimate labelled as derived;
demo values marked as demo."""

import re

import pytest
from django.urls import reverse

from conftest import login, subject
from vyzov.demo import monitoring as demo
from vyzov.monitoring import programme_figures, reference
from vyzov.monitoring.models import Figure, RollUp, RollUpLevel
from vyzov.monitoring.selectors import overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    reference.load_all()


@pytest.fixture
def demo_data(catalogue):
    demo.load()


def test_national_estimate_is_derived_from_the_brochure_rows(catalogue):
    estimate = programme_figures.national_estimate()
    assert (estimate.baseline, estimate.latest) == (60434, 49435)  # 21 152 ÷ 0,35; then −18,2 %
    assert "расчётная оценка" in estimate.explanation
    assert "в материалах программы числа по стране нет" in estimate.explanation


def test_no_national_estimate_without_the_rows_it_is_derived_from(catalogue):
    from vyzov.monitoring.models import ReferenceFigure

    ReferenceFigure.objects.filter(seed_id=4).delete()
    assert programme_figures.national_estimate() is None


def test_demo_sop_children_add_up_to_the_seed_figure(demo_data):
    latest = max(RollUp.objects.values_list("as_of", flat=True))
    country = RollUp.objects.get(
        level=RollUpLevel.COUNTRY, key="RU", indicator__code="sop_children", as_of=latest
    ).value
    assert country == 220000  # 004: «около 220 000», not 283 253
    krasnoyarsk = RollUp.objects.get(
        level=RollUpLevel.SUBJECT, key="24", indicator__code="sop_children", as_of=latest
    ).value
    assert krasnoyarsk == 4000


def test_overview_panel_shows_seed_figures_beside_computed_ones(demo_data):
    groups = dict(programme_figures.overview_figures(overview()))
    rows = {row.as_in_seed: row for figures in groups.values() for row in figures}
    assert rows["на 4 п.п."].computed.endswith("п.п.")
    assert rows["21 152 детей"].computed == "21 152 на 01.07.2024"
    # The seeds' own inconsistency is shown as such, not silently resolved.
    assert "расходится" in rows["20 523 детей"].note
    assert rows["35%"].computed == "35,0 %"
    assert rows["около 220 000 детей"].computed.startswith("220 000")
    assert "72 субъектов" in rows and "630 служб" in rows and "1274 детей" in rows
    assert "22 981 детей" in rows and "14 825 детей" in rows
    derived = [row for row in groups["Дети в учреждениях"] if row.derived]
    assert len(derived) == 1 and derived[0].computed == "60 434 → 49 435"
    # Every other row comes from the documents: none of them carries the derived numbers.
    assert not any("60 434" in row.as_in_seed for row in rows.values() if not row.derived)
    assert (
        "Стратегическая программа Уполномоченного по правам ребёнка «Дети в семье»"
        in rows["на 4 п.п."].document
    )
    assert not re.search(r"\d{3}_[0-9a-f]{16}", rows["на 4 п.п."].document)


def test_overview_page_marks_demo_and_the_estimate(demo_data, fed_analyst, client):
    login(client, fed_analyst)
    html = client.get(reverse("monitoring:overview")).content.decode()
    assert "Демонстрационные данные" in html
    assert "демо: расчётная оценка" in html
    assert "по материалам программы: на 4 п.п." in html
    assert "около 220 000 детей" in html and "в 26 регионах" in html


def test_region_page_marks_demo_and_shows_the_region_figures(demo_data, fed_analyst, client):
    login(client, fed_analyst)
    html = client.get(reverse("monitoring:region", args=["24"])).content.decode()
    assert "Демонстрационные данные" in html
    assert "более 4 500 детей" in html  # 004 for Красноярский край
    assert "10 000 000" in html
    assert "двухуровневая" in html  # consilium model from 002


def test_no_demo_mark_without_demo_figures(catalogue, fed_analyst, client):
    assert not Figure.objects.exists()
    login(client, fed_analyst)
    html = client.get(reverse("monitoring:overview")).content.decode()
    assert "Демонстрационные данные" not in html
    assert "по материалам программы" in html.lower()
    assert not programme_figures.demo_in_use(subject=subject("22"))
