"""Pages of long lists (the feed, questions, members) without counting the whole list.

Counting 200,000 updates that pass the viewer's visibility and blocking rules took longer than the
rest of the feed page together, and nobody needs "page 1 of 10,000". A page reads one row more
than it shows: that row says whether an older page exists.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

# A huge number would overflow the database's OFFSET; nobody pages that far back by hand.
MAX_PAGE_NUMBER = 10_000


@dataclass
class ListPage:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def list_page(queryset: QuerySet, *, number: int, size: int) -> ListPage:
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return ListPage(object_list=rows[:size], number=number, has_next=len(rows) > size)


def page_number(request: HttpRequest) -> int:
    """The `page` the request asks for: 1 for anything that is not a sensible whole number."""
    try:
        return min(max(1, int(request.GET.get("page", "1"))), MAX_PAGE_NUMBER)
    except ValueError:
        return 1
