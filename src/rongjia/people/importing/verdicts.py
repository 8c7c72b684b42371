"""What becomes of each ledger row: new, an update to a person on file, unchanged, or held with its reasons.

The check and the commit sort rows by this one class, so what the preview promised is what the
commit does. Rows go in batches: the "already on file" lookup and the people it finds are one
query per batch, never one per row.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.models import OrgUnit
from rongjia.core.regions import CODE_LENGTH, PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, scope_prefix

from ..models import Category, Person
from ..on_file import audit_refusals, numbers_on_file, on_file_at
from ..services import id_index
from .differences import differences
from .normalise import CleanRow, Hold, RowCleaner
from .placing import Place, Placer

BATCH = 1000
DEATH_WORDS = re.compile("已故|去世|死亡|病故|牺牲|逝世|亡故")


@dataclass
class LedgerRow:
    sheet: int  # the sheet's index in the workbook
    sheet_name: str
    row: int  # the row number Excel shows
    raw: dict[str, object]  # field key → the cell as read (or as the uploader fixed it)
    confirmed: bool = False  # the uploader checked an ID number ending in 000 against the card
    formulas: tuple[str, ...] = ()  # fields whose cell holds a formula (refused, never evaluated)


@dataclass(eq=False)  # a verdict is one row's, compared by identity
class Verdict:
    source: LedgerRow
    clean: CleanRow
    kind: str = "new"  # new | update | unchanged | held
    place: Place | None = None
    station: OrgUnit | None = None
    person: Person | None = None
    differences: list = field(default_factory=list)  # [[field, on file, in the ledger], ...]
    unanswered_place: str = ""  # a place text the uploader still has to choose a region for

    @property
    def holds(self) -> list[Hold]:
        return self.clean.holds

    def hold(self, field_key: str, reason: str) -> None:
        self.clean.holds.append(Hold(field_key, reason))
        self.kind = "held"


class RowSorter:
    """Sorts rows for one uploader and one job; keeps small lookups, never the rows themselves."""

    def __init__(self, actor, *, places: dict[str, str], audit: bool = False, today=None):
        self.actor, self.places, self.audit = actor, places, audit
        self.today = today or timezone.localdate()
        self.prefix = scope_prefix(actor)
        categories = dict(Category.objects.filter(active=True).values_list("name", "pk"))
        self.category_names = {pk: name for name, pk in categories.items()}
        self.cleaner = RowCleaner(today=self.today, categories=categories)
        self.placer = Placer(actor)
        self.stations: dict[str, OrgUnit | None] = {}
        self.seen: dict[str, tuple[str, int]] = {}  # ID hash → (sheet name, row) that had it first
        self.questions: dict[str, int] = {}  # place text without one answer → rows waiting for it
        self.duplicated: dict[str, tuple[str, int]] = {}  # ID hash given twice → the first (sheet name, row)

    def sort(self, rows) -> "list[Verdict]":
        """Verdicts for an iterable of LedgerRow, in order, batch by batch (a generator)."""
        batch: list[Verdict] = []
        for source in rows:
            batch.append(self._on_its_own(source))
            if len(batch) >= BATCH:
                yield from self._against_the_books(batch)
                batch = []
        yield from self._against_the_books(batch)

    # --- one row on its own ---------------------------------------------------------------------------

    def _on_its_own(self, source: LedgerRow) -> Verdict:
        verdict = Verdict(source, self.cleaner.clean(source.raw, confirmed=source.confirmed,
                                                        formulas=source.formulas))
        if verdict.holds:
            verdict.kind = "held"
        values = verdict.clean.values
        status = values.get("status") or Person.Status.ACTIVE
        if status != Person.Status.ACTIVE:
            verdict.hold("status", _("The ledger marks this person as “%(status)s”: only people on the books are "
                                     "registered. Don't import this row, or register the person from the form.")
                         % {"status": str(source.raw.get("status") or "")[:20]})
        elif DEATH_WORDS.search(str(values.get("notes") or "")):
            # 采集表 without a status column write the death in 备注: never registered 在册 on their word
            verdict.hold("notes", _("The notes say the person has died (“%(notes)s”): only people on the books are "
                                    "registered. Don't import this row, or register the person from the form.")
                         % {"notes": str(values.get("notes"))[:30]})
        self._place(verdict)
        # A number held for another reason (a birth date that disagrees) still counts as given: the row
        # that repeats it must not go in alone.
        number = values.get("id_number") or _as_written(source.raw.get("id_number"))
        if number:
            digest = id_index(number)
            if not any(h.field == "id_number" for h in verdict.holds):
                values["id_hash"] = digest
            first = self.seen.setdefault(digest, (source.sheet_name, source.row))
            if first != (source.sheet_name, source.row):
                # Which of the two is right only the uploader can tell: the first is held too (see run._Tally).
                self.duplicated.setdefault(digest, first)
                verdict.hold("id_number", _("The same ID number as sheet %(sheet)s, row %(row)d.")
                             % {"sheet": first[0], "row": first[1]})
        return verdict

    def _place(self, verdict: Verdict) -> None:
        """The region the person lives in, from the code, the village column, the address or the uploader."""
        values = verdict.clean.values
        code, village, address = (values.get(k) or "" for k in ("region_code", "village", "address_detail"))
        if code:
            place = self.placer.region_for_code(code)
            if place is None:
                return verdict.hold("region_code", _("No current region in your area has the code %(code)s.")
                                    % {"code": code})
        elif village or address:
            place = self._by_name(verdict, village or address, field_key="village" if village else "address_detail")
            if place is None:
                return None
        else:
            place = self.placer.default()
            if place is None:
                return verdict.hold("village", _("The ledger does not say where the person lives: map a 所在社区/村 "
                                                 "or address column, or upload it from the village's own account."))
        station = self._station_for(place.region_code)
        if station is None:
            return verdict.hold("village", _("No service centre or station in your area serves %(place)s.")
                                % {"place": place.label})
        verdict.place, verdict.station = place, station
        return None

    def _by_name(self, verdict: Verdict, text: str, *, field_key: str) -> Place | None:
        # Asked once per place named, not per address: "古泉社区3组12号" and "古泉社区8组" are one question.
        text = self.placer.matched_name(text) or text[:60]
        answer = self.places.get(text)
        if answer:
            place = self.placer.region_for_code(answer)
            if place is not None:
                return place
        candidates = self.placer.candidates(text)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates and field_key == "address_detail":
            default = self.placer.default()  # an address that names no village is the uploader's own village
            if default is not None:
                return default
        self.questions[text] = self.questions.get(text, 0) + 1
        verdict.unanswered_place = text
        verdict.hold(field_key, _("“%(text)s” matches %(n)d places in your area: choose one above.")
                     % {"text": text[:40], "n": len(candidates)} if candidates else
                     _("No village or community in your area is called “%(text)s”: choose the place above.")
                     % {"text": text[:40]})
        return None

    def _station_for(self, code: str) -> OrgUnit | None:
        """The unit at the region, or the nearest one above it inside the uploader's area."""
        if code not in self.stations:
            candidates = {code[:n].ljust(CODE_LENGTH, "0") for n in PREFIX_LENGTH.values()}
            units = {u.region_code: u for u in OrgUnit.objects.filter(
                region_code__in=candidates, kind__in=(OrgUnit.Kind.STATION, OrgUnit.Kind.CENTRE))}
            self.stations[code] = next((units[c] for c in sorted(candidates, reverse=True)
                                        if c in units and code_in_subtree(c, self.prefix)), None)
        return self.stations[code]

    # --- rows against the books -----------------------------------------------------------------------

    def _against_the_books(self, batch: list[Verdict]) -> list[Verdict]:
        """One rule (people/on_file.py): held at the row's station → update or unchanged; elsewhere → held."""
        hashes = [v.clean.values["id_hash"] for v in batch if v.kind != "held" and "id_hash" in v.clean.values]
        on_file = numbers_on_file(self.actor, hashes)
        found = {v: on_file_at(on_file[v.clean.values["id_hash"]], v.station.pk) for v in batch
                 if v.kind != "held" and v.clean.values.get("id_hash") in on_file}
        people = (Person.objects.select_related("address_region").prefetch_related("category_spans")
                  .in_bulk([f.person_id for f in found.values() if f.here]))
        refused = []
        for verdict, holder in found.items():
            if not holder.here:
                verdict.hold("id_number", holder.refusal())
                refused.append(holder)
                continue
            verdict.person = people[holder.person_id]
            verdict.differences = differences(verdict.person, verdict.clean.values, verdict.place,
                                              category_names=self.category_names)
            verdict.kind = "update" if verdict.differences else "unchanged"
        if refused and self.audit:
            audit_refusals(self.actor, refused, station_name=_("a ledger import"))
        return batch


def _as_written(value) -> str:
    """An 18-character ID number as the cell gives it (spaces and full width removed), else ""."""
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()
    return text if len(text) == 18 and text[:17].isdigit() else ""


def stored_text(raw: dict[str, object]) -> str:
    """A row's cells as the held-rows grid edits them: JSON of texts, as the uploader saw them in Excel."""
    return json.dumps({key: _cell_text(value) for key, value in raw.items()}, ensure_ascii=False)


def _cell_text(value) -> str:
    """A date cell on the 1st reads back as its month: Excel formats 出生年月 cells to show 1973.09, and the
    cleaner compares such a cell with the ID number by month only, so the text must not claim a day."""
    from .layout import shown

    if value is None:
        return ""
    if isinstance(value, date) and value.day == 1:
        return f"{value.year}-{value.month:02d}"
    return shown(value)
