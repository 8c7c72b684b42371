"""The people of one county for seed_scale: dossiers, categories, and their years on the books.

A person's life is drawn event by event in date order (moves between stations, lost contact and
found, death, leaving the province and coming back) and each event is kept only if the person's
status at that moment allows it, as `people.books.services` would. The person row is written
last, with the station and status the life ended in, so the people on a station's books are
always the sum of its status changes (+1 new/迁入/found, −1 迁出/death/lost).
"""

import hashlib
import heapq
import hmac
from datetime import date, timedelta

from django.conf import settings

from rongjia.core.crypto import encrypt
from rongjia.core.idnumber import check_digit
from rongjia.people.models import Person, PersonCategory, StatusChange, Transfer
from rongjia.people.names import name_keys

from .people_seed import CATEGORY_WEIGHTS, GIVEN, SURNAMES
from .scale_audit import as_json, created, mask, quote
from .scale_context import Context
from .scale_plan import County, Unit
from .scale_writer import Table

Kind, Status = StatusChange.Kind, Person.Status
ACTIVE, LOST, DECEASED, MOVED_OUT = (str(status.value) for status in (
    Status.ACTIVE, Status.LOST, Status.DECEASED, Status.MOVED_OUT))
PROPOSED, ACCEPTED, REFUSED, CANCELLED = (str(state.value) for state in (
    Transfer.State.PROPOSED, Transfer.State.ACCEPTED, Transfer.State.REFUSED, Transfer.State.CANCELLED))

PERSON = Table(Person, ("station", "region_code", "name", "name_initials", "name_pinyin", "name_pinyin_abbr",
                        "id_number", "id_hash", "birth_date", "sex", "phone",
                        "phone_hash", "phone_alt", "address_region", "address_detail", "ethnicity", "political_status",
                        "education", "health", "photo", "disability_grade", "disability_cause",
                        "disability_certificate", "priority", "deceased_on", "status", "version", "created_by",
                        "created_at", "updated_at", "notes"), ids=True)
SPAN = Table(PersonCategory, ("person", "category", "start_date"), ids=True)
CHANGE = Table(StatusChange, ("person", "kind", "date", "reason", "station", "region_code", "created_by",
                              "created_at"), ids=True)
TRANSFER = Table(Transfer, ("person", "from_station", "to_station", "state", "reason", "proposed_by",
                            "proposed_at", "decided_by", "decided_at", "decision_note"), ids=True)
TABLES = [PERSON, SPAN, CHANGE, TRANSFER]

FAMILY = {"烈士遗属", "因公牺牲遗属", "病故军人遗属", "现役军人家属"}
CATEGORY_NAMES = list(CATEGORY_WEIGHTS)
CATEGORY_CUMULATIVE = [sum(list(CATEGORY_WEIGHTS.values())[: n + 1]) for n in range(len(CATEGORY_NAMES))]
SECOND_CATEGORY = 0.06  # people who hold two categories (a 残疾军人 who is also a 参战 veteran…)
# Events per person and year on the books; deaths follow age instead (ANNUAL_DEATHS).
RATES = {"transfer": 0.085, "refused": 0.006, "withdrawn": 0.003, "lost": 0.025, "leave": 0.01, "read": 0.4}
ANNUAL_DEATHS = ((80, 0.09), (70, 0.035), (60, 0.012), (0, 0.004))  # (from age, share dying in a year)
FOUND_SHARE, RETURN_SHARE, OPEN_TRANSFER = 0.5, 0.1, 0.004
FIRST_LEDGERS = 0.55  # share registered in the first half year, when the stations entered their ledgers
ETHNICITIES = (("01", 90), ("03", 6), ("04", 2), ("26", 1), ("30", 1))  # 汉, 回, 藏, 东乡, 土: Gansu's mix
REASONS = {
    Kind.NEW: ("建档", "台账导入", "退役报到"),
    "transfer": ("随子女居住", "购房搬迁", "户籍迁移", "工作调动"),
    Kind.LOST: ("电话停机，多次上门未见", "外出务工，联系不上"),
    Kind.FOUND: ("已恢复联系", "本人到站报到"),
    Kind.DEATH: ("病故", "因病去世", "意外身故"),
    "leave": ("随子女迁往外省", "户籍迁出本省"),
    "return": ("回原籍居住", "返乡定居"),
}
REFUSALS = ("查无此人，请核实住址", "本人未到站报到")
# What an audited read records (core.audit.log_access): what, why, which field.
READS = tuple(as_json({"what": f"reveal:{field}", "reason": reason, "field": field}) for field, reason in (
    ("phone", "电话回访核实"), ("phone", "走访前联系"), ("id_number", "办理优待证核对身份")))
