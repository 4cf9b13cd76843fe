import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, get_in_scope, require, require_perm, scope
from vyzov.consilium.selectors import coverage as consilium_coverage
from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.services import audit_entry_create
from vyzov.core.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from vyzov.territories.models import Subject

from . import exports, programme_figures, selectors, services, tilemap
from .forms import FigureImportForm, PriorityForm, QuarterForm, ReportFilterForm, ReturnForm
from .imports import fail_stale_figure_jobs, figure_import_job_create, template_bytes
from .models import FigureImportJob, previous_quarter, quarter_label, validate_quarter_date
from .priority import PriorityInput, rank_regions
from .reference import BASELINE_DATE


def ru_number(value: float, *, digits: int = 1, signed: bool = False) -> str:
    """−22,4 rather than -22.4: a minus sign and a decimal comma."""
    text = f"{abs(value):.{digits}f}".replace(".", ",")
    if value < 0:
        return "−" + text
    return ("+" if signed and value > 0 else "") + text


def _tiles(actor, rows):
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
def overview(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    data = selectors.overview()
    figures = programme_figures.reference_figures()
    legend = [(colour, label) for colour, label in tilemap.PROGRESS_LEGEND]
    context = {
        "data": data,
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


def _ranking_rows(request):
    rows = selectors.subject_rows()
    sort = request.GET.get("sort", "progress")
    rows.sort(key=SORTS.get(sort, SORTS["progress"]))
    if request.GET.get("pilot") == "1":
        rows = [row for row in rows if row.subject.is_pilot]
    return rows, sort


@login_required
@require_GET
def ranking(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    rows, sort = _ranking_rows(request)
    return render(
        request,
        "monitoring/ranking.html",
        {"rows": rows, "sort": sort, "pilot": request.GET.get("pilot") == "1"},
    )


@login_required
@require_GET
def ranking_export(request):
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
def region(request, code):
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
def region_summary(request, code):
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
def priority(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = PriorityForm(request.GET or None)
    weights = {"weight_count": 1.0, "weight_share": 1.0, "top_n": 14}
    if form.is_valid():
        weights = {key: float(value) if key != "top_n" else value for key, value in form.cleaned_data.items()}
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


# ---- reports: entry, submission, review ----------------------------------------------------------


@login_required
@require_GET
def report_list(request):
    require_perm(request.user, Perm.MONITORING_VIEW)
    form = ReportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.report_list(actor=request.user, filters=filters)
    context = {
        "form": form,
        "page_obj": paginate(request, reports),
        "editable_subjects": scope(request.user, Subject.objects.all(), Perm.MONITORING_EDIT),
        "next_quarter": _current_quarter(),
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


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, code, as_of):
    subject = get_in_scope(request.user, Subject.objects.all(), Perm.MONITORING_VIEW, code=code)
    as_of = _parse_quarter(as_of)
    report = (
        services.report_for(actor=request.user, subject=subject, as_of=as_of)
        if allows(request.user, Perm.MONITORING_EDIT, subject)
        else selectors.report_list(actor=request.user).filter(subject=subject, as_of=as_of).first()
    )
    if report is None:
        raise Http404("Отчёта нет.")
    form = _quarter_form(request, subject, report, as_of)
    can_edit = allows(request.user, Perm.MONITORING_EDIT, report) and report.is_editable
    if request.method == "POST":
        if not can_edit:
            messages.error(request, "Этот отчёт изменить нельзя.")
            return redirect("monitoring:report_edit", code=code, as_of=as_of.isoformat())
        if form.is_valid():
            inputs = _figure_inputs(form)
            try:
                if report.pk is None:
                    report = services.report_for(
                        actor=request.user, subject=subject, as_of=as_of, create=True
                    )
                changed = services.figures_save(actor=request.user, report=report, inputs=inputs)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, f"Сохранено. Изменено значений: {changed}.")
                return redirect("monitoring:report_edit", code=code, as_of=as_of.isoformat())
    return _report_page(request, subject, report, as_of, form, can_edit)


def _quarter_form(request, subject, report, as_of) -> QuarterForm:
    figures = selectors.report_figures(report=report) if report.pk else {}
    previous = selectors.subject_values(subject=subject, as_of=previous_quarter(as_of))
    return QuarterForm(
        request.POST or None, indicators=selectors.indicators(), figures=figures, previous=previous
    )


def _figure_inputs(form) -> list:
    return [
        services.FigureInput(indicator, form.cleaned_data[value_name], form.cleaned_data[comment_name] or "")
        for indicator, value_name, comment_name, _previous, _figure in form.rows
        if form.cleaned_data[value_name] is not None
    ]


def _report_page(request, subject, report, as_of, form, can_edit, status=200):
    context = {
        "subject": subject,
        "report": report,
        "as_of": as_of,
        "quarter": quarter_label(as_of),
        "form": form,
        "can_edit": can_edit,
        "can_review": report.pk and allows(request.user, Perm.MONITORING_APPROVE, report),
        "return_form": ReturnForm(),
    }
    return render(request, "monitoring/report_edit.html", context, status=status)


def _errors_to_form(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, texts in error.message_dict.items():
        field = f"value_{key.split('@')[0]}"
        form.add_error(field if field in form.fields else None, texts)


def _report_action(request, pk, action):
    report = selectors.report_get(actor=request.user, pk=pk)
    try:
        action(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("monitoring:report_edit", code=report.subject.code, as_of=report.as_of.isoformat())


@login_required
@require_POST
def report_submit(request, pk):
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
    form = _quarter_form(request, subject, report, as_of)
    if form.is_valid():
        try:
            services.report_save_and_submit(actor=request.user, report=report, inputs=_figure_inputs(form))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, "Значения сохранены, отчёт направлен на проверку федеральной команде.")
            return redirect("monitoring:report_edit", code=subject.code, as_of=as_of.isoformat())
    return _report_page(request, subject, report, as_of, form, report.is_editable, status=400)


@login_required
@require_POST
def report_accept(request, pk):
    def accept(report):
        services.report_accept(actor=request.user, report=report)
        messages.success(request, "Отчёт принят; своды пересчитаны.")

    return _report_action(request, pk, accept)


@login_required
@require_POST
def report_return(request, pk):
    form = ReturnForm(request.POST)

    def give_back(report):
        services.report_return(
            actor=request.user, report=report, comment=form.cleaned_data["comment"] if form.is_valid() else ""
        )
        messages.success(request, "Отчёт возвращён на доработку.")

    return _report_action(request, pk, give_back)


@login_required
@require_POST
def report_from_register(request, pk):
    def fill(report):
        changed = services.figures_from_register(actor=request.user, report=report)
        messages.success(request, f"Заполнено по реестру; изменено значений: {changed}.")

    return _report_action(request, pk, fill)


@login_required
@require_GET
def report_history(request, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    revisions = selectors.report_revisions(actor=request.user, report=report)
    return render(request, "monitoring/report_history.html", {"report": report, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request):
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
def figure_import_detail(request, pk):
    require_perm(request.user, Perm.MONITORING_EDIT)
    # The watchdog: a job in flight past its time limit is failed, so the page stops polling.
    fail_stale_figure_jobs()
    job = get_object_or_404(FigureImportJob.objects.filter(created_by=request.user), pk=pk)
    template = "monitoring/import_detail.html#progress" if request.htmx else "monitoring/import_detail.html"
    return render(request, template, {"job": job, "errors": job.errors[:1000]})


@login_required
@require_GET
def figure_import_report(request, pk):
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
def figure_import_template(request):
    require_perm(request.user, Perm.MONITORING_EDIT)
    response = HttpResponse(template_bytes(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="monitoring-template.xlsx"'
    return response
