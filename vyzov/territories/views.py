from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from vyzov.accounts.access import Perm, allows, has_perm, require, require_perm
from vyzov.accounts.selectors import user_count_for_territory
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.pagination import paginate

from . import selectors, services
from .forms import OrganizationFilterForm, OrganizationForm
from .models import Subject


@login_required
@require_GET
def tree(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.TERRITORIES_VIEW)
    return render(
        request, "territories/tree.html", {"districts": selectors.territory_tree(actor=request.user)}
    )


@login_required
@require_GET
def subject_municipalities(request: AuthenticatedHttpRequest, code):
    """The municipalities of one subject that the actor sees: an htmx fragment of the tree.
    Works for an unlinked ancestor subject too (a municipal specialist sees their municipality)."""
    subject = get_object_or_404(Subject, code=code)
    municipalities = selectors.municipality_list(actor=request.user, filters={"subject": subject})
    if not municipalities.exists():
        selectors.subject_get(actor=request.user, code=code)  # 404 unless the subject itself is visible
    return render(
        request,
        "territories/tree.html#municipality-list",
        {"subject": subject, "municipalities": municipalities},
    )


@login_required
@require_GET
def subject_detail(request: AuthenticatedHttpRequest, code):
    subject = selectors.subject_get(actor=request.user, code=code)
    municipalities = selectors.municipality_list(actor=request.user, filters={"subject": subject})
    context = {
        "subject": subject,
        "page_obj": paginate(request, municipalities),
        "organization_counts": selectors.organization_counts_by_kind(actor=request.user, subject=subject),
        "user_count": user_count_for_territory(actor=request.user, subject=subject),
    }
    return render(request, "territories/subject_detail.html", context)


@login_required
@require_GET
def municipality_detail(request: AuthenticatedHttpRequest, pk):
    municipality = selectors.municipality_get(actor=request.user, pk=pk)
    organizations = selectors.organization_list(actor=request.user, filters={"municipality": municipality})
    context = {
        "municipality": municipality,
        "subject_visible": allows(request.user, Perm.TERRITORIES_VIEW, municipality.subject),
        "page_obj": paginate(request, organizations),
    }
    return render(request, "territories/municipality_detail.html", context)


@login_required
@require_GET
def organization_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.TERRITORIES_VIEW)
    form = OrganizationFilterForm(request.GET or None, actor=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    organizations = selectors.organization_list(actor=request.user, filters=filters)
    context = {
        "form": form,
        "page_obj": paginate(request, organizations),
        "can_create": has_perm(request.user, Perm.ORGANIZATIONS_MANAGE),
    }
    return render(request, "territories/organization_list.html", context)


@login_required
@require_GET
def organization_detail(request: AuthenticatedHttpRequest, pk):
    organization = selectors.organization_get(actor=request.user, pk=pk)
    can_edit = allows(request.user, Perm.ORGANIZATIONS_MANAGE, organization)
    return render(
        request, "territories/organization_detail.html", {"organization": organization, "can_edit": can_edit}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.ORGANIZATIONS_MANAGE)
    form = OrganizationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, data=form.organization_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Организация «{organization}» создана.")
            return redirect("territories:organization_detail", pk=organization.pk)
    return render(request, "territories/organization_form.html", {"form": form, "organization": None})


@login_required
@require_http_methods(["GET", "POST"])
def organization_update(request: AuthenticatedHttpRequest, pk):
    organization = selectors.organization_get(actor=request.user, pk=pk)
    require(request.user, Perm.ORGANIZATIONS_MANAGE, organization)
    form = OrganizationForm(request.POST or None, instance=organization, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                # The form has already written its values onto `organization`; the service compares
                # against a fresh copy to record exactly what changed.
                organization=selectors.organization_get(actor=request.user, pk=pk),
                data=form.organization_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("territories:organization_detail", pk=pk)
    return render(request, "territories/organization_form.html", {"form": form, "organization": organization})


# Which permission a dependent <select> is for: the options are exactly the choices its form accepts.
OPTION_PURPOSES = {"organizations": Perm.ORGANIZATIONS_MANAGE, "children": Perm.CASES_EDIT}


@login_required
@require_GET
def municipality_options(request: AuthenticatedHttpRequest):
    """<option>s of the municipalities of a subject for a dependent select (htmx)."""
    perm = OPTION_PURPOSES.get(request.GET.get("for", "organizations"), Perm.ORGANIZATIONS_MANAGE)
    municipalities = selectors.municipality_options(
        actor=request.user, perm=perm, subject_id=request.GET.get("subject", "")
    )
    return render(request, "territories/_municipality_options.html", {"municipalities": municipalities})
