from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, get_in_scope, require, require_perm, scope
from vyzov.accounts.privacy import sees_personal
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.cases.models import Child, Family
from vyzov.consilium.forms import ActionForm
from vyzov.core.forms import add_service_error, form_errors_text
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create, audit_personal_read
from vyzov.core.uploads import upload_form_error
from vyzov.territories.models import Subject

from . import exports, selectors, services
from .forms import (
    ActualForm,
    ControlCloseForm,
    ControlTakeForm,
    CuratorAssignForm,
    CuratorReceptionForm,
    CuratorReportForm,
    CuratorVisitForm,
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
    ProgrammeFormatForm,
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
    directions = selectors.programme_view(programme=programme)
    context = {
        "programme": programme,
        "directions": directions,
        "can_edit": can_edit,
        "typical_measures": _typical_measures(programme, directions, can_edit=can_edit),
        "format_form": ProgrammeFormatForm(initial={"programme_form": programme.programme_form}),
        "indicator_form": IndicatorForm(programme=programme) if can_edit else None,
        "measure_form": MeasureForm(programme=programme) if can_edit else None,
        "actual_form": ActualForm(),
        "status_form": MeasureStatusForm(),
        "evidence_form": EvidenceForm(),
    }
    if can_edit:
        context.update(refused)
    return render(request, "programmes/programme_detail.html", context, status=status)


def _typical_measures(programme, directions, *, can_edit: bool) -> list[dict]:
    """002's typical measures as a template: each with a measure form filled in (its text and the
    suggested direction) to copy it into the programme, and whether the programme already has it."""
    by_number = {view.direction.number: view.direction for view in directions}
    titles = {measure.title for view in directions for measure in view.direction.measures.all()}
    rows = []
    for row in services.typical_measures():
        direction = by_number.get(int(row["direction_no"]))
        form = None
        if can_edit:
            form = MeasureForm(
                programme=programme,
                initial={"title": row["item_text"], "direction": direction.pk if direction else None},
                auto_id=f"id_typical{row['item_no']}_%s",
            )
        rows.append({**row, "direction": direction, "copied": row["item_text"] in titles, "form": form})
    return rows


@login_required
@require_POST
def programme_form_set(request: AuthenticatedHttpRequest, pk):
    programme = selectors.programme_get(actor=request.user, pk=pk)
    form = ProgrammeFormatForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Выберите форму программы из списка.")
        services.programme_form_set(actor=request.user, programme=programme, **form.cleaned_data)
    except ValidationError as error:
        _done(request, error)
    else:
        _done(request, success="Форма программы изменена.")
    return redirect("programmes:programme_detail", pk=pk)


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
    messages.error(request, form_errors_text(form))
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
        messages.error(request, form_errors_text(form))
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
    messages.error(request, form_errors_text(form))
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
            "checklist": selectors.working_group_checklist(subject=subject, group=group),
        },
        status=status,
    )


ACTION_FIELDS = ("what", "organization", "executor", "deadline")


