"""The 2016 and 2017 contests loaded from the Fund's reports (`data/contest_*.csv`) as history.

The reports give totals, not lists: participants by federal district (as the districts were then), the
number of subjects, the leading subject, participants (2016) or reports (2017) by category, the 2016
winners by name, and the 2017 media figures. The loader makes one row per participant that adds up to
exactly those totals; where the report names a participant (winners, special awards) the row carries
the name, otherwise it is «участник № N». Every city the reports name as a participant (winners, and
the cities whose practice they describe, `contest_named_participants.csv`) is in its own subject; the
unnamed rest is spread so that every published total holds. The results report is then computed from
these rows."""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from pathlib import Path

from django.db import transaction

from vyzov.core.seeds import with_titles
from vyzov.territories.models import Subject

from .models import (
    Application,
    ApplicationStatus,
    Award,
    AwardKind,
    BonusItem,
    Category,
    Contest,
    ContestEvent,
    ContestOrganisation,
    ContestStatus,
    CriteriaSet,
    Criterion,
    EventKind,
    MediaPublication,
    ReportSection,
    SettlementType,
    Task,
    TaskKind,
)
from .services import new_diploma_code

DATA = Path(__file__).resolve().parent / "data"
NUMBERS = {2016: "VII", 2017: "VIII"}
SOURCES = {2016: "000_d072226f5d896c06.txt", 2017: "001_f56aa7abe4892c4a.txt"}
CRIMEA = "Крымский федеральный округ"
# Subjects whose district differed in 2016–2017 from today's: Бурятия and Забайкальский край were in
# СФО; Крым and Севастополь formed the Крымский ФО until July 2016. The new subjects did not exist.
THEN_SIBERIA = {"03", "75"}
CRIMEA_CODES = {"91", "92"}
REPUBLIC_OF_CRIMEA = "91"
NOT_YET = {"90", "93", "94", "95"}
# The 2016 report names special-award cities without their group; groups of those that are not
# regional centres follow their population (general knowledge), all others are «от 20 до 100 тысяч».
SPECIAL_AWARD_GROUPS_2016 = {"Таганрог": "2", "Новороссийск": "2", "Невельск": "4"}
DEFAULT_SPECIAL_AWARD_GROUP = "3"
ORGANISERS = "организаторы конкурса"  # contest_winners.csv, awarding_body of the contest's own prizes


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _figure(participation: list[dict], breakdown: str, metric_starts: str) -> int:
    return int(
        next(
            r["value"]
            for r in participation
            if r["breakdown"] == breakdown and r["metric"].startswith(metric_starts)
        )
    )


def _historical_district(subject: Subject, year: int, names: dict[str, str]) -> str | None:
    if subject.code in NOT_YET:
        return None
    if subject.code in CRIMEA_CODES:
        if year == 2016:  # 000: «Впервые в Конкурсе приняли участие города Республики Крым»
            return CRIMEA if subject.code == REPUBLIC_OF_CRIMEA else None
        return names["ЮФО"]
    if subject.code in THEN_SIBERIA:
        return names["СФО"]
    return names[subject.district.code]


def _spread(total: int, weights: dict, rng: random.Random, *, minimum: dict, cap: dict) -> dict:
    """Integers ≥ minimum and ≤ cap that add up to `total`, drawn in proportion to the weights."""
    result = dict(minimum)
    left = total - sum(result.values())
    if left < 0 or left > sum(cap[k] - result[k] for k in result):
        raise ValueError("the report's totals cannot be split under these limits")
    keys = list(weights)
    while left:
        open_keys = [k for k in keys if result[k] < cap[k]]
        key = rng.choices(open_keys, weights=[weights[k] for k in open_keys])[0]
        result[key] += 1
        left -= 1
    return result


def _largest_remainder(total: int, weights: dict) -> dict:
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    result = {k: int(v) for k, v in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - result[k], reverse=True)[
        : total - sum(result.values())
    ]:
        result[key] += 1
    return result


