from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import NotInScope, Perm, allows, has_perm, require_perm
from vyzov.accounts.models import Role, User
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.models import AuditAction
from vyzov.core.numbers import parse_decimal
from vyzov.core.pagination import paginate
from vyzov.core.params import parse_id
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import upload_form_error
from vyzov.core.xlsx import xlsx_response
from vyzov.territories.models import Municipality

from . import exports, selectors, services
from .blind import NOTICE, masked_application_texts
from .forms import (
    SETUP_FORMS,
    AdvanceForm,
    ApplicationForm,
    AssignForm,
    BonusForm,
    CategoryChangeForm,
    ContestForm,
    CopyForm,
    ExtendForm,
    FileForm,
    JuryForm,
    PracticeForm,
    PublicationForm,
    RereviewForm,
    ReviewForm,
    SpecialAwardForm,
)
from .models import (
    ApplicationFile,
    ApplicationStatus,
    AssignmentRole,
    Award,
    Contest,
    ContestStatus,
    Criterion,
    ExpertAssignment,
    Score,
)

CONTEST_PERMS = selectors.CONTEST_PERMS


def _any_contest_perm(user) -> None:
    if not any(has_perm(user, perm) for perm in CONTEST_PERMS):
        require_perm(user, Perm.CONTESTS_MANAGE)  # raises with the usual 403


def _error(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_errors(request: AuthenticatedHttpRequest, form) -> None:
    messages.error(request, "; ".join(" ".join(errors) for errors in form.errors.values()))


def _contest(pk) -> Contest:
    return get_object_or_404(Contest, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def contest_list(request: AuthenticatedHttpRequest):
    _any_contest_perm(request.user)
    manage = selectors.manages_contests(request.user)
    form = ContestForm(request.POST or None) if manage else None
    if request.method == "POST":
        require_perm(request.user, Perm.CONTESTS_MANAGE)
        if form.is_valid():
            try:
                contest = services.contest_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Конкурс создан. Добавьте этапы, задания, категории и критерии.")
                return redirect("contests:contest_detail", pk=contest.pk)
    contests = selectors.contests_visible(actor=request.user)
    return render(
        request,
        "contests/contest_list.html",
        {
            "contests": contests.annotate(
                participants=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))
            ),
            "form": form,
            "manage": manage,
            "assignments": selectors.expert_assignments(actor=request.user)[:200]
            if has_perm(request.user, Perm.CONTESTS_SCORE)
            else [],
            "mine": selectors.application_scope(request.user)
            .filter(municipality__isnull=False)
            .select_related("contest")[:50]
            if has_perm(request.user, Perm.CONTESTS_PARTICIPATE)
            else [],
        },
    )


def _municipality_of(user) -> Municipality | None:
    grant = next(
        (g for g in user.grants.all() if g.role == Role.CONTEST_PARTICIPANT and g.municipality_id), None
    )
    return grant.municipality if grant else None


@login_required
@require_http_methods(["GET", "POST"])
def contest_detail(request: AuthenticatedHttpRequest, pk):
    _any_contest_perm(request.user)
    contest = selectors.contest_get(actor=request.user, pk=pk)
    manage = selectors.manages_contests(request.user)
    editable = manage and not contest.is_history and not contest.is_locked
    if request.method == "POST":
        return _contest_post(request, contest)
    return _contest_page(request, contest, manage=manage, editable=editable)


def _contest_page(request: AuthenticatedHttpRequest, contest, *, manage, editable, refused=None, status=200):
    """`refused`: a set-up form that was not accepted, shown again as filled in (opened)."""
    municipality = (
        _municipality_of(request.user) if has_perm(request.user, Perm.CONTESTS_PARTICIPATE) else None
    )
    own = contest.applications.filter(municipality=municipality).first() if municipality else None
    setup_forms = (
        {kind: form_class(prefix=kind) for kind, form_class in SETUP_FORMS.items()} if editable else {}
    )
    if refused is not None and refused.prefix in setup_forms:
        setup_forms[refused.prefix] = refused
    return render(
        request,
        "contests/contest_detail.html",
        {
            "contest": contest,
            "manage": manage,
            "editable": editable,
            "municipality": municipality,
            "own": own,
            "criteria_sets": contest.criteria_sets.prefetch_related("criteria"),
            "setup_forms": setup_forms,
            "intake_deadline": services.intake_deadline(contest)
            if manage and contest.status == ContestStatus.OPEN
            else None,
            "today": timezone.localdate(),
            "copy_form": CopyForm(initial={"year": contest.year + 1, "title": contest.title})
            if manage
            else None,
            "counts": contest.applications.aggregate(
                submitted=Count("id", filter=Q(status=ApplicationStatus.SUBMITTED)),
                accepted=Count("id", filter=Q(status=ApplicationStatus.ACCEPTED)),
                drafts=Count("id", filter=Q(status=ApplicationStatus.DRAFT)),
            ),
        },
        status=status,
    )


