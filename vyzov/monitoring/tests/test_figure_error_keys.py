"""Errors of a set of figures are keyed by `FigureKey` (indicator code, municipality): the quarter page
puts them on the indicator's field, the XLSX import on the row of the very input, and the API names them
`<code>@<municipality id>` — one typed key, nobody parses a string."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import centre, subject
from vyzov.monitoring import services
from vyzov.monitoring.imports import FigureImportError, import_figures
from vyzov.monitoring.models import Figure, Indicator

from .test_monitoring import catalogue, xlsx  # noqa: F401  (the indicator catalogue fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
Q4 = dt.date(2025, 10, 1)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def test_a_key_names_the_indicator_and_the_municipality():
    perm_city = centre("59")
    municipal = services.FigureInput(indicator("children_in_institutions"), 10, "", perm_city)
    regional = services.FigureInput(indicator("children_in_institutions"), 10)
    assert services.FigureKey.of(municipal) == ("children_in_institutions", perm_city.pk)
    assert services.FigureKey.of(regional) == ("children_in_institutions", None)
    assert services.FigureKey.of(municipal).field == f"children_in_institutions@{perm_city.pk}"
    assert services.FigureKey.of(regional).field == "children_in_institutions"


def test_figure_errors_are_a_validation_error_with_the_api_names():
    key = services.FigureKey("children_in_institutions", 7)
    error = services.FigureErrors(
        {key: ["Слишком большое значение: проверьте число."], None: ["Отчёт принят."]}
    )
    assert isinstance(error, ValidationError)
    assert error.message_dict == {
        "children_in_institutions@7": ["Слишком большое значение: проверьте число."],
        "": ["Отчёт принят."],
    }
    assert error.by_key[key] == ["Слишком большое значение: проверьте число."]


def test_specialist_perm_sees_a_municipal_error_on_the_municipal_row(specialist_perm):
    with pytest.raises(FigureImportError) as caught:
        import_figures(
            actor=specialist_perm,
            data=xlsx(
                [
                    ("59", "01.10.2025", "children_in_institutions", "", 1500, ""),
                    ("59", "01.10.2025", "children_with_parents", "", 200, ""),
                    ("59", "01.10.2025", "children_in_institutions", "Пермь", 100, ""),
                    ("59", "01.10.2025", "children_with_parents", "Пермь", 300, ""),
                ]
            ),
        )
    rows = {(row, column) for row, column, _text in caught.value.errors}
    assert rows and rows <= {(4, "Значение"), (5, "Значение")}
    assert not Figure.objects.exists()


def test_validate_figures_keys_each_input(specialist_perm):
    report = services.report_for(actor=specialist_perm, subject=subject("59"), as_of=Q4)
    perm_city = centre("59")
    inputs = [
        services.FigureInput(indicator("children_in_institutions"), 20_000_000),
        services.FigureInput(indicator("children_with_parents"), -1, "", perm_city),
    ]
    with pytest.raises(services.FigureErrors) as caught:
        services.validate_figures(report, inputs)
    assert set(caught.value.by_key) == {
        ("children_in_institutions", None),
        ("children_with_parents", perm_city.pk),
    }
