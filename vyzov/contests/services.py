"""Every write of the contests: set-up by the federal team, applications of municipalities, expert
assignments (never from the expert's own subject), scores, bonuses, publishing. Each write is
validated, all-or-nothing, and leaves an audit row."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import ActionNotAllowed, NotInScope, Perm, has_perm, require, require_perm
from vyzov.accounts.models import Role, User
from vyzov.core import signals
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import check_upload, replace_stored_file
from vyzov.core.validators import check_free_text, validate_contest_date
from vyzov.practices.services import PracticeToPublish, practices_publish
from vyzov.territories.models import Municipality, MunicipalityKind

from .models import (
    Answer,
    Application,
    ApplicationFile,
    ApplicationPractice,
    ApplicationStatus,
    AssignmentRole,
    Award,
    AwardKind,
    BonusAward,
    BonusItem,
    Category,
    CommissionDecision,
    CommissionMember,
    Contest,
    ContestEvent,
    ContestOrganisation,
    ContestRegulation,
    ContestStatus,
    CriteriaSet,
    Criterion,
    ExpertAssignment,
    JuryScore,
    MediaPublication,
    MemberRole,
    Nomination,
    ReportSection,
    Score,
    SettlementType,
    Stage,
    Task,
)
from .selectors import manages_contests

FILE_TYPES = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
}
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 30
SCORE_COMMENT_MAX = 2000  # a longer comment is refused with a message, never cut
CITY_KINDS = {MunicipalityKind.URBAN_OKRUG, MunicipalityKind.URBAN_SETTLEMENT}
NEXT_STATUS: dict[str, str] = {
    ContestStatus.DRAFT: ContestStatus.OPEN,
    ContestStatus.OPEN: ContestStatus.REVIEW,
    ContestStatus.REVIEW: ContestStatus.PUBLISHED,
}


def _audit(actor: User, action: str, target: models.Model, **details: Any) -> None:
    subject_id = getattr(target, "subject_id", None)
    audit_entry_create(
        actor=actor, action=action, target=target, subject_id=subject_id, details=details or None
    )


def _manage(actor: User, application: Application | None = None) -> None:
    """Contest-wide actions belong to the federal team for the whole country; an action on one
    application to whoever manages contests in its territory."""
    require_perm(actor, Perm.CONTESTS_MANAGE)
    if application is not None:
        require(actor, Perm.CONTESTS_MANAGE, application)
    elif not manages_contests(actor):
        raise ActionNotAllowed("Конкурс в целом настраивает федеральная команда.")


def _points(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f").replace(".", ",")


def _not_locked(contest: Contest) -> Contest:
    """Checked on the contest row locked for this transaction, so that no score slips in while the
    results are being published. Every caller is about to change what the ranking is computed from
    (or an application that may later be ranked): the contest's `results_version` goes up in the same
    transaction, so the cached ranking (selectors.ranking_cached) of the old version is never read
    again, in this process or any other; a rolled-back change rolls the version back too."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.is_locked:
        raise ValidationError("Итоги конкурса опубликованы: оценки и заявки больше не меняются.")
    Contest.objects.filter(pk=contest.pk).update(results_version=F("results_version") + 1)
    contest.refresh_from_db(fields=["results_version"])
    return contest


# ---- set-up ------------------------------------------------------------------------------------


@transaction.atomic
def contest_create(*, actor: User, data: Mapping[str, Any]) -> Contest:
    _manage(actor)
    contest = Contest(**data)
    contest.full_clean()
    contest.created_by = contest.updated_by = actor
    contest.save()
    _audit(actor, AuditAction.CREATE, contest)
    return contest


@transaction.atomic
def setup_item_add(*, actor: User, contest: Contest, item: Any, settlement_type: str | None = None) -> Any:
    """Add a stage, task, category, criterion, bonus item or nomination to a contest being prepared. A
    criterion goes to the contest's criteria set for `settlement_type`, made (and audited) if it is new."""
    _manage(actor)
    contest = _not_locked(contest)
    if contest.is_history:
        raise ValidationError("Конкурс загружен из отчёта и не меняется.")
    if contest.status != ContestStatus.DRAFT and not isinstance(item, Stage | Nomination):
        # Applications and scores already rest on the categories, criteria, tasks and bonuses.
        raise ValidationError("После открытия приёма заявок меняются только этапы и номинации.")
    if settlement_type is not None:
        if settlement_type not in SettlementType.values:
            raise ValidationError({"settlement_type": "Неизвестный тип поселения."})
        item.criteria_set, created = CriteriaSet.objects.get_or_create(
            contest=contest, settlement_type=settlement_type
        )
        if created:
            _audit(
                actor,
                AuditAction.UPDATE,
                contest,
                added=str(item.criteria_set._meta.verbose_name),
                title=str(item.criteria_set),
            )
    item.full_clean()
    item.save()
    _audit(actor, AuditAction.UPDATE, contest, added=type(item)._meta.verbose_name, title=str(item))
    return item


