import datetime as dt

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, get_in_scope, has_perm, require, require_perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.consilium.selectors import coverage as consilium_coverage
from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.params import parse_id
from vyzov.core.services import audit_entry_create
from vyzov.core.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from vyzov.territories.models import Municipality, Subject

from . import completeness, explorer, exports, open_data, programme_figures, selectors, services, tilemap
from .forms import (
    CompletenessForm,
    DataSetForm,
    ExplorerForm,
    FigureImportForm,
    HistoryRangesForm,
    IndicatorForm,
    OutlierRangeForm,
    PriorityForm,
    QuarterForm,
    ReasonForm,
    ReportFilterForm,
    ReturnForm,
    ValidationRuleForm,
    ViolationFilterForm,
)
from .imports import fail_stale_figure_jobs, figure_import_job_create, template_bytes
from .models import (
    Aggregation,
    DataSet,
    Figure,
    FigureImportJob,
    Indicator,
    ValidationRule,
    previous_quarter,
    quarter_label,
    validate_quarter_date,
)
from .priority import PriorityInput, rank_regions
from .reference import BASELINE_DATE


def ru_number(value: float, *, digits: int = 1, signed: bool = False) -> str:
    """−22,4 rather than -22.4: a minus sign and a decimal comma."""
    text = f"{abs(value):.{digits}f}".replace(".", ",")
    if value < 0:
        return "−" + text
    return ("+" if signed and value > 0 else "") + text


def _tiles(actor: User, rows):
    tiles = []
    for row in rows:
        share = row.progress.share_of_way if row.progress else None
        change = row.change_percent
        title = f"{row.subject.name}: " + (
            "нет данных"
            if change is None
            else f"{ru_number(change, signed=True)} % к 01.07.2024, {ru_number(share, digits=0)} % пути к цели"
        )
        tiles.append(
            tilemap.Tile(
                code=row.subject.code,
                name=row.subject.name,
                fill=tilemap.colour_scale(share, stops=tilemap.PROGRESS_STOPS),
                label=row.subject.name,
                href=f"/monitoring/regions/{row.subject.code}/"
                if allows(actor, Perm.MONITORING_VIEW, row.subject)
                else None,
                title=title,
            )
        )
    return tiles


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_VIEW)
    data = selectors.overview()
    figures = programme_figures.reference_figures()
    legend = [(colour, label) for colour, label in tilemap.PROGRESS_LEGEND]
    reporting = completeness.completeness_for(actor=request.user, count=4)
    context = {
        "data": data,
        "reporting": reporting,
        "overdue": reporting.latest_overdue(),
        "map_svg": tilemap.render_svg(
            _tiles(request.user, data.rows), legend=legend, title="Прогресс регионов к цели −25 %"
        ),
        "baseline_date": BASELINE_DATE,
        "programme_figures": programme_figures.overview_figures(data, figures),
        "demo": programme_figures.demo_in_use(),
        "estimate": programme_figures.national_estimate(figures),
        "chart": {
            "labels": [f"{as_of:%d.%m.%Y}" for as_of in data.quarters],
            "country": [value for _as_of, value in data.country_points],
            "pilot": [value for _as_of, value in data.pilot_points],
        },
    }
    return render(request, "monitoring/overview.html", context)


SORTS = {
    "name": lambda row: row.subject.name,
    "change": lambda row: (row.change_percent is None, row.change_percent or 0),
    "progress": lambda row: (row.progress is None, -(row.progress.share_of_way or 0) if row.progress else 0),
    "latest": lambda row: -(row.latest or 0),
    "rate": lambda row: -(row.per_10k or 0),
}


def _ranking_rows(request: AuthenticatedHttpRequest):
    rows = selectors.subject_rows()
    sort = request.GET.get("sort", "progress")
    rows.sort(key=SORTS.get(sort, SORTS["progress"]))
    if request.GET.get("pilot") == "1":
        rows = [row for row in rows if row.subject.is_pilot]
    return rows, sort


@login_required
@require_GET
def ranking(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_VIEW)
    rows, sort = _ranking_rows(request)
    return render(
        request,
        "monitoring/ranking.html",
        {"rows": rows, "sort": sort, "pilot": request.GET.get("pilot") == "1"},
    )