def _setup(year: int) -> Contest:
    title = next(r["contest"] for r in rows("contest_categories.csv") if int(r["year"]) == year)
    title = title.removeprefix(f"{NUMBERS[year]} ")
    contest = Contest.objects.create(
        year=year,
        number=NUMBERS[year],
        title=title,
        status=ContestStatus.PUBLISHED,
        is_history=True,
        source=with_titles(SOURCES[year]),
    )
    for row in rows("contest_categories.csv"):
        if int(row["year"]) == year:
            Category.objects.create(
                contest=contest,
                code=row["category_code"],
                order=int(row["order_no"]),
                title=row["title_as_in_seed"],
                settlement_type=SettlementType.RURAL
                if row["settlement_type"] == "сельское поселение"
                else SettlementType.CITY,
                admin_centre=row["admin_centre"] == "да",
                population_min=int(row["population_min"]) if row["population_min"] else None,
                population_max=int(row["population_max"]) if row["population_max"] else None,
            )
    kinds = {kind.value for kind in TaskKind}
    Task.objects.bulk_create(
        Task(contest=contest, kind=row["kind"], number=int(row["no"]), text=row["text"])
        for row in rows("contest_tasks.csv")
        if int(row["year"]) == year and row["kind"] in kinds
    )
    if year == 2017:
        criteria = rows("contest_2017_criteria.csv")
        city = CriteriaSet.objects.create(
            contest=contest,
            settlement_type=SettlementType.CITY,
            assumption="Баллы по критериям в отчёте не указаны.",
        )
        Criterion.objects.bulk_create(
            Criterion(criteria_set=city, number=int(r["no"]), title=r["title"])
            for r in criteria
            if r["kind"] == "критерий"
        )
        BonusItem.objects.bulk_create(
            BonusItem(
                contest=contest,
                number=int(r["no"]),
                title=r["title"],
                scored_by_jury="акции" in r["title"],
                basis=with_titles(r["source"])[:1000],
            )
            for r in criteria
            if r["kind"] != "критерий"
        )
    return contest


@transaction.atomic
def load_history(*, seed: int = 2017) -> int:
    """Load both contests (once). Returns the number of participant rows created."""
    if Contest.objects.filter(is_history=True).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — synthetic split of published totals
    participation = rows("contest_participation.csv")
    winners = rows("contest_winners.csv")
    subjects = {s.code: s for s in Subject.objects.select_related("district")}
    created = 0
    for year in (2016, 2017):
        contest = _setup(year)
        mine = [r for r in participation if int(r["year"]) == year]
        names = {
            r["federal_district_code"]: r["name_as_in_seed"]
            for r in mine
            if r["breakdown"] == "федеральный округ"
        }
        names.setdefault("ЮФО", "Южный федеральный округ")
        districts = {
            r["name_as_in_seed"]: int(r["value"]) for r in mine if r["breakdown"] == "федеральный округ"
        }
        leader_row = next(r for r in mine if r["breakdown"] == "лидер по числу участников")
        leader, leader_count = leader_row["subject_code"], int(leader_row["value"])
        named = [w for w in winners if int(w["year"]) == year]
        winner_names = {w["settlement"] for w in named}
        # Cities the report names as participants (their practice is described) that won nothing.
        mentioned = [
            r
            for r in rows("contest_named_participants.csv")
            if int(r["year"]) == year and r["settlement"] not in winner_names
        ]
        fixed = Counter(w["subject_code"] for w in named) + Counter(r["subject_code"] for r in mentioned)
        available: dict[str, list[str]] = defaultdict(list)
        for code, subject in sorted(subjects.items()):
            district = _historical_district(subject, year, names)
            if district in districts:
                available[district].append(code)
        district_of = {code: d for d, codes in available.items() for code in codes}
        required = {leader, *fixed}
        # How many subjects in each district: the named ones first, the rest in proportion to participants.
        per_district = {d: max(1, sum(1 for c in required if district_of[c] == d)) for d in districts}
        limits = {d: min(len(available[d]), districts[d]) for d in districts}
        per_district = _spread(
            _figure(mine, "итого", "субъекты"), districts, rng, minimum=per_district, cap=limits
        )
        chosen: list[str] = []
        for district, count in per_district.items():
            must = [c for c in available[district] if c in required]
            others = [c for c in available[district] if c not in required]
            chosen += must + rng.sample(others, count - len(must))
        # Participants per subject, within each district, with the leader's figure exactly.
        counts: dict[str, int] = {}
        for district, total in districts.items():
            codes = [c for c in chosen if district_of[c] == district]
            minimum = {c: leader_count if c == leader else max(1, fixed[c]) for c in codes}
            cap = {c: leader_count if c == leader else leader_count - 1 for c in codes}
            counts |= _spread(total, dict.fromkeys(codes, 1), rng, minimum=minimum, cap=cap)
        created += _participants(contest, year, counts, named, subjects, district_of, mine, rng, mentioned)
        if year == 2017:
            _media(contest, subjects, rng)
    load_history_details()
    return created


