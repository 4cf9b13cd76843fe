"""What the federal team's configuration services accept: one TypedDict per configured entity and the
field list made from it, shared by the service (`given(data, FIELDS)`), the setup page's form and the
API's input and output serializers (checked by a test). Every key is optional: an update passes only
what it changes, and a key outside the list never reaches the model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from .models import Indicator


class IndicatorData(TypedDict, total=False):
    code: str
    name: str
    unit: str
    is_stock: bool
    aggregation: str
    direction: str
    part_of: Indicator | None
    parts_are_exclusive: bool
    territory_level: str
    order: int
    description: str
    is_active: bool


class DataSetFieldsData(TypedDict, total=False):
    """The data set's own fields (the row); its indicators are links, given beside them."""

    code: str
    name: str
    period_type: str
    deadline_days: int
    is_active: bool
    description: str


class DataSetData(DataSetFieldsData, total=False):
    indicators: Sequence[Indicator]
    required_indicators: Sequence[Indicator]


class ValidationRuleData(TypedDict, total=False):
    code: str
    name: str
    left: str
    operator: str
    right: str
    importance: str
    message: str
    is_active: bool


INDICATOR_FIELDS = fields_of(IndicatorData)
DATA_SET_FIELDS = fields_of(DataSetFieldsData)
DATA_SET_LINKS = [name for name in DataSetData.__annotations__ if name not in DATA_SET_FIELDS]
RULE_FIELDS = fields_of(ValidationRuleData)
