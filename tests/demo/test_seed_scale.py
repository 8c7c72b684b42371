"""manage.py seed_scale on two districts of 兰州市: valid people, books that add up, petitions that follow
the workflow, audit entries the ORM reads, resumable and deterministic, and bad arguments refused."""

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, COUNTY, VILLAGE
from rongjia.demo import scale_petitions, scale_writer
from rongjia.demo.scale_run import TABLES
from rongjia.people.models import Person, StatusChange, Transfer
from rongjia.people.names import name_keys
from rongjia.people.services import id_index, phone_index
from rongjia.petitions import workflow
from rongjia.petitions.models import Petition, PetitionEvent, PetitionReply
from rongjia.petitions.services import REPRESENTATIVES_MAX

COUNTIES = ("620102", "620103", "620104")  # 城关区, 七里河区, 西固区; the run writes the first two
ARGS = ("--region", "6201", "--counties", "2", "--people", "2400", "--years", "1")
SIGN = {"new": 1, "move_in": 1, "found": 1, "move_out": -1, "death": -1, "lost": -1}
# The status each change leaves, from the status it needs (people.books.services.ALLOWED, transfers
# being a 迁出 and a 迁入 of the same day).
MOVES = {"new": (None, "active"), "move_out": ("active", "moved_out"), "move_in": ("moved_out", "active"),
         "lost": ("active", "lost"), "found": ("lost", "active"), "death": ("active", "deceased")}


@pytest.fixture(scope="session")
def lanzhou_files(tmp_path_factory):
    """The real region files cut down to three districts and the units above them: imports in milliseconds."""
    folder = tmp_path_factory.mktemp("regions")
    for name in ("provinces", "cities", "areas", "streets", "villages"):
        with open(settings.REGION_DATA_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as source, \
                open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as target:
            rows = csv.reader(source)
            writer = csv.writer(target)
            writer.writerow(next(rows))
            writer.writerows(row for row in rows if any(c.startswith(row[0]) or row[0].startswith(c)
                                                        for c in COUNTIES))
    return folder


@pytest.fixture
def fast(settings, lanzhou_files):
    settings.REGION_DATA_DIR = lanzhou_files
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # accounts are not the subject


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *(args or ARGS), stdout=out)
    return out.getvalue()


def written():
    return Person.objects.filter(created_by__username__in=[f"scale_{code}" for code in COUNTIES])


def test_seed_scale_writes_people_books_petitions_and_audit_that_agree(db, fast):
    out = seed()
    people = list(written().select_related("station", "address_region").prefetch_related("category_spans"))
    assert len(people) == 2400
    assert not Person.objects.filter(created_by__username="scale_620104").exists()  # beyond --counties 2
    assert "scale_province" in out and "scale_county" in out and "scale_village" in out
    _assert_valid_people(people)
    _assert_references_resolve()
    _assert_books_add_up()
    _assert_transfers_match_the_books()
    _assert_petitions_follow_the_workflow(
        states_seen=("registered", "accepted", "replied", "closed", "not_accepted"),
        actions_seen=("assign", "take_on", "deliver"))
    _assert_audit_entries(people)
    _assert_viewers()

    before = _table_counts()
    again = seed()
    assert _table_counts() == before
    assert again.count("此前已写入，跳过") == 2


