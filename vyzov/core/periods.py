"""The report period of a page: one form «С … по …» and one way to read it from the query string.

Report pages (support, NGO aid, consilium) open with a default period and let the user pick another;
a wrong period (a date that cannot be read, the end before the start) is shown on the form in Russian
and the page stays on the default period, never a server error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest

from .forms import DateInput, StyledForm


class PeriodForm(StyledForm):
    date_from = forms.DateField(label="С", widget=DateInput)
    date_to = forms.DateField(label="По", widget=DateInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "Дата окончания раньше даты начала.")
        return cleaned


@dataclass(frozen=True)
class Period:
    """The period a report page shows and the form that chose it (bound, with its errors, or the default)."""

    form: PeriodForm
    date_from: dt.date
    date_to: dt.date


def year_to_date(today: dt.date) -> tuple[dt.date, dt.date]:
    """From the 1st of January of this year to today: the default period of most report pages."""
    return dt.date(today.year, 1, 1), today


def period_from_request(request: HttpRequest, *, default: tuple[dt.date, dt.date]) -> Period:
    """The period in the query string (`date_from`, `date_to`), or `default` when none or a wrong one
    is given; the form keeps what was typed so the page shows it back with the error."""
    date_from, date_to = default
    form = PeriodForm(request.GET or None, initial={"date_from": date_from, "date_to": date_to})
    if form.is_valid():
        return Period(form, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
    return Period(form, date_from, date_to)
