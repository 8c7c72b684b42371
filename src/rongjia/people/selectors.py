"""Every read of dossiers; each starts from visible_to (DESIGN.md rule 1)."""

import re
from collections.abc import Callable
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q

from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import region_prefix_or_404, scope_prefix

from .models import Person, PersonCategory
from .names import typed_pinyin
from .services import id_index, phone_index

SORTS = {"name": ("name_pinyin", "id"), "-name": ("-name_pinyin", "-id"), "birth": ("birth_date", "id"),
         "-birth": ("-birth_date", "id"), "new": ("-created_at", "-id")}
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^[\d\- ]{7,20}$")
_LETTERS = re.compile(r"^[A-Za-z][A-Za-z ']{0,59}$")
# A name search of this many characters or fewer finds the names that begin with it: two characters make no
# trigram (the index of the search anywhere in a name), and a b-tree finds a beginning at once.
SHORT_NAME = 2
# A list this short is read by the ids of its rows (by_their_ids_if_few).
FEW = 500
# A scope of a county or more (the prefix of its code, 2, 4 or 6 digits) holds tens of thousands of people.
WIDE_PREFIX = 6
# The columns a list page shows of a person (the rest, the dossier's, stay in the database).
LIST_COLUMNS = ("name", "status", "sex", "birth_date", "id_number", "phone", "station")


def search_kind(q: str) -> str:
    """How a search box entry is read: "id", "phone", "letters" (pinyin), "name", or "" when empty."""
    q = q.strip()
    if _ID_LIKE.match(q):
        return "id"
    if _PHONE_LIKE.match(q):
        return "phone"
    if _LETTERS.match(q):
        return "letters"
    return "name" if q else ""


def held_on(today: date) -> Q:
    """A category span held on `today` (relative to PersonCategory)."""
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


def current_categories(today: date) -> Prefetch:
    """Each person's categories held today, as `person.current_spans` (one query per page)."""
    spans = PersonCategory.objects.filter(held_on(today)).select_related("category")
    return Prefetch("category_spans", queryset=spans, to_attr="current_spans")


def person_name_q(q: str) -> Q:
    """A name as a worker types it. Another record reaches it with `person__in=Person.objects.filter(…)`.

    Latin letters are pinyin, from the beginning of the whole name (gaojianjun, gao jian jun), of the surname
    with the given name's initials (gaojj) or of the initials (gjj) — the keys names.py keeps on the row.
    One or two characters find the names that begin with them (王伟 finds 王伟 and 王伟东, not 张王伟);
    three or more find them anywhere in the name (阳秀英 finds 欧阳秀英).
    """
    q = q.strip()
    if search_kind(q) == "letters":
        typed = typed_pinyin(q)
        return _begins("name_pinyin", typed) | _begins("name_pinyin_abbr", typed) | _begins("name_initials", typed)
    if len(q) <= SHORT_NAME:
        return Q(name__startswith=q) & _name_range_on_sqlite(q)
    return Q(name__icontains=q)


def _name_range_on_sqlite(q: str) -> Q:
    """On SQLite, the beginning of a name also as a range of its index: SQLite's LIKE never uses an index (its LIKE
    ignores case), so 吴军 read all 35,000 names of the demo. PostgreSQL reads LIKE '吴军%' from person_name_prefix,
    whatever its collation; a range of characters would depend on it, so it gets none."""
    if connection.vendor != "sqlite":
        return Q()
    return Q(name__gte=q, name__lt=q[:-1] + chr(ord(q[-1]) + 1))


def _begins(field: str, letters: str) -> Q:
    """Keys beginning with `letters` (a-z), as a range of the key's b-tree: [gao, gap). The bound is letters
    too ("abz" → "ac"), so the range is the same under any collation that puts a before b."""
    stem = letters.rstrip("z")
    if not stem:
        return Q(**{f"{field}__gte": letters})
    return Q(**{f"{field}__gte": letters, f"{field}__lt": stem[:-1] + chr(ord(stem[-1]) + 1)})


