from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from vyzov.accounts.access import Perm, require_perm, scope
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.pagination import paginate
from vyzov.territories.models import Subject

from . import selectors, services
from .forms import PracticeForm, SearchForm
from .models import Practice, PracticeFile


@login_required
@require_GET
def practice_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.PRACTICES_VIEW)
    categories = sorted(set(Practice.objects.exclude(category="").values_list("category", flat=True)))
    form = SearchForm(request.GET or None, categories=categories)
    filters = selectors.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            q=data["q"] or "",
            theme=data["theme"].pk if data["theme"] else None,
            subject=data["subject"].pk if data["subject"] else None,
            category=data["category"] or "",
            year=data["year"],
        )
    page = paginate(request, selectors.search(actor=request.user, filters=filters))
    for practice in page:
        practice.fragment = selectors.highlighted(getattr(practice, "headline", None)) if filters.q else None
    return render(
        request,
        "practices/practice_list.html",
        {
            "form": form,
            "page_obj": page,
            "q": filters.q,
            "can_add": bool(scope(request.user, Subject.objects.all(), Perm.PRACTICES_EDIT).exists()),
        },
    )


@login_required
@require_GET
def practice_detail(request: AuthenticatedHttpRequest, pk):
    practice = selectors.practice_get(actor=request.user, pk=pk)
    return render(
        request, "practices/practice_detail.html", {"practice": practice, "files": practice.files.all()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: AuthenticatedHttpRequest):
    subjects = scope(request.user, Subject.objects.order_by("name"), Perm.PRACTICES_EDIT)
    if not subjects.exists():
        require_perm(request.user, Perm.PRACTICES_EDIT)
        subjects = Subject.objects.none()
    form = PracticeForm(request.POST or None, request.FILES or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploaded = data.pop("file")
        try:
            practice = services.practice_create(actor=request.user, data=data, uploaded=uploaded)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Практика добавлена в библиотеку.")
            return redirect("practices:practice_detail", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form})


@login_required
@require_GET
def file_download(request: AuthenticatedHttpRequest, pk):
    stored = get_object_or_404(PracticeFile, pk=pk)
    selectors.practice_get(actor=request.user, pk=stored.practice_id)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


@login_required
@require_GET
def document_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.PRACTICES_VIEW)
    return render(
        request,
        "practices/document_list.html",
        {"page_obj": paginate(request, selectors.documents_visible(actor=request.user))},
    )
