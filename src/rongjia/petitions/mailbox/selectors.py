"""Reads of the supervision mailbox: the answering centre's inbox with its deadlines, and the page of the
station the feedback is about, which shows the outcome but never the sender."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from rongjia.core.scoping import get_visible_or_404

from ..models import Feedback
from ..selectors import WARNING_DAYS, feedback_list

# The inbox's `due=` filter, as the petition list's: "overdue" (unanswered past its day) or "soon"
# (unanswered, due today or within the 5 days of the first warning).
DUE_FILTERS = ("overdue", "soon")


def _due_window(due: str, today: date) -> dict:
    return {"overdue": {"due_on__lt": today},
            "soon": {"due_on__gte": today, "due_on__lte": today + timedelta(days=WARNING_DAYS)}}[due]


def inbox_list(user, *, answered: str = "", due: str = ""):
    """The feedback the viewer's centre (or one below it) answers, filtered by answer and deadline."""
    feedback = feedback_list(user, answered=answered)
    if due in DUE_FILTERS:
        feedback = feedback.filter(answered_at__isnull=True, **_due_window(due, timezone.localdate()))
    return feedback


def mailbox_overdue_count(viewer) -> int:
    """Unanswered feedback past its answer deadline that the viewer's centre (or one below it) answers: the
    workbench's count, the same rows as the inbox's `?due=overdue`."""
    return inbox_list(viewer, due="overdue").count()


# What the station's page may read of a feedback. Not the sender's name, receipt, words or follow-up
# (their words can name them), nor the time of day (with a terminal's own log it could).
STATION_FIELDS = ("pk", "about__name", "topic", "rating", "created_at", "answered_at", "answer", "answer_rating",
                  "followed_up_at", "first_answer", "first_answer_rating", "due_on")


@dataclass(frozen=True)
class StationRow:
    """One feedback as the station it is about sees it: built from STATION_FIELDS only."""

    pk: int
    station: str
    topic: str
    rating: str
    sent_on: date
    answered: bool
    answer: str
    answer_rating: str
    followed_up: bool
    first_answer: str
    first_answer_rating: str
    overdue: bool

    @classmethod
    def of(cls, values: dict, today: date) -> "StationRow":
        def label(choice: str) -> str:
            return str(Feedback.Rating(choice).label) if choice else ""

        return cls(pk=values["pk"], station=values["about__name"], topic=str(Feedback.Topic(values["topic"]).label),
                   rating=label(values["rating"]), sent_on=timezone.localdate(values["created_at"]),
                   answered=values["answered_at"] is not None, answer=values["answer"],
                   answer_rating=label(values["answer_rating"]), followed_up=values["followed_up_at"] is not None,
                   first_answer=values["first_answer"], first_answer_rating=label(values["first_answer_rating"]),
                   overdue=values["answered_at"] is None and bool(values["due_on"]) and values["due_on"] < today)


def about_list(user):
    """Feedback about a station or centre in the viewer's subtree (the station and the centres above it),
    as dicts of STATION_FIELDS: a page built from it cannot show the sender."""
    return Feedback.seen_by_station.visible_to(user).values(*STATION_FIELDS).order_by("-created_at", "-id")


def about_rows(values, today: date | None = None) -> list[StationRow]:
    today = today or timezone.localdate()
    return [StationRow.of(row, today) for row in values]


def about_one_or_404(user, pk) -> StationRow:
    """One feedback about the viewer's subtree, as a StationRow; 404 when missing or outside alike."""
    found = get_visible_or_404(Feedback.seen_by_station.values(*STATION_FIELDS), user, pk=pk)
    return StationRow.of(found, timezone.localdate())
