"""API: the statutory deadline calculator (the same function the workflows use)."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema

from rongjia.core.deadlines import deadline

router = Router(tags=["calendar"])


class DeadlineQuery(Schema):
    start: date
    days: int
    kind: Literal["calendar", "working"] = "calendar"


class DeadlineOut(Schema):
    start: date
    days: int
    kind: str
    due: date
    moved_from: date | None
    rule: str
    years_without_table: list[int]


@router.get("/deadline", response={200: DeadlineOut, 422: dict})
def deadline_get(request, query: Query[DeadlineQuery]):
    """`due` for `days` calendar or working days after `start`, with the rule applied explained.

    Calendar days: the start day is not counted, and a last day on a rest day moves to the next
    working day (民法典 Art. 203). Working days skip weekends and holidays and count 调休 working
    days. `years_without_table` names years the holiday table does not cover yet.
    """
    try:
        return deadline(query.start, query.days, query.kind)
    except ValueError as exc:
        raise ValidationError({"days": [str(exc)]}) from None
