"""The one normaliser/validator of names and free text, the one number parser, the date ranges."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from vyzov.core.forms import DecimalField, FreeTextField, IntegerField, PersonNameField, StyledForm
from vyzov.core.numbers import parse_decimal, parse_int
from vyzov.core.text import normalize_text
from vyzov.core.validators import (
    check_free_text,
    check_person_name,
    validate_date_range,
    validate_free_text,
    validate_person_name,
    validate_planned_end_date,
)

ALLOWED_IN_MULTILINE = "\n\r\t"
INVISIBLE = st.characters(categories=["Cc", "Cf"]).filter(lambda c: c not in ALLOWED_IN_MULTILINE)
CYRILLIC_WORD = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", min_size=1, max_size=12)


@given(st.text())
def test_the_normaliser_is_idempotent(value):
    once = normalize_text(value)
    assert normalize_text(once) == once
    once_multi = normalize_text(value, multiline=True)
    assert normalize_text(once_multi, multiline=True) == once_multi


@given(st.text(), INVISIBLE, st.text())
def test_any_text_with_a_control_or_format_character_is_refused(before, bad, after):
    value = before + bad + after
    with pytest.raises(ValidationError):
        validate_free_text(value)
    with pytest.raises(ValidationError):
        validate_person_name(value)
    # … also after normalisation: the normaliser never silently removes it.
    with pytest.raises(ValidationError):
        check_free_text(value, label="Комментарий")


@given(st.lists(CYRILLIC_WORD, min_size=1, max_size=3))
def test_cyrillic_names_pass(words):
    name = "-".join(word.capitalize() for word in words)
    validate_person_name(name)
    assert check_person_name(f"  {name}  ", label="Фамилия") == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    "name",
    [
        "Иванов",
        "Мария-Луиза",
        "д'Артаньян",
        "О’Коннор",
        "Салтыков-Щедрин",
        "Анна Мария",
        "Smith Jr.",
        "Ёлкин",
    ],
)
def test_real_names_pass(name):
    validate_person_name(name)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("\u200b\u200b", "нулевой ширины"),
        ("Иван\u202eов", "направления текста"),
        ("😀😀", "должно содержать буквы"),
        ("<script>alert(1)</script>", "«<» и «>»"),
        ('=HYPERLINK("http://x","y")', "начинаться"),
        ("+Иванов", "начинаться"),
        ("@Иванов", "начинаться"),
        ("Иван\x00ов", "Управляющий"),
        ("Иванов1", "Недопустимый знак «1»"),
        ("Ζεύς", "Недопустимый знак"),
    ],
)
def test_hostile_names_are_refused_with_a_russian_message(name, fragment):
    with pytest.raises(ValidationError) as error:
        check_person_name(name, label="Фамилия")
    message = error.value.messages[0]
    assert message.startswith("Фамилия:")
    assert fragment in message


def test_free_text_keeps_line_breaks_refuses_only_spaces_and_over_length():
    assert (
        check_free_text(" Первая  строка \r\n\r\n\r\nвторая ", label="Заметки") == "Первая строка\n\nвторая"
    )
    with pytest.raises(ValidationError, match="Заметки: Не больше 10 символов"):
        check_free_text("x" * 11, label="Заметки", max_length=10)
    with pytest.raises(ValidationError, match="обязательное поле"):
        check_free_text("   ", label="Заметки", required=True)
    with pytest.raises(ValidationError, match="Текст не может состоять только из пробелов"):
        validate_free_text("   ")
    assert check_free_text("строка\nвторая", label="Название", multiline=False) == "строка вторая"
    with pytest.raises(ValidationError):
        check_free_text("строка\x0bвторая", label="Название", multiline=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15000,50", Decimal("15000.50")),
        ("15 000,50", Decimal("15000.50")),
        ("15\u00a0000,50", Decimal("15000.50")),
        ("15\u202f000,50", Decimal("15000.50")),
        ("1,5", Decimal("1.5")),
        ("4.0", Decimal("4.0")),
        ("-3", Decimal("-3")),
        ("1 000 000", Decimal("1000000")),
    ],
)
def test_numbers_are_read_the_russian_way(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    "text", ["1e3", "1E3", "Infinity", "NaN", "inf", "1.000,5", "15 0000", "12a", "", "1,2,3"]
)
def test_exponents_and_non_numbers_are_refused(text):
    with pytest.raises(ValidationError) as error:
        parse_decimal(text, label="Сумма")
    assert error.value.messages[0].startswith("Сумма:")


def test_integers_and_signs():
    assert parse_int("1 500") == 1500
    with pytest.raises(ValidationError, match="целое"):
        parse_int("1,5")
    with pytest.raises(ValidationError, match="отрицательным"):
        parse_decimal("-1", allow_negative=False)


class _NumbersForm(StyledForm):
    amount = DecimalField(label="Сумма", max_digits=12, decimal_places=2, min_value=0)
    count = IntegerField(label="Количество", required=False)
    name = PersonNameField(label="Фамилия", max_length=100)
    note = FreeTextField(label="Заметка", required=False, max_length=20)


def test_form_fields_parse_comma_and_refuse_hostile_values():
    form = _NumbersForm(data={"amount": "15 000,50", "count": "1 500", "name": "  Иванов ", "note": "ок"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("15000.50"), "count": 1500, "name": "Иванов", "note": "ок"}
    form = _NumbersForm(data={"amount": "-1", "count": "1e3", "name": "\u200b", "note": "x" * 21})
    assert not form.is_valid()
    assert set(form.errors) == {"amount", "count", "name", "note"}
    html = str(_NumbersForm(initial={"amount": Decimal("4.0")})["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="4,0"' in html


class _PlainForm(StyledForm):
    from django import forms as _forms

    value = _forms.DecimalField(label="Значение", min_value=0)
    title = _forms.CharField(label="Название")


def test_every_styled_form_adopts_the_core_fields():
    form = _PlainForm(data={"value": "1,5", "title": "Про\u200bграмма"})
    assert not form.is_valid()
    assert "title" in form.errors and "value" not in form.errors
    assert form.cleaned_data["value"] == Decimal("1.5")
    assert 'type="number"' not in str(_PlainForm(initial={"value": Decimal("4.0")}))


def test_date_ranges():
    today = timezone.localdate()
    validate_planned_end_date(today + dt.timedelta(days=180))
    with pytest.raises(ValidationError, match="Слишком поздняя"):
        validate_planned_end_date(dt.date(2100, 1, 1))
    with pytest.raises(ValidationError, match="Слишком ранняя"):
        validate_planned_end_date(dt.date(1800, 1, 1))
    with pytest.raises(ValidationError, match="будущем"):
        validate_date_range(today + dt.timedelta(days=1), kind="work_past")
