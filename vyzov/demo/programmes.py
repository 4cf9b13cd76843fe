"""Demo of regional governance for the 14 pilot regions: a programme 2025–2026 with the brochure's eight
directions and three indicators (children in institutions and children returned home linked to
monitoring, families on support entered by hand), measures, an МРГ with the brochure's composition,
the curator named in the brochure with the task checklist, the information partner, a strategic
session (the brochure: all 14 regions held one). Алтайский край, the demo curator's region, also gets
МРГ meetings with assignments, an inspection and an institution's transformation plan. People other
than the curators are fictional and marked so."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vyzov.accounts.models import User
from vyzov.cases.models import FAMILY_PLACEMENT_OUTCOMES, Child, Placement, PlacementOutcome
from vyzov.consilium.models import ActionItem, ActionStatus, Consilium
from vyzov.consilium.models import Level as ConsiliumLevel
from vyzov.consilium.services import action_item_update
from vyzov.consilium.services import member_add as consilium_member_add
from vyzov.monitoring.models import Indicator, RollUp, RollUpLevel, Target
from vyzov.programmes import services
from vyzov.programmes.inspections import findings_text, parse_004
from vyzov.programmes.models import (
    CuratorAssignment,
    InformationPartner,
    MeasureStatus,
    RegionalProgramme,
    StrategicSession,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupSeat,
)
from vyzov.programmes.services import _rows
from vyzov.territories.models import Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv

DEMO_MEASURES = [  # (direction, title, responsible, deadline, budget in roubles)
    (
        3,
        "Открытие служб «Дети в семье» в муниципальных округах",
        "Министерство социальной защиты",
        dt.date(2025, 6, 30),
        12_000_000,
    ),
    (
        4,
        "Перепрофилирование центра содействия семейному воспитанию в центр поддержки семьи",
        "Министерство социальной защиты",
        dt.date(2026, 9, 1),
        8_500_000,
    ),
    (
        5,
        "Обучение специалистов системы профилактики семейно-сберегающему подходу",
        "Ресурсно-методический центр",
        dt.date(2025, 12, 15),
        1_200_000,
    ),
    (
        8,
        "Конкурс субсидий НКО на сопровождение семей",
        "Министерство экономического развития",
        dt.date(2026, 3, 31),
        5_000_000,
    ),
]
FICTIONAL_PEOPLE = [
    "Громов Павел Ильич",
    "Соколова Ирина Андреевна",
    "Лебедев Артём Сергеевич",
    "Морозова Ольга Викторовна",
    "Никитин Роман Олегович",
    "Фёдорова Анна Павловна",
]


def _rollup(subject: Subject, code: str, *, up_to: dt.date) -> list[tuple[dt.date, int]]:
    return list(
        RollUp.objects.filter(
            level=RollUpLevel.SUBJECT, key=subject.code, indicator__code=code, as_of__lte=up_to
        )
        .order_by("as_of")
        .values_list("as_of", "value")
    )


def _programme(admin, subject: Subject, row: dict, approval: str, rng: random.Random) -> None:
    programme = services.programme_create(
        actor=admin,
        subject=subject,
        start_year=2025,
        end_year=2026,
        approved_document=approval,
        title=f"Региональная программа по профилактике социального сиротства ({subject.name}) на 2025–2026 годы",
    )
    directions = {direction.number: direction for direction in programme.directions.all()}
    start = dt.date(2025, 1, 1)
    stock = _rollup(subject, "children_in_institutions", up_to=start)
    target = Target.objects.filter(subject=subject).first()
    if stock and target:
        baseline = Decimal(stock[-1][1])
        final = Decimal(target.target_value).quantize(Decimal(1))
        services.indicator_add(
            actor=admin,
            direction=directions[1],
            data={
                "name": "Дети в организациях для детей-сирот",
                "unit": "чел.",
                "better": "lower",
                "baseline": baseline,
                "monitoring_indicator": Indicator.objects.get(code="children_in_institutions"),
            },
            targets={2025: ((baseline + final) / 2).quantize(Decimal(1)), 2026: final},
        )
    returned_2024 = sum(
        value
        for as_of, value in _rollup(subject, "children_returned_home_quarter", up_to=start)
        if as_of.year == 2024
    )
    if returned_2024:
        yearly = Decimal(
            round(
                returned_2024
                * 4
                / max(1, len(_rollup(subject, "children_returned_home_quarter", up_to=start)))
                * 1.2
            )
        )
        services.indicator_add(
            actor=admin,
            direction=directions[7],
            data={
                "name": "Дети, возвращённые в родные семьи (нарастающим итогом с начала программы)",
                "unit": "чел.",
                "better": "higher",
                "baseline": Decimal(0),
                "monitoring_indicator": Indicator.objects.get(code="children_returned_home_quarter"),
            },
            targets={2025: yearly, 2026: yearly * 2},
        )
    families = int(row["dv_families_on_support"] or 0)
    if families:
        indicator = services.indicator_add(
            actor=admin,
            direction=directions[3],
            data={
                "name": "Семьи на сопровождении служб «Дети в семье»",
                "unit": "семей",
                "better": "higher",
                "baseline": Decimal(round(families * 0.6)),
            },
            targets={2026: Decimal(round(families * 1.2))},
        )
        for quarter, share in (
            (dt.date(2025, 4, 1), 0.75),
            (dt.date(2025, 7, 1), 0.85),
            (dt.date(2025, 10, 1), 1.0),
        ):
            services.actual_add(
                actor=admin,
                indicator=indicator,
                as_of=quarter,
                value=Decimal(round(families * share * rng.uniform(0.9, 1.05))),
            )
    today = timezone.localdate()
    for number, title, responsible, deadline, budget in DEMO_MEASURES:
        measure = services.measure_add(
            actor=admin,
            direction=directions[number],
            data={
                "title": title,
                "responsible": responsible,
                "deadline": deadline,
                "budget": Decimal(budget),
            },
        )
        status = MeasureStatus.DONE if deadline < today and rng.random() < 0.7 else MeasureStatus.IN_PROGRESS
        services.measure_set_status(actor=admin, measure=measure, status=status)


def _working_group(subject: Subject, composition: list[str]) -> WorkingGroup:
    group = WorkingGroup.objects.create(
        subject=subject,
        title=f"Межведомственная рабочая группа по профилактике социального сиротства ({subject.name})",
    )
    WorkingGroupMember.objects.bulk_create(
        WorkingGroupMember(
            group=group,
            person=person,
            agency=agency,
            role="председатель" if number == 0 else "член рабочей группы",
        )
        for number, (person, agency) in enumerate(zip(FICTIONAL_PEOPLE, composition, strict=True))
    )
    return group


APPROVAL_WAYS = {
    "распоряжением": "government_order",
    "протоколом": "mrg_protocol",
    "постановлением": "kdn_resolution",
}


def _documents(admin, group: WorkingGroup, approval: str) -> None:
    """The МРГ's register: the programme 2025–2026 approved the way the demo programme says (002 lists the
    ways; which region used which is not in the seeds, nor the dates and numbers: demo values), the
    МРГ's regulation, and a draft algorithm of interagency action."""
    way = next((code for word, code in APPROVAL_WAYS.items() if word in approval), "official")
    for data in (
        {
            "kind": "programme",
            "title": "Программа по профилактике социального сиротства на 2025–2026 гг. (демо: дата и номер условные)",
            "number": "демо-1",
            "date": dt.date(2025, 2, 1),
            "approval_way": way,
            "status": "approved",
        },
        {
            "kind": "regulation",
            "title": "Положение о межведомственной рабочей группе (демо)",
            "date": dt.date(2024, 12, 1),
            "approval_way": "official",
            "status": "approved",
        },
        {
            "kind": "algorithm",
            "title": "Алгоритм межведомственного взаимодействия при выявлении детей в опасности (демо, проект)",
            "status": "draft",
        },
    ):
        services.document_add(actor=admin, group=group, data=data)


