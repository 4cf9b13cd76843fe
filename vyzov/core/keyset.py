"""Keyset pagination («следующая/предыдущая»): a page is the rows after (or before) the boundary row's
sort values, so a deep page costs like the first one (no OFFSET). The sort ends with `id`, so the
order is total and ties never repeat or lose a row. NULL sorts as the largest value in both
directions (PostgreSQL's own order: ASC NULLS LAST, DESC NULLS FIRST — the indexes serve it; SQLite
is told the same)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy

Key = tuple[str, bool]  # (field name on the model, descending)


def keys_of(order: Sequence[str]) -> list[Key]:
    return [(name.removeprefix("-"), name.startswith("-")) for name in order]


def ordering(keys: Sequence[Key]) -> list[OrderBy]:
    return [F(name).desc(nulls_first=True) if desc else F(name).asc(nulls_last=True) for name, desc in keys]


def _after(keys: Sequence[Key], values: Sequence[Any], nullable: set[str]) -> Q:
    """Rows strictly after `values` in the order of `keys`, and a plain bound on the first key that
    the index can start from (the OR of the lexicographic order alone would be a filter)."""
    after = Q(pk__in=[])
    same = Q()
    for (name, desc), value in zip(keys, values, strict=True):
        if value is None:
            strict = Q(**{f"{name}__isnull": False}) if desc else None
            equal = Q(**{f"{name}__isnull": True})
        else:
            strict = Q(**{f"{name}__lt": value}) if desc else Q(**{f"{name}__gt": value})
            if not desc and name in nullable:
                strict |= Q(**{f"{name}__isnull": True})
            equal = Q(**{name: value})
        if strict is not None:
            after |= same & strict
        same &= equal
    (first, desc), value = keys[0], values[0]
    if value is None and not desc:
        after &= Q(**{f"{first}__isnull": True})
    elif value is not None and desc:
        after &= Q(**{f"{first}__lte": value})
    elif value is not None and first not in nullable:
        after &= Q(**{f"{first}__gte": value})
    return after


def _encode(row: Model, keys: Sequence[Key]) -> str:
    values = [getattr(row, name) for name, _desc in keys]
    text = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value for value in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_for(row: Model, *, order: Sequence[str]) -> str:
    """The cursor of the page that follows `row` (a bench or a test opening a deep page)."""
    return _encode(row, keys_of(order))


def _decode(cursor: str | None, keys: Sequence[Key], model: type[Model]) -> list[Any] | None:
    """The boundary values, or None for a missing or broken cursor (the first page)."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            return None
        return [
            None if value is None else model._meta.get_field(name).to_python(value)  # type: ignore[union-attr]
            for (name, _desc), value in zip(keys, raw, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, ValidationError):
        return None


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None = None
    prev_cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def keyset_page(
    queryset: QuerySet[Any],
    *,
    order: Sequence[str],
    after: str | None = None,
    before: str | None = None,
    per_page: int = 50,
) -> KeysetPage:
    """The page after the cursor `after` (or before `before`); without either, the first page."""
    keys = keys_of(order)
    backwards = bool(before) and not after
    values = _decode(before if backwards else after, keys, queryset.model)
    if values is None:
        backwards = False
    walk = [(name, not desc) for name, desc in keys] if backwards else keys
    rows_qs = queryset.order_by(*ordering(walk))
    if values is not None:
        nullable = {name for name, _desc in keys if queryset.model._meta.get_field(name).null}
        rows_qs = rows_qs.filter(_after(walk, values, nullable))
    rows = list(rows_qs[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    has_prev = more if backwards else values is not None
    has_next = values is not None if backwards else more
    return KeysetPage(
        rows=rows,
        next_cursor=_encode(rows[-1], keys) if has_next and rows else None,
        prev_cursor=_encode(rows[0], keys) if has_prev and rows else None,
    )
