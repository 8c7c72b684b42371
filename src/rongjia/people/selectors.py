"""Every read of dossiers; each starts from visible_to (DESIGN.md rule 1)."""

import re
from datetime import date

from django.db.models import Prefetch, Q

from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.scoping import region_prefix_or_404

from .models import Person, PersonCategory
from .services import id_index, phone_index

SORTS = {"name": ("name_initials", "id"), "-name": ("-name_initials", "-id"), "birth": ("birth_date", "id"),
         "-birth": ("-birth_date", "id"), "new": ("-created_at", "-id")}
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^[\d\- ]{7,20}$")
_INITIALS = re.compile(r"^[A-Za-z]{1,10}$")


def search_kind(q: str) -> str:
    """How a search box entry is read: "id", "phone", "initials", "name", or "" when empty."""
    q = q.strip()
    if _ID_LIKE.match(q):
        return "id"
    if _PHONE_LIKE.match(q):
        return "phone"
    if _INITIALS.match(q):
        return "initials"
    return "name" if q else ""


def held_on(today: date) -> Q:
    """A category span held on `today` (relative to PersonCategory)."""
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


def current_categories(today: date) -> Prefetch:
    """Each person's categories held today, as `person.current_spans` (one query per page)."""
    spans = PersonCategory.objects.filter(held_on(today)).select_related("category")
    return Prefetch("category_spans", queryset=spans, to_attr="current_spans")


def person_name_q(q: str) -> Q:
    """A name as a worker types it: latin letters as pinyin initials (张伟 → zw), anything else as part of the name.
    Another record reaches it with `person__in=Person.objects.filter(person_name_q(q))`."""
    q = q.strip()
    if search_kind(q) == "initials":
        return Q(name_initials__startswith=q.lower())
    return Q(name__icontains=q)


def person_search(user, *, q: str = "", category: int | None = None, tag: int | None = None, region: str = "",
                  status: str = "",
                  age_min: int | None = None, age_max: int | None = None, sort: str = "", today: date | None = None):
    """People in the viewer's scope matching the filters.

    `q` is read the way a worker types it: a full ID number is matched exactly through its
    blind index (never a LIKE on plaintext), digits as a phone through its index, latin
    letters as pinyin initials (张伟 → zw), anything else as part of the name.
    """
    people = Person.objects.visible_to(user).select_related("station", "address_region")
    q, today = q.strip(), today or date.today()
    kind = search_kind(q)
    if kind == "id":
        people = people.filter(id_hash=id_index(q))
    elif kind == "phone":
        people = people.filter(phone_hash=phone_index(q))
    elif kind in ("initials", "name"):
        people = people.filter(person_name_q(q))
    if region:
        people = people.in_subtree(region_prefix_or_404(user, region))
    if category:
        held = PersonCategory.objects.filter(held_on(today), category_id=category).values("person_id")
        people = people.filter(pk__in=held)
    if tag:
        people = people.filter(tags=tag)
    if status in Person.Status.values:
        people = people.filter(status=status)
    people = _by_age(people, age_min, age_max, today)
    return people.order_by(*SORTS.get(sort, SORTS["name"]))


def _by_age(people, age_min, age_max, today: date):
    """Age on `today`: born on or before today minus age_min years, after today minus (age_max+1)."""
    if age_min is not None:
        people = people.filter(birth_date__lte=_years_before(today, age_min))
    if age_max is not None:
        people = people.filter(birth_date__gt=_years_before(today, age_max + 1))
    return people


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def dossier_parts(person: Person) -> dict:
    """The parts a dossier page shows, each one query, with sensitive values masked."""
    household = list(person.household.all())
    for member in household:
        member.masked_id = mask_id_number(member.id_number) if member.id_number else ""
        member.masked_phone = mask_phone(member.phone)
    return {"spans": list(person.category_spans.select_related("category")), "household": household,
            "service_records": list(person.service_records.all()), "awards": list(person.awards.all()),
            "tags": list(person.tags.all())}