def _altai(admin, group: WorkingGroup) -> None:
    """Meetings with assignments (one done, one overdue, one open), an inspection, a transformation plan,
    curator's progress — so that the demo curator's pages and the passport have something to show."""
    subject = group.subject
    curator = User.objects.get(username="curator_altai")
    today = timezone.localdate()
    ministry = (
        Organization.objects.filter(subject=subject, kind=OrganizationKind.REGIONAL_AUTHORITY)
        .order_by("name")
        .first()
        or Organization.objects.filter(subject=subject).order_by("name").first()
    )
    first = services.meeting_add(
        actor=admin,
        group=group,
        date=today - dt.timedelta(days=90),
        agenda="1. Ход реализации региональной программы.\n2. Создание служб «Дети в семье».",
    )
    decision = services.decision_add(
        actor=admin,
        meeting=first,
        text="Обеспечить открытие служб «Дети в семье» во всех муниципальных округах края.",
        actions=[
            {
                "what": "Представить график открытия служб",
                "organization": ministry,
                "executor": curator,
                "deadline": today + dt.timedelta(days=5),
            },
            {
                "what": "Согласовать штатные расписания служб",
                "organization": ministry,
                "executor": None,
                "deadline": today + dt.timedelta(days=10),
            },
        ],
    )
    done, overdue = ActionItem.objects.filter(
        origin_id=decision.pk, origin_type__model="workinggroupdecision"
    ).order_by("id")
    action_item_update(
        actor=curator, item=done, status=ActionStatus.DONE, result="График утверждён на заседании."
    )
    # Demo only: an item issued with a future deadline that has since gone overdue.
    ActionItem.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=14))
    second = services.meeting_add(
        actor=admin,
        group=group,
        date=today - dt.timedelta(days=20),
        agenda="1. Итоги консилиумов по детям в учреждениях.",
    )
    services.decision_add(
        actor=admin,
        meeting=second,
        text="Рассмотреть на консилиумах всех детей, помещённых в учреждения по заявлению родителей.",
        actions=[
            {
                "what": "Включить детей в повестку регионального консилиума",
                "organization": ministry,
                "executor": curator,
                "deadline": today + dt.timedelta(days=30),
            }
        ],
    )
    homes = list(
        Organization.objects.filter(subject=subject, kind=OrganizationKind.ORPHAN_INSTITUTION).order_by(
            "name"
        )[:2]
    )
    services.inspection_add(
        actor=admin,
        subject=subject,
        data={
            "date_from": dt.date(2025, 4, 14),
            "date_to": dt.date(2025, 4, 18),
            "findings": "Демо: в учреждениях нет ставок для работы с кровными семьями; у части детей нет плана "
            "возвращения в семью.",
            "recommendations": "Ввести ставки специалистов по работе с кровными семьями; рассмотреть случаи на консилиуме.",
        },
        organizations=homes,
        actions=[
            {
                "what": "Ввести ставки специалистов по работе с кровными семьями",
                "organization": ministry,
                "executor": None,
                "deadline": today + dt.timedelta(days=60),
            }
        ],
    )
    if homes:
        services.institution_plan_save(
            actor=admin,
            organization=homes[0],
            family_work_positions=2,
            target_profile="центр поддержки семьи",
            milestones=[
                {
                    "title": "Введены ставки специалистов по работе с кровными семьями",
                    "due_date": dt.date(2025, 9, 1),
                    "done_on": dt.date(2025, 8, 20),
                },
                {"title": "Открыто отделение дневного пребывания для семей", "due_date": dt.date(2026, 3, 1)},
                {
                    "title": "Учреждение перепрофилировано в центр поддержки семьи",
                    "due_date": dt.date(2026, 12, 1),
                },
            ],
        )


