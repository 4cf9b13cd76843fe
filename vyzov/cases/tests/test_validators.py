"""СНИЛС, birth certificate and name normalisation: examples and properties."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from vyzov.cases.models import name_key
from vyzov.core.validators import (
    normalize_birth_certificate,
    normalize_snils,
    snils_checksum,
    validate_birth_certificate,
    validate_snils,
)


@pytest.mark.parametrize("value", ["112-233-445 95", "001-001-998 00", "087-654-303 00"])
def test_known_valid_snils(value):
    validate_snils(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("112-233-445 96", "snils_checksum"),
        ("11223344595", "snils_format"),
        ("112-233-445-95", "snils_format"),
        ("112 233 445 95", "snils_format"),
        ("abc-def-ghi jk", "snils_format"),
        ("", "snils_format"),
    ],
)
def test_bad_snils_is_refused_with_russian_message(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_snils(value)
    assert caught.value.code == code
    assert "СНИЛС" in caught.value.messages[0]


def test_numbers_up_to_001_001_998_are_not_checksummed():
    validate_snils("001-001-998 99")
    validate_snils("000-000-001 42")
    with pytest.raises(ValidationError):
        validate_snils("001-001-999 99")


@pytest.mark.parametrize(
    ("digits", "weighted_sum", "control"),
    [
        ("100000001", 10, 10),  # below 100: the sum itself
        ("920000003", 100, 0),  # exactly 100 → 00
        ("920000004", 101, 0),  # exactly 101 → 00
        ("920000005", 102, 1),  # above 101: remainder of division by 101
        ("996100000", 201, 0),  # remainder 100 → 00
    ],
)
def test_checksum_rule_at_its_edges(digits, weighted_sum, control):
    assert sum(int(d) * w for d, w in zip(digits, range(9, 0, -1), strict=True)) == weighted_sum
    assert snils_checksum(digits) == control


@given(st.integers(min_value=1_001_999, max_value=999_999_999))
def test_generated_snils_always_validates_and_any_other_control_fails(number):
    digits = f"{number:09d}"
    control = snils_checksum(digits)
    assert 0 <= control <= 99
    value = f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {control:02d}"
    validate_snils(value)
    wrong = (control + 1) % 100
    with pytest.raises(ValidationError):
        validate_snils(f"{value[:-2]}{wrong:02d}")


@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_normalize_snils_accepts_any_digit_spacing(number):
    digits = f"{number:011d}"
    spaced = f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    assert normalize_snils(digits) == normalize_snils(spaced) == normalize_snils(f" {spaced} ")
    assert len(normalize_snils(digits)) == 14


@pytest.mark.parametrize("value", ["IV-МЮ 123456", "I-АБ 000001", "XII-ЯЯ 999999"])
def test_valid_birth_certificates(value):
    validate_birth_certificate(value)


@pytest.mark.parametrize(
    "value", ["IV-MU 123456", "4-МЮ 123456", "IV-МЮ 12345", "IV МЮ 123456", "IV-М 123456"]
)
def test_bad_birth_certificates_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        validate_birth_certificate(value)
    assert "Свидетельство" in caught.value.messages[0]


def test_birth_certificate_normalisation_fixes_case_spaces_and_cyrillic_series():
    assert normalize_birth_certificate(" iv-мю123456 ") == "IV-МЮ 123456"
    assert normalize_birth_certificate("ХI - АБ  000001") == "XI-АБ 000001"  # Cyrillic Х in the series


NAME = st.text(
    alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ", min_size=1, max_size=15
)


@given(NAME, NAME, NAME)
def test_name_key_ignores_case_yo_and_spaces(last, first, middle):
    key = name_key(last, first, middle)
    assert name_key(last.upper(), f"  {first.lower()} ", middle.replace("е", "ё")) == key
    assert "ё" not in key and key == key.lower() and "  " not in key


def test_name_key_distinguishes_different_people():
    assert name_key("Иванов", "Пётр", "") != name_key("Иванов", "Павел", "")
