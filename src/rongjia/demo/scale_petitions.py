"""The petitions of one county for seed_scale: 信访 registered by its people and taken step by step.

Every step goes through the transition table of `petitions.workflow` (its sources, target, window
and next deadline) with the dates and data `petitions.services` would record, so the events of a
petition read as a valid history and the petition row holds where that history ended. A step
that would fall after today is not taken: recent petitions are still open, a few stalled ones
are overdue, as in any real office.
"""

from datetime import date, timedelta

from rongjia.core.deadlines import WorkCalendar, deadline
from rongjia.core.regions import CITY, COUNTY, VILLAGE
from rongjia.petitions import workflow
from rongjia.petitions.models import Petition, Petitioner, PetitionEvent

from .petitions_seed import REPLIES, SUBJECTS
from .scale_audit import as_json, created
from .scale_context import Context
from .scale_people import LATEST_SECONDS, OFFICE_SECONDS
from .scale_plan import County, Unit
from .scale_writer import Table

PETITION = Table(Petition, ("unit", "region_code", "registered_at_unit", "channel", "type", "category", "subject",
                            "content", "state", "registered_on", "accepted_on", "assigned_on", "replied_on",
                            "extended_days", "outcome", "satisfaction", "due_on", "reply_text", "collective",
                            "above_county", "version", "registered_by", "created_at"), ids=True)
PETITIONER = Table(Petitioner, ("petition", "name", "id_hash", "person_id", "home_region_code"), ids=False)
EVENT = Table(PetitionEvent, ("petition", "action", "from_state", "to_state", "note", "data", "actor", "at", "on"),
              ids=False)
TABLES = [PETITION, PETITIONER, EVENT]

PER_PERSON_YEAR = 0.1 / 3  # about one petition for every ten people over three years
# The fields a step may change: the audit entry of the step lists those that did.
TRACKED = ("unit", "region_code", "state", "accepted_on", "assigned_on", "replied_on", "extended_days", "outcome",
           "satisfaction", "due_on", "reply_text", "version")
NOTES = {"reject": "不属于信访事项受理范围，已告知信访人向有关机关提出",
         "request_review": "信访人对答复意见不服，申请复查", "request_recheck": "信访人对复查意见不服，申请复核",
         "supervise": "请加快办理，按期答复", "extend": "情况复杂，经批准延长办理期限"}
CHANNELS = (("visit", 40), ("letter", 20), ("online", 25), ("phone", 15))
TYPES = (("claim", 80), ("suggestion", 12), ("accusation", 8))


class Deadlines:
    """`core.deadlines.deadline` over one holiday table read once, remembered per (start, days, kind)."""

    def __init__(self, first: date, last: date):
        self._calendar = WorkCalendar.load(first, last)
        self._known: dict[tuple, date] = {}

    def due(self, start: date, days: int, kind: str = "calendar") -> date:
        key = (start, days, kind)
        if key not in self._known:
            self._known[key] = deadline(start, days, kind, calendar=self._calendar).due
        return self._known[key]


class PetitionsWriter:
    """The petitions of one county, lodged by its people (`people`: PeopleWriter.refs) at their village
    station, its street or the county centre."""

    def __init__(self, ctx: Context, county: County, rng, deadlines: Deadlines, people: list):
        self.ctx, self.county, self.rng, self.deadlines, self.people = ctx, county, rng, deadlines, people
        self._streets = {street.code[:9]: street for street in county.streets}
        self._villages_of: dict[str, list[Unit]] = {}
        for village in county.villages:
            self._villages_of.setdefault(village.code[:9], []).append(village)
        # One petition per person and category: a matter that ended in 复核 is never lodged again (条例 Art. 36)
        self._used: set[tuple[int, str]] = set()

    def write(self) -> int:
        if not self.people:
            return 0
        years = (self.ctx.today - self.ctx.start).days / 365.25
        count = round(len(self.people) * PER_PERSON_YEAR * years)
        return sum(self._petition() for _n in range(count))

    def _petition(self) -> int:
        rng, ctx = self.rng, self.ctx
        category = rng.choice(list(SUBJECTS))
        crowd = rng.randint(5, 8) if rng.random() < 0.04 else 1
        petitioners = self._petitioners(category, crowd)
        if not petitioners:
            return 0
        first_day = max(ctx.start, max(person[3] for person in petitioners))
        registered_on = first_day + timedelta(days=rng.randint(0, max((ctx.today - first_day).days, 0)))
        unit = self._unit(petitioners[0][4])
        case = _Case(self, unit, registered_on, category, petitioners)
        case.run()
        return 1

    def _petitioners(self, category: str, crowd: int) -> list:
        chosen = []
        for _try in range(crowd * 3):
            person = self.rng.choice(self.people)
            if (person[0], category) not in self._used:
                self._used.add((person[0], category))
                chosen.append(person)
                if len(chosen) == crowd:
                    break
        return chosen

    def _unit(self, village: Unit) -> Unit:
        """Where it is lodged: the petitioner's village station, its street, or the county centre."""
        draw = self.rng.random()
        if draw < 0.5:
            return village
        street = self._streets.get(village.code[:9])
        return street if draw < 0.8 and street else self.county.centre

    def assignee(self, unit: Unit) -> Unit | None:
        """交办: the county hands it to a street or village station, a street to one of its villages."""
        if unit.level == COUNTY:
            pool = self.county.streets + self.county.villages
        else:
            pool = self._villages_of.get(unit.code[:9], [])
        return self.rng.choice(pool) if pool else None

    def above(self, unit_level: int, code: str) -> tuple[int, int]:
        """(actor, their centre) one level of centre above a unit: the county's above a station, else the city's."""
        prefix = code[:6] if unit_level > COUNTY else code[:4] if unit_level == COUNTY else code[:2]
        return self.ctx.actors[prefix], self.ctx.centres[prefix]


