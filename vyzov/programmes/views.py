from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, get_in_scope, require, require_perm, scope
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.consilium.forms import ActionForm
from vyzov.core.forms import add_service_error
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import upload_form_error
from vyzov.territories.models import Subject

from . import exports, selectors, services
from .forms import (
    ActualForm,
    CuratorAssignForm,
    CuratorReportForm,
    DecisionForm,
    DocumentStatusForm,
    EvidenceForm,
    IndicatorForm,
    InspectionForm,
    InstitutionPlanForm,
    MeasureForm,
    MeasureStatusForm,
    MeetingForm,
    MemberForm,
    MilestoneDoneForm,
    ProgrammeForm,
    PublicationForm,
    StrategicSessionForm,
    TaskForm,
    WorkingGroupDocumentForm,
)
from .models import (
    CuratorAssignment,
    CuratorTask,
    InformationPartner,
    InstitutionPlan,
    Measure,
    Milestone,
    ProgrammeIndicator,
    StrategicSession,
    WorkingGroup,
    WorkingGroupDocument,
    WorkingGroupMeeting,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _done(request: AuthenticatedHttpRequest, error=None, success=""):
    if error is not None:
        messages.error(request, " ".join(error.messages))
    elif success:
        messages.success(request, success)


def _form_errors(request: AuthenticatedHttpRequest, form) -> None:
    messages.error(request, "; ".join(" ".join(errors) for errors in form.errors.values()))


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.PROGRAMMES_VIEW)
    editable = scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_EDIT)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST":
        subject = editable.filter(code=request.POST.get("subject")).first()
        if subject is None:
            messages.error(request, "Выберите свой субъект РФ.")
        elif form.is_valid():
            try:
                programme = services.programme_create(
                    actor=request.user, subject=subject, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Программа создана с восемью направлениями из материалов «Вызова».")
                return redirect("programmes:programme_detail", pk=programme.pk)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": selectors.programme_list(actor=request.user),
            "form": form,
            "editable": editable,
            "subjects": scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW),
        },
    )


@login_required
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk):
    return _programme_page(request, selectors.programme_get(actor=request.user, pk=pk))


def _programme_page(request: AuthenticatedHttpRequest, programme, *, status=200, **refused):
    """The programme with its forms; `refused`: a form that was not accepted, shown as filled in."""
    can_edit = allows(request.user, Perm.PROGRAMMES_EDIT, programme)
    context = {
        "programme": programme,
        "directions": selectors.programme_view(programme=programme),
        "can_edit": can_edit,
        "indicator_form": IndicatorForm(programme=programme) if can_edit else None,
        "measure_form": MeasureForm(programme=programme) if can_edit else None,
        "actual_form": ActualForm(),
        "status_form": MeasureStatusForm(),
        "evidence_form": EvidenceForm(),
    }
    if can_edit:
        context.update(refused)
    return render(request, "programmes/programme_detail.html", context, status=status)


@login_required
@require_POST
def indicator_add(request: AuthenticatedHttpRequest, pk):
    programme = selectors.programme_get(actor=request.user, pk=pk)
    form = IndicatorForm(request.POST, programme=programme)
    if form.is_valid():
        data = dict(form.cleaned_data)
        targets = {data.pop("target_year"): data.pop("target_value")}
        direction = data.pop("direction")
        try:
            services.indicator_add(actor=request.user, direction=direction, data=data, targets=targets)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            _done(request, success="Показатель добавлен.")
            return redirect("programmes:programme_detail", pk=pk)
    _form_errors(request, form)
    return _programme_page(request, programme, status=400, indicator_form=form)