@transaction.atomic
def contest_copy(*, actor: User, source: Contest, year: int, title: str) -> Contest:
    """A new contest with the set-up of a previous one: stages (moved by the years between them),
    tasks, categories, criteria sets, bonus items and nominations. Applications are not copied."""
    shift = year - source.year
    contest = contest_create(
        actor=actor,
        data={
            "year": year,
            "title": title,
            "number": "",
            "aggregation": source.aggregation,
            "tie_rule": source.tie_rule,
            "experts_per_application": source.experts_per_application,
            "places_awarded": source.places_awarded,
            "discrepancy_threshold": source.discrepancy_threshold,
            "blind": source.blind,
            "submission_deadline": _shift(source.submission_deadline, shift),
        },
    )

    def copy(objects: Iterable[Any], **changes: Any) -> None:
        for obj in objects:
            obj.pk = None
            for name, value in changes.items():
                setattr(obj, name, value(obj) if callable(value) else value)
            obj.save()

    copy(
        source.stages.all(),
        contest=contest,
        date_from=lambda s: _shift(s.date_from, shift),
        date_to=lambda s: _shift(s.date_to, shift),
    )
    copy(source.tasks.all(), contest=contest)
    copy(source.categories.all(), contest=contest)
    copy(source.bonus_items.all(), contest=contest)
    copy(source.nominations.all(), contest=contest)
    for criteria_set in source.criteria_sets.prefetch_related("criteria"):
        criteria = list(criteria_set.criteria.all())
        criteria_set.pk = None
        criteria_set.contest = contest
        criteria_set.save()
        copy(criteria, criteria_set=criteria_set)
    _audit(actor, AuditAction.CREATE, contest, copied_from=source.pk)
    return contest


