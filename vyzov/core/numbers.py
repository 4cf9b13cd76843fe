"""The one parser of numbers typed by people (forms, API strings, imports), with Russian habits.

«15000,50», «15 000,50» (space or no-break space between thousands) and «15000.50» are all
Decimal('15000.50'); «1,5» is 1.5. Exponents («1e3»), «Infinity», «NaN», letters and several
decimal separators are refused with a Russian message: a number is written as digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

# Thousands may be grouped by a space, a no-break space or a narrow no-break space (what Excel and
# Word paste) — only in groups of three digits, so that «15 0000» is not silently read as 150000.
_GROUP_SPACES = "[ \u00a0\u202f\u2009]"
_NUMBER = re.compile(
    rf"^(?P<sign>[-+−]?)(?P<int>\d{{1,3}}(?:{_GROUP_SPACES}\d{{3}})+|\d+)(?:[.,](?P<frac>\d+))?$"
)


def _message(label: str | None, text: str) -> str:
    return f"{label}: {text}" if label else text[0].upper() + text[1:]


def parse_decimal(
    text, *, label: str | None = None, allow_negative: bool = True, max_decimal_places: int | None = None
) -> Decimal:
    """«15 000,50» → Decimal('15000.50'); ValidationError (Russian, naming the field) otherwise.

    An int/Decimal passes through (checked for sign); a float is converted via its repr.
    """
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        value = Decimal(text)
        if not value.is_finite():
            raise ValidationError(_message(label, "введите число цифрами."), code="invalid_number")
    elif isinstance(text, float):
        value = Decimal(repr(text))
        if not value.is_finite():
            raise ValidationError(_message(label, "введите число цифрами."), code="invalid_number")
    else:
        raw = "" if text is None else str(text).strip()
        if not raw:
            raise ValidationError(_message(label, "введите число."), code="required")
        match = _NUMBER.match(raw)
        if not match:
            raise ValidationError(
                _message(
                    label,
                    f"«{raw[:30]}» — не число. Пишите цифрами, дробную часть — через запятую "
                    "(например, 15 000,50).",
                ),
                code="invalid_number",
            )
        digits = re.sub(_GROUP_SPACES, "", match["int"])
        sign = "-" if match["sign"] in ("-", "−") else ""
        try:
            value = (
                Decimal(f"{sign}{digits}.{match['frac'] or '0'}") if match["frac"] else Decimal(sign + digits)
            )
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise ValidationError(_message(label, "введите число цифрами."), code="invalid_number") from None
    if not allow_negative and value < 0:
        raise ValidationError(_message(label, "число не может быть отрицательным."), code="negative")
    if max_decimal_places is not None and -value.as_tuple().exponent > max_decimal_places:
        raise ValidationError(
            _message(label, f"не больше {max_decimal_places} знаков после запятой."), code="decimal_places"
        )
    return value


def parse_int(text, *, label: str | None = None, allow_negative: bool = True) -> int:
    """«1 500» → 1500; «1,5», «1e3» and other non-integers are refused with a Russian message."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        raw = "" if text is None else str(text).strip()[:30]
        try:
            number = parse_decimal(text, label=label, allow_negative=True)
        except ValidationError as error:
            if error.code != "invalid_number":
                raise
            raise ValidationError(
                _message(label, f"«{raw}» — не число. Введите целое число."), code="invalid_number"
            ) from None
        if number != number.to_integral_value():
            raise ValidationError(
                _message(label, f"«{raw}» — не целое число. Введите целое число."), code="not_integer"
            )
        value = int(number)
    if not allow_negative and value < 0:
        raise ValidationError(_message(label, "число не может быть отрицательным."), code="negative")
    return value


def format_rub(amount) -> str:
    """Decimal('1234567.50') → «1 234 567,50 ₽» (narrow no-break spaces between thousands; kopecks only
    when there are any): the one way amounts are written in messages and titles."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "−" if value < 0 else ""
    whole, _, kopecks = f"{abs(value):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return f"{sign}{groups}{',' + kopecks if kopecks != '00' else ''}\u00a0₽"
