"""Validators of Russian personal documents and dates, with Russian messages."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

SNILS_FORMAT = re.compile(r"^\d{3}-\d{3}-\d{3} \d{2}$")
# The checksum rule applies only to numbers above 001-001-998.
SNILS_CHECKED_FROM = 1001998
BIRTH_CERTIFICATE_FORMAT = re.compile(r"^[IVXLCM]{1,6}-[А-ЯЁ]{2} \d{6}$")


def snils_checksum(digits: str) -> int:
    """The control number of a СНИЛС from its first nine digits (Пенсионный фонд's rule)."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def normalize_snils(value: str | None) -> str:
    """`12345678901` or `123 456 789 01` → `123-456-789 01`; anything else is returned stripped."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and re.fullmatch(r"[\d\s\-]+", value.strip()):
        return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"
    return value.strip()


def validate_snils(value: str) -> None:
    if not SNILS_FORMAT.match(value or ""):
        raise ValidationError("СНИЛС записывается как XXX-XXX-XXX YY (11 цифр).", code="snils_format")
    digits = re.sub(r"\D", "", value)
    number, control = digits[:9], int(digits[9:])
    if int(number) > SNILS_CHECKED_FROM and snils_checksum(number) != control:
        raise ValidationError("Неверная контрольная сумма СНИЛС: проверьте номер.", code="snils_checksum")


def normalize_birth_certificate(value: str | None) -> str:
    """Upper case, Latin I/V/X in the series, one space before the number: `iv-мю123456` → `IV-МЮ 123456`."""
    if not value:
        return ""
    text = re.sub(r"\s+", " ", value.strip().upper())
    # Series written with Cyrillic look-alikes (Х, С, М) are common in typed lists.
    match = re.match(r"^([IVXLCMІХСМ]{1,6})\s*-\s*([А-ЯЁ]{2})\s*(\d{6})$", text)
    if not match:
        return text
    series = match.group(1).translate(str.maketrans("ІХСМ", "IXCM"))
    return f"{series}-{match.group(2)} {match.group(3)}"


def validate_birth_certificate(value: str) -> None:
    if not BIRTH_CERTIFICATE_FORMAT.match(value or ""):
        raise ValidationError(
            "Свидетельство о рождении записывается как «IV-МЮ 123456»: римские цифры, дефис, "
            "две русские буквы, пробел, шесть цифр.",
            code="birth_certificate_format",
        )


def validate_not_future(value: dt.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError("Дата не может быть в будущем.", code="future_date")


def validate_not_too_old(value: dt.date) -> None:
    if value and value < dt.date(1900, 1, 1):
        raise ValidationError("Слишком ранняя дата: проверьте год.", code="too_old")