def _shift(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def contest_advance(*, actor: User, contest: Contest, close_early: bool = False) -> Contest:
    """Preparation → applications → expert review → published. Closing the intake before its deadline
    needs `close_early` (said explicitly by the federal team). Publishing needs every accepted
    application fully scored, freezes the ranking into awards and locks the scores."""
    _manage(actor)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.status not in NEXT_STATUS:
        raise ValidationError("Итоги уже опубликованы.")
    target = NEXT_STATUS[contest.status]
    if target == ContestStatus.OPEN:
        _check_ready(contest)
    details: dict[str, Any] = {"status": target}
    if target == ContestStatus.REVIEW:
        details["closed_early"] = _check_intake_may_close(contest, close_early=close_early)
    if target == ContestStatus.PUBLISHED:
        _publish(actor, contest)
    contest.status, contest.updated_by = target, actor
    contest.save()
    _audit(actor, AuditAction.STATUS_CHANGE, contest, **details)
    return contest


def intake_deadline(contest: Contest) -> dt.date | None:
    """The last day an application may still be submitted: the contest's deadline or a later one
    extended for a municipality."""
    extended = contest.applications.aggregate(latest=Max("deadline_extended_to"))["latest"]
    days = [day for day in (contest.submission_deadline, extended) if day is not None]
    return max(days) if days else None


def _check_intake_may_close(contest: Contest, *, close_early: bool) -> bool:
    """Refuses closing before the deadline unless it is said explicitly; tells whether it is early."""
    deadline = intake_deadline(contest)
    early = deadline is not None and timezone.localdate() <= deadline
    if early and not close_early:
        raise ValidationError(
            f"Приём заявок идёт до {deadline:%d.%m.%Y} включительно. Закрыть его досрочно можно, "
            "только отметив «закрыть досрочно»: муниципалитеты, которые не успели подать заявку, "
            "подать её уже не смогут."
        )
    return early


def _check_ready(contest: Contest) -> None:
    problems = []
    if not contest.categories.exists():
        problems.append("нет категорий участников")
    if not Criterion.objects.filter(criteria_set__contest=contest).exists():
        problems.append("нет критериев")
    if Criterion.objects.filter(criteria_set__contest=contest, max_points__isnull=True).exists():
        problems.append("не у всех критериев задан максимум баллов")
    if contest.submission_deadline is None:
        problems.append("не задан срок подачи заявок")
    if contest.bonus_items.filter(points__isnull=True, cap__isnull=True).exists():
        problems.append("не у всех дополнительных баллов задано, сколько их можно дать")
    if problems:
        raise ValidationError("Конкурс не готов к приёму заявок: " + "; ".join(problems) + ".")


def _practices_publish(actor: User, application: Application) -> list[ApplicationPractice]:
    """The application's practices not yet in the library go there (once each); contests keep the link."""
    items = list(application.practices.select_related("criterion").filter(published__isnull=True))
    category = application.category.title if application.category else ""
    published = practices_publish(
        actor=actor,
        items=[
            PracticeToPublish(
                title=item.title,
                theme_title=item.criterion.title,
                subject_id=application.subject_id,
                municipality_id=application.municipality_id,
                settlement=application.settlement_name,
                organization=item.organization,
                description=item.description,
                results=item.results,
                year=application.contest.year,
                category=category,
                source_note=f"Заявка на конкурс «{application.contest.title}»",
            )
            for item in items
        ],
    )
    for item, practice in zip(items, published, strict=True):
        item.published = practice
    ApplicationPractice.objects.bulk_update(items, ["published"])
    return items


def _publish(actor: User, contest: Contest) -> None:
    from .selectors import ranking  # the one ranking rule, also used by the page

    unscored = ExpertAssignment.objects.filter(
        application__contest=contest, role=AssignmentRole.EXPERT, submitted_at__isnull=True
    ).count()
    if unscored:
        raise ValidationError(
            f"Не завершены оценки экспертов: {unscored}. Опубликовать итоги нельзя: "
            "дождитесь оценок или снимите назначение с эксперта, который не может оценить."
        )
    if not CommissionDecision.objects.filter(contest=contest).exists():
        raise ValidationError(DECISION_NEEDED)
    if contest.blind:  # blind review kept the practices out of the library until now
        for application in contest.applications.filter(status=ApplicationStatus.ACCEPTED):
            _practices_publish(actor, application)
    awards = []
    for group in ranking(contest=contest):
        for row in group.rows:
            if row.place is not None and row.place <= contest.places_awarded:
                awards.append(
                    Award(
                        contest=contest,
                        application=row.application,
                        category=group.category,
                        kind=AwardKind.PLACE,
                        place=row.place,
                        score=row.final,
                        title=f"{row.place} место в категории «{group.category.title}»",
                        diploma_code=new_diploma_code(),
                    )
                )
    Award.objects.bulk_create(awards)


def new_diploma_code() -> str:
    return secrets.token_hex(8).upper()


@transaction.atomic
def award_special(
    *,
    actor: User,
    contest: Contest,
    application: Application,
    title: str,
    nomination: Nomination | None = None,
) -> Award:
    _manage(actor)
    if application.contest_id != contest.pk or application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError("Награждается принятая заявка этого конкурса.")
    if not title.strip() and nomination is None:
        raise ValidationError("Укажите награду или номинацию.")
    award = Award.objects.create(
        contest=contest,
        application=application,
        category=application.category,
        kind=AwardKind.NOMINATION if nomination else AwardKind.SPECIAL,
        nomination=nomination,
        title=title.strip() or f"Номинация «{nomination.title if nomination else ''}»",
        diploma_code=new_diploma_code(),
    )
    _audit(actor, AuditAction.CREATE, application, award=award.title)
    return award


# ---- applications ------------------------------------------------------------------------------


def category_for(*, municipality: Municipality, categories: Iterable[Category]) -> Category | None:
    """The category from the municipality's type and population: rural settlements → V; the subject's
    administrative centre → I; other towns by population with the lower bound included and the upper
    one not (a town of exactly 100 000 is in «100 тысяч человек и более»). Districts and okrugs, which
    are not towns, get none: the federal team decides."""
    categories = sorted(categories, key=lambda c: c.order)
    if municipality.kind == MunicipalityKind.RURAL_SETTLEMENT:
        return next((c for c in categories if c.settlement_type == SettlementType.RURAL), None)
    if municipality.kind not in CITY_KINDS:
        return None
    towns = [c for c in categories if c.settlement_type == SettlementType.CITY]
    centre = next((c for c in towns if c.admin_centre), None)
    if municipality.is_regional_centre and centre is not None:
        return centre
    population = municipality.population
    if population is None:
        return None
    for category in towns:
        if category.admin_centre:
            continue
        if (category.population_min is None or population >= category.population_min) and (
            category.population_max is None or population < category.population_max
        ):
            return category
    return None


@transaction.atomic
def application_create(*, actor: User, contest: Contest, municipality: Municipality) -> Application:
    if contest.status != ContestStatus.OPEN:
        raise ValidationError("Приём заявок на этот конкурс не идёт.")
    application = Application(
        contest=contest,
        municipality=municipality,
        subject=municipality.subject,
        settlement_name=municipality.name,
        historical_district=municipality.subject.district.name,
        category=category_for(municipality=municipality, categories=contest.categories.all()),
    )
    require(actor, Perm.CONTESTS_PARTICIPATE, application)
    application.validate_constraints()
    application.created_by = application.updated_by = actor
    application.save()
    _audit(actor, AuditAction.CREATE, application, category=application.category_id)
    return application


def _editable(actor: User, application: Application) -> None:
    require(actor, Perm.CONTESTS_PARTICIPATE, application)
    _not_locked(application.contest)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        raise ValidationError("Заявка подана: изменить её можно, только если её вернут на доработку.")


@transaction.atomic
def application_update(
    *, actor: User, application: Application, answers: Mapping[int, str], social_page: str = ""
) -> Application:
    """Answers to the contest assignments (task id → text) and the social page, saved together."""
    _editable(actor, application)
    tasks = {task.pk: task for task in application.contest.tasks.all() if task.is_answered}
    unknown = set(answers) - set(tasks)
    if unknown:
        raise ValidationError("Задание не из этого конкурса.")
    for task_id, text in answers.items():
        text = (text or "").strip()
        if len(text) > 20000:
            raise ValidationError({"answers": f"Ответ на «{tasks[task_id]}» длиннее 20 000 знаков."})
        if text:
            Answer.objects.update_or_create(application=application, task_id=task_id, defaults={"text": text})
        else:
            Answer.objects.filter(application=application, task_id=task_id).delete()
    application.social_page, application.updated_by = social_page, actor
    application.full_clean()
    application.save()
    _audit(actor, AuditAction.UPDATE, application, answers=len(answers))
    return application


@transaction.atomic
def practice_add(
    *, actor: User, application: Application, criterion: Criterion, data: Mapping[str, Any]
) -> ApplicationPractice:
    _editable(actor, application)
    if criterion.criteria_set.contest_id != application.contest_id:
        raise ValidationError("Тема не из критериев этого конкурса.")
    practice = ApplicationPractice(application=application, criterion=criterion, **data)
    practice.full_clean()
    practice.save()
    _audit(actor, AuditAction.UPDATE, application, practice=practice.title)
    return practice


@transaction.atomic
def file_add(
    *, actor: User, application: Application, uploaded: UploadedFile[Any], task: Task | None = None
) -> ApplicationFile:
    """A file is checked by its content, not only its name, and is always served as a download."""
    _editable(actor, application)
    if application.files.count() >= MAX_FILES:
        raise ValidationError({"file": f"К заявке можно приложить не больше {MAX_FILES} файлов."})
    suffix = check_upload(uploaded, allowed=FILE_TYPES, max_bytes=MAX_FILE_BYTES)
    stored = ApplicationFile(
        application=application,
        task=task,
        original_name=(uploaded.name or "")[-200:],
        size=uploaded.size or 0,
    )
    stored.file.save(f"application-{application.pk}-{secrets.token_hex(6)}{suffix}", uploaded, save=False)
    stored.save()
    _audit(actor, AuditAction.UPDATE, application, file=stored.original_name, size=stored.size)
    return stored


def _deadline(application: Application) -> dt.date | None:
    return application.deadline_extended_to or application.contest.submission_deadline


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    _editable(actor, application)
    deadline = _deadline(application)
    if application.contest.status != ContestStatus.OPEN or (deadline and timezone.localdate() > deadline):
        raise ValidationError(
            f"Срок подачи заявок истёк{f' {deadline:%d.%m.%Y}' if deadline else ''}. "
            "Продлить срок может федеральная команда."
        )
    if not application.answers.exists():
        raise ValidationError("Ответьте хотя бы на одно конкурсное задание.")
    if application.category_id is None:
        raise ValidationError("Категория не определена: обратитесь к федеральной команде.")
    application.status, application.submitted_at, application.updated_by = (
        ApplicationStatus.SUBMITTED,
        timezone.now(),
        actor,
    )
    application.save()
    _audit(actor, AuditAction.STATUS_CHANGE, application, status=application.status)
    return application


@transaction.atomic
def deadline_extend(*, actor: User, application: Application, until: dt.date, reason: str) -> Application:
    _manage(actor, application)
    if until < timezone.localdate():
        raise ValidationError({"until": "Новый срок уже прошёл."})
    try:
        validate_contest_date(until)
    except ValidationError as error:
        raise ValidationError({"until": error.messages}) from None
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание продления."})
    application.deadline_extended_to, application.updated_by = until, actor
    application.save()
    _audit(actor, AuditAction.UPDATE, application, deadline_extended_to=str(until), reason=reason.strip())
    return application


@transaction.atomic
def application_review(
    *, actor: User, application: Application, accept: bool, reason: str = ""
) -> Application:
    """The federal team accepts a submitted application for expert review (its practices go to the
    library, unless the review is blind) or returns it with a reason."""
    _manage(actor, application)
    _not_locked(application.contest)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError("Рассмотреть можно только поданную заявку.")
    if not accept and not reason.strip():
        raise ValidationError({"reason": "Укажите, что доработать."})
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.RETURNED
    application.return_reason = "" if accept else reason.strip()
    application.report_received = accept
    application.updated_by = actor
    application.save()
    if accept and not application.contest.blind:
        _practices_publish(actor, application)
    _audit(actor, AuditAction.STATUS_CHANGE, application, status=application.status, reason=reason.strip())
    if not accept:
        signals.announce(
            signals.work_returned,
            sender=Application,
            actor=actor,
            recipients=[application.created_by],
            title=f"Заявка № {application.pk} возвращена на доработку: {reason.strip()[:200]}",
            url=reverse("contests:application_detail", args=[application.pk]),
        )
    return application


@transaction.atomic
def category_change(*, actor: User, application: Application, category: Category, reason: str) -> Application:
    _manage(actor, application)
    _not_locked(application.contest)
    if category.contest_id != application.contest_id:
        raise ValidationError({"category": "Категория другого конкурса."})
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание изменения категории."})
    before = application.category_id
    application.category, application.category_reason, application.updated_by = (
        category,
        reason.strip(),
        actor,
    )
    application.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        application,
        category_from=before,
        category_to=category.pk,
        reason=reason.strip(),
    )
    return application