def _contest_post(request: AuthenticatedHttpRequest, contest: Contest):
    """Set-up actions of the federal team and «Подать заявку» of a municipality."""
    actor, post = request.user, request.POST
    try:
        if "apply" in post:
            municipality = _municipality_of(actor)
            if municipality is None:
                raise NotInScope()
            application = services.application_create(actor=actor, contest=contest, municipality=municipality)
            messages.success(request, "Заявка создана. Ответьте на задания и подайте её до срока.")
            return redirect("contests:application_detail", pk=application.pk)
        require_perm(actor, Perm.CONTESTS_MANAGE)
        if "auto_assign" in post:
            count = services.experts_assign_automatically(actor=actor, contest=contest)
            messages.success(request, f"Назначено экспертов: {count}.")
        elif "copy" in post:
            form = CopyForm(post)
            if not form.is_valid():
                raise ValidationError("Укажите год и название нового конкурса.")
            copy = services.contest_copy(actor=actor, source=contest, **form.cleaned_data)
            messages.success(request, "Создан конкурс с настройками выбранного.")
            return redirect("contests:contest_detail", pk=copy.pk)
        else:
            kind = next((k for k in SETUP_FORMS if k in post), None)
            if kind is None:
                raise ValidationError("Неизвестное действие.")
            form = SETUP_FORMS[kind](post, prefix=kind)
            if not form.is_valid():
                _form_errors(request, form)
                manage = selectors.manages_contests(actor)
                editable = manage and not contest.is_history and not contest.is_locked
                return _contest_page(
                    request, contest, manage=manage, editable=editable, refused=form, status=400
                )
            item = form.save(commit=False)
            settlement_type = form.cleaned_data["settlement_type"] if kind == "criterion" else None
            if settlement_type is None:
                item.contest = contest
            services.setup_item_add(actor=actor, contest=contest, item=item, settlement_type=settlement_type)
            messages.success(request, "Добавлено.")
    except ValidationError as error:
        _error(request, error)
    return redirect("contests:contest_detail", pk=contest.pk)


