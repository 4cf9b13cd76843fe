"""API serializer fields that use the one normaliser/validator of names and free text and the one
number parser of core — the same rules as the forms (vyzov.core.forms) and the imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from . import validators as text_validators
from .numbers import parse_decimal, parse_int
from .text import normalize_text


class PersonNameField(serializers.CharField):
    """ФИО or a part of it: normalised (NFC, spaces), then refused if it is not a human name."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(text_validators.validate_person_name)

    def to_internal_value(self, data):
        return normalize_text(super().to_internal_value(data))


class FreeTextField(serializers.CharField):
    """Free text: normalised, then refused if it holds control, format, zero-width or bidi characters."""

    def __init__(self, *, multiline: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline
        self.validators.append(
            text_validators.validate_free_text if multiline else text_validators.validate_single_line_text
        )

    def to_internal_value(self, data):
        return normalize_text(super().to_internal_value(data), multiline=self.multiline)


class DecimalField(serializers.DecimalField):
    """A decimal as a JSON number or a string typed the Russian way («15 000,50»); no exponents/NaN."""

    def to_internal_value(self, data):
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            try:
                data = str(parse_decimal(data))
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """An integer as a JSON number or a string («1 500»); «1,5» and «1e3» refused."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = parse_int(data)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return super().to_internal_value(data)
