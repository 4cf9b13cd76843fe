"""How the values of one indicator combine — the one rule, used by the roll-ups (municipality →
subject → federal district → country and the pilot group), and through them by the explorer, the
open data, the region and overview pages, and by every page that adds quarters together.

Across territories the indicator's `aggregation` decides: a sum, an average (rounded half up to a
whole number, as every figure is whole), or nothing — a «не суммируется» indicator (a share, a
rate, a ranking) has no total anywhere, never a fake one. Across periods a stock («на дату») is not
added up: the combined value is the one of the latest period; a flow («за квартал») combines over
periods by the same aggregation as over territories.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Protocol

from .models import Aggregation


class Across:
    TERRITORIES = "territories"
    PERIODS = "periods"


class Combinable(Protocol):
    aggregation: str
    is_stock: bool


def is_aggregatable(indicator: Combinable) -> bool:
    """Whether values of the indicator over several territories make one figure."""
    return indicator.aggregation != Aggregation.NONE


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def combine(indicator: Combinable, values: Sequence[int], *, across: str = Across.TERRITORIES) -> int | None:
    """The combined value of `values` of one indicator, or None when there is none to show (no
    values, or an indicator that is not aggregatable). Over periods, `values` are ordered oldest first."""
    if not values:
        return None
    if across == Across.PERIODS:
        if indicator.is_stock:
            return values[-1]
    elif across != Across.TERRITORIES:
        raise ValueError(f"unknown direction: {across}")
    if indicator.aggregation == Aggregation.SUM:
        return sum(values)
    if indicator.aggregation == Aggregation.AVERAGE:
        return _round_half_up(Fraction(sum(values), len(values)))
    return None