# ---- experts -----------------------------------------------------------------------------------


def experts() -> Any:
    """Active users holding the expert role (the children's jury included)."""
    return (
        User.objects.filter(is_active=True, grants__role=Role.CONTEST_EXPERT).distinct().order_by("full_name")
    )


def conflict_of_interest(expert: User, application: Application) -> bool:
    """An expert from the application's subject — or one whose subject is unknown (fail closed)."""
    return expert.home_subject_id is None or expert.home_subject_id == application.subject_id


def _can_score(expert: User, application: Application) -> bool:
    return expert.is_active and not conflict_of_interest(expert, application)


@transaction.atomic
def expert_assign(
    *, actor: User, application: Application, expert: User, role: str = AssignmentRole.EXPERT
) -> ExpertAssignment:
    _manage(actor, application)
    _not_locked(application.contest)
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError("Экспертам передаются только принятые заявки.")
    if not has_perm(expert, Perm.CONTESTS_SCORE) or not expert.is_active:
        raise ValidationError({"expert": "Пользователь не эксперт конкурса."})
    if expert.home_subject_id is None:
        raise ValidationError(
            {"expert": "У эксперта не указан субъект РФ: нельзя проверить конфликт интересов."}
        )
    if conflict_of_interest(expert, application):
        raise ValidationError({"expert": "Конфликт интересов: эксперт из того же субъекта РФ, что и заявка."})
    if ExpertAssignment.objects.filter(application=application, expert=expert).exists():
        raise ValidationError({"expert": "Эксперт уже назначен на эту заявку."})
    assignment = ExpertAssignment.objects.create(application=application, expert=expert, role=role)
    _audit(actor, AuditAction.CREATE, application, expert=expert.pk, role=role)
    _announce_assignments(actor, [assignment])
    return assignment


