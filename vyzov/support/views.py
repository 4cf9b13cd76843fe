from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, get_in_scope, has_perm, require, require_perm
from vyzov.accounts.privacy import sees_personal
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.cases.services import personal_data_list_read, personal_data_read
from vyzov.core.forms import add_service_error, form_errors_text
from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.periods import period_from_request, year_to_date
from vyzov.core.services import audit_entry_create
from vyzov.core.xlsx import xlsx_response

from . import selectors, services
from .forms import (
    AssessmentForm,
    CaseOpenForm,
    ChildOutcomesForm,
    CloseForm,
    ClubLeaderForm,
    ClubSessionForm,
    ContactForm,
    MethodDocumentForm,
    ReopenForm,
    ReviewForm,
    ServiceStructureForm,
    SpecialistEditForm,
    SpecialistForm,
    StepForm,
    TransferForm,
)
from .models import Club, MethodDocument, PlanStep, Specialist


def _name_families(request: AuthenticatedHttpRequest, cases):
    """Mark the cases whose family the user may see by name (its title is shown instead of its number)
    and record that the response shows those families' personal data."""
    cases = list(cases)
    named = [case for case in cases if sees_personal(request.user, case)]
    for case in named:
        case.family_named = True
    personal_data_list_read(
        actor=request.user, kind="support_cases_list", records=[case.family for case in named]
    )
    return cases


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest):
    """The specialist's case-load, or the list of services for everyone else with access."""
    require_perm(request.user, Perm.SUPPORT_VIEW)
    specialist = selectors.specialist_for(user=request.user)
    context = {
        "specialist": specialist,
        "caseload": _name_families(request, selectors.caseload(actor=request.user, specialist=specialist))
        if specialist
        else None,
        "services": selectors.service_list(actor=request.user)[:200],
        "today": timezone.localdate(),
    }
    return render(request, "support/home.html", context)


