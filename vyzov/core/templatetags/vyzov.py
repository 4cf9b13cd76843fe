import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(birth_date: dt.date | None) -> str:
    """Full years today: 7."""
    if not birth_date:
        return ""
    today = timezone.localdate()
    return str(today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day)))


@register.filter
def months_since(day: dt.date | None) -> str:
    """Whole months from `day` to today."""
    if not day:
        return ""
    today = timezone.localdate()
    months = (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)
    return str(max(months, 0))


@register.filter
def is_past(day: dt.date | None) -> bool:
    return bool(day) and day < timezone.localdate()


@register.filter
def money(value) -> str:
    """38 500,00 — roubles with kopecks, a thin group separator and a decimal comma."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    whole, _, kopecks = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("−" if amount < 0 else "") + "\u00a0".join(groups) + "," + kopecks


@register.filter
def get_item(mapping, key):
    """`{{ answers|get_item:task.pk }}` — a dictionary value by a key that is a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter(name="with_titles")
def with_titles_filter(text) -> str:
    """Seed document file names in a stored text replaced by the documents' titles (core.seeds)."""
    from vyzov.core.seeds import with_titles

    return with_titles(text)
