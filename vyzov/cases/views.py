from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
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
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.forms import form_errors_text
from vyzov.core.keyset import keyset_page
from vyzov.core.pagination import COUNT_CAP, DEFAULT_PAGE_SIZE, CappedPaginator, paginate
from vyzov.core.services import export_job_create
from vyzov.core.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from vyzov.territories.models import Subject

from . import selectors, services
from .forms import (
    ChildFilterForm,
    ChildForm,
    FamilyForm,
    FamilyMemberForm,
    FamilyStatusForm,
    ImportUploadForm,
    MergeForm,
    PlacementCloseForm,
    PlacementForm,
    RouteForm,
    StatusCloseForm,
)
from .imports import COLUMNS, fail_stale_jobs, template_workbook
from .models import DuplicateStatus, FamilyMember, FamilySocialStatus, ImportJob, Placement

# ---- children -----------------------------------------------------------------------------------


def _child_filters(request: AuthenticatedHttpRequest):
    form = ChildFilterForm(request.GET or None, actor=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


CHILD_PAGE_SIZE = DEFAULT_PAGE_SIZE


@login_required
@require_GET
def child_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_VIEW)
    form, filters = _child_filters(request)
    children = selectors.child_list(actor=request.user, filters=filters)
    # Keyset pages («следующая/предыдущая»): a deep page costs like the first; the capped count stays
    # for the «Всего» line.
    page = keyset_page(
        children,
        order=selectors.sort_order(filters.get("sort")),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        per_page=CHILD_PAGE_SIZE,
    )
    counter = CappedPaginator(children, DEFAULT_PAGE_SIZE, cap=COUNT_CAP)
    services.personal_data_list_read(
        actor=request.user,
        kind="children_list",
        records=[child for child in page if child.personal],
        filters={**filters, "after": request.GET.get("after"), "before": request.GET.get("before")},
        subject_id=filters["subject"].pk if filters.get("subject") else None,
    )
    context = {
        "form": form,
        "page_obj": page,
        "counter": counter,
        "can_edit": has_perm(request.user, Perm.CASES_EDIT),
        "can_export": has_perm(request.user, Perm.CASES_EXPORT),
        "can_import": has_perm(request.user, Perm.CASES_IMPORT),
        "can_merge": has_perm(request.user, Perm.CASES_MERGE),
        "can_search_names": has_perm(request.user, Perm.CASES_VIEW_PERSONAL),
        "today": timezone.localdate(),
    }
    return render(request, "cases/child_list.html", context)