def _announce_assignments(actor: User, assignments: list[ExpertAssignment]) -> None:
    for assignment in assignments:
        signals.announce(
            signals.work_assigned,
            sender=ExpertAssignment,
            actor=actor,
            recipients=[assignment.expert],
            title=f"Вам назначена на оценку заявка № {assignment.application_id}",
            url=reverse("contests:score", args=[assignment.application_id]),
        )


@transaction.atomic
def experts_assign_automatically(*, actor: User, contest: Contest) -> int:
    """Give every accepted application up to k experts: the least loaded first, never one from the
    application's own subject, never twice the same."""
    _manage(actor)
    _not_locked(contest)
    pool = list(
        experts().annotate(
            load=Count(
                "contest_assignments",
                filter=Q(
                    contest_assignments__application__contest=contest,
                    contest_assignments__role=AssignmentRole.EXPERT,
                ),
            )
        )
    )
    load = {expert.pk: expert.load for expert in pool}
    experts_by_id = defaultdict(lambda: User(is_active=False), {expert.pk: expert for expert in pool})
    created = []
    applications = contest.applications.filter(status=ApplicationStatus.ACCEPTED).prefetch_related(
        "assignments"
    )
    for application in applications.order_by("pk"):
        taken = {a.expert_id for a in application.assignments.all()}
        have = sum(
            1
            for a in application.assignments.all()
            if a.role == AssignmentRole.EXPERT and _can_score(experts_by_id[a.expert_id], application)
        )
        candidates = sorted(
            (e for e in pool if e.pk not in taken and _can_score(e, application)),
            key=lambda e: (load[e.pk], e.pk),
        )
        for expert in candidates[: max(0, contest.experts_per_application - have)]:
            created.append(
                ExpertAssignment(application=application, expert=expert, role=AssignmentRole.EXPERT)
            )
            load[expert.pk] += 1
    ExpertAssignment.objects.bulk_create(created)
    _audit(actor, AuditAction.UPDATE, contest, assigned=len(created))
    _announce_assignments(actor, created)
    return len(created)


