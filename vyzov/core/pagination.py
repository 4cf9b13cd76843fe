from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

DEFAULT_PAGE_SIZE = 50
# A national register list never counts more rows than this: the count reads at most CAP + 1 index
# entries instead of the whole table, and the pages beyond it (an OFFSET of up to CAP rows) are not
# offered — a longer list is narrowed with the filters.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: exact when the (filtered) set is small, «more than
    cap» otherwise."""

    def __init__(self, *args, cap: int = COUNT_CAP, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def true_count_above_cap(self) -> bool:
        return self._bounded_count > self.cap

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        return self.true_count_above_cap


def paginate(request, queryset, *, per_page: int = DEFAULT_PAGE_SIZE, cap: int | None = None) -> Page:
    """One page of a list; a missing, broken or too large page number gives the nearest valid page.
    With `cap`, the count stops there (see CappedPaginator): for lists over a national table."""
    if cap is not None:
        return CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get("page"))
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