@login_required
@require_POST
def child_export(request):
    """The national register is 300 000 rows (18 s): the file is written by a background job."""
    require_perm(request.user, Perm.CASES_EXPORT)
    job = export_job_create(actor=request.user, kind="children", params=request.GET)
    return redirect("core:export_detail", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def child_create(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_EDIT)
    form = ChildForm(request.POST or None, actor=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_not_duplicate", False)
        try:
            child = services.child_create(actor=request.user, data=data, confirm_not_duplicate=confirm)
        except services.DuplicateSuspected as suspected:
            duplicates = services.duplicates_found(actor=request.user, suspected=suspected)
            services.personal_data_list_read(
                actor=request.user,
                kind="children_duplicates",
                records=[other for other in duplicates.visible if other.personal],
            )
            form.add_error(None, suspected)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{child} внесён в реестр.")
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/child_form.html", {"form": form, "child": None, "duplicates": duplicates})


@login_required
@require_GET
def child_detail(request: AuthenticatedHttpRequest, pk):
    child = selectors.child_get(actor=request.user, pk=pk)
    if child.personal:
        services.personal_data_read(actor=request.user, target=child)
    context = {
        "child": child,
        "placements": selectors.child_placements(child=child),
        "timeline": selectors.child_timeline(child=child),
        "can_edit": allows(request.user, Perm.CASES_EDIT, child),
        "family_visible": child.family_id and allows(request.user, Perm.CASES_VIEW, child.family),
        "today": timezone.localdate(),
    }
    return render(request, "cases/child_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_update(request: AuthenticatedHttpRequest, pk):
    child = selectors.child_get(actor=request.user, pk=pk)
    require(request.user, Perm.CASES_EDIT, child)
    form = ChildForm(request.POST or None, instance=child, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None) or 0
        try:
            services.child_update(
                actor=request.user,
                child=selectors.child_get(actor=request.user, pk=pk),
                data=data,
                expected_version=version,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("cases:child_detail", pk=pk)
    if child.personal:  # the form shows the child's personal data (again, after a refused change)
        services.personal_data_read(actor=request.user, target=child, kind="child_form")
    return render(request, "cases/child_form.html", {"form": form, "child": child, "duplicates": []})


@login_required
@require_http_methods(["GET", "POST"])
def placement_create(request: AuthenticatedHttpRequest, pk):
    child = selectors.child_get(actor=request.user, pk=pk)
    require(request.user, Perm.CASES_EDIT, child)
    form = PlacementForm(request.POST or None, actor=request.user, child=child)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PlacementForm.Meta.fields}
        try:
            services.placement_open(actor=request.user, child=child, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Помещение в организацию оформлено.")
            return redirect("cases:child_detail", pk=pk)
    return render(request, "cases/placement_form.html", {"form": form, "child": child})


@login_required
@require_http_methods(["GET", "POST"])
def placement_close(request: AuthenticatedHttpRequest, pk):
    placement = get_in_scope(
        request.user, Placement.objects.select_related("child", "organization"), Perm.CASES_VIEW, pk=pk
    )
    require(request.user, Perm.CASES_EDIT, placement.child)
    form = PlacementCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_close(
                actor=request.user,
                placement=placement,
                end_date=form.cleaned_data["end_date"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["outcome_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Выбытие оформлено.")
            return redirect("cases:child_detail", pk=placement.child_id)
    return render(request, "cases/placement_close.html", {"form": form, "placement": placement})


@login_required
@require_http_methods(["GET", "POST"])
def route_change(request: AuthenticatedHttpRequest, pk):
    child = selectors.child_get(actor=request.user, pk=pk)
    require(request.user, Perm.CASES_EDIT, child)
    case = child.case
    initial = {
        "goal": case.goal,
        "responsible": case.responsible_id,
        "next_review_date": case.next_review_date,
        "version": case.version,
    }
    form = RouteForm(request.POST or None, initial=initial, child=child, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.route_change(
                actor=request.user,
                child=child,
                goal=data["goal"],
                reason=data["reason"],
                responsible=data["responsible"],
                next_review_date=data["next_review_date"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Маршрут изменён.")
            return redirect("cases:child_detail", pk=pk)
    return render(request, "cases/route_form.html", {"form": form, "child": child})


# ---- duplicates ---------------------------------------------------------------------------------


@login_required
@require_GET
def duplicate_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_MERGE)
    groups = selectors.duplicate_groups(actor=request.user)
    shown = {child.pk: child for group in groups for child in group.children}
    services.personal_data_list_read(actor=request.user, kind="children_duplicates", records=shown.values())
    return render(
        request,
        "cases/duplicate_list.html",
        {"groups": groups, "cross_region": selectors.sees_cross_region_duplicates(request.user)},
    )


@login_required
@require_GET
def cross_region_duplicate_list(request: AuthenticatedHttpRequest):
    """The federal team's queue of likely duplicates across regions, each with both records."""
    if not selectors.sees_cross_region_duplicates(request.user):
        raise ActionNotAllowed()
    status = request.GET.get("status", "open")
    status = status if status in DuplicateStatus.values else ""
    duplicates = selectors.cross_region_duplicate_list(actor=request.user, status=status)
    return render(
        request,
        "cases/cross_region_duplicates.html",
        {"page_obj": paginate(request, duplicates), "status": status, "statuses": DuplicateStatus.choices},
    )


@login_required
@require_POST
def cross_region_duplicate_resolve(request: AuthenticatedHttpRequest, pk):
    duplicate = selectors.cross_region_duplicate_get(actor=request.user, pk=pk)
    try:
        services.cross_region_duplicate_resolve(
            actor=request.user, duplicate=duplicate, resolution=request.POST.get("resolution", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{duplicate} разобран.")
    return redirect("cases:cross_region_duplicate_list")


@login_required
@require_POST
def child_merge(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_MERGE)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Не выбраны записи для объединения.")
        return redirect("cases:duplicate_list")
    keep = selectors.child_get(actor=request.user, pk=form.cleaned_data["keep"])
    duplicate = selectors.child_get(actor=request.user, pk=form.cleaned_data["duplicate"])
    try:
        services.child_merge(actor=request.user, keep=keep, duplicate=duplicate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:duplicate_list")
    messages.success(request, f"Записи объединены: оставлена {keep}, дубль № {duplicate.pk} скрыт.")
    return redirect("cases:child_detail", pk=keep.pk)


# ---- families -----------------------------------------------------------------------------------


FAMILY_PAGE_SIZE = DEFAULT_PAGE_SIZE


@login_required
@require_GET
def family_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_VIEW)
    filters = {"q": request.GET.get("q", "")[:100]}
    families = selectors.family_list(actor=request.user, filters=filters)
    # Keyset pages as on the children list: 220 000 families, a deep page costs like the first.
    page = keyset_page(
        families,
        order=selectors.FAMILY_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        per_page=FAMILY_PAGE_SIZE,
    )
    named = [family for family in page if family.personal]
    if named:
        services.personal_data_list_read(
            actor=request.user,
            kind="families_list",
            records=named,
            filters={**filters, "after": request.GET.get("after"), "before": request.GET.get("before")},
        )
    context = {
        "page_obj": page,
        "counter": CappedPaginator(families, DEFAULT_PAGE_SIZE, cap=COUNT_CAP),
        "q": filters["q"],
        "can_edit": has_perm(request.user, Perm.CASES_EDIT),
        # Searching by name is offered to those who see names somewhere (the selector limits where).
        "can_search_names": has_perm(request.user, Perm.CASES_VIEW_PERSONAL),
    }
    return render(request, "cases/family_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def family_create(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_EDIT)
    form = FamilyForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            family = services.family_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{family} внесена в реестр.")
            return redirect("cases:family_detail", pk=family.pk)
    return render(request, "cases/family_form.html", {"form": form, "family": None})


@login_required
@require_GET
def family_detail(request: AuthenticatedHttpRequest, pk):
    family = selectors.family_get(actor=request.user, pk=pk)
    personal = allows(request.user, Perm.CASES_VIEW_PERSONAL, family)
    if personal:
        services.personal_data_read(actor=request.user, target=family)
    can_edit = allows(request.user, Perm.CASES_EDIT, family)
    context = {
        "family": family,
        "personal": personal,
        "members": list(family.members.all()) if personal else [],
        "statuses": list(family.statuses.all()),
        "events": list(family.events.select_related("created_by")[:100]),
        "children": selectors.family_children(actor=request.user, family=family),
        "can_edit": can_edit,
        "member_form": FamilyMemberForm() if can_edit else None,
        "status_form": FamilyStatusForm() if can_edit else None,
    }
    return render(request, "cases/family_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def family_update(request: AuthenticatedHttpRequest, pk):
    family = selectors.family_get(actor=request.user, pk=pk)
    require(request.user, Perm.CASES_EDIT, family)
    form = FamilyForm(request.POST or None, instance=family, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None) or 0
        try:
            services.family_update(
                actor=request.user,
                family=selectors.family_get(actor=request.user, pk=pk),
                data=data,
                expected_version=version,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("cases:family_detail", pk=pk)
    if allows(request.user, Perm.CASES_VIEW_PERSONAL, family):  # the form shows the family's data
        services.personal_data_read(actor=request.user, target=family, kind="family_form")
    return render(request, "cases/family_form.html", {"form": form, "family": family})


@login_required
@require_POST
def family_member_add(request: AuthenticatedHttpRequest, pk):
    family = selectors.family_get(actor=request.user, pk=pk)
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        try:
            services.family_member_add(actor=request.user, family=family, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        messages.error(request, "Член семьи не добавлен: " + form_errors_text(form, labels=True))
    else:
        messages.success(request, "Член семьи добавлен.")
    return redirect("cases:family_detail", pk=pk)


@login_required
@require_POST
def family_member_remove(request: AuthenticatedHttpRequest, pk):
    member = get_in_scope(request.user, FamilyMember.objects.select_related("family"), Perm.CASES_VIEW, pk=pk)
    services.family_member_remove(actor=request.user, member=member)
    messages.success(request, "Запись о члене семьи удалена.")
    return redirect("cases:family_detail", pk=member.family_id)


@login_required
@require_POST
def family_status_add(request: AuthenticatedHttpRequest, pk):
    family = selectors.family_get(actor=request.user, pk=pk)
    form = FamilyStatusForm(request.POST)
    if form.is_valid():
        try:
            services.family_status_add(actor=request.user, family=family, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        messages.error(request, "Статус не добавлен: " + form_errors_text(form, labels=True))
    else:
        messages.success(request, "Статус семьи добавлен.")
    return redirect("cases:family_detail", pk=pk)


@login_required
@require_POST
def family_status_close(request: AuthenticatedHttpRequest, pk):
    status = get_in_scope(
        request.user, FamilySocialStatus.objects.select_related("family"), Perm.CASES_VIEW, pk=pk
    )
    form = StatusCloseForm(request.POST)
    if form.is_valid():
        try:
            services.family_status_close(
                actor=request.user, status=status, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        messages.error(request, "Статус не закрыт: " + form_errors_text(form, labels=True))
    else:
        messages.success(request, "Статус закрыт.")
    return redirect("cases:family_detail", pk=status.family_id)


# ---- import -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_IMPORT)
    form = ImportUploadForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                subject=form.cleaned_data["subject"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("cases:import_detail", pk=job.pk)
    jobs = selectors.import_job_list(actor=request.user)[:20]
    return render(request, "cases/import_upload.html", {"form": form, "jobs": jobs, "columns": COLUMNS})


@login_required
@require_GET
def import_template(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_IMPORT)
    subject = get_in_scope(
        request.user, Subject.objects.all(), Perm.CASES_IMPORT, code=request.GET.get("subject")
    )
    response = HttpResponse(template_workbook(subject=subject), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="children-template-{subject.code}.xlsx"'
    return response


@login_required
@require_GET
def import_detail(request: AuthenticatedHttpRequest, pk):
    # The watchdog: a job in flight past its time limit is failed, so the page stops polling.
    fail_stale_jobs()
    job = get_in_scope(
        request.user, ImportJob.objects.select_related("subject", "created_by"), Perm.CASES_IMPORT, pk=pk
    )
    template = "cases/import_detail.html#progress" if request.htmx else "cases/import_detail.html"
    return render(request, template, {"job": job, "errors": job.errors[:500]})


@login_required
@require_GET
def import_report(request: AuthenticatedHttpRequest, pk):
    job = get_in_scope(request.user, ImportJob.objects.all(), Perm.CASES_IMPORT, pk=pk)
    return xlsx_response(
        filename=f"import-{job.pk}-errors.xlsx",
        sheet_title="Ошибки",
        header=["Строка", "Столбец", "Ошибка"],
        rows=job.errors,
    )


@login_required
@require_POST
def import_accept_valid(request: AuthenticatedHttpRequest, pk):
    job = get_in_scope(request.user, ImportJob.objects.all(), Perm.CASES_IMPORT, pk=pk)
    try:
        services.import_job_accept_valid(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:import_detail", pk=pk)