def _own_assignment(actor: User, assignment: ExpertAssignment) -> None:
    require_perm(actor, Perm.CONTESTS_SCORE)
    if assignment.expert_id != actor.pk or conflict_of_interest(actor, assignment.application):
        raise NotInScope()
    _not_locked(assignment.application.contest)
    if assignment.submitted_at is not None:
        raise ValidationError(
            "Оценка завершена. Изменить её можно, если федеральная команда вернёт её на пересмотр."
        )


@transaction.atomic
def expert_unassign(*, actor: User, assignment: ExpertAssignment) -> None:
    """Take an application away from an expert (left, fell ill, found a conflict); their scores go too."""
    application = assignment.application
    _manage(actor, application)
    _not_locked(application.contest)
    assignment.delete()
    _audit(actor, AuditAction.DELETE, application, expert=assignment.expert_id, role=assignment.role)


@transaction.atomic
def scores_save(
    *,
    actor: User,
    assignment: ExpertAssignment,
    scores: Mapping[int, tuple[Decimal, str]],
    submit: bool = False,
) -> ExpertAssignment:
    """The expert's scores per criterion (criterion id → (points, comment)), all checked before any is
    written. `submit` finishes the assessment: then every criterion must have a score."""
    _own_assignment(actor, assignment)
    if assignment.role != AssignmentRole.EXPERT:
        raise ValidationError("Детское жюри оценивает акцию, а не критерии.")
    application = assignment.application
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(
            criteria_set__contest=application.contest_id,
            criteria_set__settlement_type=application.category.settlement_type
            if application.category
            else None,
        )
    }
    errors = []
    cleaned_comments = {}
    for criterion_id, (points, comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is not None:
            try:
                cleaned_comments[criterion_id] = check_free_text(
                    comment, label=f"«{criterion.title[:60]}», комментарий", max_length=SCORE_COMMENT_MAX
                )
            except ValidationError as error:
                errors.extend(error.messages)
        if criterion is None or criterion.max_points is None:
            errors.append("Критерий не из набора этой заявки.")
        elif points < 0:
            errors.append(f"«{criterion.title[:60]}»: баллы не могут быть отрицательными.")
        elif points > criterion.max_points:
            errors.append(f"«{criterion.title[:60]}»: не больше {_points(criterion.max_points)} баллов.")
        elif points != points.quantize(Decimal("0.1")):
            errors.append(f"«{criterion.title[:60]}»: баллы — с точностью до десятых.")
    if errors:
        raise ValidationError(errors)
    for criterion_id, (points, _comment) in scores.items():
        Score.objects.update_or_create(
            assignment=assignment,
            criterion_id=criterion_id,
            defaults={"points": points, "comment": cleaned_comments[criterion_id]},
        )
    if submit:
        missing = set(criteria) - set(assignment.scores.values_list("criterion_id", flat=True))
        if missing:
            raise ValidationError(f"Оцените все критерии: не оценено {len(missing)}.")
        assignment.submitted_at, assignment.rereview_reason = timezone.now(), ""
        assignment.save(update_fields=["submitted_at", "rereview_reason"])
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        subject_id=application.subject_id,
        details={"scores": len(scores), "submitted": submit},
    )
    return assignment