def test_contested_answers_go_to_the_level_directly_above(db, fast, monkeypatch):
    """Every period extended, every answer contested, every 复查 answer taken to 复核 with a hearing: the rare
    paths, run for all.
    Only an answer given by a street station or a centre goes on (seed_scale has no account at a street
    station, the level directly above a village's); the county reviews a street's answer, the city rechecks."""
    monkeypatch.setattr(scale_petitions, "CONTESTED", 1.0)
    monkeypatch.setattr(scale_petitions, "RECHECKED", 1.0)
    monkeypatch.setattr(scale_petitions, "HEARD", 1.0)
    monkeypatch.setattr(scale_petitions, "EXTENDED", 1.0)
    seed()
    _assert_petitions_follow_the_workflow(
        actions_seen=("extend", "request_review", "review_reply", "request_recheck", "hearing", "recheck_reply"))
    twice = PetitionEvent.objects.filter(action="extend").values("petition").annotate(n=Count("id")).filter(n=2)
    assert twice.exists()  # extended again while the extended period ran, 30 days at most in all
    _assert_references_resolve()
    reviewed = PetitionReply.objects.filter(stage="review").select_related("unit")
    assert reviewed and {reply.unit.level for reply in reviewed} <= {CITY, COUNTY}
    assert not PetitionReply.objects.filter(stage="answer", unit__level=VILLAGE,
                                            petition__replies__stage="review").exists()


def _assert_valid_people(people):
    numbers = [person.id_number for person in people]  # the ORM decrypts what the bulk write stored
    assert len(set(numbers)) == len(numbers)
    assert len({person.id_hash for person in people}) == len(people)
    for person in people:
        facts = parse_id_number(person.id_number)  # checksum, date and length
        assert facts.region_code in COUNTIES[:2]
        assert (facts.birth_date, facts.sex) == (person.birth_date, person.sex)
        assert person.id_hash == id_index(person.id_number)
        assert person.phone_hash == (phone_index(person.phone) if person.phone else "")
        assert person.address_region.code.startswith(facts.region_code)
        assert person.category_spans.all()
        assert person.name_initials and person.name
        keys = name_keys(person.name)  # what Person.derive keeps, written by the bulk path without instances
        assert (person.name_initials, person.name_pinyin, person.name_pinyin_abbr) == (
            keys.initials, keys.pinyin, keys.abbr)
        assert person.region_code == person.station.region_code


def _assert_references_resolve():
    """Every foreign key of every row written points at a row (PostgreSQL may skip its per-row checks)."""
    for table in TABLES:
        for field in table.model._meta.concrete_fields:
            if field.is_relation:
                dangling = table.model.objects.filter(**{f"{field.attname}__isnull": False}).exclude(
                    **{f"{field.attname}__in": field.related_model._base_manager.values("pk")})
                assert not dangling.exists(), (table.label, field.name)


def _assert_books_add_up():
    """For every station: the people on its books now = the sum of its changes (+1 in, −1 out)."""
    summed = Counter()
    for station, kind, count in StatusChange.objects.values_list("station", "kind").annotate(n=Count("id")):
        summed[station] += SIGN[kind] * count
    on_books = Counter(dict(Person.objects.filter(status="active").values_list("station").annotate(n=Count("id"))))
    assert +summed == on_books and not -summed
    assert StatusChange.objects.exclude(region_code__in=OrgUnit.objects.values("region_code")).count() == 0

    lines = defaultdict(list)
    for change in StatusChange.objects.order_by("person", "date", "id").select_related("station"):
        lines[change.person_id].append(change)
    for person in written():
        status, station, day = None, None, None
        for change in lines[person.pk]:
            needed, status_after = MOVES[change.kind]
            assert status == needed, (person.pk, [c.kind for c in lines[person.pk]])
            assert day is None or change.date >= day
            assert change.region_code == change.station.region_code
            if change.kind in ("new", "move_in"):
                station = change.station_id
            else:
                assert change.station_id == station  # leaving, lost, found or dying where one is held
            status, day = status_after, change.date
        assert person.status == status
        assert person.station_id == station
        assert (person.deceased_on is not None) == (status == "deceased")


def _assert_transfers_match_the_books():
    transfers = Transfer.objects.filter(person__in=written())
    assert transfers.filter(state="accepted").exists() and transfers.exclude(state="accepted").exists()
    for transfer in transfers.filter(state="accepted"):
        day = timezone.localdate(transfer.decided_at)
        changes = StatusChange.objects.filter(person=transfer.person_id, date=day)
        assert changes.filter(kind="move_out", station=transfer.from_station_id).exists()
        assert changes.filter(kind="move_in", station=transfer.to_station_id).exists()
        assert transfer.proposed_at <= transfer.decided_at
    assert Transfer.objects.filter(state="proposed", decided_at__isnull=False).count() == 0