@login_required
@require_GET
def ranking_export(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_VIEW)
    rows, _sort = _ranking_rows(request)
    audit_entry_create(actor=request.user, action=AuditAction.EXPORT, object_repr="Рейтинг регионов")
    return xlsx_response(
        filename=f"ranking-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet_title="Рейтинг регионов",
        header=exports.RANKING_HEADER,
        rows=(exports.ranking_row(position, row) for position, row in enumerate(rows, start=1)),
    )


@login_required
@require_GET
def region(request: AuthenticatedHttpRequest, code):
    page = selectors.region_page(actor=request.user, code=code)
    chart = {
        "labels": sorted(
            {f"{as_of:%Y-%m-%d}" for _i, points in page.indicator_series for as_of, _v in points}
        ),
        "series": [
            {
                "code": indicator.code,
                "name": indicator.name,
                "points": {f"{as_of:%Y-%m-%d}": value for as_of, value in points},
            }
            for indicator, points in page.indicator_series
            if points
        ],
        "target": page.row.target.target_value if page.row.target else None,
        "baseline": page.row.baseline,
    }
    in_institutions, reviewed = consilium_coverage(subject=page.subject)
    context = {
        "page": page,
        "reporting": completeness.subject_completeness(
            subject=page.subject, latest_reports=page.reports, latest_limit=selectors.REGION_REPORTS
        ),
        "chart": chart,
        "consilium_coverage": (in_institutions, reviewed),
        "demo": programme_figures.demo_in_use(subject=page.subject),
        "programme_figures": programme_figures.region_figures(
            subject=page.subject,
            computed={
                "seed_44": f"{page.row.baseline} на 01.07.2024" if page.row.baseline is not None else "",
            },
        ),
        "can_edit": allows(request.user, Perm.MONITORING_EDIT, page.subject),
        "threshold": selectors.small_cell_threshold(),
    }
    return render(request, "monitoring/region.html", context)


@login_required
@require_GET
def region_summary(request: AuthenticatedHttpRequest, code):
    page = selectors.region_page(actor=request.user, code=code)
    data = exports.region_summary_docx(page)
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=page.subject,
        object_repr=f"Сводка мониторинга: {page.subject}",
    )
    response = HttpResponse(data, content_type=exports.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="monitoring-{code}.docx"'
    return response


@login_required
@require_http_methods(["GET"])
def priority(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = PriorityForm(request.GET or None)
    weights = _priority_weights(form)
    values = {row.subject.code: row for row in selectors.subject_rows()}
    inputs = [
        PriorityInput(code, row.subject.name, row.baseline or 0, row.subject.child_population)
        for code, row in values.items()
    ]
    rows = rank_regions(inputs, weight_count=weights["weight_count"], weight_share=weights["weight_share"])
    top = rows[: weights["top_n"]]
    pilot_codes = {code for code, row in values.items() if row.subject.is_pilot}
    context = {
        "form": form,
        "rows": rows,
        "top_codes": {row.code for row in top},
        "pilot_codes": pilot_codes,
        "pilots_in_top": len(pilot_codes & {row.code for row in top}),
        "top_n": weights["top_n"],
        "baseline_date": BASELINE_DATE,
    }
    return render(request, "monitoring/priority.html", context)


def _priority_weights(form: PriorityForm) -> dict:
    """The weights as typed, or the seed's rule (both criteria equal, 14 regions) when absent or bad."""
    if not form.is_valid():
        return {"weight_count": 1.0, "weight_share": 1.0, "top_n": 14}
    return {key: value if key == "top_n" else float(value) for key, value in form.cleaned_data.items()}


# ---- reports: entry, submission, review ----------------------------------------------------------


@login_required
@require_GET
def report_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = ReportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.report_list(actor=request.user, filters=filters)
    context = {
        "form": form,
        "page_obj": paginate(request, reports),
        "editable_subjects": scope(request.user, Subject.objects.all(), Perm.MONITORING_EDIT),
        "next_quarter": _current_quarter(),
        "other_data_sets": [
            data_set
            for data_set in selectors.data_sets(active_only=True)
            if data_set.pk != DataSet.main_id() and data_set.allows_date(_current_quarter())
        ],
    }
    return render(request, "monitoring/report_list.html", context)


def _current_quarter() -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)


def _parse_quarter(value: str) -> dt.date:
    try:
        as_of = dt.date.fromisoformat(value)
        validate_quarter_date(as_of)
        if not dt.MINYEAR < as_of.year < dt.MAXYEAR:  # the quarters around it would leave the calendar
            raise ValueError(value)
    except (ValueError, ValidationError):
        raise Http404("Нет такого квартала.") from None
    return as_of


def _data_set(code: str | None) -> DataSet:
    if not code:
        return DataSet.objects.get(pk=DataSet.main_id())
    data_set = DataSet.objects.filter(code=code).first()
    if data_set is None:
        raise Http404("Нет такого набора данных.")
    return data_set


def _municipality(request, subject) -> Municipality | None:
    """The municipality whose figures the form shows (`?municipality=`), through the policy."""
    raw = request.GET.get("municipality") or request.POST.get("municipality")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404("Нет такого муниципалитета.")
    return get_in_scope(
        request.user, Municipality.objects.filter(subject=subject), Perm.MONITORING_VIEW, pk=pk
    )


def _report_url(code, as_of, data_set, municipality=None) -> str:
    args = [code, as_of.isoformat()] + ([] if data_set.pk == DataSet.main_id() else [data_set.code])
    url = reverse(
        "monitoring:report_edit" if len(args) == 2 else "monitoring:report_edit_data_set", args=args
    )
    return url + (f"?municipality={municipality.pk}" if municipality else "")


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, code, as_of, data_set=None):
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.MONITORING_VIEW, code=code)
    as_of = _parse_quarter(as_of)
    data_set = _data_set(data_set)
    municipality = _municipality(request, subject)
    if allows(request.user, Perm.MONITORING_EDIT, subject):
        try:
            report = services.report_for(actor=request.user, subject=subject, as_of=as_of, data_set=data_set)
        except ValidationError:
            raise Http404("Нет такого периода в этом наборе.") from None
    else:
        report = (
            selectors.report_list(actor=request.user)
            .filter(subject=subject, as_of=as_of, data_set=data_set)
            .first()
        )
    if report is None:
        raise Http404("Отчёта нет.")
    form = _quarter_form(request, subject, report, as_of, municipality)
    can_edit = allows(request.user, Perm.MONITORING_EDIT, report) and report.is_editable
    if request.method == "POST":
        if not can_edit:
            messages.error(request, "Этот отчёт изменить нельзя.")
            return redirect(_report_url(code, as_of, data_set, municipality))
        if form.is_valid():
            inputs = _figure_inputs(form, municipality)
            try:
                _report, changed = services.figures_enter(
                    actor=request.user, subject=subject, as_of=as_of, data_set=data_set, inputs=inputs
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, f"Сохранено. Изменено значений: {changed}.")
                return redirect(_report_url(code, as_of, data_set, municipality))
    return _report_page(request, subject, report, as_of, form, can_edit, municipality=municipality)