@login_required
@require_GET
def caseload(request: AuthenticatedHttpRequest, pk):
    specialist = get_in_scope(
        request.user, Specialist.objects.select_related("service__organization"), Perm.SUPPORT_VIEW, pk=pk
    )
    cases = selectors.caseload(actor=request.user, specialist=specialist)
    page_obj = paginate(request, cases)
    page_obj.object_list = _name_families(request, page_obj.object_list)
    return render(
        request,
        "support/caseload.html",
        {"specialist": specialist, "page_obj": page_obj, "today": timezone.localdate()},
    )


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_VIEW)
    filters = {
        "status": request.GET.get("status", "open") if request.GET.get("status") != "all" else "",
        "overdue": request.GET.get("overdue") == "1",
    }
    cases = selectors.case_list(actor=request.user, filters=filters)
    page_obj = paginate(request, cases)
    page_obj.object_list = _name_families(request, page_obj.object_list)
    return render(
        request,
        "support/case_list.html",
        {"page_obj": page_obj, "filters": filters, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest, service_pk):
    service = selectors.service_get(actor=request.user, pk=service_pk)
    form = CaseOpenForm(request.POST or None, service=service, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        family = selectors.family_for_case_open(
            actor=request.user, service=service, number=data.pop("family_number")
        )
        specialist = data.pop("specialist")
        if family is None:
            form.add_error("family_number", "Семья с таким номером не найдена на территории службы.")
        else:
            try:
                case = services.case_open(
                    actor=request.user, service=service, family=family, specialist=specialist, data=data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{case} открыто.")
                return redirect("support:case_detail", pk=case.pk)
    return render(request, "support/case_open.html", {"form": form, "service": service})


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk):
    return _case_page(request, selectors.case_get(actor=request.user, pk=pk))


def _case_page(request: AuthenticatedHttpRequest, case, *, status=200, refused=None):
    """The case card with its action forms; a refused action comes back with its form as filled in."""
    can_manage = allows(request.user, Perm.SUPPORT_MANAGE, case)
    if can_manage:
        # The caseworker sees the family by name; the read is recorded.
        personal_data_read(actor=request.user, target=case.family, kind="support_case")
    forms = (
        {
            "assessment": AssessmentForm(prefix="assessment"),
            "step": StepForm(prefix="step", case=case, actor=request.user),
            "contact": ContactForm(prefix="contact", case=case, actor=request.user),
            "review": ReviewForm(prefix="review", initial={"next_review_date": case.next_review_date}),
            "transfer": TransferForm(prefix="transfer", case=case),
            "close": CloseForm(prefix="close", initial={"closed_on": timezone.localdate()}),
            "reopen": ReopenForm(prefix="reopen"),
            "children": ChildOutcomesForm(
                prefix="children", case=case, initial={"date": case.closed_on or timezone.localdate()}
            ),
        }
        if can_manage
        else {}
    )
    if refused is not None and refused.prefix in forms:
        forms[refused.prefix] = refused
    context = {
        "case": case,
        "can_manage": can_manage,
        "assessments": case.assessments.all()[:20],
        "steps": case.steps.select_related("responsible", "partner"),
        "contacts": case.contacts.select_related("specialist")[:100],
        "transfers": case.transfers.select_related("from_specialist", "to_specialist"),
        "child_outcomes": case.child_outcomes.all(),
        "members": case.family.members.all() if can_manage else [],
        "today": timezone.localdate(),
        "forms": forms,
    }
    return render(request, "support/case_detail.html", context, status=status)


def _case_action(request: AuthenticatedHttpRequest, pk, form_factory, action, success):
    """One action of the case card. A refusal shows the card again with the form as it was filled in
    (opened) and the reasons, so nothing typed is lost."""
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, Perm.SUPPORT_MANAGE, case)
    form = form_factory(case)
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("support:case_detail", pk=pk)
    messages.error(request, "Не сохранено: " + form_errors_text(form))
    case = selectors.case_get(actor=request.user, pk=pk)
    return _case_page(request, case, status=400, refused=form)


@login_required
@require_POST
def assessment_add(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: AssessmentForm(request.POST, prefix="assessment"),
        lambda case, data: services.assessment_add(actor=request.user, case=case, data=data),
        "Оценка сохранена.",
    )


@login_required
@require_POST
def step_add(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: StepForm(request.POST, prefix="step", case=case),
        lambda case, data: services.step_add(actor=request.user, case=case, data=data),
        "Шаг добавлен в план.",
    )


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk):
    step = get_in_scope(
        request.user, PlanStep.objects.select_related("case__service"), Perm.SUPPORT_VIEW, pk=pk
    )
    try:
        services.step_done(actor=request.user, step=step, done_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("support:case_detail", pk=step.case_id)


@login_required
@require_POST
def contact_add(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: ContactForm(request.POST, prefix="contact", case=case),
        lambda case, data: services.contact_add(actor=request.user, case=case, data=data),
        "Запись добавлена.",
    )


@login_required
@require_POST
def review_set(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: ReviewForm(request.POST, prefix="review"),
        lambda case, data: services.review_set(actor=request.user, case=case, **data),
        "Дата пересмотра сохранена.",
    )


@login_required
@require_POST
def case_transfer(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: TransferForm(request.POST, prefix="transfer", case=case),
        lambda case, data: services.case_transfer(actor=request.user, case=case, **data),
        "Сопровождение передано.",
    )


@login_required
@require_POST
def case_close(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: CloseForm(request.POST, prefix="close"),
        lambda case, data: services.case_close(actor=request.user, case=case, **data),
        "Сопровождение закрыто.",
    )


@login_required
@require_POST
def case_reopen(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: ReopenForm(request.POST, prefix="reopen"),
        lambda case, data: services.case_reopen(actor=request.user, case=case, **data),
        "Сопровождение возобновлено.",
    )


@login_required
@require_POST
def child_outcomes_record(request: AuthenticatedHttpRequest, pk):
    return _case_action(
        request,
        pk,
        lambda case: ChildOutcomesForm(request.POST, prefix="children", case=case),
        lambda case, data: services.child_outcomes_record(
            actor=request.user,
            case=case,
            date=data["date"],
            outcomes={int(k.removeprefix("child_")): v for k, v in data.items() if k.startswith("child_")},
        ),
        "Итоги для детей сохранены.",
    )


def _club(request: AuthenticatedHttpRequest, pk):
    return get_in_scope(
        request.user,
        Club.objects.select_related("service__organization", "leader"),
        Perm.SUPPORT_VIEW,
        pk=pk,
    )


def _club_page(request: AuthenticatedHttpRequest, club, *, form=None, leader_form=None, status=200):
    can_manage = allows(request.user, Perm.SUPPORT_MANAGE, club)
    return render(
        request,
        "support/club_detail.html",
        {
            "club": club,
            "sessions": club.sessions.all()[:100],
            "family_count": club.families.count(),
            "form": form or ClubSessionForm(),
            "leader_form": (leader_form or ClubLeaderForm(club=club, initial={"leader": club.leader_id}))
            if can_manage
            else None,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def club_detail(request: AuthenticatedHttpRequest, pk):
    club = _club(request, pk)
    form = ClubSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.club_session_add(actor=request.user, club=club, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Встреча клуба записана.")
            return redirect("support:club_detail", pk=pk)
    return _club_page(request, club, form=form, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def club_leader_set(request: AuthenticatedHttpRequest, pk):
    club = _club(request, pk)
    require(request.user, Perm.SUPPORT_MANAGE, club)
    form = ClubLeaderForm(request.POST, club=club)
    if form.is_valid():
        try:
            services.club_leader_set(actor=request.user, club=club, leader=form.cleaned_data["leader"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Лидер клуба назначен.")
            return redirect("support:club_detail", pk=pk)
    return _club_page(request, club, leader_form=form, status=400)


@login_required
@require_GET
def clubs(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_VIEW)
    return render(request, "support/clubs.html", {"clubs": selectors.club_list(actor=request.user)[:200]})


def _service_page(request: AuthenticatedHttpRequest, service, *, refused=None, status=200):
    """The service card: its level and coordination, its staff with their qualifications, supervision;
    a refused form comes back as it was filled in."""
    can_manage = allows(request.user, Perm.SUPPORT_MANAGE, service)
    can_structure = can_manage and allows(request.user, Perm.ORGANIZATIONS_MANAGE, service)
    forms = {}
    if can_structure:
        forms["structure"] = ServiceStructureForm(
            prefix="structure",
            coordinators=selectors.coordinator_choices(actor=request.user, service=service),
            initial={"kind": service.kind, "level": service.level, "coordinator": service.coordinator_id},
        )
    if can_manage:
        forms["specialist"] = SpecialistForm(prefix="specialist")
    if refused is not None and refused.prefix in forms:
        forms[refused.prefix] = refused
    return render(
        request,
        "support/service_detail.html",
        {
            "service": service,
            "specialists": selectors.service_staff(actor=request.user, service=service),
            "coordinated": selectors.coordinated_services(actor=request.user, service=service)[:200],
            "hours": selectors.supervision_hours(actor=request.user, service=service),
            "sessions": service.supervision_sessions.select_related("format").prefetch_related(
                "participants"
            )[:50],
            "can_manage": can_manage,
            "forms": forms,
        },
        status=status,
    )


@login_required
@require_GET
def service_detail(request: AuthenticatedHttpRequest, pk):
    return _service_page(request, selectors.service_get(actor=request.user, pk=pk))


@login_required
@require_POST
def service_structure_set(request: AuthenticatedHttpRequest, pk):
    service = selectors.service_get(actor=request.user, pk=pk)
    require(request.user, Perm.ORGANIZATIONS_MANAGE, service)
    form = ServiceStructureForm(
        request.POST,
        prefix="structure",
        coordinators=selectors.coordinator_choices(actor=request.user, service=service),
    )
    if form.is_valid():
        try:
            services.service_structure_set(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Вид, уровень и координация службы сохранены.")
            return redirect("support:service_detail", pk=pk)
    service = selectors.service_get(actor=request.user, pk=pk)
    return _service_page(request, service, refused=form, status=400)


@login_required
@require_POST
def specialist_add(request: AuthenticatedHttpRequest, pk):
    service = selectors.service_get(actor=request.user, pk=pk)
    require(request.user, Perm.SUPPORT_MANAGE, service)
    form = SpecialistForm(request.POST, prefix="specialist")
    if form.is_valid():
        try:
            services.specialist_add(actor=request.user, service=service, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Специалист добавлен.")
            return redirect("support:service_detail", pk=pk)
    return _service_page(request, service, refused=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def specialist_edit(request: AuthenticatedHttpRequest, pk):
    specialist = get_in_scope(
        request.user, Specialist.objects.select_related("service__organization"), Perm.SUPPORT_VIEW, pk=pk
    )
    require(request.user, Perm.SUPPORT_MANAGE, specialist)
    form = SpecialistEditForm(request.POST or None, instance=Specialist.objects.get(pk=specialist.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.specialist_update(actor=request.user, specialist=specialist, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Карточка специалиста сохранена.")
            return redirect("support:service_detail", pk=specialist.service_id)
    return render(
        request,
        "support/specialist_edit.html",
        {"form": form, "specialist": specialist},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def library(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_VIEW)
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "support/library.html",
        {
            "page_obj": paginate(request, selectors.library(actor=request.user, query=query)),
            "q": query,
            "can_upload": has_perm(request.user, Perm.SUPPORT_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def library_upload(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_MANAGE)
    form = MethodDocumentForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.method_document_add(
                actor=request.user,
                subject=data["subject"],
                title=data["title"],
                description=data["description"],
                uploaded=data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Документ добавлен в библиотеку.")
            return redirect("support:library")
    return render(request, "support/library_upload.html", {"form": form})


@login_required
@require_GET
def library_download(request: AuthenticatedHttpRequest, pk):
    document = get_in_scope(request.user, MethodDocument.objects.all(), Perm.SUPPORT_VIEW, pk=pk)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_VIEW)
    period = period_from_request(request, default=year_to_date(timezone.localdate()))
    return render(
        request,
        "support/report.html",
        {
            "form": period.form,
            "report": selectors.report(
                actor=request.user, date_from=period.date_from, date_to=period.date_to
            ),
            "children": selectors.child_outcome_report(
                actor=request.user, date_from=period.date_from, date_to=period.date_to
            ),
        },
    )


@login_required
@require_GET
def report_export(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.SUPPORT_VIEW)
    period = period_from_request(request, default=year_to_date(timezone.localdate()))
    data = selectors.report(actor=request.user, date_from=period.date_from, date_to=period.date_to)
    audit_entry_create(
        actor=request.user, action=AuditAction.EXPORT, object_repr="Отчёт служб «Дети в семье»"
    )
    rows = [
        ["Семей в работе", data.families_in_work],
        ["Детей в этих семьях", data.children_in_families],
        ["Возвращены в семью", data.returned_home],
        ["Разлучение предотвращено", data.separations_prevented],
        ["Средний срок до закрытия, дней", data.average_days_to_close],
    ]
    rows += [[f"Итог: {label}", count] for label, count in data.outcomes.items()]
    children = selectors.child_outcome_report(
        actor=request.user, date_from=period.date_from, date_to=period.date_to
    )
    labels = dict(children.outcomes)
    rows += [[f"Детей: {labels[code]}", count] for code, count in children.totals.items()]
    for row in [*children.levels, *children.regions]:
        rows += [
            [f"{row.label} — детей: {label}", count]
            for (_c, label), count in zip(children.outcomes, row.counts, strict=True)
        ]
    rows += [
        [f"По материалам программы: {label}", f"{figure.as_in_seed} ({figure.date}; {figure.document})"]
        for label, figure in children.documents
    ]
    rows += [
        [
            f"{row.subject_name}: служб / специалистов / семей",
            f"{row.services} / {row.specialists} / {row.families}",
        ]
        for row in data.regions
    ]
    return xlsx_response(
        filename=f"support-{period.date_from}-{period.date_to}.xlsx",
        sheet_title="Службы",
        header=["Показатель", "Значение"],
        rows=rows,
    )
