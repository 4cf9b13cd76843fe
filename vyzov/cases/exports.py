"""XLSX export of any filtered list of children: streaming, personal columns only where allowed."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from vyzov.accounts.access import Perm, has_perm, require_perm
from vyzov.accounts.privacy import coarse_date
from vyzov.core.exports import ExportPlan, params_querydict, register

from .models import LegalStatus, RouteGoal

EXPORT_LIMIT = 300_000

HEADER_PERSONAL = ["Фамилия", "Имя", "Отчество", "Дата рождения", "СНИЛС", "Свидетельство о рождении"]
HEADER_COMMON = [
    "Номер в реестре",
    "Субъект РФ",
    "Муниципальное образование",
    "Возраст",
    "Пол",
    "Правовой статус",
    "Есть живые родители",
    "Инвалидность",
    "Организация (сейчас)",
    "В организации с",
    "Цель маршрута",
    "Следующий пересмотр",
]


def header(*, personal: bool) -> list[str]:
    return [*HEADER_PERSONAL, *HEADER_COMMON] if personal else list(HEADER_COMMON)


def rows(queryset, *, personal: bool) -> Iterator[list]:
    """One list per child. Reads in chunks; nothing is held in memory but the current chunk.

    `personal` is decided once for the whole export by the caller: personal columns are filled only
    for rows the actor may see personally (the `personal` annotation), the others are left blank.
    """
    today = timezone.localdate()
    legal = dict(LegalStatus.choices)
    goals = dict(RouteGoal.choices)
    fields = [
        "pk",
        "subject__name",
        "municipality__name",
        "birth_date",
        "sex",
        "legal_status",
        "has_living_parents",
        "disability",
        "current_organization__name",
        "placed_since",
        "case__goal",
        "case__next_review_date",
        "personal",
    ]
    if personal:
        fields += ["last_name", "first_name", "middle_name", "snils", "birth_certificate"]
    for values in queryset.values(*fields).iterator(chunk_size=2000):
        birth = values["birth_date"]
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        common = [
            values["pk"],
            values["subject__name"],
            values["municipality__name"],
            age,
            "м" if values["sex"] == "m" else "ж",
            legal.get(values["legal_status"], ""),
            "да" if values["has_living_parents"] else "нет",
            "да" if values["disability"] else "нет",
            values["current_organization__name"] or "",
            values["placed_since"] if values["personal"] else coarse_date(values["placed_since"]),
            goals.get(values["case__goal"], ""),
            values["case__next_review_date"],
        ]
        if not personal:
            yield common
        elif values["personal"]:
            yield [
                values["last_name"],
                values["first_name"],
                values["middle_name"],
                birth,
                values["snils"],
                values["birth_certificate"],
                *common,
            ]
        else:
            yield ["", "", "", "", "", "", *common]


@register("children", "Выгрузка реестра детей")
def children_plan(*, actor, params: dict) -> ExportPlan:
    """Run by the worker: the requester's filters, the requester's scope now (a revoked grant counts)."""
    from . import selectors
    from .forms import ChildFilterForm

    require_perm(actor, Perm.CASES_EXPORT)
    form = ChildFilterForm(params_querydict(params) or None, actor=actor)
    filters = form.cleaned_data if form.is_valid() else {}
    children = selectors.child_list(actor=actor, filters=filters)
    personal = has_perm(actor, Perm.CASES_VIEW_PERSONAL)
    subject_id = filters["subject"].pk if filters.get("subject") else None
    personal_count = min(children.filter(personal=True).count(), EXPORT_LIMIT) if personal else 0

    return ExportPlan(
        filename=f"children-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet_title="Дети",
        header=header(personal=personal),
        rows=rows(children[:EXPORT_LIMIT], personal=personal),
        total=min(children.count(), EXPORT_LIMIT),
        object_repr="Реестр детей",
        personal_kind="children_export",
        personal_count=personal_count,
        subject_id=subject_id,
        scope_perm=Perm.CASES_VIEW_PERSONAL,
        filters=filters,
    )
