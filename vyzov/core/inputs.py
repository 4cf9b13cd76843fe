"""Service inputs as TypedDicts: one per entity (in `<app>/inputs.py`), whose keys are the field list
shared by the service, the page's form and the API's serializer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def fields_of(entity: type) -> list[str]:
    """The keys of a TypedDict, in the order they are declared (the order of the form's fields)."""
    return list(entity.__annotations__)


def given(data: Mapping[str, object], fields: list[str]) -> dict[str, Any]:
    """The values of `fields` that `data` gives: a key outside the entity's list never reaches the
    model, and an update changes only what it was given."""
    return {name: data[name] for name in fields if name in data}