def _assert_petitions_follow_the_workflow(*, states_seen=(), actions_seen=()):
    """Each petition's events, replayed as the steps of workflow.PETITION would take them, end where its row
    ends; its deadline is the machine's running deadline; each answer is its own record, consistent with its
    event (unit, outcome, deadline answered, delivery); 复查 and 复核 answered by the unit directly above."""
    petitions = (Petition.objects.filter(region_code__startswith="6201")
                 .prefetch_related("events", "petitioners", "replies").select_related("unit"))
    assert petitions.count() >= 70  # one for ten people in three years: 80 for 2,400 people in one
    states, actions = Counter(), Counter()
    for petition in petitions:
        events = sorted(petition.events.all(), key=lambda event: event.pk)
        first, rest = events[0], events[1:]
        assert (first.action, first.from_state, first.to_state) == ("register", "", "registered")
        assert first.on == petition.registered_on
        replayed = _Replay(petition)
        replies = {reply.stage: reply for reply in petition.replies.all()}
        answered = []
        for event in rest:
            step = workflow.STEPS[event.action]
            assert event.from_state == replayed.state and replayed.state in step.sources
            assert event.to_state == (step.target or replayed.state)
            assert event.on >= replayed.day
            assert event.note or not step.needs_note
            if step.window and getattr(replayed, step.window.anchor):  # no window while its start is unknown
                assert event.on <= step.window.period.due(getattr(replayed, step.window.anchor))
            running = workflow.running_deadline(replayed)
            if event.action == "extend":
                assert event.on <= running  # only while the period runs (Art. 32)
            if event.action in STAGES:
                reply = replies[STAGES[event.action]]
                assert (reply.replied_on, reply.due_on, reply.unit_id) == (event.on, running, event.data["by_unit"])
                assert (reply.outcome, reply.text) == (event.data["outcome"], event.data["reply_text"])
                assert event.data.get("delivered_on") in (None, event.on.isoformat())
                answered.append(reply)
            if event.action == "deliver":
                reply = answered[-1]
                assert (event.data["stage"], event.data["delivery_method"]) == (reply.stage, reply.delivery_method)
                assert reply.replied_on <= reply.delivered_on <= event.on
                assert event.data["delivered_on"] == reply.delivered_on.isoformat()
            replayed.take(event)
            if event.action == "extend":
                assert event.data["due"] == workflow.running_deadline(replayed).isoformat()
            actions[event.action] += 1
        assert petition.state == replayed.state
        assert petition.region_code == petition.unit.region_code
        for name in _Replay.DATES + _Replay.DAYS + ("unit_id",):
            assert getattr(petition, name) == getattr(replayed, name), (petition.pk, name)
        assert petition.extended_days <= workflow.MAX_EXTENSION.days
        assert petition.assignee_extended_days <= workflow.MAX_EXTENSION.days
        assert petition.due_on == workflow.running_deadline(petition)  # the machine's due_of, for every state
        assert petition.version == len(events)
        assert [reply.pk for reply in answered] == sorted(reply.pk for reply in replies.values())
        if "answer" in replies:
            assert petition.replied_on == replies["answer"].replied_on  # the first answer, never a later one
            latest = answered[-1]
            assert (petition.outcome, petition.reply_text) == (latest.outcome, latest.text)
            assert petition.reply_delivered_on == latest.delivered_on
        else:
            assert petition.replied_on is None and not replies
        _assert_answered_from_directly_above(replies)
        _assert_headcount(petition, list(petition.petitioners.all()))
        states[petition.state] += 1
    assert set(states_seen) <= set(states) and set(actions_seen) <= set(actions), (states, actions)


STAGES = {"reply": "answer", "review_reply": "review", "recheck_reply": "recheck"}