@transaction.atomic
def jury_score_save(
    *, actor: User, assignment: ExpertAssignment, points: Decimal, comment: str = ""
) -> JuryScore:
    _own_assignment(actor, assignment)
    if assignment.role != AssignmentRole.JURY:
        raise ValidationError("Акцию оценивает детское жюри.")
    item = BonusItem.objects.filter(contest=assignment.application.contest_id, scored_by_jury=True).first()
    if item is None:
        raise ValidationError("В конкурсе нет акции для детского жюри.")
    if item.limit is None or points < 0 or points > item.limit:
        raise ValidationError({"points": f"Баллы за акцию — от 0 до {_points(item.limit)}."})
    try:
        comment = check_free_text(comment, label="Комментарий", max_length=SCORE_COMMENT_MAX)
    except ValidationError as error:
        raise ValidationError({"comment": error.messages}) from None
    score, _ = JuryScore.objects.update_or_create(
        assignment=assignment, defaults={"item": item, "points": points, "comment": comment}
    )
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at"])
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=assignment.application,
        subject_id=assignment.application.subject_id,
        details={"jury_points": str(points)},
    )
    return score


@transaction.atomic
def rereview_request(*, actor: User, assignment: ExpertAssignment, reason: str) -> ExpertAssignment:
    """Experts disagree beyond the threshold: the federal team sends an assessment back for re-review."""
    _manage(actor, assignment.application)
    _not_locked(assignment.application.contest)
    if not reason.strip():
        raise ValidationError({"reason": "Укажите, что пересмотреть."})
    reason = check_free_text(reason, label="Причина пересмотра", max_length=500)
    assignment.submitted_at, assignment.rereview_reason = None, reason
    assignment.save(update_fields=["submitted_at", "rereview_reason"])
    _audit(actor, AuditAction.STATUS_CHANGE, assignment.application, rereview=assignment.expert_id)
    return assignment


@transaction.atomic
def publication_add(*, actor: User, application: Application, data: Mapping[str, Any]) -> MediaPublication:
    """A media publication about a participant, for the registry and the report's media section."""
    _manage(actor, application)
    publication = MediaPublication(
        contest=application.contest, application=application, subject_id=application.subject_id, **data
    )
    if not (publication.title or publication.url):
        raise ValidationError("Укажите заголовок или ссылку.")
    publication.full_clean()
    publication.save()
    _audit(actor, AuditAction.CREATE, application, publication=publication.title or publication.url)
    return publication


@transaction.atomic
def bonus_confirm(*, actor: User, application: Application, item: BonusItem, points: Decimal) -> BonusAward:
    _manage(actor, application)
    _not_locked(application.contest)
    if item.contest_id != application.contest_id or item.scored_by_jury:
        raise ValidationError({"item": "Эти баллы подтверждаются не здесь."})
    if item.limit is None or points < 0 or points > item.limit:
        raise ValidationError({"points": f"Баллы — от 0 до {_points(item.limit)}."})
    award, _ = BonusAward.objects.update_or_create(
        application=application, item=item, defaults={"points": points, "confirmed_by": actor}
    )
    _audit(actor, AuditAction.UPDATE, application, bonus=item.title, points=str(points))
    return award


# ---- organisation: organisers and partners, commission, decision, regulation, events, analysis -------

REGULATION_TYPES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04"}
DECISION_NEEDED = (
    "Итоги публикуются по решению конкурсной комиссии: сначала запишите решение "
    "(номер и дата протокола, кто утвердил список победителей)."
)


def _organised(actor: User, contest: Contest) -> Contest:
    """Organisation of a contest is the federal team's; a contest loaded from a report stays as the report
    gives it."""
    _manage(actor)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.is_history:
        raise ValidationError("Конкурс загружен из отчёта и не меняется.")
    return contest


def _added(actor: User, contest: Contest, item: models.Model) -> None:
    item.full_clean()
    item.save()
    _audit(actor, AuditAction.UPDATE, contest, added=str(type(item)._meta.verbose_name), title=str(item))


@transaction.atomic
def organisation_add(*, actor: User, contest: Contest, data: Mapping[str, Any]) -> ContestOrganisation:
    """An organiser or a partner of the contest (the partner's awards are recorded with its name)."""
    contest = _organised(actor, contest)
    item = ContestOrganisation(contest=contest, **data)
    _added(actor, contest, item)
    return item