def _seats(admin, group: WorkingGroup, row: dict) -> None:
    """The curator named in 002 sits on every МРГ; Krasnoyarsk's NGO operator head is named in 004. In
    Алтайский край the NGO head (fictional) sits on the МРГ and the regional consilium, the head of the
    regional service (fictional) only on the МРГ — so the checklist shows what is missing."""
    services.member_add(
        actor=admin,
        group=group,
        person=row["curator_name"],
        agency="Региональный куратор (002)",
        role="член рабочей группы",
        seat=WorkingGroupSeat.CURATOR,
    )
    if row["ngo_operator_head_004"]:
        services.member_add(
            actor=admin,
            group=group,
            person=row["ngo_operator_head_004"],
            agency=row["ngo_operator_name_004"] or row["ngo_operator"],
            role="член рабочей группы",
            seat=WorkingGroupSeat.NGO_HEAD,
        )
    if group.subject.code != "22":
        return
    ngo_head, service_head = "Белова Светлана Игоревна", "Пахомов Денис Юрьевич"  # fictional (демо)
    services.member_add(
        actor=admin,
        group=group,
        person=ngo_head,
        agency=f"{row['ngo_operator'] or 'НКО-оператор'} (демо)",
        role="член рабочей группы",
        seat=WorkingGroupSeat.NGO_HEAD,
    )
    services.member_add(
        actor=admin,
        group=group,
        person=service_head,
        agency="Региональная служба «Дети в семье» (демо)",
        role="член рабочей группы",
        seat=WorkingGroupSeat.SERVICE_HEAD,
    )
    regional = Consilium.objects.filter(subject=group.subject, level=ConsiliumLevel.REGIONAL).first()
    if regional is not None:
        consilium_member_add(
            actor=admin, consilium=regional, data={"full_name": ngo_head, "agency": "НКО-оператор (демо)"}
        )


