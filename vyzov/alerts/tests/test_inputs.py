"""One field list for a signal (vyzov/alerts/inputs.py): the page's form and the API's input serializer
take the fields of the list, and a key the list does not name never reaches the model."""

import datetime as dt

import pytest

from conftest import centre
from vyzov.accounts.access import NotInScope
from vyzov.alerts import api, forms, inputs, services
from vyzov.alerts.models import AlertStatus

pytestmark = pytest.mark.django_db

SIGNAL = {
    "received_on": dt.date(2025, 3, 3),
    "source": "school",
    "source_detail": "Школа № 5",
    "content": "Ученик третий день без обеда",
    "person_description": "Мальчик 9 лет, 3 «Б»",
}


def test_the_form_and_the_api_take_the_fields_of_the_list():
    assert forms.AlertForm._meta.fields == ["municipality", *inputs.REGISTER_FIELDS]
    assert set(api.AlertInput().fields) - {"municipality", "family", "child"} == set(inputs.REGISTER_FIELDS)


def test_municipal_barnaul_cannot_slip_a_status_into_a_new_signal(municipal_barnaul):
    data = {**SIGNAL, "status": AlertStatus.CLOSED, "subject_id": 59}
    alert = services.alert_register(actor=municipal_barnaul, municipality=centre("22"), data=data)  # type: ignore[arg-type]
    alert.refresh_from_db()
    assert alert.status != AlertStatus.CLOSED and alert.subject.code == "22"
    assert alert.content == "Ученик третий день без обеда"


def test_curator_perm_is_refused_a_signal_in_altai(curator_perm):
    with pytest.raises(NotInScope):
        services.alert_register(actor=curator_perm, municipality=centre("22"), data=SIGNAL)  # type: ignore[arg-type]
