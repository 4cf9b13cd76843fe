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
from vyzov.core.forms import add_service_error, form_errors_text
from vyzov.core.models import AuditAction
from vyzov.core.numbers import parse_decimal
from vyzov.core.pagination import paginate
from vyzov.core.params import parse_id
from vyzov.core.services import audit_entry_create
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
@require_GET
def contest_detail(request: AuthenticatedHttpRequest, pk):
    _any_contest_perm(request.user)
    return _contest_page(request, selectors.contest_get(actor=request.user, pk=pk))


def _contest_page(request: AuthenticatedHttpRequest, contest, *, refused=None, copy_form=None, status=200):
    """`refused`: a set-up form that was not accepted, shown again as filled in (opened)."""
    manage = selectors.manages_contests(request.user)
    editable = manage and not contest.is_history and not contest.is_locked
    municipality = (
        _municipality_of(request.user) if has_perm(request.user, Perm.CONTESTS_PARTICIPATE) else None
    )
    own = contest.applications.filter(municipality=municipality).first() if municipality else None
    if manage and copy_form is None:
        copy_form = CopyForm(initial={"year": contest.year + 1, "title": contest.title})
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
            "setup_forms": _setup_forms(refused) if editable else {},
            "intake_deadline": _intake_deadline(contest, manage=manage),
            "today": timezone.localdate(),
            "copy_form": copy_form if manage else None,
            "counts": contest.applications.aggregate(
                submitted=Count("id", filter=Q(status=ApplicationStatus.SUBMITTED)),
                accepted=Count("id", filter=Q(status=ApplicationStatus.ACCEPTED)),
                drafts=Count("id", filter=Q(status=ApplicationStatus.DRAFT)),
            ),
        },
        status=status,
    )


def _setup_forms(refused=None) -> dict:
    """The empty set-up forms, one of them replaced by the refused one as it was filled in."""
    forms = {kind: form_class(prefix=kind) for kind, form_class in SETUP_FORMS.items()}
    if refused is not None and refused.prefix in forms:
        forms[refused.prefix] = refused
    return forms


def _intake_deadline(contest: Contest, *, manage: bool):
    return services.intake_deadline(contest) if manage and contest.status == ContestStatus.OPEN else None


def _refused(request: AuthenticatedHttpRequest, form) -> None:
    """The summary of a refused form above the page; the form itself shows each error at its field."""
    messages.error(request, "Не сохранено: " + form_errors_text(form))


