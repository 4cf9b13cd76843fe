"""What registering a signal accepts: one TypedDict and the field list made from it, shared by the
service, the page's form and the API's input serializer (checked by a test). The municipality, the
family and the child are passed apart: each is resolved through the policy first."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from vyzov.core.inputs import fields_of


class AlertData(TypedDict, total=False):
    received_on: dt.date
    source: str
    source_detail: str
    content: str
    person_description: str


REGISTER_FIELDS = fields_of(AlertData)
FORM_FIELDS = ["municipality", *REGISTER_FIELDS]
