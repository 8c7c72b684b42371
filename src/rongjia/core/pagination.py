from functools import cached_property

from django.core.paginator import Paginator

PAGE_SIZE = 50
# A list bigger than this says "10,000+" instead of counting a province's million rows on every
# page (the count, not the page, is what grows with the table); filters narrow it down.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one COUNT over a LIMIT subquery); `capped` says there are more."""

    def __init__(self, object_list, per_page, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.cap = cap or COUNT_CAP
        self.capped = False

    @cached_property
    def count(self) -> int:
        # Without the ordering: sorting a county's 80,000 rows only to count 10,001 of them costs
        # 0.45 s on PostgreSQL; unordered, the count stops at the cap (measured, docs/performance.md).
        counted = _count_up_to(self.object_list, self.cap + 1)
        self.capped = counted > self.cap
        return min(counted, self.cap)


def _count_up_to(queryset, limit: int) -> int:
    return queryset.order_by()[:limit].count()


def capped_count(queryset, cap: int = COUNT_CAP) -> int:
    """The count a capped list shows (at most `cap`), the same way, for counts shown beside links to it."""
    return min(_count_up_to(queryset, cap + 1), cap)


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, capped: bool = False):
    """The requested page of `queryset`, and the query string less `page` for the page links.

    A page number that is not a number or is out of range gives the first or last page. With
    `capped`, the lists that can hold a province's people or audit entries count to COUNT_CAP only.
    """
    paginator = CappedPaginator(queryset, per_page) if capped else Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
