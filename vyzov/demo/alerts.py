"""Demo signals about children at risk in Barnaul (Алтайский край): each state of the check, through
the same services as the pages. Synthetic: the seeds give no signals, only the stages (001)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vyzov.accounts.models import User
from vyzov.alerts import services
from vyzov.alerts.models import Alert
from vyzov.cases.models import Family
from vyzov.consilium.models import ActionItem
from vyzov.territories.models import Municipality, Organization

SIGNALS = [
    # (days ago, source, who, what, description, state)
    (
        1,
        "school",
        "Школа (демо), классный руководитель",
        "Ученик 2-го класса неделю приходит без завтрака, одежда не по сезону",
        "Мальчик 8 лет, микрорайон Южный (демо)",
        "registered",
    ),
    (
        3,
        "hotline",
        "Телефон доверия 8-800-2000-122",
        "Подросток сообщил, что боится возвращаться домой",
        "Девочка 14 лет, имя не названо (демо)",
        "registered",
    ),
    (
        6,
        "hospital",
        "Детская поликлиника (демо), участковый педиатр",
        "Ребёнок 1 года не привит, мать не приходит на приёмы",
        "",
        "checking",
    ),
    (15, "police", "ПДН (демо), инспектор", "Ночью в квартире шумное застолье, дети дома", "", "overdue"),
    (30, "neighbours", "Соседка (демо)", "Дети подолгу одни дома", "", "not_confirmed"),
    (40, "ngo", "НКО (демо), волонтёр", "Семья без средств, дети голодают", "", "sop"),
]


def load() -> int:
    """Create the demo signals once (a second run adds nothing)."""
    if Alert.objects.exists():
        return 0
    curator = User.objects.filter(username="curator_altai").first()
    executor = User.objects.filter(username="municipal_barnaul").first()
    barnaul = Municipality.objects.filter(subject__code="22", is_regional_centre=True).first()
    if curator is None or barnaul is None:
        return 0
    organization = (
        Organization.objects.filter(municipality=barnaul, kind="guardianship_body").first()
        or Organization.objects.filter(municipality=barnaul).order_by("pk").first()
    )
    # Families not on the СОП record yet (a confirmed signal puts one there).
    families = list(
        Family.objects.filter(municipality=barnaul)
        .exclude(statuses__kind="sop", statuses__end_date__isnull=True)
        .order_by("pk")[:10]
    )
    today = timezone.localdate()
    created = 0
    for number, (days, source, who, what, description, state) in enumerate(SIGNALS):
        family = None if description else (families[number] if number < len(families) else None)
        alert = services.alert_register(
            actor=curator,
            municipality=barnaul,
            family=family,
            data={
                "received_on": today - dt.timedelta(days=days),
                "source": source,
                "source_detail": who,
                "content": what,
                "person_description": description or ("" if family else "Семья не установлена (демо)"),
            },
        )
        created += 1
        if state == "registered" or organization is None:
            continue
        services.alert_check_assign(
            actor=curator,
            alert=alert,
            organization=organization,
            executor=executor,
            deadline=today + dt.timedelta(days=5),
        )
        if state == "overdue":  # the check's deadline passed (back-dated: the service refuses past deadlines)
            ActionItem.objects.filter(pk=alert.check_item_id).update(deadline=today - dt.timedelta(days=5))
        elif state == "not_confirmed":
            services.alert_check_complete(
                actor=curator,
                alert=alert,
                outcome="not_confirmed",
                outcome_note="Выход в семью: дети под присмотром бабушки, факты не подтвердились (демо).",
                checked_on=today - dt.timedelta(days=25),
            )
        elif state == "sop" and alert.family is not None:
            services.alert_check_complete(
                actor=curator,
                alert=alert,
                outcome="sop",
                outcome_note="Подтвердилось; семья поставлена на учёт, назначена помощь (демо).",
                checked_on=today - dt.timedelta(days=33),
                status_basis="Постановление КДНиЗП (демо)",
            )
    return created