@login_required
@require_POST
def contest_advance(request: AuthenticatedHttpRequest, pk):
    """The next stage of the contest; closing the intake before its deadline needs «закрыть досрочно»."""
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    contest = _contest(pk)
    form = AdvanceForm(request.POST)
    form.is_valid()
    try:
        contest = services.contest_advance(
            actor=request.user, contest=contest, close_early=form.cleaned_data.get("close_early", False)
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Конкурс: {contest.get_status_display()}.")
    return redirect("contests:contest_detail", pk=contest.pk)


@login_required
@require_GET
def application_list(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    contest = _contest(pk)
    applications = selectors.application_scope(
        request.user, contest.applications.select_related("category", "subject")
    ).annotate(
        experts=Count("assignments", filter=Q(assignments__role=AssignmentRole.EXPERT)),
        experts_done=Count(
            "assignments",
            filter=Q(assignments__role=AssignmentRole.EXPERT, assignments__submitted_at__isnull=False),
        ),
    )
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    category = parse_id(request.GET.get("category"))
    if category is not None:
        applications = applications.filter(category_id=category)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        applications = applications.filter(Q(settlement_name__icontains=q) | Q(subject__name__icontains=q))
    return render(
        request,
        "contests/application_list.html",
        {
            "contest": contest,
            "page_obj": paginate(request, applications.order_by("subject__name", "settlement_name")),
            "statuses": ApplicationStatus.choices,
            "status": status,
            "category": category,
            "q": q,
            "categories": contest.categories.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: AuthenticatedHttpRequest, pk):
    application = selectors.application_get(actor=request.user, pk=pk)
    contest = application.contest
    manage = allows(request.user, Perm.CONTESTS_MANAGE, application)
    own = application.municipality_id is not None and application.municipality_id == getattr(
        _municipality_of(request.user), "pk", None
    )
    editable = (
        own
        and application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
        and not contest.is_locked
    )
    tasks = [task for task in contest.tasks.all() if task.is_answered]
    answers = {answer.task_id: answer.text for answer in application.answers.all()}
    form = ApplicationForm(
        request.POST if "save" in request.POST or "submit" in request.POST else None,
        tasks=tasks,
        answers=answers,
        initial={"social_page": application.social_page},
    )
    if request.method == "POST":
        response = _application_post(request, application, form)
        if response is not None:
            return response
    assignment = ExpertAssignment.objects.filter(application=application, expert=request.user).first()
    blind = selectors.hides_municipality(request.user, contest)
    result = selectors.results(contest=contest).get(application.pk) if manage else None
    shown_answers, practices, files = _texts_for_reader(request.user, application, answers)
    return render(
        request,
        "contests/application_detail.html",
        {
            "blind_notice": blind and NOTICE,
            "application": application,
            "contest": contest,
            "manage": manage,
            "own": own,
            "editable": editable,
            "blind": blind,
            "form": form,
            "tasks": tasks,
            "answers": shown_answers,
            "assignment": assignment,
            "files": files,
            "practices": practices,
            "assignments": application.assignments.select_related("expert") if manage else [],
            "bonuses": application.bonuses.select_related("item") if manage else [],
            "result": result,
            "awards": application.awards.all(),
            "practice_form": PracticeForm(application=application) if editable else None,
            "file_form": FileForm() if editable else None,
            "review_form": ReviewForm() if manage else None,
            "category_form": CategoryChangeForm(contest=contest) if manage else None,
            "extend_form": ExtendForm() if manage else None,
            "assign_form": AssignForm(experts=services.experts()) if manage else None,
            "bonus_form": BonusForm(contest=contest) if manage else None,
            "rereview_form": RereviewForm() if manage else None,
            "publication_form": PublicationForm() if manage else None,
            "publications": application.publications.order_by("-date", "-id") if manage or own else [],
        },
    )


def _application_post(request: AuthenticatedHttpRequest, application, form):
    actor, post = request.user, request.POST
    try:
        if "save" in post or "submit" in post:
            if not form.is_valid():
                return None
            try:
                services.application_update(
                    actor=actor,
                    application=application,
                    answers=form.answers(),
                    social_page=form.cleaned_data["social_page"],
                )
            except ValidationError as error:  # the page again, with the answers as typed
                form.add_error(None, ValidationError(error.messages))
                return None
            if "submit" in post:
                services.application_submit(actor=actor, application=application)
                messages.success(request, "Заявка подана.")
            else:
                messages.success(request, "Черновик сохранён.")
        elif "practice" in post:
            practice_form = PracticeForm(post, application=application)
            if not practice_form.is_valid():
                _form_errors(request, practice_form)
            else:
                data = dict(practice_form.cleaned_data)
                services.practice_add(
                    actor=actor, application=application, criterion=data.pop("criterion"), data=data
                )
                messages.success(request, "Практика добавлена.")
        elif "upload" in post:
            file_form = FileForm(post, request.FILES)
            if not file_form.is_valid():
                raise ValidationError(upload_form_error(file_form))
            services.file_add(actor=actor, application=application, uploaded=file_form.cleaned_data["file"])
            messages.success(request, "Файл приложен.")
        else:
            _manage_post(request, application)
    except ValidationError as error:
        _error(request, error)
    return redirect("contests:application_detail", pk=application.pk)


def _manage_post(request: AuthenticatedHttpRequest, application) -> None:
    actor, post, contest = request.user, request.POST, application.contest
    require_perm(actor, Perm.CONTESTS_MANAGE)
    forms = {
        "review": ReviewForm(post),
        "category": CategoryChangeForm(post, contest=contest),
        "extend": ExtendForm(post),
        "assign": AssignForm(post, experts=services.experts()),
        "bonus": BonusForm(post, contest=contest),
        "rereview": RereviewForm(post),
        "unassign": RereviewForm({"assignment": post.get("assignment"), "reason": "-"}),
        "publication": PublicationForm(post),
    }
    action = next((name for name in forms if name in post), None)
    if action is None:
        raise ValidationError("Неизвестное действие.")
    form = forms[action]
    if not form.is_valid():
        _form_errors(request, form)
        return
    data = form.cleaned_data
    if action == "review":
        services.application_review(
            actor=actor, application=application, accept=data["decision"] == "accept", reason=data["reason"]
        )
    elif action == "category":
        services.category_change(actor=actor, application=application, **data)
    elif action == "extend":
        services.deadline_extend(actor=actor, application=application, **data)
    elif action == "assign":
        services.expert_assign(actor=actor, application=application, **data)
    elif action == "bonus":
        services.bonus_confirm(actor=actor, application=application, **data)
    elif action == "unassign":
        assignment = get_object_or_404(ExpertAssignment, pk=data["assignment"], application=application)
        services.expert_unassign(actor=actor, assignment=assignment)
    elif action == "publication":
        services.publication_add(actor=actor, application=application, data=data)
    elif action == "rereview":
        assignment = get_object_or_404(ExpertAssignment, pk=data["assignment"], application=application)
        services.rereview_request(actor=actor, assignment=assignment, reason=data["reason"])
    messages.success(request, "Сохранено.")


@login_required
@require_http_methods(["GET", "POST"])
def score(request: AuthenticatedHttpRequest, pk):
    """The expert's scoring page: every criterion of the application's set within 0..max."""
    require_perm(request.user, Perm.CONTESTS_SCORE)
    application = selectors.application_get(actor=request.user, pk=pk)
    assignment = selectors.assignment_get(actor=request.user, application=application)
    contest = application.contest
    settlement = application.category.settlement_type if application.category else "city"
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type=settlement)
    )
    existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    jury_form = JuryForm(request.POST or None) if assignment.role == AssignmentRole.JURY else None
    errors: list[str] = []
    if request.method == "POST":
        try:
            if jury_form is not None:
                if not jury_form.is_valid():
                    raise ValidationError("Укажите баллы числом.")
                services.jury_score_save(actor=request.user, assignment=assignment, **jury_form.cleaned_data)
            else:
                services.scores_save(
                    actor=request.user,
                    assignment=assignment,
                    scores=_posted_scores(request, criteria),
                    submit="submit" in request.POST,
                )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, "Оценка завершена." if "submit" in request.POST or jury_form else "Оценки сохранены."
            )
            return redirect("contests:score", pk=pk)
    shown_answers, practices, files = _texts_for_reader(
        request.user, application, {a.task_id: a.text for a in application.answers.all()}
    )
    rows = [
        (
            criterion,
            request.POST.get(f"points_{criterion.pk}")
            if errors
            else getattr(existing.get(criterion.pk), "points", ""),
            request.POST.get(f"comment_{criterion.pk}")
            if errors
            else getattr(existing.get(criterion.pk), "comment", ""),
        )
        for criterion in criteria
    ]
    return render(
        request,
        "contests/score.html",
        {
            "application": application,
            "contest": contest,
            "assignment": assignment,
            "rows": rows,
            "errors": errors,
            "blind": selectors.hides_municipality(request.user, contest),
            "blind_notice": selectors.hides_municipality(request.user, contest) and NOTICE,
            "jury_form": jury_form,
            "tasks": [t for t in contest.tasks.all() if t.is_answered],
            "answers": shown_answers,
            "files": files,
            "practices": practices,
            "locked": contest.is_locked,
        },
    )


