"""The seed's conditions for NGO aid (002, п. 4; data/ngo_aid_eligibility.csv). Rules the system can
check are checked here and explained; the others are confirmed by the operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vyzov.cases.models import SocialStatusKind
from vyzov.cases.selectors import family_has_active_status

from .models import RegionalMeasure

MEASURE_LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class RuleResult:
    code: str
    title: str
    ok: bool
    automatic: bool
    explanation: str

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "ok": self.ok,
            "automatic": self.automatic,
            "explanation": self.explanation,
        }


def rule_status(family, *, day: dt.date) -> RuleResult:
    """1. The family is recognised as being in СОП or ТЖС on the day of the request."""
    ok = family_has_active_status(family=family, kinds={SocialStatusKind.SOP, SocialStatusKind.TZHS}, day=day)
    return RuleResult(
        "status",
        "Семья признана находящейся в СОП или ТЖС",
        ok,
        True,
        "В реестре есть действующий статус СОП или ТЖС."
        if ok
        else f"На {day:%d.%m.%Y} у семьи в реестре нет действующего статуса СОП или ТЖС.",
    )


def rule_not_covered(family, form_ids: set[int], *, day: dt.date, exception: str = "") -> RuleResult:
    """3. The forms of aid are not already granted to the family as a regional measure (within a year),
    unless the regional measure takes unreasonably long — then the operator explains why."""
    since = day - dt.timedelta(days=MEASURE_LOOKBACK_DAYS)
    covered = list(
        RegionalMeasure.objects.filter(
            family=family, form_id__in=form_ids, granted_on__gte=since
        ).select_related("form")
    )
    if not covered:
        return RuleResult(
            "not_covered",
            "Помощь не дублирует региональные меры поддержки",
            True,
            True,
            "Региональных мер с теми же формами помощи за последний год нет.",
        )
    names = "; ".join(f"{m.form.title} ({m.granted_on:%d.%m.%Y})" for m in covered)
    if exception.strip():
        return RuleResult(
            "not_covered",
            "Помощь не дублирует региональные меры поддержки",
            True,
            True,
            f"Уже назначено: {names}. Исключение: {exception.strip()}",
        )
    return RuleResult(
        "not_covered",
        "Помощь не дублирует региональные меры поддержки",
        False,
        True,
        f"Уже назначено региональными мерами: {names}. Помощь возможна, только если сроки "
        "региональной меры превышают разумные — опишите это в исключении.",
    )


def confirmed(code: str, title: str, value: bool) -> RuleResult:
    return RuleResult(
        code,
        title,
        bool(value),
        False,
        "Подтверждено оператором." if value else "Оператор не подтвердил условие.",
    )


def evaluate(
    *,
    family,
    form_ids: set[int],
    day: dt.date,
    crisis_confirmed: bool,
    result_confirmed: bool,
    exception: str = "",
) -> list[RuleResult]:
    return [
        rule_status(family, day=day),
        confirmed("crisis", "Помощь содействует выходу семьи из кризиса", crisis_confirmed),
        rule_not_covered(family, form_ids, day=day, exception=exception),
        confirmed(
            "result", "Помощь снижает риск разлучения или помогает вернуть ребёнка в семью", result_confirmed
        ),
    ]