@login_required
@require_POST
def actual_add(request: AuthenticatedHttpRequest, pk):
    indicator = get_in_scope(
        request.user,
        ProgrammeIndicator.objects.select_related("direction__programme"),
        Perm.PROGRAMMES_VIEW,
        pk=pk,
    )
    form = ActualForm(request.POST)
    if form.is_valid():
        try:
            services.actual_add(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            _done(request, error)
        else:
            _done(request, success="Значение внесено.")
    else:
        _form_errors(request, form)
    return redirect("programmes:programme_detail", pk=indicator.direction.programme_id)


@login_required
@require_POST
def measure_add(request: AuthenticatedHttpRequest, pk):
    programme = selectors.programme_get(actor=request.user, pk=pk)
    form = MeasureForm(request.POST, programme=programme)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.measure_add(actor=request.user, direction=data.pop("direction"), data=data)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            _done(request, success="Мероприятие добавлено.")
            return redirect("programmes:programme_detail", pk=pk)
    _form_errors(request, form)
    return _programme_page(request, programme, status=400, measure_form=form)


@login_required
@require_POST
def measure_status(request: AuthenticatedHttpRequest, pk):
    measure = get_in_scope(
        request.user, Measure.objects.select_related("direction__programme"), Perm.PROGRAMMES_VIEW, pk=pk
    )
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            services.measure_set_status(
                actor=request.user, measure=measure, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            _done(request, error)
    return redirect("programmes:programme_detail", pk=measure.direction.programme_id)


@login_required
@require_POST
def measure_evidence(request: AuthenticatedHttpRequest, pk):
    measure = get_in_scope(
        request.user, Measure.objects.select_related("direction__programme"), Perm.PROGRAMMES_VIEW, pk=pk
    )
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(upload_form_error(form))
        services.measure_evidence_attach(
            actor=request.user, measure=measure, uploaded=form.cleaned_data["file"]
        )
    except ValidationError as error:
        _done(request, error)
    else:
        _done(request, success="Документ прикреплён.")
    return redirect("programmes:programme_detail", pk=measure.direction.programme_id)


@login_required
@require_GET
def measure_evidence_download(request: AuthenticatedHttpRequest, pk):
    measure = get_in_scope(request.user, Measure.objects.all(), Perm.PROGRAMMES_VIEW, pk=pk)
    if not measure.evidence:
        raise Http404("Документ не прикреплён.")
    # Always a download, never inline: uploaded files are not trusted content.
    return FileResponse(
        measure.evidence.open("rb"), as_attachment=True, filename=measure.evidence.name.rsplit("/", 1)[-1]
    )


def _working_group_load(
    request: AuthenticatedHttpRequest, code: str
) -> tuple[Subject, WorkingGroup | None, bool]:
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    group = WorkingGroup.objects.filter(subject=subject).first()
    can_edit = group is not None and allows(request.user, Perm.PROGRAMMES_EDIT, group)
    return subject, group, can_edit


def _working_group_editable(request: AuthenticatedHttpRequest, code: str) -> tuple[Subject, WorkingGroup]:
    subject, group, _ = _working_group_load(request, code)
    if group is None:
        raise Http404("Рабочая группа не создана.")
    require(request.user, Perm.PROGRAMMES_EDIT, group)
    return subject, group


@login_required
@require_GET
def working_group(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    subject, group, can_edit = _working_group_load(request, code)
    return _working_group_page(request, subject, group, can_edit, MeetingForm(), MemberForm())


@login_required
@require_POST
def working_group_document_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    subject, group = _working_group_editable(request, code)
    form = WorkingGroupDocumentForm(request.POST, request.FILES, group=group)
    if form.is_valid():
        data = dict(form.cleaned_data)
        uploaded = data.pop("file", None)
        try:
            services.document_add(actor=request.user, group=group, data=data, uploaded=uploaded)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Документ внесён в реестр МРГ.")
            return redirect("programmes:working_group", code=code)
    return _working_group_page(
        request, subject, group, True, MeetingForm(), MemberForm(), document_form=form, status=400
    )


@login_required
@require_POST
def working_group_document_status(request: AuthenticatedHttpRequest, pk) -> HttpResponse:
    document = get_in_scope(
        request.user,
        WorkingGroupDocument.objects.select_related("group__subject"),
        Perm.PROGRAMMES_VIEW,
        pk=pk,
    )
    form = DocumentStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Не сохранено: проверьте состояние и дату.")
        services.document_status_set(actor=request.user, document=document, **form.cleaned_data)
    except ValidationError as error:
        _done(request, error)
    else:
        _done(request, success="Состояние документа изменено.")
    return redirect("programmes:working_group", code=document.group.subject.code)


@login_required
@require_GET
def working_group_document_download(request: AuthenticatedHttpRequest, pk):
    document = get_in_scope(request.user, WorkingGroupDocument.objects.all(), Perm.PROGRAMMES_VIEW, pk=pk)
    if not document.file:
        raise Http404("Файл не прикреплён.")
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
def working_group_meeting_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    subject, group = _working_group_editable(request, code)
    meeting_form = MeetingForm(request.POST)
    if meeting_form.is_valid():
        services.meeting_add(actor=request.user, group=group, **meeting_form.cleaned_data)
        messages.success(request, "Заседание добавлено.")
        return redirect("programmes:working_group", code=code)
    return _working_group_page(request, subject, group, True, meeting_form, MemberForm())


@login_required
@require_POST
def working_group_member_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    subject, group = _working_group_editable(request, code)
    member_form = MemberForm(request.POST)
    if member_form.is_valid():
        services.member_add(actor=request.user, group=group, **member_form.cleaned_data)
        messages.success(request, "Состав дополнен.")
        return redirect("programmes:working_group", code=code)
    return _working_group_page(request, subject, group, True, MeetingForm(), member_form)


def _working_group_page(
    request,
    subject,
    group,
    can_edit,
    meeting_form,
    member_form,
    *,
    refused=None,
    status=200,
    document_form=None,
):
    """`refused`: (meeting pk, decision form, action forms) of a decision that was not recorded; they
    are shown again as filled in, under their meeting."""
    meetings = selectors.meetings_with_items(group=group) if group else []
    return render(
        request,
        "programmes/working_group.html",
        {
            "subject": subject,
            "group": group,
            "meetings": meetings,
            "can_edit": can_edit,
            "members": group.members.all() if group else [],
            "meeting_form": meeting_form,
            "member_form": member_form,
            "decision_form": DecisionForm(),
            "action_forms": [ActionForm(prefix=f"action{n}", subject=subject) for n in range(2)],
            "refused": refused,
            "documents": selectors.working_group_documents(group=group) if group else [],
            "document_form": document_form or WorkingGroupDocumentForm(group=group),
            "document_status_form": DocumentStatusForm(),
        },
        status=status,
    )


@login_required
@require_POST
def decision_add(request: AuthenticatedHttpRequest, pk):
    meeting = get_in_scope(
        request.user,
        WorkingGroupMeeting.objects.select_related("group__subject"),
        Perm.PROGRAMMES_VIEW,
        pk=pk,
    )
    require(request.user, Perm.PROGRAMMES_EDIT, meeting.group)
    subject = meeting.group.subject
    form = DecisionForm(request.POST)
    action_forms = [ActionForm(request.POST, prefix=f"action{n}", subject=subject) for n in range(2)]
    valid = [form.is_valid(), *(action_form.is_valid() for action_form in action_forms)]
    if all(valid):
        actions = [
            {key: action_form.cleaned_data[key] for key in ("what", "organization", "executor", "deadline")}
            for action_form in action_forms
            if action_form.is_filled
        ]
        try:
            services.decision_add(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"], actions=actions
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            _done(request, success=f"Решение записано, поручений: {len(actions)}.")
            return redirect("programmes:working_group", code=subject.code)
    # Not recorded: the page again, with the decision and its action items as they were typed.
    for bad in [form, *action_forms]:
        if bad.errors:
            _form_errors(request, bad)
    group = meeting.group
    return _working_group_page(
        request,
        subject,
        group,
        allows(request.user, Perm.PROGRAMMES_EDIT, group),
        MeetingForm(),
        MemberForm(),
        refused=(meeting.pk, form, action_forms),
        status=400,
    )


@login_required
@require_GET
def meeting_minutes(request: AuthenticatedHttpRequest, pk):
    meeting = get_in_scope(
        request.user,
        WorkingGroupMeeting.objects.select_related("group__subject"),
        Perm.PROGRAMMES_VIEW,
        pk=pk,
    )
    data = exports.minutes_docx(meeting=meeting)
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=meeting,
        subject_id=meeting.group.subject_id,
        object_repr=f"Протокол МРГ {meeting.date:%d.%m.%Y}",
    )
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="mrg-{meeting.pk}.docx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def curator(request: AuthenticatedHttpRequest, code):
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    assignment = (
        scope(request.user, CuratorAssignment.objects.filter(subject=subject), Perm.PROGRAMMES_VIEW)
        .order_by("-since")
        .first()
    )
    can_edit = allows(request.user, Perm.PROGRAMMES_EDIT, subject)
    report_form = CuratorReportForm(request.POST if "report" in request.POST else None)
    assign_form = CuratorAssignForm(request.POST if "assign" in request.POST else None)
    if request.method == "POST":
        require(request.user, Perm.PROGRAMMES_EDIT, subject)
        try:
            if "report" in request.POST and assignment and report_form.is_valid():
                services.curator_report_add(
                    actor=request.user, assignment=assignment, **report_form.cleaned_data
                )
                messages.success(request, "Отчёт сохранён.")
                return redirect("programmes:curator", code=code)
            if "assign" in request.POST and assign_form.is_valid():
                services.curator_assign(actor=request.user, subject=subject, **assign_form.cleaned_data)
                messages.success(request, "Куратор назначен, задачи из материалов «Вызова» добавлены.")
                return redirect("programmes:curator", code=code)
        except ValidationError as error:
            (report_form if "report" in request.POST else assign_form).add_error(None, error)
    return render(
        request,
        "programmes/curator.html",
        {
            "subject": subject,
            "assignment": assignment,
            "can_edit": can_edit,
            "report_form": report_form,
            "assign_form": assign_form,
            "task_form": TaskForm(),
            "tasks": assignment.tasks.all() if assignment else [],
            "reports": assignment.reports.all()[:24] if assignment else [],
        },
    )


@login_required
@require_POST
def task_update(request: AuthenticatedHttpRequest, pk):
    task = get_in_scope(
        request.user, CuratorTask.objects.select_related("assignment__subject"), Perm.PROGRAMMES_VIEW, pk=pk
    )
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.curator_task_update(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            _done(request, error)
        else:
            _done(request, success="Задача обновлена.")
    return redirect("programmes:curator", code=task.assignment.subject.code)


@login_required
@require_http_methods(["GET", "POST"])
def region_governance(request: AuthenticatedHttpRequest, code):
    """Information partners and publications, strategic sessions, inspections, institution plans."""
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    can_edit = allows(request.user, Perm.PROGRAMMES_EDIT, subject)
    partner = scope(
        request.user, InformationPartner.objects.filter(subject=subject), Perm.PROGRAMMES_VIEW
    ).first()
    posted = request.POST if request.method == "POST" else {}
    publication_form = PublicationForm(posted if "publication" in posted else None)
    session_form = StrategicSessionForm(posted if "session" in posted else None)
    inspection_form = InspectionForm(posted if "inspection" in posted else None, subject=subject)
    action_form = ActionForm(posted if "inspection" in posted else None, prefix="action", subject=subject)
    plan_form = InstitutionPlanForm(posted if "plan" in posted else None, subject=subject)
    if request.method == "POST":
        require(request.user, Perm.PROGRAMMES_EDIT, subject)
        try:
            saved = _governance_post(
                request,
                subject=subject,
                partner=partner,
                publication_form=publication_form,
                session_form=session_form,
                inspection_form=inspection_form,
                action_form=action_form,
                plan_form=plan_form,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if saved:
                messages.success(request, "Сохранено.")
                return redirect("programmes:region_governance", code=code)
    return render(
        request,
        "programmes/region_governance.html",
        {
            "subject": subject,
            "can_edit": can_edit,
            "partner": partner,
            "publications": partner.publications.all()[:50] if partner else [],
            "sessions": StrategicSession.objects.filter(subject=subject)[:20],
            "inspections": selectors.inspections_with_items(subject=subject),
            "plans": InstitutionPlan.objects.filter(subject=subject)
            .select_related("organization")
            .prefetch_related("milestones"),
            "publication_form": publication_form,
            "session_form": session_form,
            "inspection_form": inspection_form,
            "action_form": action_form,
            "plan_form": plan_form,
            "milestone_form": MilestoneDoneForm(),
        },
    )


def _governance_post(
    request, *, subject, partner, publication_form, session_form, inspection_form, action_form, plan_form
) -> bool:
    """Save whichever form was posted; False when it did not validate (the page shows its errors)."""
    actor = request.user
    if "publication" in request.POST:
        if partner is None:
            raise ValidationError("У региона нет информационного партнёра.")
        if publication_form.is_valid():
            services.publication_add(actor=actor, partner=partner, **publication_form.cleaned_data)
            return True
    elif "session" in request.POST:
        if session_form.is_valid():
            services.strategic_session_add(actor=actor, subject=subject, **session_form.cleaned_data)
            return True
    elif "inspection" in request.POST:
        if inspection_form.is_valid() and action_form.is_valid():
            data = dict(inspection_form.cleaned_data)
            organizations = list(data.pop("organizations"))
            actions = (
                [
                    {
                        key: action_form.cleaned_data[key]
                        for key in ("what", "organization", "executor", "deadline")
                    }
                ]
                if action_form.is_filled
                else []
            )
            services.inspection_add(
                actor=actor, subject=subject, data=data, organizations=organizations, actions=actions
            )
            return True
    elif "plan" in request.POST and plan_form.is_valid():
        data = plan_form.cleaned_data
        milestones = (
            [{"title": data["milestone_title"], "due_date": data["milestone_due"]}]
            if data["milestone_title"]
            else []
        )
        services.institution_plan_save(
            actor=actor,
            organization=data["organization"],
            family_work_positions=data["family_work_positions"],
            target_profile=data["target_profile"],
            milestones=milestones,
        )
        return True
    return False


@login_required
@require_POST
def milestone_done(request: AuthenticatedHttpRequest, pk):
    milestone = get_in_scope(
        request.user, Milestone.objects.select_related("plan__subject"), Perm.PROGRAMMES_VIEW, pk=pk
    )
    form = MilestoneDoneForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Укажите дату выполнения.")
        services.milestone_done(actor=request.user, milestone=milestone, done_on=form.cleaned_data["done_on"])
    except ValidationError as error:
        _done(request, error)
    else:
        _done(request, success="Этап отмечен выполненным.")
    return redirect("programmes:region_governance", code=milestone.plan.subject.code)


@login_required
@require_GET
def passport_redirect(request: AuthenticatedHttpRequest):
    """The region picker on the programme list: GET ?code=… opens that region's passport."""
    return redirect("programmes:passport", code=request.GET.get("code", "")[:2] or "00")


@login_required
@require_GET
def passport(request: AuthenticatedHttpRequest, code):
    data = selectors.passport(actor=request.user, code=code)
    return render(request, "programmes/passport.html", {"p": data})


@login_required
@require_GET
def passport_docx(request: AuthenticatedHttpRequest, code):
    data = selectors.passport(actor=request.user, code=code)
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=data.subject,
        subject_id=data.subject.pk,
        object_repr=f"Паспорт региона: {data.subject}",
    )
    response = HttpResponse(exports.passport_docx(passport=data), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="passport-{code}.docx"'
    return response