def _texts_for_reader(actor: User, application, answers: dict):
    """Answers, practices and files as the reader may see them: masked by territory in blind review."""
    practices = list(application.practices.select_related("criterion"))
    files = list(application.files.all())
    if not selectors.hides_municipality(actor, application.contest):
        return answers, practices, files
    return masked_application_texts(application, answers=answers, practices=practices, files=files)


def _posted_scores(request: AuthenticatedHttpRequest, criteria) -> dict[int, tuple[Decimal, str]]:
    """Points as typed («4,5» or «4.5») through the one number parser; every bad value is named."""
    scores, errors = {}, []
    for criterion in criteria:
        raw = (request.POST.get(f"points_{criterion.pk}") or "").strip()
        if not raw:
            continue
        try:
            points = parse_decimal(raw, label=f"«{criterion.title[:60]}», баллы")
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        scores[criterion.pk] = (points, request.POST.get(f"comment_{criterion.pk}", ""))
    if errors:
        raise ValidationError(errors)
    return scores


@login_required
@require_GET
def file_download(request: AuthenticatedHttpRequest, pk):
    stored = get_object_or_404(ApplicationFile, pk=pk)
    application = selectors.application_get(actor=request.user, pk=stored.application_id)  # 404 outside scope
    # Always a download, never inline: uploaded files are not trusted content. In blind review the
    # participant's own file name (often the town's) is replaced.
    name = stored.original_name
    if selectors.hides_municipality(request.user, application.contest):
        name = (
            f"application-{application.pk}-file-{stored.pk}{stored.file.name[stored.file.name.rfind('.') :]}"
        )
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def ranking(request: AuthenticatedHttpRequest, pk):
    _any_contest_perm(request.user)
    contest = _contest(pk)
    manage = selectors.manages_contests(request.user)
    if not manage and contest.status != ContestStatus.PUBLISHED:
        raise NotInScope()
    form = SpecialAwardForm(request.POST or None, contest=contest) if manage else None
    if request.method == "POST":
        require_perm(request.user, Perm.CONTESTS_MANAGE)
        if form.is_valid():
            try:
                application = selectors.application_scope(request.user, contest.applications.all()).get(
                    pk=form.cleaned_data["application"]
                )
                services.award_special(
                    actor=request.user,
                    contest=contest,
                    application=application,
                    title=form.cleaned_data["title"],
                    nomination=form.cleaned_data["nomination"],
                )
            except contest.applications.model.DoesNotExist:
                messages.error(request, "Нет такой заявки в этом конкурсе.")
            except ValidationError as error:
                _error(request, error)
            else:
                messages.success(request, "Награда добавлена.")
                return redirect("contests:ranking", pk=pk)
    awards = Award.objects.filter(contest=contest).select_related("application", "category")
    if request.GET.get("format") == "xlsx":
        groups = [] if contest.is_history else selectors.ranking_cached(contest=contest)
        audit_entry_create(
            actor=request.user, action=AuditAction.EXPORT, target=contest, object_repr=f"Рейтинг: {contest}"
        )
        return xlsx_response(
            filename=f"contest-{contest.year}-ranking.xlsx",
            sheet_title="Рейтинг",
            header=exports.RANKING_HEADER,
            rows=exports.ranking_rows(contest, groups, awards),
        )
    return render(
        request,
        "contests/ranking.html",
        {
            "contest": contest,
            # The table of places is a fragment cached by the results version (ranking.html): the
            # ranking is computed only when the fragment is not in the cache.
            "groups": (lambda: [])
            if contest.is_history
            else (lambda: selectors.ranking_cached(contest=contest)),
            "ranking_key": selectors.ranking_cache_key(contest),
            "awards": awards,
            "manage": manage,
            "form": form,
        },
    )


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest, pk):
    _any_contest_perm(request.user)
    contest = _contest(pk)
    if contest.status != ContestStatus.PUBLISHED and not selectors.manages_contests(request.user):
        raise NotInScope()
    data = selectors.report(contest=contest)
    if request.GET.get("format") == "xlsx":
        audit_entry_create(
            actor=request.user, action=AuditAction.EXPORT, target=contest, object_repr=f"Итоги: {contest}"
        )
        return xlsx_response(
            filename=f"contest-{contest.year}-report.xlsx",
            sheet_title="Итоги",
            header=["Раздел", "Показатель", "Значение"],
            rows=exports.report_rows(data),
        )
    return render(request, "contests/report.html", {"r": data})


