"""Demo consilia of the 14 pilot regions in the model each region uses (002: 6 two-level, 8 three-level),
with a held meeting of Алтайский край (reviews, decisions, action items for the demo users, a family at
risk heard before placement) and a planned one whose agenda the system proposes (children and families
put on the СОП/ТЖС record in the last weeks)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vyzov.accounts.models import User
from vyzov.cases import services as case_services
from vyzov.cases.models import Child, Family, RouteGoal, SocialStatusKind
from vyzov.consilium import services
from vyzov.consilium.agenda import family_has_child_in_institution_q
from vyzov.consilium.models import (
    ChairKind,
    Consilium,
    DocumentKind,
    FamilyRisk,
    Level,
    MeetingStatus,
    MemberRole,
    MunicipalSeat,
    RegionModel,
)
from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv

EXTERNAL_MEMBERS = [
    ("Орлова Татьяна Сергеевна", "Министерство социальной защиты", MemberRole.SECRETARY),
    ("Ковалёв Андрей Петрович", "Министерство здравоохранения", MemberRole.MEMBER),
    ("Смирнова Елена Викторовна", "Министерство образования", MemberRole.MEMBER),
    (
        "Жуков Игорь Николаевич",
        "ГУ МВД, подразделение по делам несовершеннолетних",
        MemberRole.MEMBER,
    ),
    ("Белова Анна Олеговна", "Региональный НКО-оператор", MemberRole.MEMBER),
]


def _busiest_home(subject: Subject) -> Organization | None:
    busiest = (
        Child.objects.filter(subject=subject, current_organization__isnull=False)
        .values("current_organization")
        .annotate(n=Count("id"))
        .order_by("-n", "current_organization")
        .first()
    )
    if busiest:
        return Organization.objects.get(pk=busiest["current_organization"])
    return Organization.objects.filter(subject=subject, kind=OrganizationKind.ORPHAN_INSTITUTION).first()


@transaction.atomic
def load() -> int:
    if Consilium.objects.exists():
        return 0
    admin = User.objects.get(username="fed_admin")
    created = 0
    for row in read_csv("vyzov_pilot_regions.csv"):
        subject = Subject.objects.get(code=row["subject_code"])
        three = row["consilium_levels"].count(";") == 2
        model = RegionModel.THREE if three else RegionModel.TWO
        centre = Municipality.objects.get(subject=subject, is_regional_centre=True)
        curator = User.objects.filter(grants__role="regional_curator", grants__subject=subject).first()
        # 002 names the usual chairs (the curator or the children's ombudsman) but not who chairs in
        # which region: the demo puts the curator in the chair, and the municipal consilia sit at the
        # administration or the КДНиЗП in turn — demo values, not the regions' own.
        regional = services.consilium_create(
            actor=admin,
            data={
                "title": f"Региональный межведомственный консилиум — {subject.name}",
                "level": Level.REGIONAL,
                "region_model": model,
                "subject": subject,
                "schedule": "ежемесячно, вторая среда",
                "chair_kind": ChairKind.CURATOR,
                "chair_name": curator.get_full_name() if curator else "",
            },
        )
        if curator:
            services.member_add(
                actor=admin,
                consilium=regional,
                data={"user": curator, "agency": "Региональный куратор", "role": MemberRole.CHAIR},
            )
        for name, agency, role in EXTERNAL_MEMBERS:
            services.member_add(
                actor=admin, consilium=regional, data={"full_name": name, "agency": agency, "role": role}
            )
        services.consilium_create(
            actor=admin,
            data={
                "title": f"Муниципальный консилиум — {centre.name}",
                "level": Level.MUNICIPAL,
                "region_model": model,
                "subject": subject,
                "municipality": centre,
                "seat": MunicipalSeat.KDN if int(subject.code) % 2 else MunicipalSeat.ADMINISTRATION,
                "chair_kind": ChairKind.OTHER,
                "schedule": "ежемесячно",
            },
        )
        created += 2
        if three and (home := _busiest_home(subject)):
            services.consilium_create(
                actor=admin,
                data={
                    "title": f"Консилиум учреждения — {home}",
                    "level": Level.INSTITUTION,
                    "region_model": model,
                    "subject": subject,
                    "municipality": home.municipality,
                    "organization": home,
                    "schedule": "раз в квартал",
                },
            )
            created += 1
    _altai_meetings(admin)
    return created


def _altai_meetings(admin: User) -> None:
    regional = Consilium.objects.filter(subject__code="22", level=Level.REGIONAL).first()
    if regional is None:
        return
    today = timezone.localdate()
    held = services.meeting_create(
        actor=admin,
        consilium=regional,
        date=today - dt.timedelta(days=14),
        place="г. Барнаул, Министерство социальной защиты",
    )
    services.meeting_set_participants(actor=admin, meeting=held, members=list(regional.members.all()))
    executor = User.objects.filter(username="municipal_barnaul").first()
    barnaul_body = Organization.objects.filter(
        subject__code="22", kind=OrganizationKind.GUARDIANSHIP_BODY, municipality__is_regional_centre=True
    ).first()
    goals = [
        RouteGoal.RETURN_HOME,
        RouteGoal.RETURN_HOME,
        RouteGoal.SUBSTITUTE_FAMILY,
        RouteGoal.RETURN_HOME,
        RouteGoal.INDEPENDENCE,
    ]
    items = list(held.agenda.select_related("child").order_by("child_id")[: len(goals)])
    for number, (item, goal) in enumerate(zip(items, goals, strict=False)):
        review = services.review_save(
            actor=admin,
            meeting=held,
            child=item.child,
            expected_version=None,
            data={
                "placement_justified": "to_check" if number % 2 else "justified",
                "placement_comment": "Ребёнок находится в учреждении дольше 6 месяцев; родители на связи.",
                "family_measures": "insufficient" if goal == RouteGoal.RETURN_HOME else "to_check",
                "family_measures_comment": "До помещения семья не получала сопровождения службы; материальная помощь не оказывалась.",
                "return_prospect": "conditional" if goal == RouteGoal.RETURN_HOME else "impossible",
                "return_measures": "Сопровождение семьи службой «Дети в семье», помощь с жильём, через 3 месяца — оценка.",
                "substitute_family": "search" if goal == RouteGoal.SUBSTITUTE_FAMILY else "not_needed",
                "parental_rights": "none",
                "services_needed": ["family_service", "material"]
                if goal == RouteGoal.RETURN_HOME
                else ["legal"],
                "support_assessment": "Меры поддержки оказаны частично.",
            },
        )
        actions = []
        if executor and barnaul_body and item.child.municipality.is_regional_centre:
            actions.append(
                {
                    "what": "Обследовать условия жизни семьи и подготовить план возвращения ребёнка.",
                    "organization": barnaul_body,
                    "executor": executor,
                    "deadline": today + dt.timedelta(days=10 + 7 * number),
                }
            )
        services.decision_make(
            actor=admin,
            review=review,
            route_goal=goal,
            reasons="Есть перспектива работы с семьёй; решение принято по итогам обсуждения.",
            next_review_date=today + dt.timedelta(days=90),
            escalate=False,
            actions=actions,
        )
    heard = _families_at_risk(admin, held, barnaul_body, executor)
    _documents(admin, held, heard)
    held.status = MeetingStatus.HELD
    held.save(update_fields=["status"])
    services.meeting_create(
        actor=admin,
        consilium=regional,
        date=today + dt.timedelta(days=7),
        place="г. Барнаул, Министерство социальной защиты",
    )


def _families_at_risk(admin: User, held, body: Organization | None, executor: User | None) -> Family | None:
    """Families of Барнаул with children still at home, heard before any placement (002: «рассмотрение
    сложных случаев с целью недопущения помещения»): one heard at the held meeting with the prevention
    decision, two put on the СОП/ТЖС record in the last weeks so that the planned meeting proposes them."""
    today = timezone.localdate()
    families = list(
        Family.objects.filter(subject__code="22", municipality__is_regional_centre=True)
        .exclude(family_has_child_in_institution_q())
        .exclude(statuses__isnull=False)
        .order_by("pk")[:3]
    )
    if not families:
        return None
    heard, *proposed = families
    services.agenda_family_add(
        actor=admin,
        meeting=held,
        family=heard,
        reason="Направлена после проверки сигнала школы: угроза помещения детей в учреждение (демо).",
    )
    actions = []
    if body is not None:
        actions.append(
            {
                "what": "Организовать межведомственное сопровождение семьи, помочь матери с трудоустройством.",
                "organization": body,
                "executor": executor,
                "deadline": today + dt.timedelta(days=21),
            }
        )
    services.family_review_decide(
        actor=admin,
        meeting=held,
        family=heard,
        data={
            "risk": FamilyRisk.PLACEMENT_THREAT,
            "situation": "Мать одна воспитывает троих детей, потеряла работу; задолженность за жильё (демо).",
            "services_needed": ["material", "employment", "family_service"],
            "measures": "Сопровождение службой «Дети в семье», адресная помощь НКО-оператора, "
            "содействие в трудоустройстве; помещение детей в учреждение не допускается (демо).",
            "next_review_date": today + dt.timedelta(days=60),
            "escalate": False,
        },
        actions=actions,
    )
    for number, family in enumerate(proposed):
        case_services.family_status_add(
            actor=admin,
            family=family,
            data={
                "kind": SocialStatusKind.SOP if number == 0 else SocialStatusKind.TZHS,
                "start_date": today - dt.timedelta(days=3 + 7 * number),
                "basis": "Постановление КДНиЗП (демо)",
            },
        )
    return heard


ALGORITHM_STEPS = [
    (
        "Образовательная организация, медицинская организация, ПДН",
        "Сообщить о признаках неблагополучия в орган опеки и КДНиЗП",
        "в течение 1 рабочего дня",
    ),
    (
        "Орган опеки и попечительства",
        "Проверить сигнал: выход в семью, оценка ситуации",
        "в течение 3 рабочих дней",
    ),
    ("Служба «Дети в семье»", "Открыть сопровождение семьи, составить план", "в течение 5 рабочих дней"),
    ("Региональный НКО-оператор", "Рассмотреть заявку на адресную помощь", "в течение 10 рабочих дней"),
    (
        "Муниципальный консилиум",
        "Рассмотреть случай, если угроза помещения ребёнка сохраняется",
        "на ближайшем заседании",
    ),
]


def _documents(admin: User, held, family: Family | None) -> None:
    """An approved algorithm of interagency action of the Altai consilium (edition 2 replaces edition 1,
    which stays as history) and the ИПР of the family heard before placement (002 names the documents,
    not their text: the steps are demo)."""
    regional = held.consilium
    today = timezone.localdate()
    first = services.document_create(
        actor=admin,
        consilium=regional,
        data={
            "kind": DocumentKind.ALGORITHM,
            "title": "Алгоритм межведомственного взаимодействия при выявлении семьи в риске (демо)",
            "review_date": today + dt.timedelta(days=180),
        },
        steps=[{"agency": a, "action": b, "term": c} for a, b, c in ALGORITHM_STEPS[:4]],
    )
    services.document_approve(actor=admin, document=first, approved_on=held.date - dt.timedelta(days=60))
    second = services.document_revise(
        actor=admin, document=first, reason="Добавлен шаг: рассмотрение на муниципальном консилиуме (демо)"
    )
    services.document_update(
        actor=admin,
        document=second,
        data={"title": second.title, "review_date": today + dt.timedelta(days=365)},
        steps=[{"agency": a, "action": b, "term": c} for a, b, c in ALGORITHM_STEPS],
        expected_version=second.version,
    )
    services.document_approve(actor=admin, document=second, approved_on=held.date, meeting=held)
    if family is None:
        return
    ipr = services.document_create(
        actor=admin,
        consilium=regional,
        data={
            "kind": DocumentKind.IPR,
            "title": "Межведомственный план ИПР семьи (демо)",
            "family": family,
            "review_date": today + dt.timedelta(days=90),
        },
        steps=[
            {
                "agency": "Служба «Дети в семье»",
                "action": "Сопровождение семьи, встречи раз в неделю",
                "term": "3 месяца",
            },
            {
                "agency": "Центр занятости населения",
                "action": "Подбор работы для матери",
                "term": f"до {today + dt.timedelta(days=30):%d.%m.%Y}",
            },
            {
                "agency": "Региональный НКО-оператор",
                "action": "Адресная помощь: продукты, оплата долга за жильё",
                "term": f"до {today + dt.timedelta(days=14):%d.%m.%Y}",
            },
        ],
    )
    services.document_approve(actor=admin, document=ipr, approved_on=held.date, meeting=held)