def by_their_ids_if_few(people):
    """`people` read by their ids when the list holds FEW or fewer (one read of the ids, LIMIT FEW + 1), else as
    it is. A short list's count and page then look rows up by primary key, which no planner misjudges, and a
    name searched for without an index (SQLite's LIKE '%宋红军%') is scanned once rather than for the count and
    again for the page, walking the name order (57 ms → 20 ms on the demo's 35,000, docs/performance.md)."""
    ids = list(people.order_by().values_list("pk", flat=True)[:FEW + 1])
    return people.filter(pk__in=ids) if len(ids) <= FEW else people


def walked_page(page, people_in_passing: Callable) -> None:
    """Give a page of a list longer than it counts (CappedPaginator: over 10,000) its rows from the walk of the
    list's order, `people_in_passing()` (person_search(in_passing=True), the same rows): a county's or a province's
    page then reads the next 50 entries of the name order that lie in the scope, whatever the planner estimates
    of the scope's size; the count, and every shorter list, keep the scope's range (a village's 174 people are
    read by their code and sorted, not found among a million).
    """
    if page.paginator.capped:
        page.object_list = people_in_passing()[page.start_index() - 1:page.end_index()]


def on_a_list_page(people):
    """What a page of the list reads of each person: its columns (the dossier's other columns are neither
    read nor decrypted: the second phone is not shown), and its station's name read afterwards for the page's
    50 people. Joined instead, the stations made the planner weigh a hash of all 19,224 of Gansu's units
    against the page's rows on every estimate it misjudged; the page's query now reads one table."""
    stations = Prefetch("station", queryset=OrgUnit.objects.only("name"))
    return people.select_related(None).only(*LIST_COLUMNS).prefetch_related(stations)


def person_search(user, *, q: str = "", category: int | None = None, tag: int | None = None, region: str = "",
                  status: str = "",
                  age_min: int | None = None, age_max: int | None = None, sort: str = "", today: date | None = None,
                  in_passing: bool = False):
    """People in the viewer's scope matching the filters.

    `q` is read the way a worker types it: a full ID number is matched exactly through its
    blind index (never a LIKE on plaintext), digits as a phone through its index, anything else
    as a name (`person_name_q`: pinyin, the beginning of a short name, part of a longer one).

    The scope takes the form a list reads fastest whatever the planner's statistics (core.scoping.list_scope_q):
    a village as its code, so its people are read in order from one index; `in_passing`, the scope and the region
    tested row by row, for a list longer than it counts (`walked_page`) and for a name searched across a county or
    more, where the search's own index finds the few and a range of the scope would only be read beside it.
    """
    q, today = q.strip(), today or date.today()
    kind = search_kind(q)
    in_passing = in_passing or (kind in ("letters", "name") and _wide(user, region))
    people = Person.objects.visible_to_for_a_list(user, in_passing=in_passing).select_related("station",
                                                                                              "address_region")
    if kind == "id":
        people = people.filter(id_hash=id_index(q))
    elif kind == "phone":
        people = people.filter(phone_hash=phone_index(q))
    elif kind in ("letters", "name"):
        people = people.filter(person_name_q(q))
    if region:
        prefix = region_prefix_or_404(user, region)
        people = people.in_subtree_for_a_list(prefix, in_passing=in_passing)
    if category:
        held = PersonCategory.objects.filter(held_on(today), category_id=category).values("person_id")
        people = people.filter(pk__in=held)
    if tag:
        people = people.filter(tags=tag)
    if status in Person.Status.values:
        people = people.filter(status=status)
    people = _by_age(people, age_min, age_max, today)
    return people.order_by(*SORTS.get(sort, SORTS["name"]))


def _wide(user, region: str) -> bool:
    """Whether the list's narrowest scope is a county or more (a prefix of six digits or fewer)."""
    prefix = region or scope_prefix(user) or ""
    return len(prefix) <= WIDE_PREFIX


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
