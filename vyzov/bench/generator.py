"""A plausible, deterministic, synthetic national data set (`manage.py generate_national`).

Used for load tests and benchmarks: 89 subjects, ~2 300 municipalities, ~1 500 organisations,
60 000 children now in institutions and 240 000 who have left, 220 000 families, ~1 000 000
placements and timeline events at scale 1.0. The same seed (and the same `today`) gives the same data.

Everything generated can be told apart from real records, and `reset()` removes exactly that:
- municipalities and organisations carry SYNTHETIC_MARK «(синт.)» in their names;
- families carry FAMILY_NOTE in their notes;
- every generated child has a «registered» event whose details say {"source": SOURCE}.

Rows are written with bulk_insert (vyzov.core.bulk: bulk_create with less work per value; no save(), no signals), so every derived column
(`search_name`) is filled here exactly as the models' compute_derived()/save() would.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from vyzov.cases.models import (
    FAMILY_PLACEMENT_OUTCOMES,
    Case,
    CaseStatus,
    Child,
    Event,
    EventKind,
    Family,
    FamilyMember,
    FamilySocialStatus,
    HealthGroup,
    LegalStatus,
    ParentalRights,
    Placement,
    PlacementKind,
    PlacementOutcome,
    Relation,
    RouteGoal,
    Sex,
    SocialStatusKind,
)
from vyzov.core.bulk import bulk_insert
from vyzov.core.text import normalize_for_search
from vyzov.core.validators import snils_checksum
from vyzov.territories.models import Municipality, MunicipalityKind, Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv

SYNTHETIC_MARK = "(синт.)"
SOURCE = "generate_national"
FAMILY_NOTE = "Синтетические данные (generate_national): вымышленная семья для нагрузочных тестов."
BATCH_SIZE = 5000

# ---- national figures at scale 1.0 ----------------------------------------------------------------
# Seed figures: /work/shared/reference/vyzov_indicators.csv (row ids in brackets).
PLACED_NATIONAL = 60_000  # [43] «около 60 000» children in institutions
PILOT_PLACED = 21_152  # [3] children in institutions of the 14 pilot regions (35 % [4])
KRASNOYARSK_PLACED = 4_500  # [44] «более 4 500»
LEFT_INSTITUTIONS, RETURNED_HOME = 22_981, 14_825  # [9], [10]: of those who left, most went home
SOP_CHILDREN_NATIONAL = 220_000  # [45] children in СОП families (approximated by FAMILY_SOP_SHARE)
# Not in the seeds: sizes chosen for the benchmark data set.
HISTORICAL_NATIONAL = 240_000
FAMILIES_NATIONAL = 220_000
MUNICIPALITIES_NATIONAL = 2_300
ORGANIZATIONS_NATIONAL = {
    OrganizationKind.ORPHAN_INSTITUTION: 1_100,
    OrganizationKind.SOCIAL_INSTITUTION: 220,
    OrganizationKind.FAMILY_SERVICE: 100,
    OrganizationKind.GUARDIANSHIP_BODY: 80,
}
DUPLICATE_SHARE = 0.001
PLACEMENT_KINDS = (OrganizationKind.ORPHAN_INSTITUTION, OrganizationKind.SOCIAL_INSTITUTION)

# Shares of the generated population.
LINKED_TO_FAMILY = 0.85
SNILS_SHARE = 0.80
CERTIFICATE_SHARE = 0.70
PLACED_WITH_EARLIER_STAY = 0.15
HISTORICAL_PLACEMENTS = ((0, 0.25), (1, 0.70), (2, 0.05))  # 0: prevention only, never placed
OVERDUE_REVIEW_SHARE = 0.13
FAMILY_SOP_SHARE = 0.85  # children in families with a СОП status ≈ SOP_CHILDREN_NATIONAL
FAMILY_TZHS_SHARE = 0.35
MOTHER_SHARE, FATHER_SHARE = 0.30, 0.15

# Approximate resident population, thousands (general knowledge, 2024), used only as a size weight.
POPULATION_K = {
    "01": 500, "02": 4000, "03": 975, "04": 210, "05": 3200, "06": 520, "07": 905, "08": 265, "09": 470,
    "10": 530, "11": 720, "12": 670, "13": 770, "14": 1000, "15": 680, "16": 4000, "17": 340, "18": 1430,
    "19": 530, "20": 1550, "21": 1170, "22": 2120, "23": 5850, "24": 2840, "25": 1820, "26": 2890,
    "27": 1280, "28": 760, "29": 960, "30": 950, "31": 1520, "32": 1150, "33": 1330, "34": 2450,
    "35": 1130, "36": 2280, "37": 920, "38": 2340, "39": 1030, "40": 1070, "41": 290, "42": 2550,
    "43": 1130, "44": 570, "45": 760, "46": 1080, "47": 2030, "48": 1120, "49": 135, "50": 8650,
    "51": 650, "52": 3080, "53": 580, "54": 2780, "55": 1830, "56": 1840, "57": 700, "58": 1240,
    "59": 2490, "60": 580, "61": 4150, "62": 1080, "63": 3150, "64": 2400, "65": 460, "66": 4240,
    "67": 870, "68": 960, "69": 1190, "70": 1060, "71": 1530, "72": 1600, "73": 1180, "74": 3400,
    "75": 990, "76": 1180, "77": 13150, "78": 5600, "79": 145, "83": 42, "86": 1730, "87": 48,
    "89": 510, "90": 500, "91": 1900, "92": 560, "93": 2300, "94": 1300, "95": 300,
}  # fmt: skip
FEDERAL_CITY = "город федерального значения"

# ---- names ---------------------------------------------------------------------------------------
# Common surnames in the masculine form; feminine and family (plural) forms are derived.
SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
    "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
    "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов",
    "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов",
    "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов",
    "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков",
    "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев",
    "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов",
    "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов",
    "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев",
    "Акимов", "Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин",
    "Лукьянов", "Михеев", "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев",
    "Харитонов", "Князев", "Цветков", "Левин", "Митрофанов", "Воронцов", "Аксёнов", "Мальцев", "Логинов",
    "Горшков", "Савин", "Краснов", "Майоров", "Демидов", "Елисеев", "Рыбаков", "Сафонов", "Плотников",
    "Дёмин", "Хохлов", "Жданов", "Шестаков", "Островский", "Покровский", "Вишневский", "Успенский",
    "Добровольский", "Городецкий", "Соколовский", "Высоцкий", "Закревский",
]  # fmt: skip

# (name, patronymic masculine, patronymic feminine)
MALE_NAMES = [
    tuple(line.split())
    for line in """
