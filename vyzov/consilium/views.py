from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import (
    ActionNotAllowed,
    Perm,
    allows,
    get_in_scope,
    has_perm,
    require,
    require_perm,
)
from vyzov.accounts.models import User
from vyzov.accounts.privacy import mask_form_text, sees_personal
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.cases import services as case_services
from vyzov.cases.models import Child
from vyzov.core.forms import add_service_error
from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.params import parse_id
from vyzov.core.periods import period_from_request, year_to_date
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import upload_form_error
from vyzov.territories.models import Subject

from . import exports, inputs, selectors, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgendaAddForm,
    AgendaRemoveForm,
    ConsiliumForm,
    DecisionForm,
    DocumentApproveForm,
    DocumentForm,
    DocumentReviseForm,
    FamilyAgendaAddForm,
    FamilyReviewForm,
    MeetingForm,
    MemberForm,
    ProtocolUploadForm,
    ReviewForm,
    step_formset,
)
from .models import AgendaItem, FamilyAgendaItem

ACTION_FORMS = 3


@login_required
@require_GET
def consilium_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CONSILIUM_VIEW)
    return render(
        request,
        "consilium/consilium_list.html",
        {
            "consilia": selectors.consilium_list(actor=request.user),
            "report_codes": selectors.report_subject_codes(actor=request.user),
            "can_manage": has_perm(request.user, Perm.CONSILIUM_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consilium_create(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CONSILIUM_MANAGE)
    form = ConsiliumForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            consilium = services.consilium_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Консилиум создан.")
            return redirect("consilium:consilium_detail", pk=consilium.pk)
    return render(request, "consilium/consilium_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consilium_detail(request: AuthenticatedHttpRequest, pk):
    consilium = selectors.consilium_get(actor=request.user, pk=pk)
    can_manage = allows(request.user, Perm.CONSILIUM_MANAGE, consilium)
    member_form = MemberForm(request.POST or None, consilium=consilium) if can_manage else None
    meeting_form = MeetingForm(prefix="meeting")
    if request.method == "POST":
        require(request.user, Perm.CONSILIUM_MANAGE, consilium)
        if member_form.is_valid():
            try:
                services.member_add(actor=request.user, consilium=consilium, data=member_form.cleaned_data)
            except ValidationError as error:
                member_form.add_error(None, error)
            else:
                messages.success(request, "Состав дополнен.")
                return redirect("consilium:consilium_detail", pk=pk)
    context = {
        "consilium": consilium,
        "members": consilium.members.select_related("user").order_by("role", "full_name"),
        "meetings": consilium.meetings.order_by("-date")[:50],
        "can_manage": can_manage,
        "member_form": member_form,
        "meeting_form": meeting_form,
    }
    return render(request, "consilium/consilium_detail.html", context)


@login_required
@require_POST
def meeting_create(request: AuthenticatedHttpRequest, pk):
    consilium = selectors.consilium_get(actor=request.user, pk=pk)
    form = MeetingForm(request.POST, prefix="meeting")
    if not form.is_valid():
        messages.error(request, "Укажите дату заседания.")
        return redirect("consilium:consilium_detail", pk=pk)
    try:
        meeting = services.meeting_create(
            actor=request.user,
            consilium=consilium,
            date=form.cleaned_data["date"],
            place=form.cleaned_data["place"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consilium:consilium_detail", pk=pk)
    messages.success(request, f"Заседание запланировано; в повестке детей: {meeting.agenda.count()}.")
    return redirect("consilium:meeting_detail", pk=meeting.pk)


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk):
    """The meeting: counts of the agenda by reason and one section of it a page at a time (50 rows;
    the other sections and pages come on demand — an htmx fragment, or the whole page without JS)."""
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    summary, section, page_obj = selectors.agenda_view(
        actor=request.user, meeting=meeting, section=request.GET.get("section"), page=request.GET.get("page")
    )
    case_services.personal_data_list_read(
        actor=request.user,
        kind="consilium_meeting",
        records=[
            item.subject_record
            for item in page_obj.object_list
            if getattr(item.subject_record, "personal", False)
        ],
        filters={"meeting": meeting.pk, "section": section.code, "page": page_obj.number},
        subject_id=meeting.consilium.subject_id,
    )
    context = {
        "meeting": meeting,
        "summary": summary,
        "section": section,
        "page_obj": page_obj,
        "can_manage": allows(request.user, Perm.CONSILIUM_MANAGE, meeting),
        "can_decide": allows(request.user, Perm.CONSILIUM_DECIDE, meeting),
    }
    if request.htmx:
        return render(request, "consilium/meeting_detail.html#agenda-section", context)
    context |= {
        "add_form": AgendaAddForm(),
        "family_add_form": FamilyAgendaAddForm(meeting_id=meeting.pk),
        "upload_form": ProtocolUploadForm(),
        "members": meeting.consilium.members.filter(is_active=True),
        "participant_ids": set(meeting.participants.values_list("pk", flat=True)),
    }
    return render(request, "consilium/meeting_detail.html", context)


def _back(meeting):
    return redirect("consilium:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def agenda_add(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    form = AgendaAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите номер ребёнка и причину.")
        return _back(meeting)
    try:
        child = get_in_scope(
            request.user, Child.objects.all(), Perm.CASES_VIEW, pk=form.cleaned_data["child"]
        )
        services.agenda_add(
            actor=request.user, meeting=meeting, child=child, reason=form.cleaned_data["reason"]
        )
    except Http404:
        messages.error(request, "Ребёнок с таким номером не найден в вашей зоне доступа.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ребёнок добавлен в повестку.")
    return _back(meeting)


@login_required
@require_POST
def agenda_family_add(request: AuthenticatedHttpRequest, pk):
    """The secretary puts a family at risk (no child placed yet) on the agenda, with the reason."""
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    form = FamilyAgendaAddForm(request.POST, meeting_id=meeting.pk)
    if not form.is_valid():
        messages.error(request, "Укажите семью и причину.")
        return _back(meeting)
    try:
        family = get_in_scope(
            request.user,
            selectors.family_agenda_families(actor=request.user, meeting=meeting),
            Perm.CASES_VIEW,
            pk=form.cleaned_data["family"],
        )
        services.agenda_family_add(
            actor=request.user, meeting=meeting, family=family, reason=form.cleaned_data["reason"]
        )
    except Http404:
        messages.error(
            request,
            "Семья с таким номером не найдена на территории консилиума в вашей зоне доступа "
            "(или ребёнок из неё уже в учреждении).",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Семья добавлена в повестку.")
    return _back(meeting)


@login_required
@require_POST
def agenda_remove(request: AuthenticatedHttpRequest, pk):
    item = get_in_scope(
        request.user, AgendaItem.objects.select_related("meeting__consilium"), Perm.CONSILIUM_VIEW, pk=pk
    )
    form = AgendaRemoveForm(request.POST)
    try:
        services.agenda_remove(
            actor=request.user, item=item, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ребёнок исключён из повестки.")
    return _back(item.meeting)


@login_required
@require_POST
def family_agenda_remove(request: AuthenticatedHttpRequest, pk):
    item = get_in_scope(
        request.user,
        FamilyAgendaItem.objects.select_related("meeting__consilium"),
        Perm.CONSILIUM_VIEW,
        pk=pk,
    )
    form = AgendaRemoveForm(request.POST)
    try:
        services.family_agenda_remove(
            actor=request.user, item=item, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Семья исключена из повестки.")
    return _back(item.meeting)


@login_required
@require_POST
def meeting_participants(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    ids = [member for member in map(parse_id, request.POST.getlist("member")) if member]
    try:
        services.meeting_set_participants(
            actor=request.user, meeting=meeting, members=list(meeting.consilium.members.filter(pk__in=ids))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Состав присутствующих сохранён.")
    return _back(meeting)


@login_required
@require_POST
def meeting_close(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    try:
        services.meeting_close(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Заседание отмечено как проведённое.")
    return _back(meeting)


@login_required
@require_GET
def meeting_protocol(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    data = exports.protocol_docx(actor=request.user, meeting=meeting)
    named = exports.protocol_named_children(actor=request.user, meeting=meeting)
    families = exports.protocol_named_families(actor=request.user, meeting=meeting)
    if named or families:
        # One row for the file: which children are named in it and whose family's situation it shows.
        case_services.personal_data_list_read(
            actor=request.user,
            kind="consilium_protocol",
            action=AuditAction.EXPORT,
            records=[*named, *families],
            filters={"meeting": meeting.pk}
            | ({"families": " ".join(str(family.pk) for family in families)} if families else {}),
            subject_id=meeting.consilium.subject_id,
        )
    else:
        audit_entry_create(
            actor=request.user,
            action=AuditAction.EXPORT,
            target=meeting,
            object_repr=f"Протокол: {meeting.consilium}, {meeting.date:%d.%m.%Y}",
        )
    response = HttpResponse(data, content_type=exports.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="protocol-{meeting.pk}.docx"'
    return response


@login_required
@require_POST
def protocol_upload(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    form = ProtocolUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.protocol_attach(actor=request.user, meeting=meeting, uploaded=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Подписанный протокол прикреплён.")
    else:
        messages.error(request, upload_form_error(form))
    return _back(meeting)


@login_required
@require_GET
def protocol_download(request: AuthenticatedHttpRequest, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    if not meeting.signed_protocol:
        raise Http404("Протокол не прикреплён.")
    # Always a download, never shown inline: uploaded files are not trusted content.
    return FileResponse(
        meeting.signed_protocol.open("rb"),
        as_attachment=True,
        filename=meeting.signed_protocol.name.rsplit("/", 1)[-1],
    )


def _review_load(request: AuthenticatedHttpRequest, pk, child_pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    child, current = selectors.review_get(actor=request.user, meeting=meeting, child_pk=child_pk)
    if child.personal:
        case_services.personal_data_read(actor=request.user, target=child, kind="consilium_review")
    return meeting, child, current


def _review_forms(data, meeting, child, current):
    """The review page is one HTML form: the answers, the decision and its action items."""
    subject = meeting.consilium.subject
    review_form = ReviewForm(data, instance=current, prefix="review")
    decision_form = DecisionForm(data, prefix="decision", initial={"route_goal": child.case.goal})
    action_forms = [ActionForm(data, prefix=f"action{n}", subject=subject) for n in range(ACTION_FORMS)]
    return review_form, decision_form, action_forms


def _require_review_writer(actor: User, meeting, record) -> None:
    """Answers are written only by someone who sees them unmasked: a masked page would post them back
    blank or as the «скрыто» marker."""
    require(actor, Perm.CONSILIUM_DECIDE, meeting)
    if not sees_personal(actor, record):
        raise ActionNotAllowed()


def _typed(form) -> dict:
    """What was typed into a bound form, as the initial values of an unbound copy (shown, not checked)."""
    return {name: form[name].data for name in form.fields}


def _decision_typed(decision_form, action_forms) -> bool:
    return any(decision_form[name].data for name in ("reasons", "next_review_date")) or any(
        form[name].data for form in action_forms for name in ("what", "organization", "deadline")
    )


def _review_page(request: AuthenticatedHttpRequest, meeting, child, current, *, forms=None, status=200):
    decided = current is not None and hasattr(current, "decision")
    if forms is None:
        subject = meeting.consilium.subject
        forms = (
            ReviewForm(instance=current, prefix="review"),
            DecisionForm(prefix="decision", initial={"route_goal": child.case.goal}),
            [ActionForm(prefix=f"action{n}", subject=subject) for n in range(ACTION_FORMS)],
        )
    review_form, decision_form, action_forms = forms
    mask_form_text(request.user, review_form, child)
    context = {
        "meeting": meeting,
        "child": child,
        "current": current,
        "decided": decided,
        "can_decide": allows(request.user, Perm.CONSILIUM_DECIDE, meeting) and not decided,
        "recently_placed": selectors.placed_recently(child=child, as_of=meeting.date),
        "review_form": review_form,
        "decision_form": decision_form,
        "action_forms": action_forms,
    }
    return render(request, "consilium/review.html", context, status=status)


@login_required
@require_GET
def review(request: AuthenticatedHttpRequest, pk, child_pk):
    meeting, child, current = _review_load(request, pk, child_pk)
    return _review_page(request, meeting, child, current)


@login_required
@require_POST
def review_answers_save(request: AuthenticatedHttpRequest, pk, child_pk):
    """«Сохранить ответы»: the answers only; whatever was typed into the decision is shown again."""
    meeting, child, current = _review_load(request, pk, child_pk)
    _require_review_writer(request.user, meeting, child)
    review_form, decision_form, action_forms = _review_forms(request.POST, meeting, child, current)
    saved = None
    if review_form.is_valid():
        try:
            saved = services.review_save(
                actor=request.user,
                meeting=meeting,
                child=child,
                data={name: review_form.cleaned_data[name] for name in inputs.REVIEW_FIELDS},
                expected_version=review_form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_error(review_form, error)
    typed = _decision_typed(decision_form, action_forms)
    if saved is not None and not typed:
        messages.success(request, "Ответы сохранены.")
        return redirect("consilium:review", pk=pk, child_pk=child.pk)
    subject = meeting.consilium.subject
    decision_form = DecisionForm(prefix="decision", initial=_typed(decision_form))
    action_forms = [
        ActionForm(prefix=form.prefix, subject=subject, initial=_typed(form)) for form in action_forms
    ]
    if saved is not None:
        messages.success(
            request,
            "Ответы сохранены. Решение ещё не принято: проверьте его и нажмите «Принять решение».",
        )
        review_form = ReviewForm(instance=saved, prefix="review")
        current = saved
    forms = (review_form, decision_form, action_forms)
    return _review_page(
        request, meeting, child, current, forms=forms, status=200 if saved is not None else 400
    )


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, pk, child_pk):
    """«Принять решение»: the answers on the page are saved with the decision, in one transaction."""
    meeting, child, current = _review_load(request, pk, child_pk)
    _require_review_writer(request.user, meeting, child)
    review_form, decision_form, action_forms = _review_forms(request.POST, meeting, child, current)
    valid = [review_form.is_valid(), decision_form.is_valid(), *(form.is_valid() for form in action_forms)]
    if all(valid):
        actions = [
            {key: form.cleaned_data[key] for key in ("what", "organization", "executor", "deadline")}
            for form in action_forms
            if form.is_filled
        ]
        try:
            services.review_decide(
                actor=request.user,
                meeting=meeting,
                child=child,
                answers={name: review_form.cleaned_data[name] for name in inputs.REVIEW_FIELDS},
                expected_version=review_form.cleaned_data.get("version"),
                actions=actions,
                **decision_form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(decision_form, error)
        else:
            messages.success(request, "Ответы сохранены, решение принято; маршрут ребёнка обновлён.")
            return redirect("consilium:meeting_detail", pk=pk)
    forms = (review_form, decision_form, action_forms)
    return _review_page(request, meeting, child, current, forms=forms, status=400)


def _family_review_load(request: AuthenticatedHttpRequest, pk, family_pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    family, current = selectors.family_review_get(actor=request.user, meeting=meeting, family_pk=family_pk)
    if family.personal:
        case_services.personal_data_read(actor=request.user, target=family, kind="consilium_family_review")
    return meeting, family, current


def _family_review_page(
    request: AuthenticatedHttpRequest, meeting, family, current, *, forms=None, status=200
):
    subject = meeting.consilium.subject
    if forms is None:
        forms = (
            FamilyReviewForm(prefix="review", instance=current),
            [ActionForm(prefix=f"action{n}", subject=subject) for n in range(ACTION_FORMS)],
        )
    review_form, action_forms = forms
    mask_form_text(request.user, review_form, family)
    context = {
        "meeting": meeting,
        "family": family,
        "current": current,
        "items": selectors.family_open_items(family=family).filter(origin_id=current.pk) if current else [],
        "can_decide": current is None and allows(request.user, Perm.CONSILIUM_DECIDE, meeting),
        "review_form": review_form,
        "action_forms": action_forms,
    }
    return render(request, "consilium/family_review.html", context, status=status)


@login_required
@require_GET
def family_review(request: AuthenticatedHttpRequest, pk, family_pk):
    meeting, family, current = _family_review_load(request, pk, family_pk)
    return _family_review_page(request, meeting, family, current)


@login_required
@require_POST
def family_review_decide(request: AuthenticatedHttpRequest, pk, family_pk):
    """The prevention decision on a family at risk: the assessment, the measures and their action items."""
    meeting, family, current = _family_review_load(request, pk, family_pk)
    _require_review_writer(request.user, meeting, family)
    subject = meeting.consilium.subject
    review_form = FamilyReviewForm(request.POST, prefix="review")
    action_forms = [
        ActionForm(request.POST, prefix=f"action{n}", subject=subject) for n in range(ACTION_FORMS)
    ]
    if all([review_form.is_valid(), *(form.is_valid() for form in action_forms)]):
        actions = [
            {key: form.cleaned_data[key] for key in ("what", "organization", "executor", "deadline")}
            for form in action_forms
            if form.is_filled
        ]
        try:
            services.family_review_decide(
                actor=request.user,
                meeting=meeting,
                family=family,
                data=review_form.cleaned_data,
                actions=actions,
            )
        except ValidationError as error:
            add_service_error(review_form, error)
        else:
            messages.success(request, "Решение по семье принято; поручения выданы.")
            return redirect("consilium:meeting_detail", pk=pk)
    return _family_review_page(
        request, meeting, family, current, forms=(review_form, action_forms), status=400
    )


@login_required
@require_GET
def my_items(request: AuthenticatedHttpRequest):
    items = selectors.my_action_items(actor=request.user, open_only=request.GET.get("all") != "1")
    page = paginate(request, items)
    # The assignment gives the executor the child's name; the read is recorded (one row for the page).
    case_services.personal_data_list_read(
        actor=request.user,
        kind="consilium_my_items",
        records={item.child_id: item.child for item in page if item.child_id}.values(),
    )
    return render(
        request,
        "consilium/my_items.html",
        {"page_obj": page, "today": timezone.localdate(), "all": request.GET.get("all") == "1"},
    )


def _action_item_page(request: AuthenticatedHttpRequest, item, form, *, status=200):
    """The item's card: the child by name for the executor and for those who may see it (the read is
    recorded), the family linked when the user may open its card."""
    child = item.child
    child_named = child is not None and (
        item.executor_id == request.user.pk or allows(request.user, Perm.CASES_VIEW_PERSONAL, child)
    )
    if child_named:
        case_services.personal_data_read(actor=request.user, target=child, kind="consilium_action_item")
    child_link = child is not None and allows(request.user, Perm.CASES_VIEW, child)
    family = item.family or (child.family if child_link and child.family_id else None)
    if family and not allows(request.user, Perm.CASES_VIEW, family):
        family = None
    context = {
        "item": item,
        "form": form,
        "child_named": child_named,
        "child_link": child_link,
        "family": family,
    }
    return render(request, "consilium/action_item.html", context, status=status)


@login_required
@require_GET
def action_item(request: AuthenticatedHttpRequest, pk):
    item = selectors.action_item_get(actor=request.user, pk=pk)
    form = ActionUpdateForm(initial={"status": item.status, "result": item.result})
    return _action_item_page(request, item, form)


@login_required
@require_POST
def action_item_update(request: AuthenticatedHttpRequest, pk):
    """The executor (or a manager of the territory) moves the item on; a refusal re-renders what was typed."""
    item = selectors.action_item_get(actor=request.user, pk=pk)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Поручение обновлено.")
            return redirect("consilium:action_item", pk=pk)
    return _action_item_page(request, item, form, status=400)


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CONSILIUM_VIEW)
    items = selectors.action_item_list(
        actor=request.user, filters={"state": request.GET.get("state", "open")}
    )
    page = paginate(request, items)
    # The child of each item by name where the user may see it (the read is recorded), else by number.
    named = {}
    for item in page:
        if item.child_id and allows(request.user, Perm.CASES_VIEW_PERSONAL, item.child):
            item.child_named = True
            named[item.child_id] = item.child
    case_services.personal_data_list_read(
        actor=request.user, kind="consilium_action_list", records=named.values()
    )
    return render(
        request,
        "consilium/action_list.html",
        {"page_obj": page, "state": request.GET.get("state", "open")},
    )


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest, code):
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.CONSILIUM_VIEW, code=code)
    period = period_from_request(request, default=year_to_date(timezone.localdate()))
    data = selectors.consilium_report(
        actor=request.user, subject=subject, date_from=period.date_from, date_to=period.date_to
    )
    return render(request, "consilium/report.html", {"form": period.form, "report": data, "subject": subject})


# ---- interagency documents: algorithms and ИПР ----------------------------------------------------


def _steps_typed(formset) -> list[dict]:
    return [
        {name: form.cleaned_data.get(name, "") for name in ("agency", "action", "term")}
        for form in formset.forms
        if form.is_filled
    ]


def _document_people(request: AuthenticatedHttpRequest, form, consilium) -> dict | None:
    """The ИПР's child or family, resolved through the policy (a number outside scope is «not found»)."""
    people = {}
    for name, queryset in (
        ("child", selectors.document_children(actor=request.user, consilium=consilium)),
        ("family", selectors.document_families(actor=request.user, consilium=consilium)),
    ):
        pk = form.cleaned_data.get(name)
        if not pk:
            continue
        try:
            people[name] = get_in_scope(request.user, queryset, Perm.CASES_VIEW, pk=pk)
        except Http404:
            form.add_error(name, "Не найдено на территории консилиума в вашей зоне доступа.")
            return None
    return people


@login_required
@require_GET
def document_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CONSILIUM_VIEW)
    filters = {
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "consilium": parse_id(request.GET.get("consilium")),
    }
    page = paginate(request, selectors.document_list(actor=request.user, filters=filters))
    return render(request, "consilium/document_list.html", {"page_obj": page, "filters": filters})


def _document_create_post(request: AuthenticatedHttpRequest, consilium, form, steps):
    """The draft from a valid form, or None with the refusal on the form."""
    people = _document_people(request, form, consilium)
    if people is None:
        return None
    data = {name: form.cleaned_data[name] for name in ("kind", "title", "review_date")} | people
    try:
        return services.document_create(
            actor=request.user, consilium=consilium, data=data, steps=_steps_typed(steps)
        )
    except ValidationError as error:
        add_service_error(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: AuthenticatedHttpRequest, pk):
    consilium = selectors.consilium_get(actor=request.user, pk=pk)
    require(request.user, Perm.CONSILIUM_MANAGE, consilium)
    form = DocumentForm(request.POST or None, consilium_id=consilium.pk)
    steps = step_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        document = _document_create_post(request, consilium, form, steps)
        if document is not None:
            messages.success(request, "Проект документа сохранён.")
            return redirect("consilium:document_detail", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "steps": steps, "consilium": consilium, "document": None}
    return render(request, "consilium/document_form.html", context, status=status)


def _document_record_read(request: AuthenticatedHttpRequest, document) -> bool:
    """Whether the page shows the ИПР's child/family by name (the read is recorded)."""
    record = document.personal_record
    if record is None:
        return True
    named = allows(request.user, Perm.CASES_VIEW_PERSONAL, record)
    if named:
        case_services.personal_data_read(actor=request.user, target=record, kind="consilium_document")
    return named


@login_required
@require_GET
def document_detail(request: AuthenticatedHttpRequest, pk):
    document = selectors.document_get(actor=request.user, pk=pk)
    context = {
        "document": document,
        "named": _document_record_read(request, document),
        "steps": document.steps.order_by("number"),
        "history": selectors.document_history(document=document),
        "can_manage": allows(request.user, Perm.CONSILIUM_MANAGE, document),
        "can_decide": allows(request.user, Perm.CONSILIUM_DECIDE, document),
        "approve_form": DocumentApproveForm(
            meetings=selectors.document_meetings(document=document),
            initial={"approved_on": timezone.localdate()},
        ),
        "revise_form": DocumentReviseForm(),
    }
    return render(request, "consilium/document_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: AuthenticatedHttpRequest, pk):
    document = selectors.document_get(actor=request.user, pk=pk)
    require(request.user, Perm.CONSILIUM_MANAGE, document)
    _document_record_read(request, document)
    if request.method == "POST":
        form = DocumentForm(request.POST, consilium_id=document.consilium_id, editing=True)
        steps = step_formset(request.POST)
        if form.is_valid() and steps.is_valid():
            try:
                services.document_update(
                    actor=request.user,
                    document=document,
                    data=form.cleaned_data,
                    steps=_steps_typed(steps),
                    expected_version=parse_id(request.POST.get("version")) or 0,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Документ сохранён.")
                return redirect("consilium:document_detail", pk=pk)
    else:
        form = DocumentForm(
            consilium_id=document.consilium_id,
            editing=True,
            initial={"title": document.title, "review_date": document.review_date},
        )
        steps = step_formset(steps=document.steps.order_by("number"))
    context = {"form": form, "steps": steps, "consilium": document.consilium, "document": document}
    return render(
        request, "consilium/document_form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def document_approve(request: AuthenticatedHttpRequest, pk):
    document = selectors.document_get(actor=request.user, pk=pk)
    form = DocumentApproveForm(request.POST, meetings=selectors.document_meetings(document=document))
    if not form.is_valid():
        messages.error(request, "Укажите дату утверждения (дд.мм.гггг) и заседание этого консилиума.")
        return redirect("consilium:document_detail", pk=pk)
    try:
        services.document_approve(actor=request.user, document=document, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Документ утверждён.")
    return redirect("consilium:document_detail", pk=pk)


@login_required
@require_POST
def document_revise(request: AuthenticatedHttpRequest, pk):
    document = selectors.document_get(actor=request.user, pk=pk)
    form = DocumentReviseForm(request.POST)
    try:
        draft = services.document_revise(
            actor=request.user,
            document=document,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consilium:document_detail", pk=pk)
    messages.success(request, f"Начата редакция {draft.edition}: измените шаги и утвердите её.")
    return redirect("consilium:document_edit", pk=draft.pk)
