"""One field list per configured entity (vyzov/monitoring/inputs.py): the service, the setup page's form
and the API's serializers accept the same fields, and a field the list does not name never reaches the
model."""

import pytest

from vyzov.monitoring import api, forms, inputs, services
from vyzov.monitoring.models import DataSet, Indicator, ValidationRule

pytestmark = pytest.mark.django_db


def test_the_forms_ask_for_the_fields_of_the_lists():
    assert forms.IndicatorForm._meta.fields == inputs.INDICATOR_FIELDS
    assert forms.ValidationRuleForm._meta.fields == inputs.RULE_FIELDS
    assert sorted(forms.DataSetForm._meta.fields) == sorted([*inputs.DATA_SET_FIELDS, *inputs.DATA_SET_LINKS])


def test_the_api_accepts_and_shows_the_fields_of_the_lists():
    assert list(api.MonitoringIndicatorInput().fields) == inputs.INDICATOR_FIELDS
    assert set(api.DataSetInput().fields) == {*inputs.DATA_SET_FIELDS, *inputs.DATA_SET_LINKS}
    assert list(api.ValidationRuleInput().fields) == inputs.RULE_FIELDS
    assert set(api.MonitoringIndicatorOutput().fields) - {"data_sets"} == set(inputs.INDICATOR_FIELDS)
    assert set(api.ValidationRuleOutput().fields) == set(inputs.RULE_FIELDS)


def test_fed_analyst_cannot_slip_an_unlisted_field_into_an_indicator(fed_analyst):
    indicator = services.indicator_save(
        actor=fed_analyst,
        data={  # type: ignore[typeddict-unknown-key]
            "code": "mentors_count",
            "name": "Число наставников",
            "direction": "higher",
            "id": 999_999,
            "data_sets": ["main"],
        },
    )
    indicator = Indicator.objects.get(code="mentors_count")
    assert indicator.pk != 999_999 and not indicator.data_sets.exists()


def test_fed_analyst_changes_only_the_rule_fields_given(fed_analyst):
    services.indicator_save(
        actor=fed_analyst, data={"code": "mentors_count", "name": "Число наставников", "direction": "higher"}
    )
    rule = services.validation_rule_save(
        actor=fed_analyst,
        data={
            "code": "mentors_positive",
            "name": "Наставники не отрицательны",
            "left": "mentors_count",
            "operator": ">=",
            "right": "0",
            "message": "Число наставников не может быть меньше нуля.",
        },
    )
    services.validation_rule_save(
        actor=fed_analyst,
        rule=rule,
        data={"name": "Наставников не меньше нуля", "created_by": None},  # type: ignore[typeddict-unknown-key]
    )
    rule = ValidationRule.objects.get(pk=rule.pk)
    assert (rule.name, rule.left, rule.right) == ("Наставников не меньше нуля", "mentors_count", "0")
    assert rule.created_by == fed_analyst


def test_a_data_set_takes_its_indicators_beside_its_own_fields(fed_analyst):
    mentors = services.indicator_save(
        actor=fed_analyst, data={"code": "mentors_count", "name": "Число наставников", "direction": "higher"}
    )
    data_set = services.data_set_save(
        actor=fed_analyst,
        data={
            "code": "mentoring",
            "name": "Наставничество",
            "indicators": [mentors],
            "required_indicators": [mentors],
            "status": "x",  # type: ignore[typeddict-unknown-key]
        },
    )
    data_set = DataSet.objects.get(pk=data_set.pk)
    assert list(data_set.indicators.all()) == [mentors] == list(data_set.required_indicators.all())
