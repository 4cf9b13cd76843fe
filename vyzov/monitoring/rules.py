"""Validation rules and outlier ranges applied to figures: one definition used at entry, at import,
through the API and by the region-wide analysis. Pure functions over values already read."""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass
from decimal import Decimal

from . import expressions
from .models import Importance, OutlierRange, ValidationRule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledRule:
    rule: ValidationRule
    left: expressions.Expression
    right: expressions.Expression

    @property
    def codes(self) -> list[str]:
        """The rule's codes, the left side's first: a violation is shown at the first one entered."""
        return sorted(self.left.codes) + sorted(self.right.codes - self.left.codes)


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    municipality_id: int | None
    left: Decimal
    right: Decimal
    codes: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"{self.rule.message} ({_number(self.left)} {self.rule.get_operator_display()} {_number(self.right)} не выполняется)"

    @property
    def blocks(self) -> bool:
        return self.rule.importance == Importance.HIGH


def _number(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def compile_rules(rules) -> list[CompiledRule]:
    """Active rules, parsed; a rule that no longer parses (it was checked when saved) is logged and
    skipped rather than stopping every entry in the country."""
    compiled = []
    for rule in rules:
        if not rule.is_active:
            continue
        try:
            compiled.append(CompiledRule(rule, expressions.parse(rule.left), expressions.parse(rule.right)))
        except expressions.ExpressionError:
            logger.error("Validation rule %s does not parse; skipped", rule.code)
    return compiled


def active_rules() -> list[CompiledRule]:
    return compile_rules(ValidationRule.objects.filter(is_active=True).order_by("code"))


def violations(rules: list[CompiledRule], values: dict[int | None, dict[str, int]]) -> list[Violation]:
    """Every violated rule for every territory (municipality id, or None for the subject as a whole).
    A rule with a code that has no value for the territory is not applied there (DHIS2's «skip if
    any value is missing»)."""
    found = []
    for municipality_id, territory_values in values.items():
        for compiled in rules:
            try:
                left = compiled.left.evaluate(territory_values)
                right = compiled.right.evaluate(territory_values)
            except expressions.Missing:
                continue
            if not expressions.compare(left, compiled.rule.operator, right):
                found.append(Violation(compiled.rule, municipality_id, left, right, tuple(compiled.codes)))
    return found


# ---- outliers -------------------------------------------------------------------------------------


def range_for(ranges: list[OutlierRange], *, indicator_id: int, subject_id: int, municipality_id: int | None):
    """The most specific range: the municipality's, else the subject's, else the one for everywhere.
    A municipal value is checked only against a municipal or a general range (a subject's range is
    for the subject's total)."""
    best = None
    for candidate in ranges:
        if candidate.indicator_id != indicator_id:
            continue
        if municipality_id is not None and candidate.municipality_id == municipality_id:
            return candidate
        if (
            municipality_id is None
            and candidate.municipality_id is None
            and candidate.subject_id == subject_id
        ) or (candidate.subject_id is None and candidate.municipality_id is None and best is None):
            best = candidate
    return best


def outside(outlier_range: OutlierRange | None, value: int) -> bool:
    return outlier_range is not None and not (outlier_range.min_value <= value <= outlier_range.max_value)


@dataclass(frozen=True)
class HistoryRange:
    min_value: int
    max_value: int
    count: int
    mean: float
    sd: float


def history_range(values: list[int], *, k: float, min_history: int) -> HistoryRange | None:
    """mean ± k·SD of a territory's history (population SD), widened to whole numbers, never below 0;
    None when the history is shorter than `min_history` values."""
    if len(values) < max(min_history, 2):
        return None
    mean = statistics.fmean(values)
    sd = statistics.pstdev(values)
    return HistoryRange(
        min_value=max(0, math.floor(mean - k * sd)),
        max_value=math.ceil(mean + k * sd),
        count=len(values),
        mean=mean,
        sd=sd,
    )