Александр Александрович Александровна
Алексей Алексеевич Алексеевна
Андрей Андреевич Андреевна
Антон Антонович Антоновна
Артём Артёмович Артёмовна
Борис Борисович Борисовна
Вадим Вадимович Вадимовна
Василий Васильевич Васильевна
Виктор Викторович Викторовна
Виталий Витальевич Витальевна
Владимир Владимирович Владимировна
Вячеслав Вячеславович Вячеславовна
Геннадий Геннадьевич Геннадьевна
Георгий Георгиевич Георгиевна
Глеб Глебович Глебовна
Даниил Даниилович Данииловна
Денис Денисович Денисовна
Дмитрий Дмитриевич Дмитриевна
Евгений Евгеньевич Евгеньевна
Егор Егорович Егоровна
Иван Иванович Ивановна
Игорь Игоревич Игоревна
Илья Ильич Ильинична
Кирилл Кириллович Кирилловна
Константин Константинович Константиновна
Лев Львович Львовна
Максим Максимович Максимовна
Марк Маркович Марковна
Матвей Матвеевич Матвеевна
Михаил Михайлович Михайловна
Никита Никитич Никитична
Николай Николаевич Николаевна
Олег Олегович Олеговна
Павел Павлович Павловна
Роман Романович Романовна
Руслан Русланович Руслановна
Сергей Сергеевич Сергеевна
Станислав Станиславович Станиславовна
Степан Степанович Степановна
Тимофей Тимофеевич Тимофеевна
Фёдор Фёдорович Фёдоровна
Юрий Юрьевич Юрьевна
Ярослав Ярославович Ярославовна
""".strip().splitlines()
]
BOY_NAMES = [
    name for name, _, _ in MALE_NAMES if name not in {"Геннадий", "Вячеслав", "Виталий", "Олег", "Борис"}
]
GIRL_NAMES = [
    "Анна", "Мария", "Елизавета", "Виктория", "Полина", "Алиса", "Анастасия", "Дарья", "Софья",
    "Варвара", "Ксения", "Екатерина", "Вероника", "Александра", "Арина", "Ульяна", "Милана", "Василиса",
    "Таисия", "Кристина", "Валерия", "Ева", "Алёна", "Ольга", "Наталья", "Татьяна", "Ирина", "Елена",
    "Юлия", "Светлана", "Марина", "Надежда", "Евгения", "Яна", "Диана", "Карина", "Алина", "Вера",
    "Маргарита", "Злата",
]  # fmt: skip
MOTHER_NAMES = [
    "Ольга", "Наталья", "Татьяна", "Ирина", "Елена", "Юлия", "Светлана", "Марина", "Надежда", "Людмила",
    "Евгения", "Оксана", "Анна", "Мария", "Екатерина", "Анастасия", "Ксения", "Виктория", "Кристина",
    "Дарья", "Алёна", "Валентина", "Галина", "Любовь", "Вера", "Яна",
]  # fmt: skip
STREETS = [
    "Лесная", "Садовая", "Советская", "Молодёжная", "Центральная", "Школьная", "Новая", "Набережная",
    "Заречная", "Октябрьская", "Полевая", "Строителей", "Комсомольская", "Гагарина", "Пионерская",
    "Луговая", "Зелёная", "Северная", "Мира", "Рабочая", "Южная", "Берёзовая",
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV"]  # fmt: skip
CERT_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЧШЭЮЯ"


def surname_forms(base: str) -> tuple[str, str, str]:
    """Masculine, feminine and family (genitive plural) forms: Иванов → Иванова, «Семья Ивановых»."""
    if base.endswith("ий"):  # -ский, -цкий
        return base, base[:-2] + "ая", base[:-2] + "их"
    return base, base + "а", base + "ых"


# ---- municipalities and organisations ------------------------------------------------------------

MUNICIPALITY_KINDS = [  # kind, share among synthetic ones, name, median population, sigma
    (MunicipalityKind.MUNICIPAL_DISTRICT, 0.45, "Муниципальный район", 25_000, 0.6),
    (MunicipalityKind.MUNICIPAL_OKRUG, 0.35, "Муниципальный округ", 20_000, 0.6),
    (MunicipalityKind.URBAN_OKRUG, 0.17, "Городской округ", 60_000, 0.8),
    (MunicipalityKind.URBAN_SETTLEMENT, 0.03, "Городское поселение", 12_000, 0.5),
]
# Intracity territories of the federal cities are officially called «муниципальный округ».
INTRACITY = (MunicipalityKind.INTRACITY_TERRITORY, 1.0, "Муниципальный округ", 90_000, 0.4)

ORGANIZATION_TYPES = {  # kind: [(full name, short name, share)], capacity median, sigma, min, max
    OrganizationKind.ORPHAN_INSTITUTION: (
        [
            ("Центр содействия семейному воспитанию", "ЦССВ", 0.75),
            ("Детский дом", "Детский дом", 0.25),
        ],
        (45, 0.5, 10, 300),
    ),
    OrganizationKind.SOCIAL_INSTITUTION: (
        [
            ("Социально-реабилитационный центр для несовершеннолетних", "СРЦН", 0.60),
            ("Социальный приют для детей", "Социальный приют", 0.25),
            ("Центр социальной помощи семье и детям", "ЦСПСиД", 0.15),
        ],
        (25, 0.4, 8, 120),
    ),
    OrganizationKind.FAMILY_SERVICE: (
        [("Служба «Дети в семье»", "Служба «Дети в семье»", 1.0)],
        (60, 0.4, 15, 250),
    ),
    OrganizationKind.GUARDIANSHIP_BODY: ([("Отдел опеки и попечительства", "Опека", 1.0)], None),
}

# ---- children ------------------------------------------------------------------------------------

AGE_WEIGHTS = [3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8, 8, 8, 8, 7, 6]  # age 0..17 at placement

# Of the children who left an institution for good: most returned home (RETURNED_HOME / LEFT_INSTITUTIONS).
_HOME = RETURNED_HOME / LEFT_INSTITUTIONS
FINAL_OUTCOMES = [
    (PlacementOutcome.RETURNED_HOME, _HOME),
    (PlacementOutcome.GUARDIANSHIP, (1 - _HOME) * 0.37),
    (PlacementOutcome.FOSTER_FAMILY, (1 - _HOME) * 0.22),
    (PlacementOutcome.ADOPTION, (1 - _HOME) * 0.10),
    (PlacementOutcome.GRADUATED, (1 - _HOME) * 0.15),
    (PlacementOutcome.ANOTHER_ORGANIZATION, (1 - _HOME) * 0.04),
    (PlacementOutcome.OTHER, (1 - _HOME) * 0.12),
]
OUTCOME_EVENTS = {
    PlacementOutcome.RETURNED_HOME: EventKind.RETURN_HOME,
    **dict.fromkeys(FAMILY_PLACEMENT_OUTCOMES, EventKind.FAMILY_PLACEMENT),
}
OUTCOME_GOALS = {
    PlacementOutcome.RETURNED_HOME: RouteGoal.RETURN_HOME,
    PlacementOutcome.GUARDIANSHIP: RouteGoal.SUBSTITUTE_FAMILY,
    PlacementOutcome.FOSTER_FAMILY: RouteGoal.SUBSTITUTE_FAMILY,
    PlacementOutcome.ADOPTION: RouteGoal.SUBSTITUTE_FAMILY,
    PlacementOutcome.GRADUATED: RouteGoal.INDEPENDENCE,
}
PLACEMENT_KIND_WEIGHTS = {
    OrganizationKind.ORPHAN_INSTITUTION: [
        (PlacementKind.ORGANIZATION_GUARDIANSHIP, 0.50),
        (PlacementKind.TEMPORARY_PARENTS_REQUEST, 0.33),
        (PlacementKind.REMOVAL, 0.08),
        (PlacementKind.OTHER, 0.09),
    ],
    OrganizationKind.SOCIAL_INSTITUTION: [
        (PlacementKind.SOCIAL_REHABILITATION, 0.55),
        (PlacementKind.TEMPORARY_PARENTS_REQUEST, 0.30),
        (PlacementKind.REMOVAL, 0.12),
        (PlacementKind.OTHER, 0.03),
    ],
}
PLACEMENT_BASIS = {
    PlacementKind.TEMPORARY_PARENTS_REQUEST: "Заявление родителей и договор о временном пребывании № {n} от {d}",
    PlacementKind.ORGANIZATION_GUARDIANSHIP: "Акт органа опеки и попечительства № {n} от {d}",
    PlacementKind.REMOVAL: "Акт об отобрании ребёнка № {n} от {d}",
    PlacementKind.SOCIAL_REHABILITATION: "Направление органа социальной защиты № {n} от {d}",
    PlacementKind.OTHER: "Приказ о зачислении № {n} от {d}",
}
PLACED_GOALS = [
    (RouteGoal.RETURN_HOME, 0.45),
    (RouteGoal.SUBSTITUTE_FAMILY, 0.25),
    (RouteGoal.INDEPENDENCE, 0.10),
    (RouteGoal.UNDETERMINED, 0.20),
]


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder, ties by position)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    counts = [int(quota) for quota in quotas]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Targets:
    placed: int
    historical: int
    families: int
    synthetic_municipalities: int
    organizations: dict[str, int]
    duplicates: int

    @property
    def children(self) -> int:
        return self.placed + self.historical + self.duplicates


def targets_for(scale: float, subject_count: int = 89) -> Targets:
    """What a run at `scale` creates (an orphan institution in every subject, whatever the scale)."""

    def scaled(value: float) -> int:
        return max(0, round(value * scale))

    organizations = {kind: scaled(count) for kind, count in ORGANIZATIONS_NATIONAL.items()}
    organizations[OrganizationKind.ORPHAN_INSTITUTION] = max(
        subject_count, organizations[OrganizationKind.ORPHAN_INSTITUTION]
    )
    placed, historical = scaled(PLACED_NATIONAL), scaled(HISTORICAL_NATIONAL)
    duplicates = max(3, round((placed + historical) * DUPLICATE_SHARE)) if placed + historical else 0
    reference = len(read_csv("municipalities.csv"))
    return Targets(
        placed=placed,
        historical=historical,
        families=scaled(FAMILIES_NATIONAL),
        synthetic_municipalities=scaled(MUNICIPALITIES_NATIONAL - reference),
        organizations=organizations,
        duplicates=duplicates,
    )


def subject_weights(subjects: Sequence[Subject]) -> list[float]:
    """Each subject's share of the children: by population, pilot regions holding PILOT_PLACED of
    PLACED_NATIONAL (Krasnoyarsk KRASNOYARSK_PLACED), federal cities and the North Caucasus lower."""

    def base(subject: Subject) -> float:
        factor = 1.0
        if subject.kind == FEDERAL_CITY:
            factor = 0.45
        elif subject.district.code == "СКФО":
            factor = 0.5
        return POPULATION_K.get(subject.code, 500) * factor

    pinned = {"24": KRASNOYARSK_PLACED / PLACED_NATIONAL}
    pilots = [s for s in subjects if s.is_pilot]
    others = [s for s in subjects if not s.is_pilot]
    if not pilots or not others:
        return [base(s) for s in subjects]
    pinned = {code: share for code, share in pinned.items() if any(s.code == code for s in pilots)}
    pilot_free = PILOT_PLACED / PLACED_NATIONAL - sum(pinned.values())
    pilot_base = sum(base(s) for s in pilots if s.code not in pinned)
    other_base = sum(base(s) for s in others)
    other_share = 1 - PILOT_PLACED / PLACED_NATIONAL
    weights = []
    for subject in subjects:
        if subject.code in pinned:
            weights.append(pinned[subject.code])
        elif subject.is_pilot:
            weights.append(pilot_free * base(subject) / pilot_base)
        else:
            weights.append(other_share * base(subject) / other_base)
    return weights


# ---- plans ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class StayPlan:
    organization: Organization
    kind: str
    start: dt.date
    end: dt.date | None = None
    outcome: str = ""
    planned_end: dt.date | None = None


@dataclass(slots=True)
class ChildPlan:
    role: str  # placed / historical / prevention / duplicate
    sex: str
    birth: dt.date
    registered: dt.date
    stays: list[StayPlan] = field(default_factory=list)
    family: Family | None = None
    father: tuple[str, str, str] | None = None
    municipality: Municipality | None = None
    surname: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    legal_status: str = LegalStatus.HAS_PARENTS
    has_living_parents: bool = True
    snils: str = ""
    certificate: str = ""
    original: ChildPlan | None = None
    child: Child | None = None


@dataclass
class Report:
    targets: Targets
    counts: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    deleted: Counter = field(default_factory=Counter)


# ---- reset ---------------------------------------------------------------------------------------


def generated_child_ids() -> list[int]:
    return list(
        Event.objects.filter(kind=EventKind.REGISTERED, details__source=SOURCE)
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )


def existing_generated() -> dict[str, int]:
    """How many generated rows are in the database (0 everywhere: none)."""
    return {
        "municipalities": Municipality.objects.filter(name__contains=SYNTHETIC_MARK).count(),
        "organizations": Organization.objects.filter(name__contains=SYNTHETIC_MARK).count(),
        "families": Family.objects.filter(notes=FAMILY_NOTE).count(),
        "children": Event.objects.filter(kind=EventKind.REGISTERED, details__source=SOURCE).count(),
    }


class GeneratedDataInUse(Exception):
    """Generated rows are referenced by real ones (a user placed a real child in a synthetic home…)."""


def _reverse_relations(model) -> set[tuple[str, str]]:
    """(model label, field name) of every foreign key pointing at `model`, hidden ones included."""
    return {
        (relation.related_model._meta.label, relation.field.name)
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    }


# When nothing but these points at children and families, they are deleted with one statement per chunk
# instead of through the deletion collector (which loads every row: minutes at scale 1.0). Should
# another table start referencing them, the collector is used again and applies its on_delete rules.
CHILD_REFERENCES = {("cases.Placement", "child"), ("cases.Case", "child"), ("cases.Event", "child"),
                    ("cases.Child", "merged_into")}  # fmt: skip
FAMILY_REFERENCES = {("cases.FamilyMember", "family"), ("cases.FamilySocialStatus", "family"),
                     ("cases.Child", "family")}  # fmt: skip


def _delete_children(part: list[int], deleted: Counter, fast: bool) -> None:
    for model in (Event, Case, Placement):  # nothing references these: single DELETE statements
        deleted[model._meta.model_name] += model.objects.filter(child_id__in=part).delete()[0]
    children = Child.objects.filter(pk__in=part)
    if not fast:
        deleted["child"] += children.delete()[1].get("cases.Child", 0)
        return
    merged = Child.objects.filter(merged_into__in=part).exclude(pk__in=part)
    if merged.exists():
        raise GeneratedDataInUse(f"С синтетическими детьми объединены другие записи: {merged.count()}.")
    deleted["child"] += children._raw_delete(children.db)


def _delete_families(part: list[int], deleted: Counter, fast: bool) -> None:
    families = Family.objects.filter(pk__in=part)
    if not fast:
        for label, count in families.delete()[1].items():
            deleted[label.split(".")[-1].lower()] += count
        return
    for model in (FamilyMember, FamilySocialStatus):
        deleted[model._meta.model_name] += model.objects.filter(family_id__in=part).delete()[0]
    Child.objects.filter(family_id__in=part).update(family=None)  # as on_delete=SET_NULL
    deleted["family"] += families._raw_delete(families.db)


def reset(*, chunk: int = 5000, log: Callable[[str], None] = lambda _: None) -> Counter:
    """Delete every generated row. The audit log is not touched (nothing generated is audited)."""
    deleted: Counter = Counter()
    fast_children = _reverse_relations(Child) <= CHILD_REFERENCES
    fast_families = _reverse_relations(Family) <= FAMILY_REFERENCES
    try:
        with transaction.atomic():
            ids = generated_child_ids()
            log(f"Удаление: детей {len(ids)}…")
            for start in range(0, len(ids), chunk):
                _delete_children(ids[start : start + chunk], deleted, fast_children)
            family_ids = list(
                Family.objects.filter(notes=FAMILY_NOTE).order_by("pk").values_list("pk", flat=True)
            )
            log(f"Удаление: семей {len(family_ids)}…")
            for start in range(0, len(family_ids), chunk):
                _delete_families(family_ids[start : start + chunk], deleted, fast_families)
            _, per_model = Organization.objects.filter(name__contains=SYNTHETIC_MARK).delete()
            deleted["organization"] += per_model.get("territories.Organization", 0)
            _, per_model = Municipality.objects.filter(name__contains=SYNTHETIC_MARK).delete()
            deleted["municipality"] += per_model.get("territories.Municipality", 0)
    except (ProtectedError, RestrictedError) as error:
        blocking = Counter(obj._meta.verbose_name for obj in list(error.args[1])[:1000])
        described = ", ".join(f"{name}: {count}" for name, count in blocking.items())
        raise GeneratedDataInUse(
            f"Синтетические записи используются несинтетическими ({described}); ничего не удалено."
        ) from error
    except IntegrityError as error:
        raise GeneratedDataInUse(
            f"Синтетические записи используются несинтетическими; ничего не удалено ({error})."
        ) from error
    return deleted


# ---- generator -----------------------------------------------------------------------------------


class NationalGenerator:
    def __init__(
        self,
        *,
        scale: float,
        seed: int,
        today: dt.date | None = None,
        batch_size: int = BATCH_SIZE,
        log: Callable[[str], None] = lambda _: None,
    ):
        self.scale, self.seed = scale, seed
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, not security
        self.today = today or timezone.localdate()
        self.batch_size = batch_size
        self.log = log
        self.used_snils: set[str] = set()
        self.used_certificates: set[str] = set()

    # -- small helpers --
    def pick(self, pairs: Sequence[tuple[object, float]]):
        return self.rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def lognormal(self, median: float, sigma: float, low: int, high: int) -> int:
        return int(min(high, max(low, self.rng.lognormvariate(math.log(median), sigma))))

    def snils(self) -> str:
        while True:
            digits = f"{self.rng.randrange(2_000_000, 1_000_000_000):09d}"
            value = f"{digits[:3]}-{digits[3:6]}-{digits[6:]} {snils_checksum(digits):02d}"
            if value not in self.used_snils:
                self.used_snils.add(value)
                return value

    def certificate(self) -> str:
        rng = self.rng
        while True:
            value = (
                f"{rng.choice(ROMAN)}-{rng.choice(CERT_LETTERS)}{rng.choice(CERT_LETTERS)} "
                f"{rng.randrange(1_000_000):06d}"
            )
            if value not in self.used_certificates:
                self.used_certificates.add(value)
                return value

    def basis(self, template: str, day: dt.date) -> str:
        return template.format(n=self.rng.randrange(1, 2000), d=f"{day:%d.%m.%Y}")

    def address(self) -> str:
        rng = self.rng
        flat = f", кв. {rng.randrange(1, 120)}" if rng.random() < 0.6 else ""
        return f"ул. {rng.choice(STREETS)}, д. {rng.randrange(1, 90)}{flat}"

    # -- run --
    def run(self) -> Report:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError(
                "База данных не возвращает ключи из bulk_create: нужен PostgreSQL или SQLite ≥ 3.35."
            )
        subjects = list(Subject.objects.select_related("district").order_by("code"))
        self.targets = targets = targets_for(self.scale, len(subjects))
        report = Report(targets=targets)
        self.counts = report.counts
        self.used_snils = set(Child.objects.exclude(snils="").values_list("snils", flat=True))
        self.used_certificates = set(
            Child.objects.exclude(birth_certificate="").values_list("birth_certificate", flat=True)
        )

        started = time.monotonic()
        weights = subject_weights(subjects)
        placed = apportion(targets.placed, weights)
        historical = apportion(targets.historical, weights)
        families = apportion(targets.families, weights)
        duplicates = apportion(targets.duplicates, weights)
        municipalities = self.create_municipalities(subjects)
        organizations = self.create_organizations(subjects, weights, municipalities, placed)
        report.timings["территории и организации"] = time.monotonic() - started

        started = time.monotonic()
        for index, subject in enumerate(subjects):
            with transaction.atomic():
                self.generate_subject(
                    subject,
                    municipalities[subject.pk],
                    organizations[subject.pk],
                    n_placed=placed[index],
                    n_historical=historical[index],
                    n_families=families[index],
                    n_duplicates=duplicates[index],
                )
            self.counts["pilot_placed"] += placed[index] if subject.is_pilot else 0
            if (index + 1) % 10 == 0 or index + 1 == len(subjects):
                self.log(
                    f"  субъектов: {index + 1}/{len(subjects)}, детей: {self.counts['children']}, "
                    f"{time.monotonic() - started:.0f} с"
                )
        report.timings["дети, семьи, помещения, события"] = time.monotonic() - started
        return report

    # -- territories --
    def create_municipalities(self, subjects: Sequence[Subject]) -> dict[int, list[Municipality]]:
        rng = self.rng
        by_subject: dict[int, list[Municipality]] = defaultdict(list)
        for municipality in Municipality.objects.order_by("subject_id", "pk"):
            by_subject[municipality.subject_id].append(municipality)
        counts = apportion(
            self.targets.synthetic_municipalities,
            [math.sqrt(POPULATION_K.get(s.code, 500)) for s in subjects],
        )
        new: list[Municipality] = []
        for subject, count in zip(subjects, counts, strict=True):
            if not by_subject[subject.pk]:
                count = max(count, 1)
            kinds = [INTRACITY] if subject.kind == FEDERAL_CITY else MUNICIPALITY_KINDS
            numbers: Counter = Counter()
            for _ in range(count):
                kind, _, title, median, sigma = rng.choices(kinds, weights=[k[1] for k in kinds])[0]
                numbers[kind] += 1
                name = f"{title} № {numbers[kind]} {SYNTHETIC_MARK}"
                municipality = Municipality(
                    subject=subject,
                    name=name,
                    kind=kind,
                    population=self.lognormal(median, sigma, 1_000, 900_000),
                    is_regional_centre=False,
                    search_name=normalize_for_search(name),  # as Municipality.save()
                )
                new.append(municipality)
                by_subject[subject.pk].append(municipality)
        Municipality.objects.bulk_create(new, batch_size=self.batch_size)
        self.counts["municipalities"] = len(new)
        return by_subject

    def create_organizations(
        self,
        subjects: Sequence[Subject],
        weights: Sequence[float],
        municipalities: dict[int, list[Municipality]],
        placed: Sequence[int],
    ) -> dict[int, dict]:
        """Organisations of each subject; the children now placed are spread over the subject's
        institutions in advance, so that capacities can be set above the occupancy."""
        rng = self.rng
        n = len(subjects)
        targets = self.targets.organizations
        per_kind = {
            OrganizationKind.ORPHAN_INSTITUTION: [
                1 + extra for extra in apportion(targets[OrganizationKind.ORPHAN_INSTITUTION] - n, weights)
            ],
            OrganizationKind.SOCIAL_INSTITUTION: apportion(
                targets[OrganizationKind.SOCIAL_INSTITUTION], weights
            ),
            OrganizationKind.FAMILY_SERVICE: apportion(
                targets[OrganizationKind.FAMILY_SERVICE],
                [w * (4 if s.is_pilot else 1) for s, w in zip(subjects, weights, strict=True)],
            ),
            OrganizationKind.GUARDIANSHIP_BODY: apportion(
                targets[OrganizationKind.GUARDIANSHIP_BODY], weights
            ),
        }
        result: dict[int, dict] = {}
        new: list[Organization] = []
        for index, subject in enumerate(subjects):
            munis = municipalities[subject.pk]
            muni_weights = [(m.population or 10_000) ** 0.7 for m in munis]
            numbers: Counter = Counter()
            homes: list[Organization] = []
            for kind, counts in per_kind.items():
                types, capacity = ORGANIZATION_TYPES[kind]
                for _ in range(counts[index]):
                    title, short, _ = rng.choices(types, weights=[t[2] for t in types])[0]
                    numbers[title] += 1
                    municipality = rng.choices(munis, weights=muni_weights)[0]
                    name = f"{title} № {numbers[title]} {SYNTHETIC_MARK}"
                    if SYNTHETIC_MARK not in municipality.name:
                        name += f", {municipality.name}"
                    organization = Organization(
                        name=name,
                        short_name=f"{short} № {numbers[title]} {SYNTHETIC_MARK}",
                        kind=kind,
                        subject=subject,
                        municipality=municipality,
                        address=f"{municipality.name}, {self.address()}",
                        capacity=self.lognormal(*capacity) if capacity else None,
                    )
                    new.append(organization)
                    if kind in PLACEMENT_KINDS:
                        homes.append(organization)
            # Children now placed: which home each of them lives in.
            slots = rng.choices(homes, weights=[h.capacity for h in homes], k=placed[index]) if homes else []
            occupancy = Counter(id(home) for home in slots)
            for home in homes:
                needed = math.ceil(occupancy[id(home)] / rng.uniform(0.55, 0.95))
                home.capacity = min(5000, max(home.capacity, needed))
            result[subject.pk] = {
                "homes": homes,
                "slots": slots,
                "municipalities": munis,
                "weights": muni_weights,
            }
        for organization in new:
            organization.compute_derived()
        Organization.objects.bulk_create(new, batch_size=self.batch_size)
        for organization in new:
            self.counts[f"org_{organization.kind}"] += 1
        self.counts["organizations"] = len(new)
        return result

    # -- one subject --
    def generate_subject(
        self,
        subject: Subject,
        municipalities: list[Municipality],
        organizations: dict,
        *,
        n_placed: int,
        n_historical: int,
        n_families: int,
        n_duplicates: int,
    ) -> None:
        rng = self.rng
        homes: list[Organization] = organizations["homes"]
        home_weights = [home.capacity for home in homes]
        muni_weights = organizations["weights"]
        slots = iter(organizations["slots"])

        def any_home(exclude: Organization | None = None) -> Organization:
            home = rng.choices(homes, weights=home_weights)[0]
            if home is exclude and len(homes) > 1:
                home = rng.choices(homes, weights=home_weights)[0]
            return home

        roles = ["placed"] * n_placed + ["historical"] * n_historical
        rng.shuffle(roles)
        plans: list[ChildPlan] = []
        for role in roles:
            plan = (
                self.plan_placed(next(slots), any_home)
                if role == "placed"
                else self.plan_historical(any_home)
            )
            self.set_legal_status(plan)
            plans.append(plan)

        families = self.link_families(subject, plans, n_families, municipalities, muni_weights)
        for plan in plans:
            self.name_child(plan)
            if plan.municipality is None:
                plan.municipality = rng.choices(municipalities, weights=muni_weights)[0]
            plan.snils = self.snils() if rng.random() < SNILS_SHARE else ""
            plan.certificate = self.certificate() if rng.random() < CERTIFICATE_SHARE else ""
        if plans and n_duplicates:
            for original in rng.sample(plans, min(n_duplicates, len(plans))):
                plans.append(self.plan_duplicate(original, municipalities, muni_weights))

        bulk_insert(families, batch_size=self.batch_size)
        members, statuses = self.family_rows(families, plans)
        bulk_insert(members, batch_size=self.batch_size)
        bulk_insert(statuses, batch_size=self.batch_size)
        self.counts["families"] += len(families)
        self.counts["family_members"] += len(members)
        self.counts["family_statuses"] += len(statuses)

        children = [self.build_child(subject, plan) for plan in plans]
        bulk_insert(children, batch_size=self.batch_size)
        self.counts["children"] += len(children)

        placements: list[Placement] = []
        stay_objects: list[tuple[ChildPlan, StayPlan, Placement]] = []
        for plan in plans:
            for stay in plan.stays:
                placement = Placement(
                    child_id=plan.child.pk,
                    organization=stay.organization,
                    kind=stay.kind,
                    start_date=stay.start,
                    basis=self.basis(PLACEMENT_BASIS[stay.kind], stay.start),
                    planned_end_date=stay.planned_end,
                    end_date=stay.end,
                    outcome=stay.outcome,
                )
                placements.append(placement)
                stay_objects.append((plan, stay, placement))
        bulk_insert(placements, batch_size=self.batch_size)
        self.counts["placements"] += len(placements)
        self.counts["placements_open"] += sum(1 for p in placements if p.end_date is None)

        cases = [self.build_case(plan) for plan in plans]
        bulk_insert(cases, batch_size=self.batch_size)
        # The child's copy of the next review date (cases.services.route_change keeps it on the site).
        reviewed = [case for case in cases if case.next_review_date]
        Child.objects.bulk_update(
            [Child(pk=case.child_id, next_review_date=case.next_review_date) for case in reviewed],
            ["next_review_date"],
            batch_size=self.batch_size,
        )
        self.counts["cases"] += len(cases)

        events = [
            Event(
                child_id=plan.child.pk,
                kind=EventKind.REGISTERED,
                date=plan.registered,
                title="Внесён в реестр",
                details={"source": SOURCE, "seed": self.seed},
            )
            for plan in plans
        ]
        for plan, stay, placement in stay_objects:
            organization = stay.organization
            events.append(
                Event(
                    child_id=plan.child.pk,
                    kind=EventKind.PLACEMENT,
                    date=stay.start,
                    title=f"Помещён: {organization} — {placement.get_kind_display()}"[:300],
                    details={"placement": placement.pk},
                )
            )
            if stay.end is not None:
                events.append(
                    Event(
                        child_id=plan.child.pk,
                        kind=OUTCOME_EVENTS.get(stay.outcome, EventKind.PLACEMENT_END),
                        date=stay.end,
                        title=f"Выбыл из организации «{organization}»: {placement.get_outcome_display()}"[
                            :300
                        ],
                        details={"placement": placement.pk, "outcome": stay.outcome},
                    )
                )
        bulk_insert(events, batch_size=self.batch_size)
        self.counts["events"] += len(events)

    # -- timelines --
    def new_stay(self, organization: Organization, start: dt.date) -> StayPlan:
        kind = self.pick(PLACEMENT_KIND_WEIGHTS[organization.kind])
        planned_end = None
        if kind == PlacementKind.TEMPORARY_PARENTS_REQUEST:  # up to 6 months (ст. 155.1 СК РФ)
            planned_end = start + dt.timedelta(days=self.rng.randrange(60, 183))
        return StayPlan(organization=organization, kind=kind, start=start, planned_end=planned_end)

    def birth_for(self, start: dt.date, age: int) -> dt.date:
        return start - dt.timedelta(days=age * 365 + self.rng.randrange(365))

    def plan_placed(self, home: Organization, any_home) -> ChildPlan:
        rng = self.rng
        age = rng.choices(range(18), weights=AGE_WEIGHTS)[0]
        birth = self.birth_for(self.today, age)
        age_days = (self.today - birth).days
        stay_days = min(int(rng.expovariate(1 / 420)), 6 * 365, age_days)
        current = self.new_stay(home, self.days_ago(stay_days))
        stays = [current]
        if rng.random() < PLACED_WITH_EARLIER_STAY:
            transfer = rng.random() < 0.4
            gap = 0 if transfer else rng.randrange(30, 720)
            end = current.start - dt.timedelta(days=gap)
            start = end - dt.timedelta(days=rng.randrange(14, 540))
            if start >= birth:
                earlier = self.new_stay(any_home(exclude=home) if transfer else home, start)
                earlier.end = end
                earlier.outcome = (
                    PlacementOutcome.ANOTHER_ORGANIZATION if transfer else PlacementOutcome.RETURNED_HOME
                )
                stays.insert(0, earlier)
        registered = max(birth, stays[0].start - dt.timedelta(days=rng.randrange(0, 60)))
        return ChildPlan(role="placed", sex=self.sex(), birth=birth, registered=registered, stays=stays)

    def plan_historical(self, any_home) -> ChildPlan:
        rng = self.rng
        today = self.today
        stays_count = self.pick(HISTORICAL_PLACEMENTS)
        sex = self.sex()
        if stays_count == 0:  # a prevention case: the child stayed at home
            registered = self.days_ago(rng.randrange(30, 6 * 365))
            birth = self.birth_for(registered, rng.choices(range(18), weights=AGE_WEIGHTS)[0])
            return ChildPlan(role="prevention", sex=sex, birth=birth, registered=registered)
        outcome = self.pick(FINAL_OUTCOMES)
        if outcome == PlacementOutcome.GRADUATED:
            birth = self.days_ago(rng.randrange(int(18.5 * 365), 26 * 365))
            end = min(today, birth + dt.timedelta(days=18 * 365 + rng.randrange(200)))
            start = max(birth, end - dt.timedelta(days=rng.randrange(180, 6 * 365)))
            stay = self.new_stay(any_home(), start)
            stay.end, stay.outcome = end, outcome
            stays = [stay]
        else:
            start = self.days_ago(rng.randrange(30, 8 * 365))
            birth = self.birth_for(start, rng.choices(range(18), weights=AGE_WEIGHTS)[0])
            first = self.new_stay(any_home(), start)
            first.end = min(today, start + dt.timedelta(days=7 + int(rng.expovariate(1 / 300))))
            first.outcome = outcome
            stays = [first]
            if stays_count == 2:
                transfer = rng.random() < 0.4
                second_start = first.end + dt.timedelta(days=0 if transfer else rng.randrange(30, 720))
                if second_start <= today - dt.timedelta(days=7):
                    first.outcome = (
                        PlacementOutcome.ANOTHER_ORGANIZATION if transfer else PlacementOutcome.RETURNED_HOME
                    )
                    second = self.new_stay(
                        any_home(exclude=first.organization) if transfer else first.organization, second_start
                    )
                    second.end = min(
                        today, second_start + dt.timedelta(days=7 + int(rng.expovariate(1 / 300)))
                    )
                    second.outcome = outcome
                    stays.append(second)
        registered = max(birth, stays[0].start - dt.timedelta(days=rng.randrange(0, 60)))
        return ChildPlan(role="historical", sex=sex, birth=birth, registered=registered, stays=stays)

    def sex(self) -> str:
        return Sex.MALE if self.rng.random() < 0.52 else Sex.FEMALE

    def set_legal_status(self, plan: ChildPlan) -> None:
        rng = self.rng
        kinds = {stay.kind for stay in plan.stays}
        if kinds & {PlacementKind.ORGANIZATION_GUARDIANSHIP, PlacementKind.REMOVAL} or (
            PlacementKind.OTHER in kinds and rng.random() < 0.5
        ):
            if rng.random() < 0.15:
                plan.legal_status, plan.has_living_parents = LegalStatus.ORPHAN, False
            else:
                plan.legal_status, plan.has_living_parents = LegalStatus.LEFT_WITHOUT_CARE, rng.random() < 0.9
        else:
            plan.legal_status, plan.has_living_parents = LegalStatus.HAS_PARENTS, True

    # -- families and names --
    def link_families(
        self,
        subject: Subject,
        plans: list[ChildPlan],
        n_families: int,
        municipalities: list[Municipality],
        muni_weights: list[float],
    ) -> list[Family]:
        """Most children get a family; n_families are spread evenly over them, the rest are siblings."""
        rng = self.rng
        families: list[Family] = []

        def new_family(municipality: Municipality) -> Family:
            surname = rng.choice(SURNAMES)
            title = f"Семья {surname_forms(surname)[2]}"
            family = Family(
                subject=subject,
                municipality=municipality,
                title=title,
                address=f"{municipality.name}, {self.address()}",
                notes=FAMILY_NOTE,
                search_name=normalize_for_search(title),  # as Family.compute_derived()
            )
            family.surname, family.father = surname, rng.choice(MALE_NAMES)
            families.append(family)
            return family

        def home_municipality(plan: ChildPlan) -> Municipality:
            if plan.stays and rng.random() < 0.55:
                return plan.stays[-1].organization.municipality
            return rng.choices(municipalities, weights=muni_weights)[0]

        linked = [plan for plan in plans if rng.random() < LINKED_TO_FAMILY] if n_families else []
        for i, plan in enumerate(linked):
            if len(families) < n_families * (i + 1) / len(linked):
                plan.family = new_family(home_municipality(plan))
            else:
                plan.family = rng.choice(families)
            plan.municipality = plan.family.municipality
            half_sibling = rng.random() < 0.1
            plan.surname = plan.family.surname
            plan.father = rng.choice(MALE_NAMES) if half_sibling else plan.family.father
        for plan in plans:
            if plan.family is None and plan.stays:
                plan.municipality = home_municipality(plan)
        while len(families) < n_families:  # more families than linked children: families on support only
            new_family(rng.choices(municipalities, weights=muni_weights)[0])
        return families

    def name_child(self, plan: ChildPlan) -> None:
        rng = self.rng
        surname = plan.surname or rng.choice(SURNAMES)
        father = plan.father or rng.choice(MALE_NAMES)
        masculine, feminine, _ = surname_forms(surname)
        if plan.sex == Sex.MALE:
            plan.last_name, plan.first_name, plan.middle_name = masculine, rng.choice(BOY_NAMES), father[1]
        else:
            plan.last_name, plan.first_name, plan.middle_name = feminine, rng.choice(GIRL_NAMES), father[2]
        if rng.random() < 0.02:  # the patronymic is not always known
            plan.middle_name = ""

    def plan_duplicate(
        self, original: ChildPlan, municipalities: list[Municipality], muni_weights: list[float]
    ) -> ChildPlan:
        """A second record of the same child, entered elsewhere without noticing the first one."""
        rng = self.rng
        duplicate = ChildPlan(
            role="duplicate",
            sex=original.sex,
            birth=original.birth,
            registered=max(original.birth, self.days_ago(rng.randrange(0, 365))),
            municipality=rng.choices(municipalities, weights=muni_weights)[0],
            last_name=original.last_name.replace("ё", "е") if rng.random() < 0.5 else original.last_name,
            first_name=original.first_name,
            middle_name=original.middle_name,
            legal_status=original.legal_status,
            has_living_parents=original.has_living_parents,
            snils=original.snils if rng.random() < 0.3 else "",
            certificate=original.certificate if rng.random() < 0.2 else "",
            original=original,
        )
        self.counts["duplicates"] += 1
        self.counts["duplicates_same_snils"] += bool(duplicate.snils)
        self.counts["duplicates_same_certificate"] += bool(duplicate.certificate)
        return duplicate

    def family_rows(
        self, families: list[Family], plans: list[ChildPlan]
    ) -> tuple[list[FamilyMember], list[FamilySocialStatus]]:
        rng = self.rng
        today = self.today
        children_of: dict[int, list[ChildPlan]] = defaultdict(list)
        for plan in plans:
            if plan.family is not None and plan.role != "duplicate":
                children_of[id(plan.family)].append(plan)
        members: list[FamilyMember] = []
        statuses: list[FamilySocialStatus] = []
        for family in families:
            children = children_of[id(family)]
            eldest = min((c.birth for c in children), default=self.days_ago(rng.randrange(365, 17 * 365)))
            first_seen = min(
                (c.registered for c in children), default=self.days_ago(rng.randrange(30, 3 * 365))
            )
            active = any(c.role == "placed" for c in children)
            statuses_legal = {c.legal_status for c in children}
            if LegalStatus.ORPHAN in statuses_legal:
                rights, alive = ParentalRights.NOT_APPLICABLE, False
            elif LegalStatus.LEFT_WITHOUT_CARE in statuses_legal:
                rights, alive = (
                    self.pick(
                        [
                            (ParentalRights.DEPRIVED, 0.5),
                            (ParentalRights.LIMITED, 0.25),
                            (ParentalRights.SUIT_PENDING, 0.25),
                        ]
                    ),
                    True,
                )
            else:
                rights, alive = ParentalRights.FULL, True
            masculine, feminine, _ = surname_forms(family.surname)
            if rng.random() < MOTHER_SHARE:
                members.append(
                    FamilyMember(
                        family_id=family.pk,
                        last_name=feminine,
                        first_name=rng.choice(MOTHER_NAMES),
                        middle_name=rng.choice(MALE_NAMES)[2],
                        birth_date=eldest - dt.timedelta(days=rng.randrange(18 * 365, 40 * 365)),
                        relation=Relation.MOTHER,
                        parental_rights=rights,
                        is_alive=alive,
                    )
                )
            if rng.random() < FATHER_SHARE:
                members.append(
                    FamilyMember(
                        family_id=family.pk,
                        last_name=masculine,
                        first_name=family.father[0],
                        middle_name=rng.choice(MALE_NAMES)[1],
                        birth_date=eldest - dt.timedelta(days=rng.randrange(20 * 365, 45 * 365)),
                        relation=Relation.FATHER,
                        parental_rights=rights,
                        is_alive=alive,
                    )
                )
            sop_start = None
            if rng.random() < FAMILY_SOP_SHARE:
                sop_start = max(
                    today - dt.timedelta(days=12 * 365), first_seen - dt.timedelta(days=rng.randrange(0, 365))
                )
                end = None
                if not (active and rng.random() < 0.85):
                    end = sop_start + dt.timedelta(days=rng.randrange(90, 900))
                    end = end if end < today else None
                self.counts["children_in_sop_families"] += len(children)
                self.counts["children_in_active_sop_families"] += len(children) if end is None else 0
                statuses.append(
                    FamilySocialStatus(
                        family_id=family.pk,
                        kind=SocialStatusKind.SOP,
                        start_date=sop_start,
                        end_date=end,
                        basis=self.basis("Постановление КДНиЗП № {n} от {d}", sop_start),
                    )
                )
            if rng.random() < FAMILY_TZHS_SHARE:
                if sop_start is not None:  # a difficult situation first, then the family was declared СОП
                    end = sop_start - dt.timedelta(days=1)
                    start = end - dt.timedelta(days=rng.randrange(60, 700))
                else:
                    start = max(
                        today - dt.timedelta(days=12 * 365),
                        first_seen - dt.timedelta(days=rng.randrange(0, 365)),
                    )
                    end = None if active else start + dt.timedelta(days=rng.randrange(90, 900))
                    end = end if end is not None and end < today else None
                statuses.append(
                    FamilySocialStatus(
                        family_id=family.pk,
                        kind=SocialStatusKind.TZHS,
                        start_date=start,
                        end_date=end,
                        basis=self.basis("Решение органа социальной защиты населения № {n} от {d}", start),
                    )
                )
        return members, statuses

    # -- rows --
    def build_child(self, subject: Subject, plan: ChildPlan) -> Child:
        rng = self.rng
        health = self.pick([(HealthGroup.I, 0.22), (HealthGroup.II, 0.45), (HealthGroup.III, 0.20),
                            (HealthGroup.IV, 0.06), (HealthGroup.V, 0.07)])  # fmt: skip
        current = plan.stays[-1] if plan.stays and plan.stays[-1].end is None else None
        child = Child(
            last_name=plan.last_name,
            first_name=plan.first_name,
            middle_name=plan.middle_name,
            birth_date=plan.birth,
            sex=plan.sex,
            snils=plan.snils,
            birth_certificate=plan.certificate,
            legal_status=plan.legal_status,
            has_living_parents=plan.has_living_parents,
            disability=(health >= HealthGroup.IV and rng.random() < 0.7) or rng.random() < 0.03,
            health_group=health if rng.random() < 0.9 else None,
            family_id=plan.family.pk if plan.family is not None else None,
            subject=subject,
            municipality=plan.municipality,
            current_organization=current.organization if current else None,
            placed_since=current.start if current else None,
        )
        child.compute_derived()
        plan.child = child
        if current:
            self.counts["children_placed"] += 1
        self.counts["snils"] += bool(plan.snils)
        self.counts["certificates"] += bool(plan.certificate)
        return child

    def build_case(self, plan: ChildPlan) -> Case:
        rng = self.rng
        today = self.today
        opened = plan.registered
        if plan.role == "placed":
            goal = self.pick(PLACED_GOALS)
            if goal == RouteGoal.INDEPENDENCE and (today - plan.birth).days < 14 * 365:
                goal = RouteGoal.SUBSTITUTE_FAMILY
            status = CaseStatus.OPEN
        elif plan.role == "duplicate":
            goal, status = RouteGoal.UNDETERMINED, CaseStatus.OPEN
        elif plan.role == "prevention":
            goal = RouteGoal.RETURN_HOME if rng.random() < 0.7 else RouteGoal.UNDETERMINED
            status = CaseStatus.CLOSED if rng.random() < 0.8 else CaseStatus.OPEN
        else:
            goal = OUTCOME_GOALS.get(plan.stays[-1].outcome, RouteGoal.UNDETERMINED)
            status = CaseStatus.CLOSED if rng.random() < 0.9 else CaseStatus.OPEN
        case = Case(child_id=plan.child.pk, goal=goal, status=status, opened_on=opened)
        if status == CaseStatus.CLOSED:
            last_day = (
                plan.stays[-1].end if plan.stays else opened + dt.timedelta(days=rng.randrange(60, 720))
            )
            case.closed_on = min(today, last_day + dt.timedelta(days=rng.randrange(0, 60)))
            if (case.closed_on - opened).days > 90:
                case.last_review_date = case.closed_on - dt.timedelta(days=rng.randrange(0, 90))
            self.counts["cases_closed"] += 1
            return case
        if (today - opened).days > 45 and rng.random() < OVERDUE_REVIEW_SHARE:
            case.next_review_date = today - dt.timedelta(
                days=rng.randrange(1, min(150, (today - opened).days))
            )
            self.counts["cases_overdue"] += 1
        else:
            case.next_review_date = today + dt.timedelta(days=rng.randrange(1, 181))
        last_review = case.next_review_date - dt.timedelta(days=rng.randrange(90, 181))
        case.last_review_date = last_review if opened <= last_review < today else None
        self.counts["cases_open"] += 1
        return case
