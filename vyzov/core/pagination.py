from django.core.paginator import Page, Paginator

DEFAULT_PAGE_SIZE = 50


def paginate(request, queryset, *, per_page: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of a list; a missing, broken or too large page number gives the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
