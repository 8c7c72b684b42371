"""Page-number pagination with bounds: an unbounded page number overflows the database's OFFSET
(a 500 that schemathesis found); a page size above 500 would make one response too heavy."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE, MAX_PAGE_SIZE = 100_000, 500


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
