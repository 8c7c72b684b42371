"""The petitions of one county for seed_scale: 信访 registered by its people and taken step by step.

Every step goes through the transition table of `petitions.workflow` (its sources, target and window)
with the dates and data its effect would record, and the running deadline is `workflow.running_deadline`
itself, so the events of a petition read as a valid history, each written answer is its own
`PetitionReply` with the deadline it answered, and the petition row holds where that history ended. A
step that would fall after today is not taken: recent petitions are still open, a few stalled ones are
overdue, as in any real office.

Who answers a 复查 or a 复核 is the unit directly above the one that answered before (信访工作条例 Arts.
35–36, `workflow.unit_above`). seed_scale has worker accounts at the centres only (province, city,
county), none at a street station: a village station's answer would be reviewed by its street's station,
so only answers given by a street station or a centre go on to 复查 (the county reviews a street's answer
and the city rechecks it; the city reviews the county's, the province rechecks it).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from rongjia.core.deadlines import WorkCalendar, deadline
from rongjia.core.regions import COUNTY, PREFIX_LENGTH, PROVINCE, STREET, VILLAGE
from rongjia.petitions import workflow
from rongjia.petitions.models import Petition, Petitioner, PetitionEvent, PetitionReply
from rongjia.petitions.services import REPRESENTATIVES_MAX

from .petitions_seed import REPLIES, SUBJECTS
from .scale_audit import as_json, created
from .scale_context import Context
from .scale_people import LATEST_SECONDS, OFFICE_SECONDS
from .scale_plan import County, Unit
from .scale_writer import Table

PETITION = Table(Petition, ("unit", "region_code", "registered_at_unit", "channel", "type", "category", "subject",
                            "content", "state", "registered_on", "accepted_on", "assigned_on", "taken_on",
                            "replied_on", "reply_delivered_on", "review_requested_on", "recheck_requested_on",
                            "extended_days", "assignee_extended_days", "hearing_days", "headcount", "outcome",
                            "satisfaction", "due_on", "reply_text", "collective", "above_county", "version",
                            "registered_by", "created_at"), ids=True)
REPLY = Table(PetitionReply, ("petition", "stage", "unit", "outcome", "text", "replied_on", "due_on",
                              "delivery_method", "delivered_on"), ids=True)
PETITIONER = Table(Petitioner, ("petition", "name", "id_hash", "person_id", "home_region_code"), ids=False)
EVENT = Table(PetitionEvent, ("petition", "action", "from_state", "to_state", "note", "data", "actor", "at", "on"),
              ids=False)
TABLES = [PETITION, REPLY, PETITIONER, EVENT]

PER_PERSON_YEAR = 0.1 / 3  # about one petition for every ten people over three years
S, STAGE = workflow.State, PetitionReply.Stage
ANSWERS = {"reply": STAGE.ANSWER, "review_reply": STAGE.REVIEW, "recheck_reply": STAGE.RECHECK}
NOTES = {"reject": "不属于信访事项受理范围，已告知信访人向有关机关提出",
         "object": "该事项不属于本单位职责范围，退回交办单位",
         "request_review": "信访人对答复意见不服，申请复查", "request_recheck": "信访人对复查意见不服，申请复核",
         "supervise": "请加快办理，按期答复", "extend": "情况复杂，经批准延长办理期限"}
CHANNELS = (("visit", 40), ("letter", 20), ("online", 25), ("phone", 15))
TYPES = (("claim", 80), ("suggestion", 12), ("accusation", 8))
DELIVERY = (("post", 45), ("in_person", 30), ("electronic", 25))  # PetitionReply.Delivery
ANSWER_LEAD = 5  # most answers come at least this many days before the handling period ends
# The answers taken further: to 复查 (where a unit directly above has an account), the 复查 answers to 复核,
# and the 复核 with a hearing. Module constants, so a test can make every path run.
CONTESTED, RECHECKED, HEARD = 0.09, 0.25, 0.15
EXTENDED = 0.03  # handling periods extended (Art. 32), a third of them in two steps


@dataclass(frozen=True)
class Body:
    """A unit that takes a step: its pk, region code and level, and the seed_scale account that acts for it
    (None at a street station, where seed_scale has none)."""

    pk: int | None  # None: a street station outside the plan (a run for one village), never acting
    code: str
    level: int
    actor: int | None


class Deadlines:
    """`core.deadlines.deadline` and `workflow.running_deadline` over one holiday table read once, remembered."""

    def __init__(self, first: date, last: date):
        self._calendar = WorkCalendar.load(first, last)
        self._known: dict[tuple, date] = {}
        self._reads: dict[str, tuple[str, ...]] = {}  # per state: the fields running_deadline reads
        self._running: dict[tuple, date | None] = {}

    def due(self, start: date, days: int, kind: str = "calendar") -> date:
        key = (start, days, kind)
        if key not in self._known:
            self._known[key] = deadline(start, days, kind, calendar=self._calendar).due
        return self._known[key]

    def running(self, fields: dict) -> date | None:
        """`workflow.running_deadline` of the petition drawn as `fields` (the one rule behind `due_on`). The rule
        chooses its start and its extra days by the state alone, so an answer is remembered per state and the
        values of the fields it read there."""
        state = fields["state"]
        names = self._reads.get(state)
        if names is None:
            reading = _Reading(fields)
            due = workflow.running_deadline(reading, calendar=self._calendar)
            names = self._reads[state] = tuple(reading.read)
            self._running[(state, *(fields[name] for name in names))] = due
            return due
        key = (state, *(fields[name] for name in names))
        if key not in self._running:
            self._running[key] = workflow.running_deadline(_Reading(fields), calendar=self._calendar)
        return self._running[key]


class _Reading:
    """The drawn petition as `running_deadline` reads it: its fields as attributes, each name read noted."""

    def __init__(self, fields: dict):
        self._fields, self.read = fields, []

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._fields:
            raise AttributeError(f"seed_scale does not draw the petition's {name}")
        self.read.append(name)
        return self._fields[name]


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
        channel = rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
        crowd = rng.randint(5, 12) if rng.random() < 0.04 else 1
        # A visit by several people names at most 5 representatives, the rest are counted (Art. 18);
        # a letter, an online petition or a call is co-signed by everyone.
        named = min(crowd, REPRESENTATIVES_MAX) if channel == Petition.Channel.VISIT else min(crowd, 8)
        petitioners = self._petitioners(category, named)
        if not petitioners:
            return 0
        headcount = max(crowd, len(petitioners)) if channel == Petition.Channel.VISIT else None
        first_day = max(ctx.start, max(person[3] for person in petitioners))
        registered_on = first_day + timedelta(days=rng.randint(0, max((ctx.today - first_day).days, 0)))
        unit = self._unit(petitioners[0][4])
        _Case(self, unit, registered_on, category, petitioners, channel, headcount).run()
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

    def unit_above(self, code: str, level: int) -> Body | None:
        """`workflow.unit_above` over the plan: the unit of the nearest region above that has one (上一级) — a
        village's street station, a street's county centre, a county's city centre, a city's province centre."""
        if level == VILLAGE:  # seed_scale gives every region a unit: the street's station is there, with no account
            street = self._streets.get(code[:PREFIX_LENGTH[STREET]])
            return Body(street.pk if street else None, code[:PREFIX_LENGTH[STREET]].ljust(12, "0"), STREET, None)
        while level > PROVINCE:
            level -= 1
            prefix = code[:PREFIX_LENGTH[level]]
            if prefix in self.ctx.centres:
                return Body(self.ctx.centres[prefix], prefix.ljust(12, "0"), level, self.ctx.actors[prefix])
        return None

    def centre_above(self, code: str, level: int) -> Body | None:
        """The nearest centre above with an account: who presses a petition (督办, any centre above)."""
        body = self.unit_above(code, level)
        while body is not None and body.actor is None:
            body = self.unit_above(body.code, body.level)
        return body


class _Case:
    """One petition while its steps are drawn: the petition's fields as the services would set them."""

    def __init__(self, writer: PetitionsWriter, unit: Unit, registered_on: date, category: str, petitioners: list,
                 channel: str, headcount: int | None):
        self.w, self.ctx, self.rng = writer, writer.ctx, writer.rng
        self.pk = self.ctx.writer.new_id(PETITION)
        self.registered_at, self.petitioners, self.category = unit, petitioners, category
        self.channel, self.headcount = channel, headcount
        self.actor = self.ctx.actor_for(unit.code)
        self.day, self.seconds = registered_on, self.rng.randint(*OFFICE_SECONDS)
        # Petition's fields a step may change, in the model's order (the audit entries list them so)
        self.fields = {"unit": unit, "region_code": unit.code, "state": S.REGISTERED.value,
                       "registered_on": registered_on, "accepted_on": None, "assigned_on": None, "taken_on": None,
                       "replied_on": None, "reply_delivered_on": None, "review_requested_on": None,
                       "recheck_requested_on": None, "extended_days": 0, "assignee_extended_days": 0,
                       "hearing_days": 0, "outcome": "", "satisfaction": "", "due_on": None, "reply_text": "",
                       "version": 1}
        self.fields["due_on"] = writer.deadlines.running(self.fields)
        self.replies: list[dict] = []  # the PetitionReply rows, written with the petition
        self.assigned_from: Unit | None = None  # the unit that assigned it (an objection sends it back there)
        self._reply_entry: tuple[dict, str, bool] | None = None  # the reply a step created or changed
        self.answerers: dict[int, Body] = {}  # the units that answered, by pk (to find the one directly above)
        self.subject = self.rng.choice(SUBJECTS[category])
        self.type = self.rng.choices([t for t, _w in TYPES], weights=[w for _t, w in TYPES])[0]
        self._effects = {"accept": self._accept, "assign": self._assign, "take_on": self._take_on,
                         "object": self._object, "extend": self._extend, "deliver": self._deliver,
                         "revisit": self._revisit, "request_review": self._requested("review_requested_on"),
                         "request_recheck": self._requested("recheck_requested_on"), "hearing": self._hearing,
                         "supervise": self._by_unit,
                         **{action: self._answered(stage) for action, stage in ANSWERS.items()}}

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
        if rng.random() < 0.04 and (supervisor := self.w.centre_above(f["unit"].code, f["unit"].level)):
            self.step("supervise", rng.randint(10, 40), by=supervisor)  # 督办 by a centre above
        if f["unit"].level < VILLAGE and rng.random() < 0.5:
            target = self.w.assignee(f["unit"])
            if target and not self._hand_over(target):
                return
        if self._handle() and self._answer("reply", self._answer_day(), (45, 40, 15)):
            self._after_answer()

    def _hand_over(self, target: Unit) -> bool:
        """交办/转办: the receiving unit says within its own 15 days whether it accepts (Art. 23) — most within
        days, some late, a few never; now and then it objects within its 5 working days and sends it back."""
        rng = self.rng
        if not self.step("assign", rng.randint(1, 5), unit=target):
            return False
        draw = rng.random()
        if draw < 0.03:
            return self.step("object", rng.randint(1, 4))  # back on the assigning unit's own clock
        if draw < 0.08:
            return False  # never taken on: overdue for its 15 days
        return self.step("take_on", rng.randint(10, 25) if rng.random() < 0.1 else rng.randint(1, 9))

    def _clock(self) -> tuple[date, str]:
        """The start of the running 60 days and the field of its extensions: the registering unit's while it
        is accepted, the receiving unit's once it took it on (Art. 32)."""
        if self.fields["state"] == S.ACCEPTED:
            return self.fields["accepted_on"], "extended_days"
        return self.fields["taken_on"], "assignee_extended_days"

    def _handle(self) -> bool:
        """Extended now and then, by 30 days at most in all, in one or two steps while the period runs
        (Art. 32); a few stall and go overdue."""
        rng = self.rng
        start, _field = self._clock()
        if rng.random() < EXTENDED:
            first = rng.randint(10, workflow.MAX_EXTENSION.days)
            after = max(0, rng.randint(40, workflow.HANDLING.days - ANSWER_LEAD) - (self.day - start).days)
            if not self.step("extend", after, days=first):
                return False
            left = workflow.MAX_EXTENSION.days - first
            if left and rng.random() < 0.3 and not self.step("extend", rng.randint(3, 15), days=rng.randint(1, left)):
                return False
        return rng.random() >= 0.03

    def _answer_day(self) -> int:
        """Days from now to the answer: most inside the (extended) period, a few late."""
        start, field = self._clock()
        period = workflow.HANDLING.days + self.fields[field]
        into = period + self.rng.randint(1, 15) if self.rng.random() < 0.05 else \
            self.rng.randint(10, period - ANSWER_LEAD)
        return max(into - (self.day - start).days, 0)

    def _answer(self, action: str, after_days: int, weights: tuple, by: Body | None = None) -> bool:
        """An answer and its delivery: a few handed over in person at once, most delivered within 1–10 days by
        post, in person or electronically, a few never recorded (no window then runs: the engine's rule)."""
        rng = self.rng
        outcome = rng.choices(list(REPLIES), weights=weights)[0]
        data = {"outcome": outcome, "reply_text": REPLIES[outcome]}
        handed = rng.random() < 0.1
        if handed:
            data["delivery_method"] = "in_person"
        if not self.step(action, after_days, by=by, **data):
            return False
        if handed or rng.random() < 0.05:
            return True
        method = rng.choices([m for m, _w in DELIVERY], weights=[w for _m, w in DELIVERY])[0]
        answerer = by or self._responsible()
        return self.step("deliver", rng.randint(1, 10), by=answerer, delivery_method=method,
                         late_by=rng.choice((0, 0, 0, 1, 2)))

    def _after_answer(self) -> None:
        """回访 and 办结 for most; a contested answer goes on to 复查 (not satisfied at the revisit, or never
        revisited), a share of the 复查 answers to 复核."""
        rng = self.rng
        contested = rng.random() < CONTESTED
        if rng.random() < 0.85:
            satisfaction = "unsatisfied" if contested else \
                rng.choices(("satisfied", "fairly", "unsatisfied"), weights=(70, 22, 5))[0]
            if not self.step("revisit", rng.randint(3, 20), satisfaction=satisfaction):
                return
            if rng.random() < 0.93 and not self.step("close", rng.randint(1, 10)):
                return
        if contested and self._again("request_review", "review_reply", (20, 50, 30)) and rng.random() < RECHECKED:
            self._again("request_recheck", "recheck_reply", (10, 50, 40))

    def _again(self, request: str, answer: str, weights: tuple) -> bool:
        """复查 or 复核: asked within 30 days of the delivery of the last answer (no limit while it is not
        recorded), answered by the unit directly above the one that gave it (Arts. 35–36)."""
        rng, f = self.rng, self.fields
        last = self.replies[-1]
        answered = self.answerers[last["unit"]]
        above = self.w.unit_above(answered.code, answered.level)
        if above is None or above.actor is None:
            return False  # a street station would answer: seed_scale has no account there
        since = f["reply_delivered_on"] or last["replied_on"]
        if not self.step(request, max(0, rng.randint(5, 28) - (self.day - since).days)) or rng.random() < 0.03:
            return False
        if answer == "recheck_reply" and rng.random() < HEARD and not self._hear(above):
            return False
        return self._answer(answer, rng.randint(10, 28), weights, by=above)

    def _hear(self, body: Body) -> bool:
        """A 复核 hearing of one to three days, recorded when it ends; its days are not counted (Art. 36)."""
        rng = self.rng
        first = self.day + timedelta(days=rng.randint(5, 15))
        last = first + timedelta(days=rng.randint(0, 2))
        return self.step("hearing", (last - self.day).days + rng.randint(0, 2), by=body, hearing_from=first,
                         hearing_to=last)

    # --- one step, as petition_transition takes it ---------------------------------------------

    def step(self, action: str, after_days: int, *, by: Body | None = None, **data) -> bool:
        """Take `action` `after_days` after the previous step; False (nothing written) if that is after today
        or outside the step's window, or the step's rule refuses it."""
        day = self.day + timedelta(days=after_days)
        if day > self.ctx.today:
            return False
        step, f = workflow.STEPS[action], self.fields
        if f["state"] not in step.sources:
            raise AssertionError(f"seed_scale drew {action} while the petition is {f['state']}")
        if step.window and f[step.window.anchor]:
            period = step.window.period
            if day > self.w.deadlines.due(f[step.window.anchor], period.days, period.kind):
                return False
        actor = self.ctx.actors[f["unit"].code[:4]] if action == "extend" else by.actor if by else self.actor
        before = dict(f)
        extra = self._effects.get(action, _nothing)(day, data, by, actor)
        if extra is None:
            return False  # refused by the step's rule: nothing changed
        f["state"] = step.target or f["state"]
        f["due_on"] = self.w.deadlines.running(f)  # the machine's due_of after every step
        f["version"] += 1
        self._event(action, before["state"], f["state"], NOTES.get(action, ""), extra, actor, day)
        if self._reply_entry:  # the answer's own record, created or delivered, audited before the petition
            reply, changes, new = self._reply_entry
            log = self.ctx.audit.created if new else self.ctx.audit.changed
            log(PetitionReply, reply["pk"], f"{self.pk} {reply['stage']}", changes, actor, day, self.seconds)
            self._reply_entry = None
        changes = {name: [_text(before[name]), _text(f[name])] for name in f if before[name] != f[name]}
        self.ctx.audit.changed(Petition, self.pk, self.subject, as_json(changes), actor, day, self.seconds)
        return True

    # --- the effects: what each step of workflow.PETITION writes besides the state -----------------

    def _accept(self, day, data, by, actor):
        self.fields["accepted_on"] = day
        return {}

    def _assign(self, day, data, by, actor):
        f, unit = self.fields, data["unit"]
        self.assigned_from = f["unit"]
        f.update(unit=unit, region_code=unit.code, assigned_on=day, taken_on=None, assignee_extended_days=0)
        return {"unit": unit.pk, "from_unit": self.assigned_from.pk}

    def _take_on(self, day, data, by, actor):
        self.fields["taken_on"] = day
        return {}

    def _object(self, day, data, by, actor):
        back = self.assigned_from
        self.fields.update(unit=back, region_code=back.code, taken_on=None)
        return {}

    def _extend(self, day, data, by, actor):
        f = self.fields
        if f["due_on"] and day > f["due_on"]:
            return None  # only while the period runs (Art. 32)
        _start, field = self._clock()
        if not 1 <= data["days"] <= workflow.MAX_EXTENSION.days - f[field]:
            return None
        f[field] += data["days"]
        return {"days": data["days"], "approver": actor, "due": self.w.deadlines.running(f).isoformat()}

    def _answered(self, stage: str):
        """答复 (by the responsible unit), 复查意见, 复核意见 (by the acting centre): each its own record with the
        deadline that was running; `replied_on` is the first answer's."""

        def effect(day, data, by, actor):
            return self._answer_recorded(stage, day, data, by or self._responsible())

        return effect

    def _answer_recorded(self, stage: str, day: date, data: dict, unit: Body) -> dict:
        f = self.fields
        method = data.get("delivery_method", "")
        delivered = day if method else None
        reply = {"pk": self.ctx.writer.new_id(REPLY), "stage": str(stage), "unit": unit.pk,
                 "outcome": data["outcome"], "text": data["reply_text"], "replied_on": day, "due_on": f["due_on"],
                 "delivery_method": method, "delivered_on": delivered}
        self.replies.append(reply)
        self.answerers[unit.pk] = unit
        delivery = {"delivery_method": method, "delivered_on": day.isoformat()} if method else {}
        self._reply_entry = (reply, created(petition=self.pk, stage=reply["stage"], unit=unit.pk,
                                            outcome=reply["outcome"], text=reply["text"], replied_on=day,
                                            due_on=reply["due_on"], **delivery), True)
        if stage == STAGE.ANSWER:
            f["replied_on"] = day
        f["outcome"], f["reply_text"], f["reply_delivered_on"] = data["outcome"], data["reply_text"], delivered
        return {"outcome": data["outcome"], "reply_text": data["reply_text"], "by_unit": unit.pk, **delivery}

    def _deliver(self, day, data, by, actor):
        """送达 of the latest written answer, recorded on the day or a day or two after it happened."""
        reply = self.replies[-1]
        if reply["delivered_on"]:
            raise AssertionError("seed_scale drew a second delivery of the same reply")
        delivered = day - timedelta(days=min(data["late_by"], (day - reply["replied_on"]).days))
        reply["delivery_method"], reply["delivered_on"] = data["delivery_method"], delivered
        self.fields["reply_delivered_on"] = delivered
        self._reply_entry = (reply, as_json({"delivery_method": ["", reply["delivery_method"]],
                                             "delivered_on": ["None", delivered.isoformat()]}), False)
        return {"stage": reply["stage"], "delivery_method": reply["delivery_method"],
                "delivered_on": delivered.isoformat()}

    def _revisit(self, day, data, by, actor):
        self.fields["satisfaction"] = data["satisfaction"]
        return {"satisfaction": data["satisfaction"]}

    def _requested(self, field: str):
        def effect(day, data, by, actor):
            self.fields[field] = day
            return {}

        return effect

    def _hearing(self, day, data, by, actor):
        first, last = data["hearing_from"], data["hearing_to"]
        days = (last - first).days + 1
        self.fields["hearing_days"] += days
        return {"hearing_from": first.isoformat(), "hearing_to": last.isoformat(), "days": days}

    def _by_unit(self, day, data, by, actor):
        return {"by_unit": by.pk}

    # --- units -----------------------------------------------------------------------------------

    def _responsible(self) -> Body:
        unit = self.fields["unit"]
        return Body(unit.pk, unit.code, unit.level, self.actor)

    # --- rows ----------------------------------------------------------------------------------

    def _register(self) -> None:
        ctx, f, unit = self.ctx, self.fields, self.registered_at
        for pk, name, id_hash, _day, _station in self.petitioners:
            ctx.writer.add(PETITIONER, (self.pk, name, id_hash, pk, self.w.county.code + "000000"))
        headcount = {"headcount": self.headcount} if self.headcount is not None else {}
        ctx.audit.created(Petition, self.pk, self.subject, created(
            unit=unit.pk, region_code=unit.code, registered_at_unit=unit.pk, channel=self.channel, type=self.type,
            category=self.category, subject=self.subject, state=S.REGISTERED.value, registered_on=f["registered_on"],
            due_on=f["due_on"], **headcount, collective=self.collective, version=1, registered_by=self.actor),
            self.actor, self.day, self.seconds)
        self._event("register", "", S.REGISTERED.value, "", {}, self.actor, self.day)

    @property
    def collective(self) -> bool:
        """集体访 as petition_register judges it: the people present at a visit, else the people named."""
        people = self.headcount if self.channel == Petition.Channel.VISIT else len(self.petitioners)
        return people >= workflow.COLLECTIVE_SIZE

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
            day(f["accepted_on"]), day(f["assigned_on"]), day(f["taken_on"]), day(f["replied_on"]),
            day(f["reply_delivered_on"]), day(f["review_requested_on"]), day(f["recheck_requested_on"]),
            f["extended_days"], f["assignee_extended_days"], f["hearing_days"], self.headcount, f["outcome"],
            f["satisfaction"], day(f["due_on"]), f["reply_text"], self.collective, False, f["version"], self.actor,
            ctx.clock.at(f["registered_on"], 0)))
        for reply in self.replies:
            ctx.writer.add(REPLY, (reply["pk"], self.pk, reply["stage"], reply["unit"], reply["outcome"],
                                   reply["text"], day(reply["replied_on"]), day(reply["due_on"]),
                                   reply["delivery_method"], day(reply["delivered_on"])))


def _nothing(day, data, by, actor) -> dict:
    """reject and close: the state alone changes."""
    return {}


def _text(value) -> str:
    """A value as auditlog writes it in a change: units by pk, dates in ISO form, None as "None"."""
    if isinstance(value, Unit):
        return str(value.pk)
    return str(value)
