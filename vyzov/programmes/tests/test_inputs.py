"""One field list per programme entity (vyzov/programmes/inputs.py): the page's forms ask for the fields of
the lists, and a key the list does not name never reaches the model."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import subject
from vyzov.accounts.access import NotInScope
from vyzov.programmes import forms, inputs, services
from vyzov.programmes.models import MeasureStatus

pytestmark = pytest.mark.django_db


def test_the_forms_ask_for_the_fields_of_the_lists():
    programme_forms = {
        "indicator": (
            forms.IndicatorForm,
            {"direction", "target_year", "target_value"},
            inputs.INDICATOR_FIELDS,
        ),
        "visit": (forms.CuratorVisitForm, {"family_number"}, inputs.VISIT_FIELDS),
        "reception": (forms.CuratorReceptionForm, set(), inputs.RECEPTION_FIELDS),
        "control": (forms.ControlTakeForm, {"child_number", "family_number"}, inputs.CONTROL_FIELDS),
    }
    for name, (form_class, apart, fields) in programme_forms.items():
        base = form_class.base_fields
        assert set(base) - apart <= set(fields), name
    assert forms.MeasureForm._meta.fields == ["direction", *inputs.MEASURE_FIELDS]
    assert forms.WorkingGroupDocumentForm._meta.fields == inputs.DOCUMENT_FIELDS
    assert set(forms.InspectionForm.base_fields) - {"organizations"} <= set(inputs.INSPECTION_FIELDS)


@pytest.fixture
def altai_programme(curator_altai):
    return services.programme_create(
        actor=curator_altai, subject=subject("22"), title="Программа Алтая", start_year=2025, end_year=2026
    )


def test_curator_altai_cannot_mark_a_new_measure_done(curator_altai, altai_programme):
    measure = services.measure_add(
        actor=curator_altai,
        direction=altai_programme.directions.get(number=1),
        data={  # type: ignore[typeddict-unknown-key]
            "title": "Ставки специалистов по работе с кровными семьями",
            "responsible": "Минсоцзащиты",
            "deadline": dt.date(2026, 6, 1),
            "budget": Decimal("1200000"),
            "status": MeasureStatus.DONE,
        },
    )
    measure.refresh_from_db()
    assert measure.status != MeasureStatus.DONE and measure.budget == Decimal("1200000")


def test_curator_perm_does_not_find_the_altai_programme(curator_altai, curator_perm, altai_programme):
    with pytest.raises(NotInScope):
        services.measure_add(
            actor=curator_perm,
            direction=altai_programme.directions.get(number=1),
            data={"title": "Чужое", "responsible": "—", "deadline": dt.date(2026, 6, 1)},
        )
    assert not altai_programme.directions.get(number=1).measures.exists()


def test_an_inspection_keeps_to_its_region(curator_altai):
    inspection = services.inspection_add(
        actor=curator_altai,
        subject=subject("22"),
        data={  # type: ignore[typeddict-unknown-key]
            "date_from": dt.date(2025, 4, 14),
            "date_to": dt.date(2025, 4, 18),
            "findings": "Нет ставок для работы с кровными семьями.",
            "subject_id": subject("59").pk,
        },
        organizations=[],
        actions=[],
    )
    inspection.refresh_from_db()
    assert inspection.subject.code == "22"