def _altai_field_work(admin, assignment: CuratorAssignment) -> None:
    """The demo curator's visits, receptions and cases on personal control. Children under control are
    taken from the demo register: some still in an institution, some who have since gone home or to a
    substitute family (their placement's outcome makes the result, as it does for real rows)."""
    today = timezone.localdate()
    subject = assignment.subject
    left = list(
        Placement.objects.filter(
            child__subject=subject,
            end_date__gte=today - dt.timedelta(days=300),
            outcome__in=[PlacementOutcome.RETURNED_HOME, *FAMILY_PLACEMENT_OUTCOMES],
        )
        .select_related("child")
        .order_by("-end_date", "id")[:4]
    )
    staying = list(
        Child.objects.filter(subject=subject, current_organization__isnull=False, merged_into__isnull=True)
        .select_related("family")
        .order_by("id")[:3]
    )
    for placement in left:
        services.control_case_take(
            actor=admin,
            assignment=assignment,
            data={
                "taken_on": max(placement.start_date, placement.end_date - dt.timedelta(days=45)),
                "reason": "Демо: длительное пребывание в учреждении, есть перспектива устройства в семью.",
            },
            child=placement.child,
        )
    for child in staying:
        services.control_case_take(
            actor=admin,
            assignment=assignment,
            data={
                "taken_on": today - dt.timedelta(days=20),
                "reason": "Демо: помещён по заявлению родителей, срок временного помещения истекает.",
            },
            child=child,
        )
    described = services.control_case_take(
        actor=admin,
        assignment=assignment,
        data={
            "taken_on": today - dt.timedelta(days=90),
            "reason": "Демо: обращение матери на личном приёме.",
            "description": "Демо: мальчик 6 лет, г. Бийск, в реестре не числится",
        },
    )
    services.control_case_close(
        actor=admin,
        control=described,
        closed_on=today - dt.timedelta(days=30),
        outcome="returned_home",
        outcome_note="Демо: семье оказана помощь с жильём, ребёнок дома.",
    )
    families = [child.family for child in staying if child.family_id] or [None]
    for number, family in enumerate([*families, None]):
        services.curator_visit_add(
            actor=admin,
            assignment=assignment,
            data={
                "date": today - dt.timedelta(days=10 + 17 * number),
                "family_description": "" if family else "Демо: семья, обратившаяся на личный приём (Барнаул)",
                "with_guardianship": True,
                "with_kdn": number % 2 == 0,
                "purpose": "Демо: оценка условий для возвращения ребёнка домой.",
                "result": "Демо: составлен план помощи семье, поручение службе «Дети в семье».",
            },
            family=family,
        )
    for number, (place, people) in enumerate(
        [("Барнаул, приёмная Губернатора", 6), ("Бийск, администрация", 4)]
    ):
        services.curator_reception_add(
            actor=admin,
            assignment=assignment,
            data={
                "date": today - dt.timedelta(days=14 + 30 * number),
                "place": place,
                "people": people,
                "questions": "Демо: возвращение детей из учреждений, жильё, пособия, восстановление в правах.",
                "follow_up": "Демо: три случая взяты на личный контроль, поручения органам опеки.",
            },
        )