@login_required
@require_GET
def diploma(request: AuthenticatedHttpRequest, pk):
    award = get_object_or_404(Award.objects.select_related("contest", "application", "category"), pk=pk)
    visible = selectors.application_scope(request.user).filter(pk=award.application_id).exists()
    if not visible or not (has_perm(request.user, Perm.CONTESTS_MANAGE) or award.contest.is_locked):
        raise NotInScope()
    if not award.issued_by_system:  # a partner's award: its diploma is the partner's, not ours
        raise Http404("Диплом этой награды выдан не конкурсом.")
    response = HttpResponse(
        exports.diploma_docx(
            award=award, verify_url=request.build_absolute_uri(f"/contests/verify/{award.diploma_code}/")
        ),
        content_type=exports.DOCX,
    )
    response["Content-Disposition"] = f'attachment; filename="diploma-{award.pk}.docx"'
    return response


@require_GET
def verify(request: HttpRequest, code):
    """Public: anyone holding a diploma can check that it is genuine."""
    award = (
        Award.objects.filter(diploma_code=code.upper()[:32], diploma_code__isnull=False)
        .select_related("contest", "application__subject", "category")
        .first()
    )
    return render(
        request, "contests/verify.html", {"award": award, "code": code[:32]}, status=200 if award else 404
    )