def _event_kind(title: str) -> str:
    text = title.casefold()
    if "выставка-форум" in text:
        return EventKind.FORUM
    if "стажировк" in text:
        return EventKind.INTERNSHIP
    return EventKind.MEETING


@transaction.atomic
def load_history_details() -> int:
    """What the reports say of how the 2016 and 2017 contests were run: organisers and partners
    (`contest_organisations.csv`), the meetings and the exhibition-forum of the contest's year
    (`events.csv`), and the analytical sections of the report (`contest_report_sections.csv`). Once per
    contest; events of years with no contest in the system (2019) are not loaded. Returns rows created."""
    contests = {c.year: c for c in Contest.objects.filter(is_history=True)}
    done = set(
        ContestOrganisation.objects.filter(contest__in=contests.values()).values_list(
            "contest__year", flat=True
        )
    )
    todo = {year: contest for year, contest in contests.items() if year not in done}
    organisations = [
        ContestOrganisation(
            contest=todo[int(r["year"])],
            name=r["name"],
            organisation_role=r["organisation_role"],
            basis=r["basis"],
            source=with_titles(r["source"])[:300],
        )
        for r in rows("contest_organisations.csv")
        if int(r["year"]) in todo
    ]
    # The meetings held every year since 2012 (000) belong to the first contest the system holds.
    first = min(contests) if contests else None
    events = [
        ContestEvent(
            contest=todo[year],
            event_kind=_event_kind(r["event"]),
            title=r["event"],
            date_note=r["date_as_in_seed"] or r["status"] or r["year"],
            place=r["place"],
            description="; ".join(filter(None, (r["status"], r["note"]))),
            source=with_titles(r["source"])[:300],
        )
        for r in rows("events.csv")
        if (year := first if int(r["year"]) < (first or 0) else int(r["year"])) in todo
    ]
    sections = [
        ReportSection(
            contest=todo[int(r["year"])],
            section_kind=r["section_kind"],
            number=int(r["no"]),
            title=r["title"],
            text=r["text"],
            source=with_titles(r["source"])[:300],
        )
        for r in rows("contest_report_sections.csv")
        if int(r["year"]) in todo
    ]
    for batch in (organisations, events, sections):
        for item in batch:
            item.full_clean(exclude=["contest"])
    ContestOrganisation.objects.bulk_create(organisations)
    ContestEvent.objects.bulk_create(events)
    ReportSection.objects.bulk_create(sections)
    if 2017 in todo:  # the bonus items were loaded before they carried their basis
        for item in BonusItem.objects.filter(contest=todo[2017], basis=""):
            item.basis = with_titles("001_f56aa7abe4892c4a.txt, раздел 1, «Оценка отчетной информации»")
            item.save(update_fields=["basis"])
    return len(organisations) + len(events) + len(sections)


def _category_totals(
    contest: Contest, year: int, mine: list[dict], participants: int
) -> tuple[dict, dict | None]:
    """Participants by category (2016: given; 2017: in proportion to the reports by category) and
    reports by category where the report gives them (2017)."""
    given = {r["category_code"]: int(r["value"]) for r in mine if r["breakdown"] in ("группа", "категория")}
    if year == 2016:
        return given, None
    return _largest_remainder(participants, given), given


def _participants(contest, year, counts, named, subjects, district_of, mine, rng, mentioned) -> int:
    categories = {c.code: c for c in contest.categories.all()}
    total = sum(counts.values())
    by_category, reports_by_category = _category_totals(contest, year, mine, total)
    slots = [code for code, n in counts.items() for _ in range(n)]
    applications: list[Application] = []

    def add(code: str, name: str, category: str) -> None:
        applications.append(
            Application(
                contest=contest,
                subject=subjects[code],
                settlement_name=name,
                historical_district=district_of[code],
                category=categories[category],
                status=ApplicationStatus.ACCEPTED,
                is_history=True,
            )
        )
        slots.remove(code)
        by_category[category] -= 1

    centres = {code: subjects[code].admin_centre.removeprefix("г. ") for code in counts}
    for winner in named:
        if winner["category_code"]:
            category = winner["category_code"]
        elif centres[winner["subject_code"]] == winner["settlement"]:
            category = "1"
        else:
            category = SPECIAL_AWARD_GROUPS_2016.get(winner["settlement"], DEFAULT_SPECIAL_AWARD_GROUP)
        if not any(a.settlement_name == winner["settlement"] for a in applications):
            add(winner["subject_code"], winner["settlement"], category)
    for row in mentioned:
        if not any(a.settlement_name == row["settlement"] for a in applications):
            add(row["subject_code"], row["settlement"], row["category_code"])
    centre_category = next(c.code for c in categories.values() if c.admin_centre)
    with_centre = {a.subject.code for a in applications if a.category.code == centre_category}
    candidates = [code for code in sorted(set(slots)) if code not in with_centre and centres[code]]
    for code in rng.sample(candidates, by_category[centre_category]):
        add(code, centres[code], centre_category)
    rest = [code for code, n in by_category.items() for _ in range(n)]
    rng.shuffle(rest)
    for number, (code, category) in enumerate(zip(list(slots), rest, strict=True), start=1):
        add(code, f"Участник № {number} (в отчёте не назван)", category)
    _mark_reports(applications, year, mine, reports_by_category, named + mentioned, rng)
    Application.objects.bulk_create(applications)
    _awards(contest, applications, named)
    return len(applications)