def _assert_answered_from_directly_above(replies):
    """复查 by the unit directly above the one that answered (Art. 35), 复核 by the one above the 复查's (Art. 36)."""
    if "review" in replies:
        assert replies["review"].unit == workflow.unit_above(replies["answer"].unit)
    if "recheck" in replies:
        assert replies["recheck"].unit == workflow.unit_above(replies["review"].unit)


def _assert_headcount(petition, petitioners):
    """As petition_register records it: a visit counts the people present, naming at most 5 representatives
    (Art. 18); 集体访 is five or more present at a visit, or five or more named in writing."""
    assert petitioners
    if petition.channel == "visit":
        assert len(petitioners) <= REPRESENTATIVES_MAX and petition.headcount >= len(petitioners)
        assert petition.collective == (petition.headcount >= workflow.COLLECTIVE_SIZE)
    else:
        assert petition.headcount is None
        assert petition.collective == (len(petitioners) >= workflow.COLLECTIVE_SIZE)


class _Replay:
    """A petition rebuilt from its events alone, as each step's effect in petitions/workflow.py writes it."""

    DATES = ("accepted_on", "assigned_on", "taken_on", "replied_on", "reply_delivered_on", "review_requested_on",
             "recheck_requested_on")
    DAYS = ("extended_days", "assignee_extended_days", "hearing_days")

    def __init__(self, petition):
        self.state, self.day, self.registered_on = "registered", petition.registered_on, petition.registered_on
        self.unit_id, self.assigned_by = petition.registered_at_unit_id, []
        for name in self.DATES:
            setattr(self, name, None)
        for name in self.DAYS:
            setattr(self, name, 0)

    def take(self, event):
        action, data, day = event.action, event.data, event.on
        if action == "accept":
            self.accepted_on = day
        elif action == "assign":
            self.assigned_by.append(data["from_unit"])
            self.unit_id, self.assigned_on, self.taken_on, self.assignee_extended_days = data["unit"], day, None, 0
        elif action == "take_on":
            self.taken_on = day
        elif action == "object":
            self.unit_id, self.taken_on = self.assigned_by[-1], None
        elif action == "extend":
            field = "extended_days" if self.state == "accepted" else "assignee_extended_days"
            setattr(self, field, getattr(self, field) + data["days"])
        elif action in STAGES:
            self.replied_on = self.replied_on or day
            self.reply_delivered_on = _day(data.get("delivered_on"))
        elif action == "deliver":
            self.reply_delivered_on = _day(data["delivered_on"])
        elif action in ("request_review", "request_recheck"):
            setattr(self, f"{action[len('request_'):]}_requested_on", day)
        elif action == "hearing":
            self.hearing_days += data["days"]
        self.state, self.day = event.to_state, day


def _day(text):
    return date.fromisoformat(text) if text else None


def _assert_audit_entries(people):
    kinds = ContentType.objects.get_for_models(Person, StatusChange, Petition, PetitionReply)
    entries = LogEntry.objects.filter(actor__username__startswith="scale_")
    created = entries.filter(content_type=kinds[Person], action=LogEntry.Action.CREATE)
    assert created.count() == len(people)
    assert entries.filter(content_type=kinds[StatusChange]).count() == StatusChange.objects.filter(
        person__in=written()).count()
    assert entries.filter(content_type=kinds[Person], action=LogEntry.Action.ACCESS).exists()
    entry = created.order_by("id").first()  # what the audit pages read: changes as a dict, the person's name
    person = Person.objects.get(pk=entry.object_id)
    assert entry.object_repr == person.name and entry.changes["name"] == ["None", person.name]
    updates = entries.filter(content_type=kinds[Petition], action=LogEntry.Action.UPDATE)
    assert all("state" in change or "version" in change for change in updates.values_list("changes", flat=True))
    steps = PetitionEvent.objects.filter(petition__region_code__startswith="6201").exclude(action="register")
    assert updates.count() == steps.count()  # one saved change per step
    # each answer's record is created by its step, and changed by its delivery (PetitionReply is audited)
    replies = entries.filter(content_type=kinds[PetitionReply])
    assert replies.filter(action=LogEntry.Action.CREATE).count() == PetitionReply.objects.count()
    delivered = replies.filter(action=LogEntry.Action.UPDATE)
    assert delivered.count() == steps.filter(action="deliver").count()
    for entry in delivered:
        reply = PetitionReply.objects.get(pk=entry.object_id)
        assert entry.changes["delivered_on"] == ["None", reply.delivered_on.isoformat()]