def _quarter_form(request, subject, report, as_of, municipality=None) -> QuarterForm:
    figures = selectors.report_figures(report=report, municipality=municipality) if report.pk else {}
    previous = selectors.subject_values(
        subject=subject, as_of=previous_quarter(as_of), municipality=municipality
    )
    return QuarterForm(
        request.POST or None,
        indicators=selectors.data_set_indicators(report.data_set, municipal=municipality is not None),
        figures=figures,
        previous=previous,
    )


def _figure_inputs(form, municipality=None) -> list:
    return [
        services.FigureInput(
            indicator, form.cleaned_data[value_name], form.cleaned_data[comment_name] or "", municipality
        )
        for indicator, value_name, comment_name, _previous, _figure in form.rows
        if form.cleaned_data[value_name] is not None
    ]


def _report_page(request, subject, report, as_of, form, can_edit, status=200, municipality=None):
    can_review = bool(report.pk) and allows(request.user, Perm.MONITORING_APPROVE, report)
    municipalities = selectors.report_municipalities(actor=request.user, report=report) if report.pk else []
    context = {
        "subject": subject,
        "report": report,
        "as_of": as_of,
        "quarter": quarter_label(as_of),
        "form": form,
        "can_edit": can_edit,
        "can_review": can_review,
        "can_correct": can_review and report.is_locked,
        "return_form": ReturnForm(),
        "reason_form": ReasonForm(),
        "municipality": municipality,
        "municipalities": municipalities,
        "pick_municipalities": scope(
            request.user, Municipality.objects.filter(subject=subject), Perm.MONITORING_EDIT
        ).order_by("name")
        if can_edit
        else [],
        "warnings": [w for w in selectors.report_warnings(report=report) if not w.blocks],
        "deadline": report.data_set.deadline_for(as_of),
        "data_set": report.data_set,
    }
    return render(request, "monitoring/report_edit.html", context, status=status)


