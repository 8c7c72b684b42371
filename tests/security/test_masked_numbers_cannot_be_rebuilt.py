"""A masked ID number must not be rebuildable from what is shown with it (issue 15, finding 1; decision 0008).

An outside audit joined two columns of the people export: the mask hid digits 7–14, which are the
birth date, and the birth date stood in the next column, so every full number came back. Here every
place that shows a masked number is read as its reader sees it (a page, one export row read back with
openpyxl, one API object, the booklet's PDF text), the masked numbers in it are taken out, and the
numbers that fit them are counted after the check digit.

The reader is assumed to know the person's region, birth date and sex whatever the place shows beside
the mask: the same viewer can open the dossier, which shows them. So a place passes only if the mask
itself hides enough, which is also what keeps two places from combining into more than either.
A new place is one line in PLACES.
"""

import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from rongjia.core.idnumber import _CHECK_CHARS, _WEIGHTS, parse_id_number
from rongjia.people.books.services import transfer_propose
from rongjia.people.models import Person, Transfer
from rongjia.people.services_records import record_save
from tests.api.conftest import api
from tests.factories import VILLAGE2_CODE, duplicate_from_before_the_rule, person_at, unit_at, valid_id_number

ENOUGH = 500  # 18 digits, region, birth date and sex known: 500 sequences, each with its own check digit
PERSON_ID = valid_id_number("19770903", sequence=123)
MEMBER_ID = valid_id_number("19790312", sequence=246)
FIRST_DAY = date(1890, 1, 1)  # core.idnumber refuses anyone born earlier


# --- counting the numbers that fit a mask ---------------------------------------------------

def _digits(shown: str) -> list[str]:
    return [c if c != "*" else "0123456789" for c in shown]


def _fits(shown: str, text: str) -> bool:
    return all(s == "*" or s == t for s, t in zip(shown, text, strict=True))


def _spread(values, offset: int) -> Counter:
    """How many of `values` (digit strings at `offset` of the number) give each weighted sum mod 11."""
    return Counter(sum(int(d) * _WEIGHTS[offset + i] for i, d in enumerate(v)) % 11 for v in values)


def _combine(a: Counter, b: Counter) -> Counter:
    total = Counter()
    for x, m in a.items():
        for y, n in b.items():
            total[(x + y) % 11] += m * n
    return total


