"""Selection of priority regions by the programme's rule (002, «География Проекта»): the regions with
the largest number of children in institutions and, at the same time, the largest share of children
living outside their families per child population. A transparent score with adjustable weights."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PriorityInput:
    code: str
    name: str
    children: int  # children in institutions at the reference date
    child_population: int | None


@dataclass(frozen=True)
class PriorityRow:
    code: str
    name: str
    children: int
    child_population: int | None
    per_10k: float | None  # children in institutions per 10 000 children of the subject
    count_score: float  # 0..1: share of the largest number
    share_score: float  # 0..1: share of the largest rate
    score: float  # 0..100
    rank: int

    @property
    def explanation(self) -> str:
        rate = (
            "нет данных о детском населении"
            if self.per_10k is None
            else f"{self.per_10k:.1f} на 10 000 детей"
        )
        return (
            f"{self.children} детей в учреждениях ({self.count_score * 100:.0f} % от наибольшего), "
            f"{rate} ({self.share_score * 100:.0f} % от наибольшего) → {self.score:.1f} балла"
        )


def rank_regions(
    inputs: list[PriorityInput], *, weight_count: float = 0.5, weight_share: float = 0.5
) -> list[PriorityRow]:
    """Score = weighted mean of the two normalised measures × 100; equal scores share a rank."""
    if weight_count < 0 or weight_share < 0 or weight_count + weight_share == 0:
        raise ValueError("Веса — неотрицательные числа, хотя бы один больше нуля.")
    rates = {
        item.code: item.children / item.child_population * 10_000 if item.child_population else None
        for item in inputs
    }
    max_children = max((item.children for item in inputs), default=0) or 1
    max_rate = max((rate for rate in rates.values() if rate is not None), default=0) or 1
    scored = []
    for item in inputs:
        count_score = item.children / max_children
        share_score = (rates[item.code] or 0) / max_rate
        score = (
            (weight_count * count_score + weight_share * share_score) / (weight_count + weight_share) * 100
        )
        scored.append((round(score, 6), item, count_score, share_score))
    scored.sort(key=lambda entry: (-entry[0], -entry[1].children, entry[1].code))
    rows, rank, previous = [], 0, None
    for position, (score, item, count_score, share_score) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        rows.append(
            PriorityRow(
                item.code,
                item.name,
                item.children,
                item.child_population,
                rates[item.code],
                count_score,
                share_score,
                score,
                rank,
            )
        )
    return rows