# The changes of the most frequent audit entries (see scale_audit): {} takes a number, a date, a code
# or a quote()d text.
PERSON_CREATED = ('{{"station": ["None", "{}"], "name": ["None", {}], "birth_date": ["None", "{}"], '
                  '"sex": ["None", "{}"], "phone": ["None", "{}"], "address_region": ["None", "{}"], '
                  '"status": ["None", "active"], "version": ["None", "1"], "created_by": ["None", "{}"]}}')
SPAN_CREATED = '{{"person": ["None", "{}"], "category": ["None", "{}"], "start_date": ["None", "{}"]}}'
CHANGE_CREATED = ('{{"person": ["None", "{}"], "kind": ["None", "{}"], "date": ["None", "{}"], '
                  '"reason": ["None", {}], "station": ["None", "{}"], "region_code": ["None", "{}"], '
                  '"created_by": ["None", "{}"]}}')
OFFICE_SECONDS = (1800, 32400)  # 08:30 to 17:00
LATEST_SECONDS = 14 * 3600  # 22:00


def index_key(purpose: str) -> bytes:
    """The key `core.crypto.blind_index` derives for a purpose, derived once instead of per value."""
    return hmac.new(settings.INDEX_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


class PeopleWriter:
    """Writes the people of one county; `refs` keeps what petitions need of each (pk, name, hash, day, station)."""

    def __init__(self, ctx: Context, county: County, rng):
        self.ctx, self.county, self.rng = ctx, county, rng
        self.refs: list[tuple[int, str, str, date, Unit]] = []
        self._sequences: dict[tuple[date, bool], int] = {}
        self._keys: dict[str, tuple[str, str, str]] = {}
        self._id_key, self._phone_key = index_key("person.id_number"), index_key("person.phone")
        self._labels = {str(kind): str(kind.label) for kind in Kind}
        self._span_days = (ctx.today - ctx.start).days
        self._ethnic = ([code for code, _w in ETHNICITIES], [w for _c, w in ETHNICITIES])

    def write(self) -> int:
        for village, count in zip(self.county.villages, self.county.people, strict=True):
            for number in range(count):
                self._person(village, number)
        return len(self.refs)

    # --- one person ---------------------------------------------------------------------------

    def _person(self, village: Unit, number: int) -> None:
        rng, ctx = self.rng, self.ctx
        category = rng.choices(CATEGORY_NAMES, cum_weights=CATEGORY_CUMULATIVE)[0]
        age = rng.triangular(22, 92, 47)
        male = rng.random() < (0.3 if category in FAMILY else 0.94)
        born, sequence = self._sequence(ctx.today - timedelta(days=int(age * 365.25)), male)
        first17 = f"{self.county.code}{born:%Y%m%d}{sequence:03d}"
        id_number = first17 + check_digit(first17)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}" if rng.random() < 0.95 else ""
        entry = self._entry_day()
        pk = ctx.writer.new_id(PERSON)
        actor = ctx.actor_for(village.code)
        seconds = rng.randint(*OFFICE_SECONDS)
        id_hash = hmac.new(self._id_key, id_number.encode(), hashlib.sha256).hexdigest()
        ctx.audit.created(Person, pk, name, PERSON_CREATED.format(
            village.pk, quote(name), born, "M" if male else "F", mask(phone), village.region_id, actor),
            actor, entry, seconds)
        self._categories(pk, name, category, born, entry, actor, seconds)
        life = _Life(self, pk, name, village, entry, seconds)
        self._live(life, age)
        grade = _disability(rng) if category == "残疾军人" else None
        ctx.writer.add(PERSON, (
            pk, life.station.pk, life.station.code, name, *self._keys_of(name), encrypt(id_number), id_hash,
            ctx.clock.day(born),
            "M" if male else "F", encrypt(phone) if phone else "",
            hmac.new(self._phone_key, phone.encode(), hashlib.sha256).hexdigest() if phone else "", "",
            village.region_id, _address(rng, number), rng.choices(*self._ethnic)[0],
            rng.choice(("01", "01", "13", "13", "13", "03")), "", "", "", grade[0] if grade else None,
            grade[1] if grade else "", grade[2] if grade else "", rng.random() < 0.03,
            ctx.clock.day(life.deceased_on), life.status, life.version, actor, ctx.clock.at(entry, seconds),
            ctx.clock.at(life.day, life.seconds), ""))
        self.refs.append((pk, name, id_hash, entry, village))

    def _sequence(self, born: date, male: bool) -> tuple[date, int]:
        """The 3-digit sequence of the ID number, counted per county, birth day and sex: never repeats.

        Odd sequences are men's (GB 11643). 499 people of one sex born on one day in one county
        would use a day up; the next one is then registered as born a day earlier.
        """
        while True:
            used = self._sequences.get((born, male), 0) + 1
            if used < 500:
                self._sequences[(born, male)] = used
                return born, used * 2 + (1 if male else 0)
            born -= timedelta(days=1)

    def _entry_day(self) -> date:
        days = self.rng.randint(0, 182) if self.rng.random() < FIRST_LEDGERS else self.rng.randint(0, self._span_days)
        return self.ctx.start + timedelta(days=min(days, self._span_days))

    def _keys_of(self, name: str) -> tuple[str, str, str]:
        """The name's initials, pinyin and abbreviation (what Person.derive keeps), in PERSON's column order."""
        if name not in self._keys:  # pinyin is slow and the names repeat
            keys = name_keys(name)
            self._keys[name] = (keys.initials, keys.pinyin, keys.abbr)
        return self._keys[name]

    def _categories(self, pk, name, category, born, entry, actor, seconds) -> None:
        rng, ctx = self.rng, self.ctx
        held = [category]
        if rng.random() < SECOND_CATEGORY:
            other = rng.choices(CATEGORY_NAMES, cum_weights=CATEGORY_CUMULATIVE)[0]
            held += [other] if other != category else []
        for name_of_category in held:
            span = ctx.writer.new_id(SPAN)
            since = min(born + timedelta(days=rng.randint(20 * 365, 30 * 365)), entry - timedelta(days=30))
            category_pk = ctx.categories[name_of_category]
            ctx.writer.add(SPAN, (span, pk, category_pk, ctx.clock.day(since)))
            ctx.audit.created(PersonCategory, span, f"{name} · {name_of_category}",
                              SPAN_CREATED.format(pk, category_pk, since), actor, entry, seconds)

    # --- the life on the books ----------------------------------------------------------------

    def _live(self, life: "_Life", age: float) -> None:
        rng, today = self.rng, self.ctx.today
        life.change(Kind.NEW, life.day, rng.choice(REASONS[Kind.NEW]), first=True)
        span = (today - life.day).days
        if span <= 0:
            return
        years = span / 365.25
        rates = dict(RATES, death=next(rate for start, rate in ANNUAL_DEATHS if age >= start))
        events, order = [], 0
        for kind, rate in rates.items():
            expected = rate * years
            count = int(expected) + (rng.random() < expected - int(expected))
            for _n in range(count):
                order += 1
                events.append((life.day + timedelta(days=rng.randint(1, span)), order, kind))
        heapq.heapify(events)
        while events:
            day, _order, kind = heapq.heappop(events)
            follow = life.event(kind, day)
            if follow:  # found after lost, back after leaving: later, if before today
                later = day + timedelta(days=rng.randint(*follow[1]))
                if later <= today:
                    order += 1
                    heapq.heappush(events, (later, order, follow[0]))
        if life.status == ACTIVE and rng.random() < OPEN_TRANSFER * years:
            life.open_transfer(max(life.day, today - timedelta(days=rng.randint(0, 20))))

    def destination(self, station: Unit) -> Unit | None:
        """Where a person moves: mostly within the street, some within the county, a few to the city."""
        plan, draw = self.ctx.plan, self.rng.random()
        if draw < 0.6:
            pool = plan.by_street.get(station.code[:9], [])
        elif draw < 0.85:
            pool = plan.by_county.get(station.code[:6], [])
        else:
            pool = plan.by_city.get(station.code[:4], [])
        for _try in range(3):
            target = self.rng.choice(pool) if pool else None
            if target is not None and target.pk != station.pk:
                return target
        return None


