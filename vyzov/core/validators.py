"""Validators of Russian personal documents and dates, with Russian messages."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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


# --- Names and free text -------------------------------------------------------------------------
# One validator for human names and one for free text, used by model fields (and so by ModelForms,
# services' full_clean and ModelSerializers), by the form and serializer fields of vyzov.core.forms /
# vyzov.core.serializers and by imports (`check_person_name`, `check_free_text`).

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_ALLOWED = frozenset("\n\r\t")
FORMULA_START = ("=", "+", "-", "@")
NAME_PUNCTUATION = frozenset(" -'’.")


def _labelled(label: str | None, message: str) -> str:
    return f"{label}: {message}" if label else message


def _invisible_problem(value: str, *, allowed: frozenset[str] = frozenset()) -> str | None:
    """A Russian description of the first invisible/control character in value, or None."""
    for char in value:
        if char in allowed:
            continue
        if char in ZERO_WIDTH:
            return f"невидимый символ нулевой ширины (U+{ord(char):04X}) не допускается"
        if char in BIDI_CONTROLS:
            return f"символ смены направления текста (U+{ord(char):04X}) не допускается"
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn") or char in "\u2028\u2029":
            return f"управляющий или служебный символ (U+{ord(char):04X}) не допускается"
    return None


def validate_person_name(value: str, *, label: str | None = None) -> None:
    """A human name (ФИО or one part of it): letters, spaces, hyphen, apostrophe, dot; at least one letter."""
    if value is None or value == "":
        return
    problem = _invisible_problem(value)
    if problem:
        raise ValidationError(_labelled(label, problem[0].upper() + problem[1:] + "."), code="invisible")
    stripped = value.strip()
    if not stripped:
        raise ValidationError(_labelled(label, "Введите имя буквами."), code="blank")
    if stripped.startswith(FORMULA_START):
        raise ValidationError(
            _labelled(label, "Имя не может начинаться с «=», «+», «-» или «@»."), code="formula"
        )
    if "<" in value or ">" in value:
        raise ValidationError(_labelled(label, "Знаки «<» и «>» в имени не допускаются."), code="markup")
    if not any(char.isalpha() for char in value):
        raise ValidationError(_labelled(label, "Имя должно содержать буквы."), code="no_letters")
    for char in value:
        if char in NAME_PUNCTUATION or unicodedata.category(char) in ("Mn", "Mc"):
            continue
        if not char.isalpha() or not _is_cyrillic_or_latin(char):
            raise ValidationError(
                _labelled(
                    label,
                    f"Недопустимый знак «{char}»: в имени допустимы русские и латинские буквы, пробел, "
                    "дефис, апостроф и точка.",
                ),
                code="name_chars",
            )


def _is_cyrillic_or_latin(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CYRILLIC", "LATIN"))


def validate_free_text(value: str, *, label: str | None = None, multiline: bool = True) -> None:
    """Free text (titles, comments, justifications, notes): printable text with at least one visible
    character; no control, format, zero-width or bidi characters (line breaks and tabs allowed in
    multi-line text)."""
    if value is None or value == "":
        return
    problem = _invisible_problem(value, allowed=MULTILINE_ALLOWED if multiline else frozenset())
    if problem:
        raise ValidationError(_labelled(label, problem[0].upper() + problem[1:] + "."), code="invisible")
    if not any(not char.isspace() for char in value):
        raise ValidationError(_labelled(label, "Текст не может состоять только из пробелов."), code="blank")


def validate_single_line_text(value: str) -> None:
    validate_free_text(value, multiline=False)


def validate_length(value: str, *, max_length: int | None, label: str | None = None) -> None:
    if max_length is not None and value is not None and len(value) > max_length:
        raise ValidationError(
            _labelled(label, f"Не больше {max_length} символов (сейчас {len(value)}): сократите текст."),
            code="max_length",
        )


def check_person_name(value, *, label: str, max_length: int | None = None, required: bool = True) -> str:
    """For imports: the normalised name, or ValidationError with a Russian message naming the field."""
    from .text import normalize_text

    text = normalize_text(value if value is None else str(value))
    if not text:
        if required:
            raise ValidationError(f"{label}: обязательное поле не заполнено.", code="required")
        return ""
    validate_person_name(text, label=label)
    validate_length(text, max_length=max_length, label=label)
    return text


def check_free_text(
    value, *, label: str, max_length: int | None = None, required: bool = False, multiline: bool = True
) -> str:
    """For imports: the normalised free text, or ValidationError with a Russian message naming the field."""
    from .text import normalize_text

    raw = "" if value is None else str(value)
    text = normalize_text(raw, multiline=multiline)
    if not text:
        if required:
            raise ValidationError(f"{label}: обязательное поле не заполнено.", code="required")
        return ""
    validate_free_text(text, label=label, multiline=multiline)
    validate_length(text, max_length=max_length, label=label)
    return text


# --- Plausible date ranges -----------------------------------------------------------------------
# Each kind of date has one range, stated here once and attached to the model fields
# (validators=[...]) so that forms, API and services (full_clean) refuse the same dates.
# Child birth dates: validate_child_birth_date (not in the future, at most 25 years ago).
# Monitoring quarters: vyzov.monitoring.models.validate_quarter_date (2015 … next year).

REGISTER_EARLIEST = dt.date(1990, 1, 1)  # placements, statuses and events of the register
WORK_EARLIEST = dt.date(2015, 1, 1)  # programme, aid, support, consilium
CONTESTS_EARLIEST = dt.date(2010, 1, 1)  # the contests' history starts in 2010 (Contest.year's minimum)
DATE_RANGES: dict[str, tuple[dt.date, int]] = {
    # kind: (earliest, days after today allowed; 0 = not in the future)
    "register_past": (REGISTER_EARLIEST, 0),  # placement start/end, status start, case opened/closed
    "planned_end": (REGISTER_EARLIEST, 366),  # a temporary placement's planned end, a status's end
    "work_past": (WORK_EARLIEST, 0),  # payments, receipts, visits, assessments, done-on dates
    "work_plan": (WORK_EARLIEST, 366 * 3),  # meetings, sessions, inspections (may be planned)
    "deadline": (WORK_EARLIEST, 366 * 10),  # deadlines and next review dates
    "contest_plan": (CONTESTS_EARLIEST, 366 * 3),  # a contest's intake deadline, its stages, extensions
    "contest_past": (CONTESTS_EARLIEST, 0),  # a media publication about a contest
}


def _check_range(value: dt.date | None, kind: str) -> None:
    if not value:
        return
    earliest, days_ahead = DATE_RANGES[kind]
    if value < earliest:
        raise ValidationError(
            f"Слишком ранняя дата: не раньше {earliest:%d.%m.%Y}. Проверьте год.", code="date_too_early"
        )
    today = timezone.localdate()
    if days_ahead == 0 and value > today:
        raise ValidationError("Дата не может быть в будущем.", code="future_date")
    if days_ahead and value > today + dt.timedelta(days=days_ahead):
        latest = today + dt.timedelta(days=days_ahead)
        raise ValidationError(
            f"Слишком поздняя дата: не позже {latest:%d.%m.%Y}. Проверьте год.", code="date_too_late"
        )


def validate_date_range(value: dt.date | None, *, kind: str) -> None:
    """For services and imports: the range of DATE_RANGES[kind]."""
    _check_range(value, kind)


CHILD_MAX_AGE_YEARS = 25  # the register follows children and care leavers up to 23; a margin beyond


def validate_child_birth_date(value: dt.date) -> None:
    """A child's birth date in the register: not in the future and not more than 25 years ago."""
    if not value:
        return
    validate_not_future(value)
    today = timezone.localdate()
    try:
        earliest = today.replace(year=today.year - CHILD_MAX_AGE_YEARS)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - CHILD_MAX_AGE_YEARS, day=28)
    if value < earliest:
        raise ValidationError(
            f"Дата рождения ребёнка — не раньше {earliest:%d.%m.%Y} (не старше {CHILD_MAX_AGE_YEARS} лет). "
            "Проверьте год.",
            code="child_too_old",
        )


def validate_register_date(value: dt.date) -> None:
    """A past date of the register (placement start, status start, event): 01.01.1990 … today."""
    _check_range(value, "register_past")


def validate_planned_end_date(value: dt.date) -> None:
    """A planned end (temporary placement): 01.01.1990 … a year from today."""
    _check_range(value, "planned_end")


def validate_work_date(value: dt.date) -> None:
    """A past date of the programme work (payment, visit, assessment, receipt): 01.01.2015 … today."""
    _check_range(value, "work_past")


def validate_work_plan_date(value: dt.date) -> None:
    """A date of the programme work that may be planned (meetings, sessions): 2015 … three years ahead."""
    _check_range(value, "work_plan")


def validate_deadline(value: dt.date) -> None:
    """A deadline or review date: 01.01.2015 … ten years from today."""
    _check_range(value, "deadline")


def validate_contest_date(value: dt.date) -> None:
    """A date of a contest's calendar (intake deadline, stage, extension): 01.01.2010 … three years ahead."""
    _check_range(value, "contest_plan")


def validate_contest_past_date(value: dt.date) -> None:
    """A date of what already happened in a contest (a media publication): 01.01.2010 … today."""
    _check_range(value, "contest_past")
