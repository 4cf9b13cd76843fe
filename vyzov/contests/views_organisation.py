"""Pages of a contest's organisation: organisers and partners, the competition commission and its
decision on the winners, the regulation («Положение о Конкурсе»), the events and the analytical sections
of the results report. One GET page; one POST view per form, each re-rendering the page with what was
typed when it is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vyzov.accounts.access import Perm, has_perm, require_perm
from vyzov.accounts.types import AuthenticatedHttpRequest

from . import selectors, services
from .forms_organisation import (
    DecisionForm,
    EventForm,
    MemberForm,
    OrganisationForm,
    RegulationForm,
    SectionForm,
)
from .models import CommissionMember, Contest, ContestStatus

FORMS: dict[str, type[forms.Form] | type[forms.ModelForm]] = {
    "organisation": OrganisationForm,
    "member": MemberForm,
    "decision": DecisionForm,
    "regulation": RegulationForm,
    "event": EventForm,
    "section": SectionForm,
}


def _visible(request: AuthenticatedHttpRequest, pk: Any) -> Contest:
    if not any(has_perm(request.user, perm) for perm in selectors.CONTEST_PERMS):
        require_perm(request.user, Perm.CONTESTS_MANAGE)  # raises with the usual 403
    return selectors.contest_get(actor=request.user, pk=pk)


def _managed(request: AuthenticatedHttpRequest, pk: Any) -> Contest:
    require_perm(request.user, Perm.CONTESTS_MANAGE)
    return selectors.contest_get(actor=request.user, pk=pk)


def _form(kind: str, contest: Contest, data: Any = None, files: Any = None) -> Any:
    if kind == "decision":
        return DecisionForm(data, prefix=kind, members=CommissionMember.objects.filter(contest=contest))
    return FORMS[kind](data, files, prefix=kind)


def _page(
    request: AuthenticatedHttpRequest, contest: Contest, refused: Any = None, status: int = 200
) -> HttpResponse:
    manage = selectors.manages_contests(request.user)
    editable = manage and not contest.is_history
    forms_ = {kind: _form(kind, contest) for kind in FORMS} if editable else {}
    if refused is not None and editable:
        forms_[refused.prefix] = refused
    return render(
        request,
        "contests/organisation.html",
        {
            "contest": contest,
            "o": selectors.organisation(contest=contest),
            "sections": selectors.report_sections(contest=contest),
            "manage": manage,
            "forms": forms_,
            "decision_open": contest.status == ContestStatus.REVIEW,
        },
        status=status,
    )


@login_required
@require_GET
def organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _visible(request, pk))


def _refuse(form: Any, error: ValidationError) -> None:
    """A service's refusal on the form: on the fields the form has, the rest above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


Save = Callable[[AuthenticatedHttpRequest, Contest, dict[str, Any]], object]


def _post(request: AuthenticatedHttpRequest, pk: int, kind: str, save: Save, done: str) -> HttpResponse:
    """One form of the page: saved through its service, or the page again with the form as typed."""
    contest = _managed(request, pk)
    form = _form(kind, contest, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, contest, refused=form, status=400)
    try:
        save(request, contest, form.cleaned_data)
    except ValidationError as error:
        _refuse(form, error)
        return _page(request, contest, refused=form, status=400)
    messages.success(request, done)
    return redirect("contests:organisation", pk=contest.pk)


@login_required
@require_POST
def organisation_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "organisation",
        lambda request, contest, data: services.organisation_add(
            actor=request.user, contest=contest, data=data
        ),
        "Организация добавлена.",
    )


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "member",
        lambda request, contest, data: services.commission_member_add(
            actor=request.user, contest=contest, data=data
        ),
        "Член комиссии добавлен.",
    )


@login_required
@require_POST
def decision_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "decision",
        lambda request, contest, data: services.commission_decision_record(
            actor=request.user, contest=contest, **data
        ),
        "Решение комиссии записано: итоги можно публиковать.",
    )


@login_required
@require_POST
def regulation_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "regulation",
        lambda request, contest, data: services.regulation_upload(
            actor=request.user, contest=contest, uploaded=data["file"], title=data["title"]
        ),
        "Положение о конкурсе загружено.",
    )


@login_required
@require_POST
def event_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "event",
        lambda request, contest, data: services.event_add(actor=request.user, contest=contest, data=data),
        "Мероприятие добавлено.",
    )


@login_required
@require_POST
def section_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "section",
        lambda request, contest, data: services.report_section_add(
            actor=request.user, contest=contest, data=data
        ),
        "Пункт аналитического раздела добавлен.",
    )


@login_required
@require_GET
def regulation_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    if not any(has_perm(request.user, perm) for perm in selectors.CONTEST_PERMS):
        require_perm(request.user, Perm.CONTESTS_MANAGE)
    regulation = selectors.regulation_get(actor=request.user, pk=pk)  # 404 outside what the actor sees
    # Always a download, never inline: an uploaded file is not trusted content.
    return FileResponse(regulation.file.open("rb"), as_attachment=True, filename=regulation.original_name)