def _assert_viewers():
    county = User.objects.get(username="scale_county")
    village = User.objects.get(username="scale_village")
    province = User.objects.get(username="scale_province")
    assert province.org_unit.region_code == "620000000000"
    assert county.org_unit.region_code in {f"{code}000000" for code in COUNTIES[:2]}
    assert village.org_unit.region_code.startswith(county.org_unit.region_code[:6])
    assert village.org_unit.level == 5 and Person.objects.filter(station=village.org_unit).exists()
    assert county.can("people.view") and not county.can("people.edit")


def test_an_interrupted_county_leaves_nothing_and_a_rerun_writes_what_one_run_would(db, fast, monkeypatch):
    args = ("--region", "6201", "--counties", "2", "--people", "600", "--years", "1")
    with transaction.atomic():  # an uninterrupted run, to compare with, then undone
        seed(*args)
        expected = _fingerprint()
        transaction.set_rollback(True)

    def interrupt(self):
        raise KeyboardInterrupt  # as Ctrl-C would, once the county's people are in the tables

    with monkeypatch.context() as patch:
        patch.setattr(scale_writer, "BUFFER_ROWS", 50)  # so rows reach the database before the interruption
        patch.setattr(scale_petitions.PetitionsWriter, "write", interrupt)
        with pytest.raises(CommandError, match="已中断"):
            seed(*args)
    assert not written().exists()
    assert not StatusChange.objects.exists() and not Petition.objects.filter(region_code__startswith="62").exists()
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person)).exists()

    seed(*args)
    assert _fingerprint() == expected


def _table_counts():
    return [model.objects.count() for model in (Person, StatusChange, Transfer, Petition, PetitionReply, LogEntry,
                                                User, OrgUnit)]


def _fingerprint():
    people = sorted(written().values_list("id_hash", "name", "status", "station__region_code", "phone_hash"))
    changes = sorted(StatusChange.objects.values_list("person__id_hash", "kind", "date", "region_code"))
    petitions = sorted(Petition.objects.values_list("subject", "state", "registered_on", "region_code", "due_on"))
    replies = sorted(PetitionReply.objects.values_list("stage", "unit__region_code", "replied_on", "delivered_on"))
    return people, changes, petitions, replies, LogEntry.objects.filter(actor__username__startswith="scale_").count()


@pytest.mark.parametrize("args, message", [
    (("--region", "6201x"), "--region"),
    (("--region", "620"), "--region"),
    (("--region", "990000"), "990000"),
    (("--people", "0"), "--people"),
    (("--years", "0"), "--years"),
    (("--years", "11"), "--years"),
    (("--counties", "0"), "--counties"),
    (("--jobs", "0"), "--jobs"),
])
def test_bad_arguments_are_refused_and_change_nothing(db, fast, args, message):
    before = (Region.objects.count(), OrgUnit.objects.count(), User.objects.count(), Person.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("seed_scale", *args, stdout=StringIO())
    assert (Region.objects.count(), OrgUnit.objects.count(), User.objects.count(), Person.objects.count()) == before


def test_the_years_end_today(db, fast):
    seed("--region", "620102", "--people", "300", "--years", "1")
    today = timezone.localdate()
    assert StatusChange.objects.earliest("date").date >= today - timedelta(days=366)
    assert StatusChange.objects.latest("date").date <= today
    assert Petition.objects.latest("registered_on").registered_on <= today