@transaction.atomic
def commission_member_add(*, actor: User, contest: Contest, data: Mapping[str, Any]) -> CommissionMember:
    """A member of the competition commission; its composition is fixed once it has decided."""
    contest = _organised(actor, contest)
    if contest.is_locked or CommissionDecision.objects.filter(contest=contest).exists():
        raise ValidationError("Комиссия уже приняла решение: её состав не меняется.")
    member = CommissionMember(contest=contest, **data)
    _added(actor, contest, member)
    return member


@transaction.atomic
def commission_decision_record(
    *,
    actor: User,
    contest: Contest,
    approved_by: CommissionMember,
    protocol_number: str,
    date: dt.date,
    members_present: int,
    text: str = "",
) -> CommissionDecision:
    """The commission approves the list of winners (the ranking of the finished expert review): once,
    during the review, signed by the chair; the results can be published only after it."""
    contest = _organised(actor, contest)
    if contest.status != ContestStatus.REVIEW:
        raise ValidationError(
            "Решение о победителях комиссия принимает после экспертизы, до публикации итогов."
        )
    if CommissionDecision.objects.filter(contest=contest).exists():
        raise ValidationError("Решение комиссии по этому конкурсу уже записано.")
    if approved_by.contest_id != contest.pk:
        raise ValidationError({"approved_by": "Это не член комиссии этого конкурса."})
    if approved_by.member_role != MemberRole.CHAIR:
        raise ValidationError({"approved_by": "Список победителей утверждает председатель комиссии."})
    size = contest.commission.count()
    if not 1 <= members_present <= size:
        raise ValidationError({"members_present": f"Присутствовавших — от 1 до {size} (состав комиссии)."})
    unscored = ExpertAssignment.objects.filter(
        application__contest=contest, role=AssignmentRole.EXPERT, submitted_at__isnull=True
    ).count()
    if unscored:
        raise ValidationError(
            f"Не завершены оценки экспертов: {unscored}. Комиссия утверждает победителей по завершённой экспертизе."
        )
    decision = CommissionDecision(
        contest=contest,
        approved_by=approved_by,
        protocol_number=protocol_number,
        date=date,
        members_present=members_present,
        text=text,
        created_by=actor,
        updated_by=actor,
    )
    decision.full_clean()
    decision.save()
    _audit(actor, AuditAction.CREATE, contest, decision=str(decision), approved_by=approved_by.full_name)
    return decision


@transaction.atomic
def regulation_upload(
    *, actor: User, contest: Contest, uploaded: UploadedFile[Any], title: str = ""
) -> ContestRegulation:
    """«Положение о Конкурсе»: PDF or DOCX checked by its content; a new file replaces the old one."""
    contest = _organised(actor, contest)
    suffix = check_upload(uploaded, allowed=REGULATION_TYPES, max_bytes=MAX_FILE_BYTES)
    regulation = ContestRegulation.objects.filter(contest=contest).first() or ContestRegulation(
        contest=contest, created_by=actor
    )
    regulation.title = title.strip() or "Положение о Конкурсе"
    regulation.original_name = (uploaded.name or f"regulation{suffix}")[-200:]
    regulation.size = uploaded.size or 0
    regulation.updated_by = actor
    replace_stored_file(
        regulation, "file", f"regulation-{contest.pk}-{secrets.token_hex(6)}{suffix}", uploaded
    )
    regulation.full_clean()
    regulation.save()
    _audit(actor, AuditAction.UPDATE, contest, regulation=regulation.original_name)
    return regulation


@transaction.atomic
def event_add(*, actor: User, contest: Contest, data: Mapping[str, Any]) -> ContestEvent:
    """A meeting of the participants, the exhibition-forum «Вместе ради детей» or an internship."""
    contest = _organised(actor, contest)
    event = ContestEvent(contest=contest, **data)
    _added(actor, contest, event)
    return event


@transaction.atomic
def report_section_add(*, actor: User, contest: Contest, data: Mapping[str, Any]) -> ReportSection:
    """An item of the results report's analysis (trends, areas needing attention, growth points,
    conclusions), numbered after the last one of its section."""
    contest = _organised(actor, contest)
    section = ReportSection(contest=contest, **data)
    last = ReportSection.objects.filter(contest=contest, section_kind=section.section_kind).aggregate(
        last=Max("number")
    )["last"]
    section.number = (last or 0) + 1
    if not (section.title or section.text):
        raise ValidationError("Напишите заголовок или текст пункта.")
    _added(actor, contest, section)
    return section