def _mark_reports(applications, year, mine, reports_by_category, named, rng) -> None:
    """Who sent the report materials: 2017 — exactly the report's numbers per category; 2016 — the
    total, winners among them (they were judged on their reports)."""
    names = {w["settlement"] for w in named}
    if reports_by_category:  # the cities whose practice the report describes sent reports
        for code, n in reports_by_category.items():
            group = [a for a in applications if a.category.code == code]
            first = [a for a in group if a.settlement_name in names][:n]
            rest = [a for a in group if a not in first]
            for application in first + rng.sample(rest, n - len(first)):
                application.report_received = True
        return
    total = _figure(mine, "итого", "представили")
    winners = [a for a in applications if a.settlement_name in names]
    others = [a for a in applications if a.settlement_name not in names]
    for application in winners + rng.sample(others, total - len(winners)):
        application.report_received = True


def _awards(contest: Contest, applications: list[Application], named: list[dict]) -> None:
    by_name = {a.settlement_name: a for a in applications}
    awards = []
    for winner in named:
        application = by_name[winner["settlement"]]
        if winner["award_type"] == "место":
            awards.append(
                Award(
                    contest=contest,
                    application=application,
                    category=application.category,
                    kind=AwardKind.PLACE,
                    place=int(winner["place"]),
                    title=f"{winner['place']} место — {application.category.title}",
                    diploma_code=new_diploma_code(),
                )
            )
        else:
            body = winner["awarding_body"]
            partner = bool(body) and not body.startswith(ORGANISERS)
            awards.append(
                Award(
                    contest=contest,
                    application=application,
                    category=application.category,
                    kind=AwardKind.SPECIAL,
                    title=winner["award"],
                    awarding_body=body if partner else "",
                    # A partner's diploma was issued by the partner, not by the contest: no code.
                    diploma_code=None if partner else new_diploma_code(),
                )
            )
    Award.objects.bulk_create(awards)


def _media(contest: Contest, subjects: dict[str, Subject], rng: random.Random) -> None:
    """Publications of 2017: the ten named subjects with their counts, the rest spread over the other
    subjects so that the totals (messages, subjects, about the action) are those of the report."""
    media = [r for r in rows("contest_media.csv") if int(r["year"]) == 2017]
    total = int(
        next(r["value"] for r in media if r["scope"] == "итого" and r["metric"].startswith("сообщения"))
    )
    about_action = int(next(r["value"] for r in media if r["scope"] == "итого" and "акции" in r["metric"]))
    subject_total = int(
        next(r["value"] for r in media if r["scope"] == "итого" and r["metric"].startswith("субъекты"))
    )
    named = {r["subject_code"]: int(r["value"]) for r in media if r["scope"] == "субъект"}
    smallest_named = min(named.values())
    participant_subjects = sorted(
        set(contest.applications.values_list("subject__code", flat=True)) - set(named)
    )
    others = rng.sample(participant_subjects, subject_total - len(named))
    counts = dict(named) | _spread(
        total - sum(named.values()),
        dict.fromkeys(others, 1),
        rng,
        minimum=dict.fromkeys(others, 1),
        cap=dict.fromkeys(others, smallest_named - 1),
    )
    first_application = {}
    for application in contest.applications.order_by("pk"):
        first_application.setdefault(application.subject_id, application)
    publications = [
        MediaPublication(
            contest=contest, subject=subjects[code], application=first_application.get(subjects[code].pk)
        )
        for code, n in counts.items()
        for _ in range(n)
    ]
    for publication in rng.sample(publications, about_action):
        publication.about_action = True
    MediaPublication.objects.bulk_create(publications)