def candidates(masked: str, *, region: str = "", birth_date: date | None = None, sex: str = "",
               age: int | None = None, on: date | None = None) -> int:
    """How many ID numbers fit `masked` ('*' hides a character) and the facts known beside it.

    18 characters: region (6), birth date (8), sequence (3, odd for men), check digit (MOD 11-2), so
    only numbers whose check digit is right count. 15 characters (the legacy form of decision 0006):
    region, birth date as YYMMDD in the 1900s, sequence, no check digit.
    """
    masked, on = masked.upper(), on or date.today()
    legacy = len(masked) == 15
    if len(masked) not in (15, 18):
        raise ValueError(f"not an ID number's length: {masked!r}")
    body = len(masked) - (0 if legacy else 1)  # the characters the check digit is computed from
    year_digits = 2 if legacy else 4
    date_end, seq_end = 6 + year_digits + 4, body
    if region:
        regions = [region[:6]] if _fits(masked[:6], region[:6]) else []
    else:
        regions = list(_product(_digits(masked[:6])))
    days = []
    for n in range((on - FIRST_DAY).days + 1):
        day = FIRST_DAY + timedelta(days=n)
        text = f"{day:%Y%m%d}"[4 - year_digits:]
        if (legacy and day.year // 100 != 19) or not _fits(masked[6:date_end], text):
            continue
        if birth_date and day != birth_date:
            continue
        if age is not None and on.year - day.year - ((on.month, on.day) < (day.month, day.day)) != age:
            continue
        days.append(text)
    sequences = [f"{n:03d}" for n in range(1000) if _fits(masked[date_end:seq_end], f"{n:03d}")
                 and (not sex or (n % 2 == 1) == (sex == "M"))]
    if legacy:
        return len(regions) * len(days) * len(sequences)
    sums = _combine(_combine(_spread(regions, 0), _spread(days, 6)), _spread(sequences, 14))
    check = masked[17]
    return sum(n for total, n in sums.items() if check == "*" or _CHECK_CHARS[total] == check)


def _product(choices: list[str]):
    if not choices:
        yield ""
        return
    for head in choices[0]:
        for tail in _product(choices[1:]):
            yield head + tail


_MASKED = re.compile(r"(?<![0-9Xx*])[0-9Xx*]{15}(?:[0-9Xx*]{3})?(?![0-9Xx*])")


def masks_of(number: str, text: str) -> list[str]:
    """The masked forms of `number` in `text` (and the number itself, if it is there in full)."""
    return [m for m in _MASKED.findall(text.upper()) if len(m) == len(number) and _fits(m, number)]


def merged(masks: list[str]) -> str:
    """What the masks tell together: a character is known if any of them shows it."""
    return "".join(next((c for c in column if c != "*"), "*") for column in zip(*masks, strict=True))


def candidates_for(number: str, masks: list[str]) -> int:
    facts = parse_id_number(number)  # the reader knows region, birth date and sex (see the module's doc)
    return candidates(merged(masks), region=facts.region_code, birth_date=facts.birth_date, sex=facts.sex)


def test_the_old_mask_and_the_birth_date_beside_it_give_the_number_back():
    old = PERSON_ID[:6] + "********" + PERSON_ID[-4:]
    assert candidates(old, birth_date=date(1977, 9, 3)) == 1
    assert candidates(old, age=40, on=date(2018, 1, 1)) == candidates(old, age=40, on=date(2018, 1, 1), sex="M") > 1


def test_the_count_is_exact():
    assert candidates(PERSON_ID) == 1
    assert candidates(PERSON_ID[:17] + "*") == 1  # the check digit adds nothing
    assert candidates(PERSON_ID[:14] + "****") == 1000
    assert candidates(PERSON_ID[:14] + "****", sex="M") == candidates(PERSON_ID[:14] + "****", sex="F") == ENOUGH
    assert candidates(PERSON_ID[:15] + "***") == 100  # a mask that shows one sequence digit more
    brute = sum(1 for n in range(1000) if valid_id_number("19770903", sequence=n)[-2:] == PERSON_ID[-2:])
    assert candidates(PERSON_ID[:14] + "**" + PERSON_ID[-2:]) == brute
    assert candidates("320115770903***") == 1000 and candidates("320115770903***", sex="F") == ENOUGH
    assert candidates("******19770903****", region="320115", sex="M") == ENOUGH
    for masked in ("32011*1977090*1231", "3201151977*9031**1", "32011519770903123*"):  # against brute force
        fills = _product(_digits(masked))
        assert candidates(masked) == sum(1 for number in fills if _valid(number)), masked


def _valid(number: str) -> bool:
    try:
        parse_id_number(number)
    except ValidationError:
        return False
    return True


# --- the places that show a masked number ---------------------------------------------------

@dataclass
class World:
    cast: object
    client_for: Callable
    token_for: Callable
    client: object
    person: Person
    tmp_path: object


def page(world: World, url: str, user=None) -> str:
    return world.client_for(user or world.cast.village_worker).get(url, follow=True).content.decode()


def sheet_row(content: bytes, name: str) -> str:
    """The one row of a workbook that holds `name`, as its cells joined: what stands beside the mask."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).active  # the table (the first sheet is the note)
    [row] = [cells for cells in sheet.iter_rows(values_only=True) if name in cells]
    return " | ".join(str(cell) for cell in row)


def household_member(world: World):
    """The person's spouse, with an ID number (made once per world: the places share it)."""
    spouse = {"name": "王秀英", "relationship": "spouse", "id_number": MEMBER_ID, "phone": "", "note": ""}
    return world.person.household.first() or record_save(actor=world.cast.village_worker, person=world.person,
                                                         kind="household", fields=spouse)


def with_member(world: World) -> World:
    household_member(world)
    return world


def in_transfer(world: World) -> World:
    if not Transfer.objects.filter(person=world.person).exists():
        transfer_propose(actor=world.cast.village_worker, person=world.person, to_station=unit_at(VILLAGE2_CODE),
                         reason="随子女居住")
    return world


def with_duplicate(world: World) -> World:
    """A second dossier of the number at the next village, as legacy ledgers left them."""
    if Person.objects.filter(id_hash=world.person.id_hash).count() == 1:
        duplicate_from_before_the_rule(world.cast.village2_worker, code=VILLAGE2_CODE, id_number=PERSON_ID)
    return world


def api_object(world: World, url: str) -> str:
    answer = api(world.client, "get", url, world.token_for(world.cast.village_worker)).json()
    objects = answer["items"] if "items" in answer else [answer]
    [mine] = [o for o in objects if o["id"] == world.person.pk]
    return json.dumps(mine, ensure_ascii=False)


def ledger_row(world: World) -> str:
    out = world.tmp_path / "ledger.xlsx"
    call_command("export_people", str(out), "--as", "village_worker", stdout=io.StringIO())
    return sheet_row(out.read_bytes(), world.person.name)


def booklet_text(world: World) -> str:
    response = world.client_for(world.cast.village_worker).get(f"/people/{world.person.pk}/booklet.pdf")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


# name -> (the number shown there, what its reader sees). One line per place.
PLACES: dict[str, tuple[str, Callable[[World], str]]] = {
    "dossier page": (PERSON_ID, lambda w: page(w, f"/people/{w.person.pk}/")),
    "dossier edit page": (PERSON_ID, lambda w: page(w, f"/people/{w.person.pk}/edit")),
    "people list": (PERSON_ID, lambda w: page(w, "/people/")),
    "people list searched by the number": (PERSON_ID, lambda w: page(w, f"/people/?q={PERSON_ID}")),
    "people export row": (PERSON_ID, lambda w: sheet_row(
        w.client_for(w.cast.grid_worker).get("/people/export.xlsx").content, w.person.name)),
    "ledger export row (export_people)": (PERSON_ID, ledger_row),
    "as-of list": (PERSON_ID, lambda w: page(w, "/people/as-of/?day=2024-01-01")),
    "as-of export row": (PERSON_ID, lambda w: sheet_row(
        w.client_for(w.cast.village_worker).get("/people/as-of/export.xlsx?day=2024-01-01").content, w.person.name)),
    "transfers, sender's list": (PERSON_ID, lambda w: page(in_transfer(w), "/people/transfers/?direction=out")),
    "transfers, receiver's list": (PERSON_ID, lambda w: page(in_transfer(w), "/people/transfers/",
                                                             w.cast.village2_worker)),
    "duplicates report": (PERSON_ID, lambda w: page(with_duplicate(w), "/people/duplicates/", w.cast.street_worker)),
    "API person": (PERSON_ID, lambda w: api_object(w, f"/api/v1/people/{w.person.pk}")),
    "API person list": (PERSON_ID, lambda w: api_object(w, "/api/v1/people/")),
    "booklet (PDF text)": (PERSON_ID, booklet_text),
    "household member on the dossier": (MEMBER_ID, lambda w: page(with_member(w), f"/people/{w.person.pk}/")),
    "household member's edit form": (MEMBER_ID, lambda w: page(
        w, f"/people/{w.person.pk}/household/{household_member(w).pk}/edit")),
    "household member in the booklet": (MEMBER_ID, lambda w: booklet_text(with_member(w))),
    "petitioner suggestions": (PERSON_ID, lambda w: page(w, "/petitions/new/petitioners?q=周建国")),
    "petitioner suggestions searched by the number": (PERSON_ID, lambda w: page(
        w, f"/petitions/new/petitioners?q={PERSON_ID}")),
    "petitioner picked on the form": (PERSON_ID, lambda w: page(w, f"/petitions/new/petitioners/{w.person.pk}")),
}


@pytest.fixture
def world(cast, client_for, token_for, client, tmp_path):
    person = person_at(cast.village_worker, name="周建国", id_number=PERSON_ID, phone="13912345678",
                       registered_on=date(2020, 1, 1))
    return World(cast, client_for, token_for, client, person, tmp_path)


@pytest.mark.parametrize("place", PLACES)
def test_no_place_shows_a_number_that_can_be_rebuilt(world, place):
    number, show = PLACES[place]
    masks = masks_of(number, show(world))
    assert masks, f"{place} no longer shows the masked number: take it out of PLACES"
    assert number not in masks, f"{place} shows the full number"
    assert candidates_for(number, masks) >= ENOUGH, f"{place}: {masks} narrow the number to a handful"


def test_all_places_together_leave_as_many(world):
    """One mask everywhere: what two places show together is no more than what one shows."""
    seen = {PERSON_ID: [], MEMBER_ID: []}
    for number, show in PLACES.values():
        seen[number] += masks_of(number, show(world))
    for number, masks in seen.items():
        assert len(set(masks)) == 1 and candidates_for(number, masks) >= ENOUGH
