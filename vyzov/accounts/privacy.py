"""What a person without personal-data rights may see of a record: the one place that decides.

Roles without a personal-data permission (the federal analyst, the analyst, contest roles…) may see
records of the register, the consilium, family support and aid, but never what identifies a person:

* dates of a child's or a family's record (placement, registration, intake, status…) are coarsened to
  the month — for many children the placement date is the birth date — and ages are whole years;
* free text (comments, justifications, notes, reasons) is hidden: a name typed into a comment must not
  reach them.

`sees_personal` is the rule; `date_for`, `text_for` (and the template tags and serializer fields built
on them) are how pages, the API and exports apply it.
"""

from __future__ import annotations

import datetime as dt

from vyzov.accounts.models import User

from .access import Perm, allows, has_perm

HIDDEN_TEXT = "скрыто: нет доступа к персональным данным"

# The permissions that let a role read the persons behind a record of its area.
PERSONAL_PERMISSIONS: tuple[str, ...] = (
    Perm.CASES_VIEW_PERSONAL,  # the register, the consilium
    Perm.SUPPORT_MANAGE,  # the caseworkers of family support
    Perm.NGO_AID_VIEW,  # the aid operator working with the family
    Perm.NGO_AID_REFER,  # who referred a family for aid
)


def sees_personal(actor: User, obj=None) -> bool:
    """Whether `actor` may see the personal data (exact dates, free text) of `obj` — or, without an
    object, of the records of their scope in general. Decided once per (actor, object)."""
    if not any(has_perm(actor, perm) for perm in PERSONAL_PERMISSIONS):
        return False
    if obj is None:
        return True
    flag = obj.__dict__.get("personal")  # the register's per-row annotation (with_personal_flag)
    if isinstance(flag, bool):
        return flag
    if getattr(type(obj), "access_paths", None) is None:
        return True
    cache = actor.__dict__.setdefault("_vyzov_personal", {}) if actor is not None else {}
    key = (type(obj)._meta.label_lower, obj.pk)
    if key not in cache or obj.pk is None:
        referred = getattr(obj, "referred_by_id", None)
        cache[key] = (referred is not None and referred == getattr(actor, "pk", None)) or any(
            allows(actor, perm, obj) for perm in PERSONAL_PERMISSIONS
        )
    return cache[key]


def coarse_date(value: dt.date | dt.datetime | None, *, iso: bool = False) -> str | None:
    """A date to the month: «03.2024» for pages and exports, "2024-03" for the API."""
    if value is None:
        return None
    return f"{value.year:04d}-{value.month:02d}" if iso else f"{value.month:02d}.{value.year:04d}"


def date_for(actor: User, value, obj=None, *, iso: bool = False):
    """The date as is for those who see personal data; to the month for everyone else."""
    if value is None or sees_personal(actor, obj):
        return value
    return coarse_date(value, iso=iso)


def text_for(actor: User, value, obj=None):
    """Free text as is for those who see personal data; a marker for everyone else (empty stays empty)."""
    if not value or sees_personal(actor, obj):
        return value
    return HIDDEN_TEXT


def age_in_years(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def mask_form_text(actor: User, form, obj) -> None:
    """A read-only display of a filled form (e.g. a consilium review) to someone without personal-data
    rights: its free-text answers are replaced by the marker and the fields disabled."""
    if sees_personal(actor, obj):
        return
    from django import forms as django_forms

    for name, field in form.fields.items():
        if isinstance(field, django_forms.CharField) and not isinstance(field, django_forms.ChoiceField):
            field.disabled = True
            if form.initial.get(name):
                form.initial[name] = HIDDEN_TEXT
