"""Pagination that stays fast on deep pages of large lists."""

from django.core.paginator import Paginator


class DeferredJoinPaginator(Paginator):
    """Django's Paginator, whose page reads its ids first, then those rows only.

    With OFFSET on whole rows, PostgreSQL fetches every skipped row from the table
    (thousands of random reads on a deep page). The ids alone come from the sort's
    index (an index-only scan); the page's rows are then fetched by primary key in
    the same query: a deep page costs about what page 1 does.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        page_ids = rows.values("pk")[bottom:top]
        return self._get_page(rows.filter(pk__in=page_ids), number, self)
