"""Pure rules of contest results: how experts' totals are combined, when experts disagree, and how
places are given with ties. No database here, so the rules are tested exhaustively (hypothesis)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def quantize(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Placed:
    key: Any  # an application id, a category id…
    score: Decimal
    place: int


def rank(entries: Iterable[tuple[Any, Decimal]], *, rule: str) -> list[Placed]:
    """Places by score, highest first; equal scores share a place.

    `dense` (as the 2016 results: Саранск and Уфа 1st, Тула 2nd) — the next score takes the next place;
    `competition` — the next place skips the shared ones (1, 1, 3). Entries with equal scores are listed
    by key so that the output does not depend on the input order."""
    ordered = sorted(((key, quantize(score)) for key, score in entries), key=lambda e: (-e[1], str(e[0])))
    placed: list[Placed] = []
    for index, (key, score) in enumerate(ordered):
        if placed and placed[-1].score == score:
            place = placed[-1].place
        elif rule == "dense":
            place = placed[-1].place + 1 if placed else 1
        elif rule == "competition":
            place = index + 1
        else:
            raise ValueError(f"unknown tie rule: {rule}")
        placed.append(Placed(key, score, place))
    return placed


def trimmed_mean(values: Sequence[float]) -> float:
    """Mean without the single highest and lowest value (with fewer than three values — plain mean)."""
    if len(values) < 3:
        return statistics.fmean(values)
    ordered = sorted(values)
    return statistics.fmean(ordered[1:-1])


def expert_normalisers(
    totals_by_expert: Mapping[Any, Sequence[float]],
) -> dict[Any, tuple[float, float]]:
    """(mean, spread) of each expert's totals over all the applications they scored."""
    result = {}
    for expert, totals in totals_by_expert.items():
        mean = statistics.fmean(totals)
        spread = statistics.pstdev(totals) if len(totals) > 1 else 0.0
        result[expert] = (mean, spread)
    return result


def aggregate(
    totals: Mapping[Any, float],
    *,
    rule: str,
    normalisers: Mapping[Any, tuple[float, float]] | None = None,
) -> float | None:
    """One application's experts' totals combined by the contest's rule. `normalised` moves each
    expert's total to the common scale: a strict expert's 30 can be worth a lenient one's 40."""
    if not totals:
        return None
    values = list(totals.values())
    if rule == "mean":
        return statistics.fmean(values)
    if rule == "median":
        return statistics.median(values)
    if rule == "trimmed":
        return trimmed_mean(values)
    if rule == "normalised":
        normalisers = normalisers or {}
        all_means = [mean for mean, _spread in normalisers.values()] or values
        all_spreads = [spread for _mean, spread in normalisers.values() if spread] or [0.0]
        common_mean, common_spread = statistics.fmean(all_means), statistics.fmean(all_spreads)
        shifted = []
        for expert, total in totals.items():
            mean, spread = normalisers.get(expert, (total, 0.0))
            z = (total - mean) / spread if spread else 0.0
            shifted.append(common_mean + z * common_spread)
        return statistics.fmean(shifted)
    raise ValueError(f"unknown aggregation: {rule}")


def disagreement(totals: Sequence[float], *, maximum: float) -> float:
    """The spread of experts' totals as a share of the maximum possible total, in %."""
    if len(totals) < 2 or not maximum:
        return 0.0
    return (max(totals) - min(totals)) / maximum * 100