def _actions(action_forms) -> list[dict]:
    """The filled-in assignment forms (all valid) as the services take them; empty ones are skipped."""
    return [
        {key: action_form.cleaned_data[key] for key in ACTION_FIELDS}
        for action_form in action_forms
        if action_form.is_filled
    ]


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
    if all([form.is_valid(), *(action_form.is_valid() for action_form in action_forms)]):
        actions = _actions(action_forms)
        try:
            services.decision_add(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"], actions=actions
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            _done(request, success=f"Решение записано, поручений: {len(actions)}.")
            return redirect("programmes:working_group", code=subject.code)
    return _decision_refused(request, meeting, form, action_forms)


def _decision_refused(request: AuthenticatedHttpRequest, meeting, form, action_forms) -> HttpResponse:
    """Not recorded: the page again, with the decision and its action items as they were typed."""
    for bad in [form, *action_forms]:
        if bad.errors:
            messages.error(request, form_errors_text(bad))
    group = meeting.group
    return _working_group_page(
        request,
        group.subject,
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


def _curator_load(request: AuthenticatedHttpRequest, code: str) -> tuple[Subject, CuratorAssignment | None]:
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    assignment = (
        scope(request.user, CuratorAssignment.objects.filter(subject=subject), Perm.PROGRAMMES_VIEW)
        .order_by("-since", "-id")
        .first()
    )
    return subject, assignment


def _curator_editable(request: AuthenticatedHttpRequest, code: str) -> tuple[Subject, CuratorAssignment]:
    """The region's current curator, for the forms of the curator's work (404 when none is appointed)."""
    subject, assignment = _curator_load(request, code)
    require(request.user, Perm.PROGRAMMES_EDIT, subject)
    if assignment is None:
        raise Http404("Куратор не назначен.")
    return subject, assignment


def _curator_page(request: AuthenticatedHttpRequest, subject, assignment, *, status=200, **refused):
    """The curator's page; `refused`: a form that was not accepted, shown again as it was typed."""
    actor = request.user
    can_edit = allows(actor, Perm.PROGRAMMES_EDIT, subject)
    journal = selectors.field_work(assignment=assignment) if assignment else None
    # The journal names families and carries free text: only with the personal-data permission, audited.
    personal = journal is not None and sees_personal(actor, assignment)
    if personal and journal is not None:
        count = len(journal.visits) + len(journal.receptions) + len(journal.control_cases)
        audit_personal_read(
            actor=actor, kind="curator_field_work", records_count=count, subject_id=subject.pk
        )
    forms = {
        "report_form": CuratorReportForm(),
        "assign_form": CuratorAssignForm(),
        "visit_form": CuratorVisitForm(),
        "reception_form": CuratorReceptionForm(),
        "control_form": ControlTakeForm(),
    }
    if can_edit:
        forms.update(refused)
    context = {
        "subject": subject,
        "assignment": assignment,
        "can_edit": can_edit,
        "task_form": TaskForm(),
        "close_form": ControlCloseForm(),
        "tasks": assignment.tasks.all() if assignment else [],
        "reports": assignment.reports.all()[:24] if assignment else [],
        "journal": journal if personal else None,
        "results": selectors.field_work_results(subject=subject, assignment=assignment)
        if assignment
        else None,
        "region_results": selectors.field_work_results(subject=subject),
        "document_figures": selectors.curator_document_figures(computed=selectors.field_work_results()),
        **forms,
    }
    return render(request, "programmes/curator.html", context, status=status)


@login_required
@require_GET
def curator(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_load(request, code)
    return _curator_page(request, subject, assignment)


@login_required
@require_POST
def curator_assign(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_load(request, code)
    require(request.user, Perm.PROGRAMMES_EDIT, subject)
    form = CuratorAssignForm(request.POST)
    if form.is_valid():
        try:
            services.curator_assign(actor=request.user, subject=subject, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Куратор назначен, задачи из материалов «Вызова» добавлены.")
            return redirect("programmes:curator", code=code)
    return _curator_page(request, subject, assignment, status=400, assign_form=form)


@login_required
@require_POST
def curator_report_add(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_editable(request, code)
    form = CuratorReportForm(request.POST)
    if form.is_valid():
        try:
            services.curator_report_add(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Отчёт сохранён.")
            return redirect("programmes:curator", code=code)
    return _curator_page(request, subject, assignment, status=400, report_form=form)


def _register_record(request: AuthenticatedHttpRequest, form, field: str, model, perm=Perm.CASES_VIEW):
    """A record of the register picked on a form, resolved through the policy; None and a form error when
    the number is not in the actor's register (exactly like a missing one)."""
    number = form.cleaned_data.get(field)
    if number is None:
        return None
    record = scope(request.user, model.objects.filter(pk=number), perm).first()
    if record is None:
        form.add_error(field, "Запись с таким номером не найдена в вашем реестре.")
    return record


@login_required
@require_POST
def curator_visit_add(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_editable(request, code)
    form = CuratorVisitForm(request.POST)
    if form.is_valid():
        family = _register_record(request, form, "family_number", Family)
        if form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key != "family_number"}
            try:
                services.curator_visit_add(
                    actor=request.user, assignment=assignment, data=data, family=family
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Выезд в семью записан.")
                return redirect("programmes:curator", code=code)
    return _curator_page(request, subject, assignment, status=400, visit_form=form)


@login_required
@require_POST
def curator_reception_add(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_editable(request, code)
    form = CuratorReceptionForm(request.POST)
    if form.is_valid():
        try:
            services.curator_reception_add(actor=request.user, assignment=assignment, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Личный приём записан.")
            return redirect("programmes:curator", code=code)
    return _curator_page(request, subject, assignment, status=400, reception_form=form)


@login_required
@require_POST
def control_case_take(request: AuthenticatedHttpRequest, code):
    subject, assignment = _curator_editable(request, code)
    form = ControlTakeForm(request.POST)
    if form.is_valid():
        child = _register_record(request, form, "child_number", Child)
        family = _register_record(request, form, "family_number", Family)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("child_number", "family_number")}
            try:
                services.control_case_take(
                    actor=request.user, assignment=assignment, data=data, child=child, family=family
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Случай взят на личный контроль.")
                return redirect("programmes:curator", code=code)
    return _curator_page(request, subject, assignment, status=400, control_form=form)


@login_required
@require_POST
def control_case_close(request: AuthenticatedHttpRequest, pk):
    control = selectors.control_case_get(actor=request.user, pk=pk)
    form = ControlCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Не сохранено: укажите дату снятия с контроля и итог.")
        services.control_case_close(actor=request.user, control=control, **form.cleaned_data)
    except ValidationError as error:
        _done(request, error)
    else:
        _done(request, success="Случай снят с контроля.")
    return redirect("programmes:curator", code=control.assignment.subject.code)


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


def _governance_page(request: AuthenticatedHttpRequest, subject, *, status=200, **refused):
    """Information partners and publications, strategic sessions, inspections, institution plans;
    `refused`: a form that was not accepted, shown again as it was typed."""
    can_edit = allows(request.user, Perm.PROGRAMMES_EDIT, subject)
    partner = scope(
        request.user, InformationPartner.objects.filter(subject=subject), Perm.PROGRAMMES_VIEW
    ).first()
    forms = {
        "publication_form": PublicationForm(),
        "session_form": StrategicSessionForm(),
        "inspection_form": InspectionForm(subject=subject),
        "action_form": ActionForm(prefix="action", subject=subject),
        "plan_form": InstitutionPlanForm(subject=subject),
    }
    if can_edit:
        forms.update(refused)
    context = {
        "subject": subject,
        "can_edit": can_edit,
        "partner": partner,
        "publications": partner.publications.all()[:50] if partner else [],
        "sessions": StrategicSession.objects.filter(subject=subject)[:20],
        "inspections": selectors.inspections_with_items(subject=subject),
        "plans": InstitutionPlan.objects.filter(subject=subject)
        .select_related("organization")
        .prefetch_related("milestones"),
        "milestone_form": MilestoneDoneForm(),
        **forms,
    }
    return render(request, "programmes/region_governance.html", context, status=status)


def _governance_editable(request: AuthenticatedHttpRequest, code: str) -> Subject:
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    require(request.user, Perm.PROGRAMMES_EDIT, subject)
    return subject


@login_required
@require_GET
def region_governance(request: AuthenticatedHttpRequest, code):
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.PROGRAMMES_VIEW, code=code)
    return _governance_page(request, subject)


@login_required
@require_POST
def publication_add(request: AuthenticatedHttpRequest, code):
    subject = _governance_editable(request, code)
    form = PublicationForm(request.POST)
    partner = scope(
        request.user, InformationPartner.objects.filter(subject=subject), Perm.PROGRAMMES_EDIT
    ).first()
    if partner is None:  # the form is not shown then: the message says why
        messages.error(request, "У региона нет информационного партнёра.")
    elif form.is_valid():
        try:
            services.publication_add(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Публикация добавлена.")
            return redirect("programmes:region_governance", code=code)
    return _governance_page(request, subject, status=400, publication_form=form)


@login_required
@require_POST
def strategic_session_add(request: AuthenticatedHttpRequest, code):
    subject = _governance_editable(request, code)
    form = StrategicSessionForm(request.POST)
    if form.is_valid():
        try:
            services.strategic_session_add(actor=request.user, subject=subject, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Стратегическая сессия добавлена.")
            return redirect("programmes:region_governance", code=code)
    return _governance_page(request, subject, status=400, session_form=form)


@login_required
@require_POST
def inspection_add(request: AuthenticatedHttpRequest, code):
    subject = _governance_editable(request, code)
    form = InspectionForm(request.POST, subject=subject)
    action_form = ActionForm(request.POST, prefix="action", subject=subject)
    if all([form.is_valid(), action_form.is_valid()]):
        data = dict(form.cleaned_data)
        organizations = list(data.pop("organizations"))
        try:
            services.inspection_add(
                actor=request.user,
                subject=subject,
                data=data,
                organizations=organizations,
                actions=_actions([action_form]),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Инспекция внесена.")
            return redirect("programmes:region_governance", code=code)
    return _governance_page(request, subject, status=400, inspection_form=form, action_form=action_form)


@login_required
@require_POST
def institution_plan_save(request: AuthenticatedHttpRequest, code):
    subject = _governance_editable(request, code)
    form = InstitutionPlanForm(request.POST, subject=subject)
    if form.is_valid():
        data = form.cleaned_data
        milestones = (
            [{"title": data["milestone_title"], "due_date": data["milestone_due"]}]
            if data["milestone_title"]
            else []
        )
        try:
            services.institution_plan_save(
                actor=request.user,
                organization=data["organization"],
                family_work_positions=data["family_work_positions"],
                target_profile=data["target_profile"],
                milestones=milestones,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "План учреждения сохранён.")
            return redirect("programmes:region_governance", code=code)
    return _governance_page(request, subject, status=400, plan_form=form)


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