class _Life:
    """One person's books as they are drawn: the current station and status, and the rows they leave."""

    def __init__(self, people: PeopleWriter, pk: int, name: str, station: Unit, day: date, seconds: int):
        self.people, self.ctx, self.rng = people, people.ctx, people.rng
        self.pk, self.name, self.station = pk, name, station
        self.status, self.version, self.deceased_on = ACTIVE, 1, None
        self.day, self.seconds = day, seconds  # the last write, for updated_at and the order of the day

    def event(self, kind: str, day: date):
        """Apply one drawn event if the status allows it; returns a follow-up (kind, day range) or None."""
        status, rng = self.status, self.rng
        if kind == "read":
            self._read(day)
        elif kind == "transfer" and status == ACTIVE:
            self._transfer(day, ACCEPTED)
        elif kind in ("refused", "withdrawn") and status == ACTIVE:
            self._transfer(day, REFUSED if kind == "refused" else CANCELLED)
        elif kind == "lost" and status == ACTIVE:
            self._status(Kind.LOST, day, REASONS[Kind.LOST], LOST)
            return ("found", (20, 400)) if rng.random() < FOUND_SHARE else None
        elif kind == "found" and status == LOST:
            self._status(Kind.FOUND, day, REASONS[Kind.FOUND], ACTIVE)
        elif kind == "death" and status == ACTIVE:
            self._status(Kind.DEATH, day, REASONS[Kind.DEATH], DECEASED)
        elif kind == "leave" and status == ACTIVE:
            self._status(Kind.MOVE_OUT, day, REASONS["leave"], MOVED_OUT)
            return ("return", (60, 700)) if rng.random() < RETURN_SHARE else None
        elif kind == "return" and status == MOVED_OUT:
            self._status(Kind.MOVE_IN, day, REASONS["return"], ACTIVE)
        return None

    def _moment(self, day: date) -> int:
        """Seconds after 08:00 for a write on `day`: after the previous write of the same day."""
        if day == self.day:  # later the same day, but never past 22:00 (the date must stay the day's)
            return min(self.seconds + self.rng.randint(60, 1800), LATEST_SECONDS)
        return self.rng.randint(*OFFICE_SECONDS)

    def change(self, kind: str, day: date, reason: str, *, station: Unit | None = None, actor: int | None = None,
               first: bool = False) -> None:
        ctx, station, kind = self.ctx, station or self.station, str(kind)  # the value, not the enum member
        seconds = self.seconds if first else self._moment(day)
        actor = actor or ctx.actor_for(station.code)
        pk = ctx.writer.new_id(CHANGE)
        ctx.writer.add(CHANGE, (pk, self.pk, kind, ctx.clock.day(day), reason, station.pk, station.code, actor,
                                ctx.clock.at(day, seconds)))
        ctx.audit.created(StatusChange, pk, f"{self.name} · {self.people._labels[kind]} · {day}",
                          CHANGE_CREATED.format(self.pk, kind, day, quote(reason), station.pk, station.code, actor),
                          actor, day, seconds)
        self.day, self.seconds = day, seconds

    def _status(self, kind: str, day: date, reasons: tuple, status: str) -> None:
        """status_change_record: the line on the books, then the person saved with the new status."""
        actor = self.ctx.actor_for(self.station.code)
        self.change(kind, day, self.rng.choice(reasons), actor=actor)
        changes = {"status": [self.status, status], "version": [str(self.version), str(self.version + 1)]}
        if kind == Kind.DEATH:
            changes["deceased_on"] = ["None", str(day)]
            self.deceased_on = day
        self.ctx.audit.changed(Person, self.pk, self.name, as_json(changes), actor, day, self.seconds)
        self.status, self.version = status, self.version + 1

    def _transfer(self, day: date, state: str) -> None:
        """transfer_propose, then transfer_accept / _refuse / _cancel: the hand-over and its decision."""
        target = self.people.destination(self.station)
        if target is None:
            return
        ctx, rng = self.ctx, self.rng
        proposed_on = max(self.day, day - timedelta(days=rng.randint(0, 6)))
        proposer, receiver = ctx.actor_for(self.station.code), ctx.actor_for(target.code)
        decider = proposer if state == CANCELLED else receiver
        proposed_seconds = self._moment(proposed_on)
        self.day, self.seconds = proposed_on, proposed_seconds
        decided_seconds = self._moment(day)
        reason = rng.choice(REASONS["transfer"])
        note = rng.choice(REFUSALS) if state == REFUSED else ""
        decided_at = ctx.clock.at(day, decided_seconds)
        pk = self._transfer_row(target, state, reason, proposer, proposed_on, proposed_seconds,
                                (decider, decided_at, note))
        decision = {"decided_by": ["None", str(decider)], "decided_at": ["None", str(decided_at)],
                    "state": [PROPOSED, state]}
        if note:
            decision["decision_note"] = ["", note]
        ctx.audit.changed(Transfer, pk, f"{self.name} → {target.name}", as_json(decision), decider, day,
                          decided_seconds)
        self.day, self.seconds = day, decided_seconds
        if state != ACCEPTED:
            return
        origin = self.station
        self.change(Kind.MOVE_OUT, day, reason, actor=receiver)
        self.change(Kind.MOVE_IN, day, reason, station=target, actor=receiver)
        moved = {"station": [str(origin.pk), str(target.pk)], "version": [str(self.version), str(self.version + 1)]}
        ctx.audit.changed(Person, self.pk, self.name, as_json(moved), receiver, day, self.seconds)
        self.station, self.version = target, self.version + 1

    def open_transfer(self, day: date) -> None:
        """A hand-over proposed lately that the receiving station has not decided yet."""
        target = self.people.destination(self.station)
        if target is not None:
            self._transfer_row(target, PROPOSED, self.rng.choice(REASONS["transfer"]),
                               self.ctx.actor_for(self.station.code), day, self._moment(day), None)

    def _transfer_row(self, target: Unit, state: str, reason: str, proposer: int, day: date, seconds: int,
                      decision) -> int:
        ctx = self.ctx
        pk = ctx.writer.new_id(TRANSFER)
        decider, decided_at, note = decision or (None, None, "")
        ctx.writer.add(TRANSFER, (pk, self.pk, self.station.pk, target.pk, state, reason, proposer,
                                  ctx.clock.at(day, seconds), decider, decided_at, note))
        ctx.audit.created(Transfer, pk, f"{self.name} → {target.name}", created(
            person=self.pk, from_station=self.station.pk, to_station=target.pk, state=PROPOSED,
            reason=reason, proposed_by=proposer), proposer, day, seconds)
        return pk

    def _read(self, day: date) -> None:
        self.ctx.audit.read(Person, self.pk, self.name, self.ctx.actor_for(self.station.code), day,
                            self.rng.randint(*OFFICE_SECONDS), self.rng.choice(READS))


def _disability(rng) -> tuple[int, str, str]:
    return (rng.choice((5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 4, 3)), rng.choice(("war", "duty", "duty", "illness")),
            f"甘残军{rng.randint(100000, 999999)}")


def _address(rng, number: int) -> str:
    return f"{rng.randint(1, 12)}组{number % 80 + 1}号"