class _Case:
    """One petition while its steps are drawn: the petition's fields as the services would set them."""

    def __init__(self, writer: PetitionsWriter, unit: Unit, registered_on: date, category: str, petitioners: list):
        self.w, self.ctx, self.rng = writer, writer.ctx, writer.rng
        self.pk = self.ctx.writer.new_id(PETITION)
        self.registered_at, self.petitioners, self.category = unit, petitioners, category
        self.actor = self.ctx.actor_for(unit.code)
        self.reviewer_level, self.day, self.seconds = None, registered_on, self.rng.randint(*OFFICE_SECONDS)
        self.fields = {"unit": unit, "region_code": unit.code, "state": "registered", "registered_on": registered_on,
                       "accepted_on": None, "assigned_on": None, "replied_on": None, "extended_days": 0,
                       "outcome": "", "satisfaction": "", "reply_text": "", "version": 1,
                       "due_on": writer.deadlines.due(registered_on, workflow.ACCEPT_NOTICE_DAYS)}
        self.subject = self.rng.choice(SUBJECTS[category])
        self.channel = self.rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
        self.type = self.rng.choices([t for t, _w in TYPES], weights=[w for _t, w in TYPES])[0]

    def run(self) -> None:
        self._register()
        self._lifecycle()
        self._row()

    # --- the path a petition takes ------------------------------------------------------------

    def _lifecycle(self) -> None:
        rng, f = self.rng, self.fields
        draw = rng.random()
        if draw < 0.10:
            self.step("reject", rng.randint(0, 10))
            return
        if draw < 0.12 or not self.step("accept", rng.randint(0, 12)):
            return  # left unanswered: overdue for the 15-day notice
        if rng.random() < 0.04:
            self.step("supervise", rng.randint(10, 40), by_above=True)
        if f["unit"].level < VILLAGE and rng.random() < 0.5:
            target = self.w.assignee(f["unit"])
            if target and not self.step("assign", rng.randint(1, 5), unit=target):
                return
        extension = 0
        if rng.random() < 0.03:
            extension = rng.randint(15, workflow.MAX_EXTENSION.days)
            if not self.step("extend", rng.randint(40, 55), days=extension):
                return
        if rng.random() < 0.03:
            return  # stalled: overdue
        outcome = rng.choices(list(REPLIES), weights=(45, 40, 15))[0]
        days = rng.randint(10, 55 + extension) - (self.day - f["accepted_on"]).days
        if not self.step("reply", max(days, 0), outcome=outcome, reply_text=REPLIES[outcome]):
            return
        self._after_reply()

    def _after_reply(self) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.85:
            satisfaction = rng.choices(("satisfied", "fairly", "unsatisfied"), weights=(70, 22, 8))[0]
            if not self.step("revisit", rng.randint(3, 20), satisfaction=satisfaction):
                return
            if rng.random() < 0.93 and not self.step("close", rng.randint(1, 10)):
                return
            unhappy = satisfaction == "unsatisfied" and rng.random() < 0.4
        else:
            unhappy = draw < 0.91
        if unhappy and self._review():
            self._recheck()

    def _review(self) -> bool:
        rng = self.rng
        asked = max(0, rng.randint(5, 28) - (self.day - self.fields["replied_on"]).days)
        if not self.step("request_review", asked) or rng.random() < 0.03:
            return False
        outcome = rng.choices(list(REPLIES), weights=(20, 50, 30))[0]
        return self.step("review_reply", rng.randint(10, 28), outcome=outcome, reply_text=REPLIES[outcome],
                         by_above=True) and rng.random() < 0.25

    def _recheck(self) -> None:
        rng = self.rng
        if not self.step("request_recheck", rng.randint(5, 28)) or rng.random() < 0.03:
            return
        outcome = rng.choices(list(REPLIES), weights=(10, 50, 40))[0]
        self.step("recheck_reply", rng.randint(10, 28), outcome=outcome, reply_text=REPLIES[outcome],
                  by_above=True)

    # --- one step, as petition_transition takes it ---------------------------------------------

    def step(self, action: str, after_days: int, *, by_above: bool = False, **data) -> bool:
        """Take `action` `after_days` after the previous step; False (nothing written) if that is after today."""
        day = self.day + timedelta(days=after_days)
        if day > self.ctx.today:
            return False
        step, f = workflow.STEPS[action], self.fields
        if f["state"] not in step.sources:
            raise AssertionError(f"seed_scale drew {action} while the petition is {f['state']}")
        if step.window:
            period = step.window.period
            if day > self.w.deadlines.due(f[step.window.anchor], period.days, period.kind):
                return False
        actor, extra = self._actor_and_data(action, data, by_above)
        before = dict(f)
        self._apply(action, day, data)
        f["state"] = step.target or f["state"]
        if step.next_due:
            f["due_on"] = self.w.deadlines.due(day, step.next_due.days, step.next_due.kind)
        f["version"] += 1
        self._event(action, before["state"], f["state"], NOTES.get(action, ""), extra, actor, day)
        changes = {name: [_text(before[name]), _text(f[name])] for name in TRACKED if before[name] != f[name]}
        self.ctx.audit.changed(Petition, self.pk, self.subject, as_json(changes), actor, day, self.seconds)
        return True

    def _actor_and_data(self, action: str, data: dict, by_above: bool) -> tuple[int, dict]:
        unit = self.fields["unit"]
        if action == "extend":  # an approval: the city centre's director
            actor = self.ctx.actors[unit.code[:4]]
            return actor, {"days": data["days"], "approver": actor}
        if not by_above:
            extra = {"unit": data["unit"].pk, "from_unit": unit.pk} if action == "assign" else {
                key: value for key, value in data.items() if key != "unit"}
            return self.actor, extra
        # 复查 and 督办 come from the centre above the unit; 复核 from the one above the 复查's
        level = self.reviewer_level if action == "recheck_reply" else unit.level
        actor, centre = self.w.above(level, unit.code)
        if action == "review_reply":  # answered by the county centre, or by the city for a county's own
            self.reviewer_level = COUNTY if unit.level > COUNTY else CITY
        return actor, {**data, "by_unit": centre}

    def _apply(self, action: str, day: date, data: dict) -> None:
        f = self.fields
        if action == "accept":
            f["accepted_on"] = day
        elif action == "assign":
            f["unit"], f["region_code"], f["assigned_on"] = data["unit"], data["unit"].code, day
        elif action == "extend":
            f["extended_days"] = data["days"]
            f["due_on"] = self.w.deadlines.due(f["accepted_on"], workflow.HANDLING.days + data["days"])
        elif action in ("reply", "review_reply", "recheck_reply"):
            f["outcome"], f["reply_text"] = data["outcome"], data["reply_text"]
            f["replied_on"], f["due_on"] = day, None
        elif action == "revisit":
            f["satisfaction"] = data["satisfaction"]

    # --- rows ----------------------------------------------------------------------------------

    def _register(self) -> None:
        ctx, f, unit = self.ctx, self.fields, self.registered_at
        for pk, name, id_hash, _day, _station in self.petitioners:
            ctx.writer.add(PETITIONER, (self.pk, name, id_hash, pk, self.w.county.code + "000000"))
        ctx.audit.created(Petition, self.pk, self.subject, created(
            unit=unit.pk, region_code=unit.code, registered_at_unit=unit.pk, channel=self.channel, type=self.type,
            category=self.category, subject=self.subject, state="registered", registered_on=f["registered_on"],
            due_on=f["due_on"], collective=self.collective, version=1, registered_by=self.actor),
            self.actor, self.day, self.seconds)
        self._event("register", "", "registered", "", {}, self.actor, self.day)

    @property
    def collective(self) -> bool:
        return len(self.petitioners) >= workflow.COLLECTIVE_SIZE

    def _event(self, action, from_state, to_state, note, data, actor, day) -> None:
        ctx = self.ctx
        if day != self.day:
            self.seconds = self.rng.randint(*OFFICE_SECONDS)
        else:  # later the same day, never past 22:00
            self.seconds = min(self.seconds + self.rng.randint(60, 900), LATEST_SECONDS)
        self.day = day
        ctx.writer.add(EVENT, (self.pk, action, from_state, to_state, note, as_json(data), actor,
                               ctx.clock.at(day, self.seconds), ctx.clock.day(day)))

    def _row(self) -> None:
        ctx, f = self.ctx, self.fields
        day = ctx.clock.day
        first = self.petitioners[0]
        ctx.writer.add(PETITION, (
            self.pk, f["unit"].pk, f["region_code"], self.registered_at.pk, self.channel, self.type, self.category,
            self.subject, f"{first[1]}反映{self.subject}，请求协调解决。", f["state"], day(f["registered_on"]),
            day(f["accepted_on"]), day(f["assigned_on"]), day(f["replied_on"]), f["extended_days"], f["outcome"],
            f["satisfaction"], day(f["due_on"]), f["reply_text"], self.collective, False, f["version"], self.actor,
            ctx.clock.at(f["registered_on"], 0)))


def _text(value) -> str:
    """A value as auditlog writes it in a change: units by pk, dates in ISO form, None as "None"."""
    if isinstance(value, Unit):
        return str(value.pk)
    return str(value)