def _errors_to_form(form, error: ValidationError) -> None:
    if not isinstance(error, services.FigureErrors):
        form.add_error(None, error)
        return
    for key, texts in error.by_key.items():
        field = f"value_{key.code}" if key else None
        form.add_error(field if field in form.fields else None, texts)


def _report_action(request: AuthenticatedHttpRequest, pk, action):
    report = selectors.report_get(actor=request.user, pk=pk)
    try:
        action(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_report_url(report.subject.code, report.as_of, report.data_set))


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk):
    """«Сохранить и направить на проверку» from the figures form: the values on the page are saved with
    the submission; a refusal shows the page again with what was typed."""
    if not any(key.startswith("value_") for key in request.POST):

        def submit(report):
            services.report_submit(actor=request.user, report=report)
            messages.success(request, "Отчёт направлен на проверку федеральной команде.")

        return _report_action(request, pk, submit)
    report = selectors.report_get(actor=request.user, pk=pk)
    require(request.user, Perm.MONITORING_EDIT, report)
    subject, as_of = report.subject, report.as_of
    municipality = _municipality(request, subject)
    form = _quarter_form(request, subject, report, as_of, municipality)
    if form.is_valid():
        try:
            services.report_save_and_submit(
                actor=request.user, report=report, inputs=_figure_inputs(form, municipality)
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, "Значения сохранены, отчёт направлен на проверку федеральной команде.")
            return redirect(_report_url(subject.code, as_of, report.data_set))
    return _report_page(
        request, subject, report, as_of, form, report.is_editable, status=400, municipality=municipality
    )


@login_required
@require_POST
def report_accept(request: AuthenticatedHttpRequest, pk):
    def accept(report):
        services.report_accept(actor=request.user, report=report)
        messages.success(request, "Отчёт принят; своды пересчитаны.")

    return _report_action(request, pk, accept)


@login_required
@require_POST
def report_return(request: AuthenticatedHttpRequest, pk):
    form = ReturnForm(request.POST)

    def give_back(report):
        services.report_return(
            actor=request.user, report=report, comment=form.cleaned_data["comment"] if form.is_valid() else ""
        )
        messages.success(request, "Отчёт возвращён на доработку.")

    return _report_action(request, pk, give_back)


@login_required
@require_POST
def report_from_register(request: AuthenticatedHttpRequest, pk):
    def fill(report):
        changed = services.figures_from_register(actor=request.user, report=report)
        messages.success(request, f"Заполнено по реестру; изменено значений: {changed}.")

    return _report_action(request, pk, fill)


