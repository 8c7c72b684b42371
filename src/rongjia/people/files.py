"""The files the dossiers make in the background (core.files): the batch of contact cards and a long export.

The list says on its buttons, before the click, what each will make: how many cards and about how many
pages, how many rows, and the cap (`cards_offer`, `export_offer`). Starting refuses what the button
refused, in the same words, and queues nothing (`cards_start`, `export_start`).

The job reads as its owner when it runs, through the list's own `PersonFilterForm.people`, so the file and
the list cannot disagree. The filters are kept as the audit log keeps them: a search for a full ID number or
phone never reaches the job's row (not even encrypted); the people it found are kept instead, by their ids,
and read again inside the owner's area when the file is made.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.exports import export_filename, export_place, form_filters, xlsx_workbook
from rongjia.core.files import FileMaker, JobRefused, MadeFile, Progress, file_job_start
from rongjia.core.models import FileJob
from rongjia.core.pagination import COUNT_CAP

from . import exporting, selectors
from .forms import PersonFilterForm
from .models import Person
from .printing import CARDS_PER_PAGE, card_entries, lay_out_cards

MAX_CARDS = 2000  # 250 pages: beyond that, print station by station
# Rows over which an export is made by the worker: 7,800 rows took 4.5 s in the request (issue 24).
EXPORT_IN_BACKGROUND = 2000
CARDS, EXPORT = "people.cards", "people.export"


# --- what the buttons say --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardsOffer:
    count: int  # counted up to MAX_CARDS + 1: enough to tell that the cap is passed

    @property
    def pages(self) -> int:
        return -(-self.count // CARDS_PER_PAGE)

    @property
    def refusal(self) -> str:
        return cards_refusal(self.count)


@dataclass(frozen=True)
class ExportOffer:
    count: int  # counted up to COUNT_CAP, as the list counts
    more: bool  # more rows than COUNT_CAP

    @property
    def in_background(self) -> bool:
        return self.more or self.count > EXPORT_IN_BACKGROUND


def cards_refusal(count: int) -> str:
    """Why the cards of `count` people are not made, or "" when they are."""
    if count > MAX_CARDS:
        return _("At most %(most)d people at once: narrow the list first (e.g. to one station).") % {
            "most": MAX_CARDS}
    return "" if count else _("No one on the books in this list: there is no card to print.")  # not a blank page


def _for_cards(people):
    """Cards go to the people on the books, station by station."""
    return people.filter(status=Person.Status.ACTIVE).order_by("station__region_code", "name_initials", "id")


def cards_offer(user, filters: PersonFilterForm, today: date) -> CardsOffer:
    return CardsOffer(count=_for_cards(filters.people(user, today)).order_by()[:MAX_CARDS + 1].count())


def export_offer(user, filters: PersonFilterForm, today: date) -> ExportOffer:
    counted = filters.people(user, today).order_by()[:COUNT_CAP + 1].count()
    return ExportOffer(count=min(counted, COUNT_CAP), more=counted > COUNT_CAP)


# --- asking for the files --------------------------------------------------------------------------------

def cards_start(*, actor, filters: PersonFilterForm, source: str, base_url: str) -> FileJob:
    """Queue the cards of the list's people on the books; over MAX_CARDS, or nobody, refused with nothing queued."""
    people = _for_cards(filters.people(actor, timezone.localdate()))
    offer = cards_offer(actor, filters, timezone.localdate())
    if offer.refusal:
        raise ValidationError(offer.refusal)
    parameters = {**_kept(filters, people, source), "base_url": base_url}
    return file_job_start(actor=actor, kind=CARDS, parameters=parameters, total=offer.count)


def export_start(*, actor, filters: PersonFilterForm, source: str) -> FileJob:
    """Queue the export of the list's rows (masked, as the immediate export); the job counts them when it runs."""
    people = filters.people(actor, timezone.localdate())
    return file_job_start(actor=actor, kind=EXPORT, parameters=_kept(filters, people, source))


def _kept(filters: PersonFilterForm, people, source: str) -> dict:
    """What the job keeps: the filters as the audit log keeps them, the page it was asked from, the list to go
    back to, and for a search by a full number the ids of the people found instead of the number."""
    query = filters.audit_query()
    kept = {"query": query, "filters": query, "source": source,
            "return_to": f"{reverse('people:person_list')}?{query}" if not filters.secret
            else reverse("people:person_list")}
    if filters.secret:
        kept["people"] = list(people.values_list("pk", flat=True)[:MAX_CARDS + 1])
    return kept


# --- making them (the worker, as the owner) ----------------------------------------------------------------

def _filters_and_people(job: FileJob, today: date):
    """The job's filters and its people, read now inside the owner's area."""
    filters = PersonFilterForm.from_query(QueryDict(job.parameters.get("query", "")))
    if "people" not in job.parameters:
        return filters, filters.people(job.owner, today)
    sort = filters.filters()["sort"] or "name"
    people = (Person.objects.visible_to(job.owner).filter(pk__in=job.parameters["people"])
              .select_related("station", "address_region").prefetch_related(selectors.current_categories(today))
              .order_by(*selectors.SORTS.get(sort, selectors.SORTS["name"])))
    return filters, people


def _place(job: FileJob, filters: PersonFilterForm) -> str:
    return export_place(job.owner, filters.filters()["region"] or "")


def make_cards(job: FileJob, progress: Progress) -> MadeFile:
    filters, people = _filters_and_people(job, timezone.localdate())
    progress.stage("reading")
    people = list(_for_cards(people)[:MAX_CARDS + 1])
    if problem := cards_refusal(len(people)):  # the list may have grown or emptied since the click
        raise JobRefused(problem)
    base_url = job.parameters.get("base_url", "/")
    cards = card_entries(people, base_url)
    progress.stage("layout", total=len(cards))
    document = lay_out_cards(cards, base_url=base_url, laid_out=progress.advance)
    progress.stage("writing")
    filename = export_filename(_place(job, filters), _("Service contact cards"), "pdf")
    return MadeFile(content=document.write_pdf(), filename=filename, rows=len(cards))


def make_export(job: FileJob, progress: Progress) -> MadeFile:
    today = timezone.localdate()
    filters, people = _filters_and_people(job, today)
    progress.stage("rows", total=people.count())
    title, place = _("Served people"), _place(job, filters)
    content, count = xlsx_workbook(title=title, headers=exporting.headers(), place=place,
                                   rows=progress.counted(exporting.rows(people, today)), filters=form_filters(filters))
    return MadeFile(content=content, filename=export_filename(place, title), rows=count)


MAKERS = (
    FileMaker(kind=CARDS, label=gettext_lazy("Service contact cards"), capability="people.view", make=make_cards),
    FileMaker(kind=EXPORT, label=gettext_lazy("Export of served people"), capability="people.view",
              make=make_export),
)