@transaction.atomic
def load(*, seed: int = 2025) -> int:
    if RegionalProgramme.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — demo data
    admin = User.objects.get(username="fed_admin")
    lists = _rows("vyzov_lists_governance.csv")
    # Item 1 says who usually signs («в большинстве случаев – должностным лицом…»), not a document.
    approvals = [
        r["item_text"] for r in lists if r["list_id"] == "programme_approval" and r["item_no"] != "1"
    ]
    composition = [r["item_text"] for r in lists if r["list_id"] == "mrg_composition"]
    today = timezone.localdate()
    for number, row in enumerate(read_csv("vyzov_pilot_regions.csv")):
        subject = Subject.objects.get(code=row["subject_code"])
        _programme(admin, subject, row, approvals[number % len(approvals)], rng)
        group = _working_group(subject, composition)
        _documents(admin, group, approvals[number % len(approvals)])
        _seats(admin, group, row)
        services.curator_assign(
            actor=admin,
            subject=subject,
            full_name=row["curator_name"],
            position=row["curator_position"],
            since=dt.date(2025, 1, 1),
            curator=User.objects.get(username="curator_altai") if subject.code == "22" else None,
        )
        if row["information_partner"]:
            InformationPartner.objects.create(subject=subject, name=row["information_partner"])
        for documented in parse_004(row["inspection_004"]):  # 004: kind and dates, as the slide gives them
            services.inspection_add(
                actor=admin,
                subject=subject,
                data={
                    "kind": documented.kind,
                    "date_from": documented.date_from,
                    "date_to": documented.date_to,
                    "period_note": documented.period_note,
                    "findings": findings_text(),
                },
                organizations=[],
                actions=[],
            )
        StrategicSession.objects.create(
            subject=subject,
            date=dt.date(2025, 2, 1) + dt.timedelta(days=7 * number),
            participants=rng.randint(40, 120),
            outcomes="Демо: определены приоритеты региональной программы и состав МРГ.",
        )
        if subject.code == "22":
            _altai(admin, group)
    altai = CuratorAssignment.objects.get(subject__code="22")
    _altai_field_work(admin, altai)
    for task in list(altai.tasks.all())[:3]:
        services.curator_task_update(actor=admin, task=task, done=True, evidence="Демо: см. протокол МРГ.")
    month = today.replace(day=1)
    services.curator_report_add(
        actor=admin,
        assignment=altai,
        month=(month - dt.timedelta(days=1)).replace(day=1),
        text="Демо: проведено заседание МРГ, открыты две службы «Дети в семье», "
        "консилиум рассмотрел 12 случаев.",
    )
    return RegionalProgramme.objects.count()