@login_required
@require_POST
def contest_apply(request: AuthenticatedHttpRequest, pk):
    """«Подать заявку» of a municipality: the draft application of the participant's municipality."""
    require_perm(request.user, Perm.CONTESTS_PARTICIPATE)
    contest = selectors.contest_get(actor=request.user, pk=pk)
    municipality = _municipality_of(request.user)
    if municipality is None:
        raise NotInScope()
    try:
        application = services.application_create(
            actor=request.user, contest=contest, municipality=municipality
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("contests:contest_detail", pk=contest.pk)
    messages.success(request, "Заявка создана. Ответьте на задания и подайте её до срока.")
    return redirect("contests:application_detail", pk=application.pk)


@login_required
@require_POST
def experts_auto_assign(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    contest = selectors.contest_get(actor=request.user, pk=pk)
    try:
        count = services.experts_assign_automatically(actor=request.user, contest=contest)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Назначено экспертов: {count}.")
    return redirect("contests:contest_detail", pk=contest.pk)


@login_required
@require_POST
def contest_copy(request: AuthenticatedHttpRequest, pk):
    """A new contest with the set-up of this one; a refused form comes back as typed."""
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    contest = selectors.contest_get(actor=request.user, pk=pk)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.contest_copy(actor=request.user, source=contest, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Создан конкурс с настройками выбранного.")
            return redirect("contests:contest_detail", pk=copy.pk)
    _refused(request, form)
    return _contest_page(request, contest, copy_form=form, status=400)


@login_required
@require_POST
def setup_add(request: AuthenticatedHttpRequest, pk, kind):
    """One item of the set-up (a stage, task, category, criterion, bonus or nomination)."""
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    contest = selectors.contest_get(actor=request.user, pk=pk)
    if kind not in SETUP_FORMS:
        raise Http404("Нет такого раздела настройки.")
    form = SETUP_FORMS[kind](request.POST, prefix=kind)
    if form.is_valid():
        try:
            _setup_item_save(request.user, contest, kind, form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Добавлено.")
            return redirect("contests:contest_detail", pk=contest.pk)
    _refused(request, form)
    return _contest_page(request, contest, refused=form, status=400)


def _setup_item_save(actor: User, contest: Contest, kind: str, form) -> None:
    item = form.save(commit=False)
    settlement_type = form.cleaned_data["settlement_type"] if kind == "criterion" else None
    if settlement_type is None:
        item.contest = contest
    services.setup_item_add(actor=actor, contest=contest, item=item, settlement_type=settlement_type)


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
@require_GET
def application_detail(request: AuthenticatedHttpRequest, pk):
    return _application_page(request, selectors.application_get(actor=request.user, pk=pk))


def _is_own(actor: User, application) -> bool:
    municipality = _municipality_of(actor)
    return application.municipality_id is not None and application.municipality_id == getattr(
        municipality, "pk", None
    )


def _editable(application) -> bool:
    """Whether the participant may still change the application."""
    return (
        application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
        and not application.contest.is_locked
    )


def _answered_tasks(contest: Contest) -> list:
    return [task for task in contest.tasks.all() if task.is_answered]


def _answers_form(application, data=None) -> ApplicationForm:
    """The answers to the contest's tasks: as saved, or as posted."""
    return ApplicationForm(
        data,
        tasks=_answered_tasks(application.contest),
        answers={answer.task_id: answer.text for answer in application.answers.all()},
        initial={"social_page": application.social_page},
    )


def _application_page(request: AuthenticatedHttpRequest, application, *, status=200, **forms):
    """The card of an application with the forms its reader may use. A refused form comes back here
    bound (`forms`), so what was typed stays on the page next to its errors."""
    actor, contest = request.user, application.contest
    manage = allows(actor, Perm.CONTESTS_MANAGE, application)
    own = _is_own(actor, application)
    editable = own and _editable(application)
    blind = selectors.hides_municipality(actor, contest)
    answers = {answer.task_id: answer.text for answer in application.answers.all()}
    shown_answers, practices, files = _texts_for_reader(actor, application, answers)
    context = {
        "blind_notice": blind and NOTICE,
        "application": application,
        "contest": contest,
        "manage": manage,
        "own": own,
        "editable": editable,
        "blind": blind,
        "form": _answers_form(application),
        "tasks": _answered_tasks(contest),
        "answers": shown_answers,
        "assignment": ExpertAssignment.objects.filter(application=application, expert=actor).first(),
        "files": files,
        "practices": practices,
        "awards": application.awards.all(),
        "publications": application.publications.order_by("-date", "-id") if manage or own else [],
        **(_participant_forms(application) if editable else {}),
        **(_manage_context(application) if manage else {}),
        **forms,
    }
    return render(request, "contests/application_detail.html", context, status=status)


def _participant_forms(application) -> dict:
    return {"practice_form": PracticeForm(application=application), "file_form": FileForm()}


def _manage_context(application) -> dict:
    """What the federal team sees and does on an application: results, experts, bonuses, decisions."""
    contest = application.contest
    return {
        "result": selectors.results(contest=contest).get(application.pk),
        "assignments": application.assignments.select_related("expert"),
        "bonuses": application.bonuses.select_related("item"),
        "review_form": ReviewForm(),
        "category_form": CategoryChangeForm(contest=contest),
        "extend_form": ExtendForm(),
        "assign_form": AssignForm(experts=services.experts()),
        "bonus_form": BonusForm(contest=contest),
        "rereview_form": RereviewForm(),
        "publication_form": PublicationForm(),
    }


# ---- the participant's forms on the application -----------------------------------------------------


@login_required
@require_POST
def application_save(request: AuthenticatedHttpRequest, pk):
    """«Сохранить черновик»: the answers as typed."""
    return _answers_post(request, pk, submit=False)


@login_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk):
    """«Подать заявку»: the answers saved, then the application submitted."""
    return _answers_post(request, pk, submit=True)


def _answers_post(request: AuthenticatedHttpRequest, pk, *, submit: bool):
    application = selectors.application_get(actor=request.user, pk=pk)
    require_perm(request.user, Perm.CONTESTS_PARTICIPATE)
    form = _answers_form(application, data=request.POST)
    if form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=application,
                answers=form.answers(),
                social_page=form.cleaned_data["social_page"],
            )
            if submit:
                services.application_submit(actor=request.user, application=application)
        except ValidationError as error:  # the page again, with the answers as typed
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, "Заявка подана." if submit else "Черновик сохранён.")
            return redirect("contests:application_detail", pk=application.pk)
    application = selectors.application_get(actor=request.user, pk=pk)
    return _application_page(request, application, form=form, status=400)


def _application_action(
    request: AuthenticatedHttpRequest, pk, *, perm: str, form_name: str, make_form, act, success: str
):
    """One action on an application from one form: the application resolved through the policy (404
    outside the reader's scope), the action's permission (403 where the application is visible but the
    action is not the reader's), then the form; a refusal shows the card again with the form as filled
    in and the reason next to it."""
    application = selectors.application_get(actor=request.user, pk=pk)
    require_perm(request.user, perm)
    form = make_form(application)
    if form.is_valid():
        try:
            act(application, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("contests:application_detail", pk=application.pk)
    _refused(request, form)
    application = selectors.application_get(actor=request.user, pk=pk)
    return _application_page(request, application, status=400, **{form_name: form})


@login_required
@require_POST
def practice_add(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        data = dict(data)
        services.practice_add(
            actor=request.user, application=application, criterion=data.pop("criterion"), data=data
        )

    return _application_action(
        request,
        pk,
        perm=Perm.CONTESTS_PARTICIPATE,
        form_name="practice_form",
        make_form=lambda application: PracticeForm(request.POST, application=application),
        act=act,
        success="Практика добавлена.",
    )


@login_required
@require_POST
def file_add(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.file_add(actor=request.user, application=application, uploaded=data["file"])

    return _application_action(
        request,
        pk,
        perm=Perm.CONTESTS_PARTICIPATE,
        form_name="file_form",
        make_form=lambda application: FileForm(request.POST, request.FILES),
        act=act,
        success="Файл приложен.",
    )


# ---- the federal team's forms on the application ----------------------------------------------------


def _manage_action(request: AuthenticatedHttpRequest, pk, form_name: str, make_form, act):
    return _application_action(
        request,
        pk,
        perm=Perm.CONTESTS_MANAGE,
        form_name=form_name,
        make_form=make_form,
        act=act,
        success="Сохранено.",
    )


@login_required
@require_POST
def application_review(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.application_review(
            actor=request.user,
            application=application,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        )

    return _manage_action(request, pk, "review_form", lambda application: ReviewForm(request.POST), act)


@login_required
@require_POST
def category_change(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.category_change(actor=request.user, application=application, **data)

    return _manage_action(
        request,
        pk,
        "category_form",
        lambda application: CategoryChangeForm(request.POST, contest=application.contest),
        act,
    )


@login_required
@require_POST
def deadline_extend(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.deadline_extend(actor=request.user, application=application, **data)

    return _manage_action(request, pk, "extend_form", lambda application: ExtendForm(request.POST), act)


@login_required
@require_POST
def expert_assign(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.expert_assign(actor=request.user, application=application, **data)

    return _manage_action(
        request,
        pk,
        "assign_form",
        lambda application: AssignForm(request.POST, experts=services.experts()),
        act,
    )


def _assignment_of(application, data) -> ExpertAssignment:
    """The assignment named in the form, only among this application's own (404 otherwise)."""
    return get_object_or_404(ExpertAssignment, pk=data["assignment"], application=application)


@login_required
@require_POST
def expert_unassign(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.expert_unassign(actor=request.user, assignment=_assignment_of(application, data))

    return _manage_action(
        request,
        pk,
        "unassign_form",
        lambda application: RereviewForm({"assignment": request.POST.get("assignment"), "reason": "-"}),
        act,
    )


@login_required
@require_POST
def rereview_request(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        assignment = _assignment_of(application, data)
        services.rereview_request(actor=request.user, assignment=assignment, reason=data["reason"])

    return _manage_action(request, pk, "rereview_form", lambda application: RereviewForm(request.POST), act)


@login_required
@require_POST
def bonus_confirm(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.bonus_confirm(actor=request.user, application=application, **data)

    return _manage_action(
        request,
        pk,
        "bonus_form",
        lambda application: BonusForm(request.POST, contest=application.contest),
        act,
    )


@login_required
@require_POST
def publication_add(request: AuthenticatedHttpRequest, pk):
    def act(application, data):
        services.publication_add(actor=request.user, application=application, data=data)

    return _manage_action(
        request, pk, "publication_form", lambda application: PublicationForm(request.POST), act
    )


# ---- scoring ----------------------------------------------------------------------------------------


def _scoring(request: AuthenticatedHttpRequest, pk):
    """The application and the reader's own assignment to it (404 for anyone not assigned)."""
    require_perm(request.user, Perm.CONTESTS_SCORE)
    application = selectors.application_get(actor=request.user, pk=pk)
    return application, selectors.assignment_get(actor=request.user, application=application)


def _criteria(application) -> list[Criterion]:
    settlement = application.category.settlement_type if application.category else "city"
    return list(
        Criterion.objects.filter(
            criteria_set__contest=application.contest, criteria_set__settlement_type=settlement
        )
    )


@login_required
@require_GET
def score(request: AuthenticatedHttpRequest, pk):
    """The expert's scoring page: every criterion of the application's set within 0..max."""
    application, assignment = _scoring(request, pk)
    return _score_page(request, application, assignment)


def _score_rows(request: AuthenticatedHttpRequest, assignment, criteria, *, posted: bool) -> list[tuple]:
    """(criterion, points, comment): as typed after a refusal, else as saved."""
    if posted:
        return [
            (c, request.POST.get(f"points_{c.pk}"), request.POST.get(f"comment_{c.pk}")) for c in criteria
        ]
    existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    return [
        (c, getattr(existing.get(c.pk), "points", ""), getattr(existing.get(c.pk), "comment", ""))
        for c in criteria
    ]


def _score_page(request: AuthenticatedHttpRequest, application, assignment, *, errors=(), jury_form=None):
    contest = application.contest
    if jury_form is None and assignment.role == AssignmentRole.JURY:
        jury_form = JuryForm()
    blind = selectors.hides_municipality(request.user, contest)
    shown_answers, practices, files = _texts_for_reader(
        request.user, application, {a.task_id: a.text for a in application.answers.all()}
    )
    return render(
        request,
        "contests/score.html",
        {
            "application": application,
            "contest": contest,
            "assignment": assignment,
            "rows": _score_rows(request, assignment, _criteria(application), posted=bool(errors)),
            "errors": list(errors),
            "blind": blind,
            "blind_notice": blind and NOTICE,
            "jury_form": jury_form,
            "tasks": _answered_tasks(contest),
            "answers": shown_answers,
            "files": files,
            "practices": practices,
            "locked": contest.is_locked,
        },
    )


@login_required
@require_POST
def score_save(request: AuthenticatedHttpRequest, pk):
    """«Сохранить»: the points typed so far."""
    return _scores_post(request, pk, submit=False)


@login_required
@require_POST
def score_submit(request: AuthenticatedHttpRequest, pk):
    """«Завершить оценку»: every criterion scored, the assessment handed to the federal team."""
    return _scores_post(request, pk, submit=True)


def _scores_post(request: AuthenticatedHttpRequest, pk, *, submit: bool):
    application, assignment = _scoring(request, pk)
    try:
        services.scores_save(
            actor=request.user,
            assignment=assignment,
            scores=_posted_scores(request, _criteria(application)),
            submit=submit,
        )
    except ValidationError as error:  # the page again, with the points as typed
        return _score_page(request, application, assignment, errors=error.messages)
    messages.success(request, "Оценка завершена." if submit else "Оценки сохранены.")
    return redirect("contests:score", pk=pk)


@login_required
@require_POST
def jury_score(request: AuthenticatedHttpRequest, pk):
    """The children's jury: one mark for the action «А у нас во дворе»."""
    application, assignment = _scoring(request, pk)
    form = JuryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Укажите баллы числом.")
        services.jury_score_save(actor=request.user, assignment=assignment, **form.cleaned_data)
    except ValidationError as error:
        return _score_page(request, application, assignment, errors=error.messages, jury_form=form)
    messages.success(request, "Оценка завершена.")
    return redirect("contests:score", pk=pk)


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


def _ranking_contest(request: AuthenticatedHttpRequest, pk) -> tuple[Contest, bool]:
    """The contest and whether the reader manages contests; others see the ranking once published."""
    _any_contest_perm(request.user)
    contest = _contest(pk)
    manage = selectors.manages_contests(request.user)
    if not manage and contest.status != ContestStatus.PUBLISHED:
        raise NotInScope()
    return contest, manage


@login_required
@require_GET
def ranking(request: AuthenticatedHttpRequest, pk):
    contest, manage = _ranking_contest(request, pk)
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(request, contest)
    return _ranking_page(request, contest, manage=manage)


def _ranking_groups(contest: Contest):
    return [] if contest.is_history else selectors.ranking_cached(contest=contest)


def _ranking_page(request: AuthenticatedHttpRequest, contest, *, manage, form=None, status=200):
    if manage and form is None:
        form = SpecialAwardForm(contest=contest)
    awards = Award.objects.filter(contest=contest).select_related("application", "category")
    context = {
        "contest": contest,
        # The table of places is a fragment cached by the results version (ranking.html): the ranking
        # is computed only when the fragment is not in the cache.
        "groups": lambda: _ranking_groups(contest),
        "ranking_key": selectors.ranking_cache_key(contest),
        "awards": awards,
        "manage": manage,
        "form": form,
    }
    return render(request, "contests/ranking.html", context, status=status)


def _ranking_xlsx(request: AuthenticatedHttpRequest, contest):
    groups = _ranking_groups(contest)
    awards = Award.objects.filter(contest=contest).select_related("application", "category")
    audit_entry_create(
        actor=request.user, action=AuditAction.EXPORT, target=contest, object_repr=f"Рейтинг: {contest}"
    )
    return xlsx_response(
        filename=f"contest-{contest.year}-ranking.xlsx",
        sheet_title="Рейтинг",
        header=exports.RANKING_HEADER,
        rows=exports.ranking_rows(contest, groups, awards),
    )


@login_required
@require_POST
def award_add(request: AuthenticatedHttpRequest, pk):
    """A special award or nomination of the federal team; the application is looked up in the
    contest through the policy."""
    contest, manage = _ranking_contest(request, pk)
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    form = SpecialAwardForm(request.POST, contest=contest)
    if form.is_valid():
        try:
            _award_special(request.user, contest, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Награда добавлена.")
            return redirect("contests:ranking", pk=pk)
    _refused(request, form)
    return _ranking_page(request, contest, manage=manage, form=form, status=400)


def _award_special(actor: User, contest: Contest, data: dict) -> None:
    application = (
        selectors.application_scope(actor, contest.applications.all()).filter(pk=data["application"]).first()
    )
    if application is None:
        raise ValidationError({"application": "Нет такой заявки в этом конкурсе."})
    services.award_special(
        actor=actor,
        contest=contest,
        application=application,
        title=data["title"],
        nomination=data["nomination"],
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