@login_required
@require_GET
def report_history(request: AuthenticatedHttpRequest, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    revisions = selectors.report_revisions(actor=request.user, report=report)
    return render(request, "monitoring/report_history.html", {"report": report, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_EDIT)
    form = FigureImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = figure_import_job_create(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error(None, error)
            form.add_error(None, "Файл не загружен. Ничего не записано.")
        else:
            return redirect("monitoring:figure_import_detail", pk=job.pk)
    jobs = FigureImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "monitoring/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def figure_import_detail(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.MONITORING_EDIT)
    # The watchdog: a job in flight past its time limit is failed, so the page stops polling.
    fail_stale_figure_jobs()
    job = get_object_or_404(FigureImportJob.objects.filter(created_by=request.user), pk=pk)
    template = "monitoring/import_detail.html#progress" if request.htmx else "monitoring/import_detail.html"
    return render(request, template, {"job": job, "errors": job.errors[:1000]})


@login_required
@require_GET
def figure_import_report(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.MONITORING_EDIT)
    job = get_object_or_404(FigureImportJob.objects.filter(created_by=request.user), pk=pk)
    return xlsx_response(
        filename=f"figures-import-{job.pk}-errors.xlsx",
        sheet_title="Ошибки",
        header=["Строка", "Столбец", "Ошибка"],
        rows=job.errors,
    )


@login_required
@require_GET
def figure_import_template(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.MONITORING_EDIT)
    response = HttpResponse(template_bytes(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="monitoring-template.xlsx"'
    return response


# ---- approval levels, locking and corrections -----------------------------------------------------


@login_required
@require_POST
def municipality_approve(request, pk, municipality_id):
    report, municipality = selectors.report_for_municipal_approval(
        actor=request.user, pk=pk, municipality_id=municipality_id
    )
    try:
        services.municipality_approve(actor=request.user, report=report, municipality=municipality)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Значения муниципалитета «{municipality.name}» утверждены.")
    if not has_perm(request.user, Perm.MONITORING_VIEW):
        # A municipal specialist approves from his list, without seeing the region's report.
        return redirect("monitoring:municipal_approvals")
    return redirect(_report_url(report.subject.code, report.as_of, report.data_set))


@login_required
def municipal_approvals(request):
    """The municipal level of approval: the figures of the actor's municipalities awaiting it."""
    require_perm(request.user, Perm.MONITORING_MUNICIPAL_APPROVE)
    parts = selectors.municipal_parts_awaiting(actor=request.user)
    return render(request, "monitoring/municipal_approvals.html", {"parts": parts})


@login_required
@require_POST
def report_correct(request, pk):
    """A correction of a locked period by the federal team: the same form, with a reason."""
    report = selectors.report_get(actor=request.user, pk=pk)
    require(request.user, Perm.MONITORING_APPROVE, report)
    subject, as_of = report.subject, report.as_of
    municipality = _municipality(request, subject)
    form = _quarter_form(request, subject, report, as_of, municipality)
    reason_form = ReasonForm(request.POST)
    if form.is_valid() and reason_form.is_valid():
        try:
            changed = services.figures_correct(
                actor=request.user,
                report=report,
                inputs=_figure_inputs(form, municipality),
                reason=reason_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                form.add_error(None, error.error_dict["reason"])
            else:
                _errors_to_form(form, error)
        else:
            messages.success(
                request, f"Исправление внесено; изменено значений: {changed}. Период остаётся закрытым."
            )
            return redirect(_report_url(subject.code, as_of, report.data_set, municipality))
    elif not reason_form.is_valid():
        form.is_valid()
        form.add_error(None, "Укажите основание исправления.")
    return _report_page(request, subject, report, as_of, form, False, status=400, municipality=municipality)


# ---- configuration by the federal team -------------------------------------------------------------


def _require_configure(request) -> None:
    require_perm(request.user, Perm.MONITORING_VIEW)
    services.require_configure(request.user)


@login_required
@require_GET
def setup(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    context = {
        "indicators": selectors.indicators(),
        "data_sets": selectors.data_sets(),
        "rules": selectors.validation_rules(),
        "can_configure": services.can_configure(request.user),
    }
    return render(request, "monitoring/setup.html", context)


def _config_edit(request, *, form_class, instance, save, title, back):
    _require_configure(request)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, texts in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, texts)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, f"Сохранено: {saved}.")
            return redirect(back)
    return render(request, "monitoring/setup_form.html", {"form": form, "title": title, "instance": instance})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, code=None):
    indicator = get_object_or_404(Indicator, code=code) if code else None
    return _config_edit(
        request,
        form_class=IndicatorForm,
        instance=indicator,
        save=lambda data: services.indicator_save(actor=request.user, indicator=indicator, data=data),
        title=f"Показатель «{indicator.name}»" if indicator else "Новый показатель",
        back="monitoring:setup",
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_set_edit(request, code=None):
    data_set = get_object_or_404(DataSet, code=code) if code else None
    return _config_edit(
        request,
        form_class=DataSetForm,
        instance=data_set,
        save=lambda data: services.data_set_save(actor=request.user, data_set=data_set, data=data),
        title=f"Набор данных «{data_set.name}»" if data_set else "Новый набор данных",
        back="monitoring:setup",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, code=None):
    rule = get_object_or_404(ValidationRule, code=code) if code else None
    return _config_edit(
        request,
        form_class=ValidationRuleForm,
        instance=rule,
        save=lambda data: services.validation_rule_save(actor=request.user, rule=rule, data=data),
        title=f"Правило «{rule.name}»" if rule else "Новое правило проверки",
        back="monitoring:setup",
    )


@login_required
@require_http_methods(["GET", "POST"])
def outlier_ranges(request):
    """Ranges by hand or from history; the list of ranges."""
    require_perm(request.user, Perm.MONITORING_VIEW)
    can_configure = services.can_configure(request.user)
    manual = OutlierRangeForm(request.POST if request.POST.get("form") == "manual" else None)
    history = HistoryRangesForm(request.POST if request.POST.get("form") == "history" else None)
    if request.method == "POST":
        services.require_configure(request.user)
        try:
            if manual.is_bound and manual.is_valid():
                data = manual.cleaned_data
                services.outlier_range_save(
                    actor=request.user,
                    indicator=data["indicator"],
                    subject=data["subject"],
                    min_value=data["min_value"],
                    max_value=data["max_value"],
                )
                messages.success(request, "Диапазон сохранён.")
                return redirect("monitoring:outlier_ranges")
            if history.is_bound and history.is_valid():
                data = history.cleaned_data
                result = services.outlier_ranges_generate(
                    actor=request.user,
                    indicator=data["indicator"],
                    k=data["k"],
                    min_history=data["min_history"],
                )
                messages.success(
                    request,
                    f"Диапазоны по истории: создано {result.created}, обновлено {result.updated}, "
                    f"пропущено из-за короткой истории {result.skipped}.",
                )
                return redirect("monitoring:outlier_ranges")
        except ValidationError as error:
            (manual if manual.is_bound else history).add_error(None, error)
    context = {
        "manual": manual,
        "history": history,
        "page_obj": paginate(request, selectors.outlier_ranges()),
        "can_configure": can_configure,
    }
    return render(request, "monitoring/outlier_ranges.html", context)


# ---- analysis and follow-up -----------------------------------------------------------------------


@login_required
@require_GET
def analysis(request):
    """Validation rule analysis: the violations in the reports the user may see."""
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = ViolationFilterForm(
        request.GET or None,
        subjects=scope(request.user, Subject.objects.order_by("name"), Perm.MONITORING_VIEW),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.violation_rows(actor=request.user, filters=filters)
    return render(
        request, "monitoring/analysis.html", {"form": form, "rows": rows[:1000], "total": len(rows)}
    )


@login_required
@require_GET
def outliers(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    state = request.GET.get("state", "open")
    reviewed = {"open": False, "reviewed": True}.get(state)
    figures = selectors.outlier_figures(actor=request.user, reviewed=reviewed)
    context = {
        "page_obj": paginate(request, figures),
        "state": state,
        "can_review": has_perm(request.user, Perm.MONITORING_APPROVE),
    }
    return render(request, "monitoring/outliers.html", context)


@login_required
@require_POST
def outlier_review(request, pk):
    figure = get_in_scope(request.user, Figure.objects.all(), Perm.MONITORING_VIEW, pk=pk)
    try:
        services.figure_outlier_review(actor=request.user, figure=figure)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Отмечено как проверенное.")
    return redirect(reverse("monitoring:outliers") + "?state=open")


# ---- completeness and timeliness -------------------------------------------------------------------


def completeness_table(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = CompletenessForm(request.GET or None)
    valid = form.is_valid()
    count = form.cleaned_data["quarters"] if valid and form.cleaned_data["quarters"] else 4
    data_set = form.cleaned_data["data_set"] if valid else None
    data = completeness.completeness_for(actor=request.user, count=count, data_set=data_set)
    return render(
        request,
        "monitoring/completeness.html",
        {
            "data": data,
            "form": form,
            "example_deadline": completeness.report_deadline(dt.date(2025, 4, 1), data_set=data.data_set),
        },
    )


# ---- the analytics explorer ----------------------------------------------------------------------------


def _explorer_form(request) -> ExplorerForm:
    quarters = selectors.quarters()
    params = request.GET
    if "indicator" not in params and quarters:
        main = selectors.default_indicator()
        params = QueryDict(mutable=True)
        params.setlist("indicator", [main.code] if main else [])
        params.update(
            {
                "level": explorer.Level.SUBJECT,
                "start": quarters[max(0, len(quarters) - 4)].isoformat(),
                "end": quarters[-1].isoformat(),
                "rows": explorer.Layout.TERRITORY,
            }
        )
    return ExplorerForm(params, actor=request.user, quarters=quarters)


def _cells_html(cells, threshold: int) -> str:
    """One row of pivot cells as HTML, written here rather than in the template: a national view has
    thousands of cells. Only numbers go in (never text a user typed), so nothing needs escaping."""
    parts = []
    for cell in cells:
        if cell.suppressed:
            text = f"&lt; {int(threshold)}"
        elif cell.not_aggregatable:
            text = '<span class="text-muted">не суммируется</span>'
        elif cell.value is None:
            text = "—"
        else:
            text = f"{int(cell.value):,}".replace(",", "\u00a0")
        how = "среднее по субъектам" if cell.aggregation == Aggregation.AVERAGE else "сумма по субъектам"
        title = f' title="{how}: {int(cell.subjects_reporting)}"' if cell.subjects_reporting else ""
        parts.append(f'<td class="text-end"{title}>{text}</td>')
    return mark_safe("".join(parts))  # noqa: S308 — numbers and fixed text only


@login_required
@require_GET
def explore(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = _explorer_form(request)
    result = table = chart = None
    if form.is_valid():
        result = explorer.run(actor=request.user, query=form.query())
        table, chart = explorer.pivot(result), explorer.chart(result)
        threshold = selectors.small_cell_threshold()
        table.rows = [(label, sub, _cells_html(cells, threshold)) for label, sub, cells in table.rows]
    params = form.data.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "result": result,
        "table": table,
        "chart": chart,
        "link": request.build_absolute_uri(f"{request.path}?{params.urlencode()}"),
        "query_string": params.urlencode(),
        "threshold": selectors.small_cell_threshold(),
        "has_quarters": bool(form.quarters),
    }
    return render(request, "monitoring/explore.html", context)


@login_required
@require_GET
def explore_export(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = _explorer_form(request)
    if not form.is_valid():
        raise Http404("Неверные параметры выборки.")
    result = explorer.run(actor=request.user, query=form.query(), all_pages=True)
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_repr="Конструктор аналитики",
        details={"query": request.GET.urlencode()[:1000]},
    )
    response = HttpResponse(explorer.xlsx_bytes(result), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="explore-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


# ---- open data (no login) -----------------------------------------------------------------------------


def _open_data_request(request):
    """The rate limit and the filters of an open-data request: (data, rows, indicator, as_of) or a
    refusal (429 too many requests, 400 bad parameters)."""
    if not open_data.rate_allowed(get_client_ip_address(request) or "unknown"):
        response = HttpResponse(
            "Слишком много запросов. Повторите через минуту.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    snapshot = open_data.Snapshot()
    data = snapshot.meta()
    indicator = request.GET.get("indicator", "")
    if indicator and indicator not in {item["code"] for item in data.indicators}:
        return HttpResponseBadRequest("Нет такого показателя.", content_type="text/plain; charset=utf-8")
    as_of = None
    if request.GET.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(request.GET["as_of"])
        except ValueError:
            return HttpResponseBadRequest(
                "Отчётная дата — в виде ГГГГ-ММ-ДД.", content_type="text/plain; charset=utf-8"
            )
    return snapshot, indicator, as_of


@require_GET
def open_data_page(request):
    answer = _open_data_request(request)
    if isinstance(answer, HttpResponse):
        return answer
    snapshot, indicator, as_of = answer
    data = snapshot.meta()
    indicator = indicator or _open_data_default_indicator([item["code"] for item in data.indicators])
    as_of = as_of or data.last_period
    rows = snapshot.rows(indicator=indicator, as_of=as_of) if as_of and indicator else []
    context = {
        "data": data,
        "rows": sorted(rows, key=lambda row: row.subject_name),
        "indicator": next((item for item in data.indicators if item["code"] == indicator), None),
        "as_of": as_of,
        "licence_name": open_data.LICENCE_NAME,
        "licence_url": open_data.LICENCE_URL,
        "attribution": open_data.ATTRIBUTION,
    }
    return render(request, "monitoring/open_data.html", context)


def _open_data_default_indicator(codes: list[str]) -> str:
    """The main indicator where the open data has it, else the first one published."""
    main = selectors.default_indicator()
    if main and main.code in codes:
        return main.code
    return codes[0] if codes else ""


@require_GET
def open_data_csv(request):
    answer = _open_data_request(request)
    if isinstance(answer, HttpResponse):
        return answer
    snapshot, indicator, as_of = answer
    response = HttpResponse(
        snapshot.csv(indicator=indicator, as_of=as_of),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="vyzov-open-data.csv"'
    response["Cache-Control"] = f"public, max-age={settings.VYZOV_OPEN_DATA_CACHE_SECONDS}"
    return response


@require_GET
def open_data_json(request):
    answer = _open_data_request(request)
    if isinstance(answer, HttpResponse):
        return answer
    snapshot, indicator, as_of = answer
    response = HttpResponse(
        snapshot.json(indicator=indicator, as_of=as_of),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={settings.VYZOV_OPEN_DATA_CACHE_SECONDS}"
    return response
