"""Dossiers 一人一档 (SPEC C2): every served person, held by one station.

ID numbers and phones are personal sensitive information: stored encrypted, found through
keyed blind indexes, shown masked (DESIGN.md rule 5, decision 0005).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import ScopedQuerySet
from rongjia.network.models import Grid

from .names import name_keys
from .reference import (
    AWARD_CHOICES,
    BRANCH_CHOICES,
    DISABILITY_CAUSE_CHOICES,
    DISCHARGE_CHOICES,
    EDUCATION_CHOICES,
    ETHNIC_CHOICES,
    POLITICAL_CHOICES,
    RELATIONSHIP_CHOICES,
)


class Category(models.Model):
    """转业干部, 退役士兵, 烈士遗属…: reference data the system administrator keeps."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class Tag(models.Model):
    """Needs and tags (就业需求, 困难类型, 健康状况, 思想状况, 党员, 志愿者…): reference data too."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        HARDSHIP = "hardship", _("Hardship")
        HEALTH = "health", _("Health")
        THOUGHT = "thought", _("State of mind")
        IDENTITY = "identity", _("Identity")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_kind_name_unique")]

    def __str__(self):
        return self.name


def person_photo_path(person, filename: str) -> str:
    """Photos live under MEDIA_ROOT, outside the web root, served only through a scoped view."""
    return f"people/photos/{person.station_id}/{person.pk or 'new'}-{filename[-40:]}"


class PersonQuerySet(ScopedQuerySet):
    # The holding station's code, copied onto the row (decision 0001): the scope is a range of the person table
    # itself, which the planner estimates from that table alone and serves from one index with the list's order.
    scope_field = "region_code"

    def bulk_create(self, objs, *args, **kwargs):
        """The derived columns of every new row first (Person.derive): bulk writers cannot forget them."""
        objs = list(objs)
        derive_in_bulk(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        """A queryset update of the name or the station writes the derived columns with it (a literal value: an
        expression for either is refused, its derived columns could not follow)."""
        if "name" in kwargs and "name_pinyin" not in kwargs:
            keys = name_keys(_literal(kwargs["name"], "name"))
            kwargs.update(name_initials=keys.initials, name_pinyin=keys.pinyin, name_pinyin_abbr=keys.abbr)
        station = kwargs.get("station", kwargs.get("station_id"))
        if station is not None and "region_code" not in kwargs:
            station = _literal(station, "station")
            kwargs["region_code"] = station.region_code if isinstance(station, OrgUnit) else (
                OrgUnit.objects.values_list("region_code", flat=True).get(pk=station))
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """A bulk change of names or stations writes their derived columns with them."""
        objs, fields = list(objs), list(fields)
        derived = derive_in_bulk(objs, changed=fields)
        return super().bulk_update(objs, [*fields, *(name for name in derived if name not in fields)], *args,
                                   **kwargs)


# The columns Person.derive keeps, by the field they come from.
NAME_KEYS = ("name_initials", "name_pinyin", "name_pinyin_abbr")
DERIVED = {"name": NAME_KEYS, "station": ("region_code",)}


def _literal(value, field: str):
    if hasattr(value, "resolve_expression"):
        raise TypeError(f"Person.{field} is updated with the columns derived from it: give a value, not an expression")
    return value


def derived_sources(fields) -> set[str]:
    """The fields among `fields` whose derived columns follow them ("station_id" is the station)."""
    return {field.removesuffix("_id") for field in fields} & set(DERIVED)


def derive_in_bulk(people, *, changed=DERIVED) -> list[str]:
    """Person.derive for many rows, the region codes of stations not loaded with them read in one query;
    returns the derived columns written."""
    sources = derived_sources(changed)
    unloaded = [person for person in people if not Person.station.is_cached(person)] if "station" in sources else []
    codes = dict(OrgUnit.objects.filter(pk__in={person.station_id for person in unloaded})
                 .values_list("pk", "region_code")) if unloaded else {}
    for person in unloaded:
        person.region_code = codes.get(person.station_id, "")
    read_here = {id(person) for person in unloaded}
    for person in people:
        person.derive(only=sources - {"station"} if id(person) in read_here else sources)
    return [column for field in sorted(sources) for column in DERIVED[field]]


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("On the books")
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")
        LOST = "lost", _("Lost contact")

    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="people",
                                verbose_name=_("station"))
    # The station's region code, for scoping without the join (kept by Person.derive; a unit's code never changes)
    region_code = models.CharField(max_length=12, editable=False, default="")
    name = models.CharField(_("name"), max_length=40)
    # 张伟 → zw, zhangwei, zhangw (names.py): the search as workers type a name in letters, and the list's order.
    # Kept by Person.derive whenever the name is saved.
    name_initials = models.CharField(max_length=40, db_index=True, editable=False)
    name_pinyin = models.CharField(max_length=100, editable=False, blank=True, default="")  # blank: nothing to read
    name_pinyin_abbr = models.CharField(max_length=60, editable=False, blank=True, default="")
    id_number = EncryptedTextField(_("ID number"))
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    # A second number: ledgers often write two in one cell ("138…/0931…"); the import keeps both.
    phone_alt = EncryptedTextField(_("alternate phone"), blank=True, default="")
    address_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("address region"))
    address_detail = models.CharField(_("address"), max_length=200, blank=True)
    # Blank when a ledger did not say: an import never guesses 汉族 or 群众 for a whole file.
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNIC_CHOICES, default="01", blank=True)
    political_status = models.CharField(_("political status"), max_length=2, choices=POLITICAL_CHOICES, blank=True,
                                        default="13")
    education = models.CharField(_("education"), max_length=10, choices=EDUCATION_CHOICES, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    photo = models.FileField(_("photo"), upload_to=person_photo_path, blank=True, max_length=200)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True,
                                                        validators=[MinValueValidator(1), MaxValueValidator(10)])
    disability_cause = models.CharField(_("disability cause"), max_length=10, choices=DISABILITY_CAUSE_CHOICES,
                                        blank=True)
    disability_certificate = models.CharField(_("disability certificate no."), max_length=40, blank=True)
    priority = models.BooleanField(_("priority person (一人一册)"), default=False)
    notes = models.CharField(_("notes"), max_length=500, blank=True, default="")
    deceased_on = models.DateField(_("date of death"), null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("needs and tags"))
    categories = models.ManyToManyField(Category, through="PersonCategory", related_name="people",
                                        verbose_name=_("categories"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # The grid (网格) of the station whose worker keeps this household (the person and the household members).
    grid = models.ForeignKey(Grid, on_delete=models.SET_NULL, null=True, blank=True, related_name="households",
                             verbose_name=_("grid"))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("served person")
        verbose_name_plural = _("served people")
        indexes = [
            models.Index(fields=["station", "status"], name="person_station_status"),
            # The list's default order, whole-name pinyin: a page of a wide scope (a county, a province) is
            # the next 50 entries of this index that lie in the scope, and a search in pinyin is a range of it.
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin_order"),
            # A narrow scope (a street, a village) is a range of this one, already in the list's order.
            models.Index(fields=["region_code", "name_pinyin", "id"], name="person_region_order"),
            # A status filter in the list's order: the deceased of a province are the next entries of this index
            # (never a sort of all 26,000 of them). On PostgreSQL migration 0014 builds it with the region code
            # beside each entry (INCLUDE), so a county's are counted from the index alone; SQLite has no INCLUDE.
            models.Index(fields=["status", "name_pinyin", "id"], name="person_status_order"),
            models.Index(fields=["name_pinyin_abbr"], name="person_pinyin_abbr"),
            # A search of one or two characters finds the names that begin with them (no trigram to use):
            # LIKE '王伟%' needs the pattern operator class on PostgreSQL; elsewhere a plain index.
            models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Every save writes the derived columns of what it saves (a name's keys, the station's region code)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.derive()
        else:
            sources = derived_sources(update_fields)
            self.derive(only=sources)
            kwargs["update_fields"] = {*update_fields, *(column for field in sources for column in DERIVED[field])}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        person._loaded_station_id = person.__dict__.get("station_id")  # derive() asks whether it changed
        return person

    def derive(self, *, only=DERIVED) -> None:
        """Set the columns kept from the name (names.name_keys) and from the holding station (its region code).

        The station's code is read from the station when it is loaded, or when the station changed since the
        row was read (then one query); a row saved again at the same station keeps its code without a query.
        """
        if "name" in only:
            keys = name_keys(self.name or "")
            self.name_initials, self.name_pinyin, self.name_pinyin_abbr = keys.initials, keys.pinyin, keys.abbr
        if "station" in only and self.station_id:
            moved = self.station_id != getattr(self, "_loaded_station_id", None)
            if moved or not self.region_code or Person.station.is_cached(self):
                self.region_code = self.station.region_code


class PersonCategory(models.Model):
    """A category held from one date, perhaps until another (a person holds many)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="category_spans")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                   | models.Q(end_date__gte=models.F("start_date")), name="category_span_order"),
        ]

    def __str__(self):
        return f"{self.person} · {self.category}"


class HouseholdMember(models.Model):
    """A member of the person's household (配偶, 子女…): who survives them, who to call."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("name"), max_length=40)
    relationship = models.CharField(_("relationship"), max_length=16, choices=RELATIONSHIP_CHOICES)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self):
        return self.name


class ServiceRecord(models.Model):
    """One period of military service: 入伍, 退役, branch, unit, rank and how it ended."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_records")
    enlisted_on = models.DateField(_("enlisted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    branch = models.CharField(_("branch"), max_length=12, choices=BRANCH_CHOICES)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=30, blank=True)
    discharge_mode = models.CharField(_("discharge mode"), max_length=12, choices=DISCHARGE_CHOICES, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["enlisted_on", "id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(condition=models.Q(discharged_on__isnull=True)
                                   | models.Q(discharged_on__gte=models.F("enlisted_on")), name="service_order"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_branch_display()}"


class Award(models.Model):
    """Awards and merits: 一等功/二等功/三等功, 荣誉称号, 八一勋章."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("kind"), max_length=12, choices=AWARD_CHOICES)
    title = models.CharField(_("title"), max_length=100, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    awarded_by = models.CharField(_("awarded by"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["awarded_on", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class StatusChangeQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class StatusChange(models.Model):
    """One line of the books: a person entered or left a station's books on a date, and why.

    The list "as of" a past date is read from these rows (the latest change on or before that
    date says whether, and at which station, the person was on the books), so a change is
    never edited or deleted; a mistake is corrected by a later change.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("New (新增)")
        MOVE_IN = "move_in", _("Moved in (迁入)")
        MOVE_OUT = "move_out", _("Moved out (迁出)")
        DEATH = "death", _("Deceased (自然减员)")
        LOST = "lost", _("Lost contact (失联)")
        FOUND = "found", _("Contact restored")

    ON_BOOKS = (Kind.NEW, Kind.MOVE_IN, Kind.FOUND)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the station's, for scoping
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            models.Index(fields=["person", "date", "id"], name="status_change_person_date"),
            # for the statistics: a day's changes in a region, and the rows written since the last refresh
            models.Index(fields=["date", "region_code"], name="status_change_day_region"),
            models.Index(fields=["created_at"], name="status_change_created"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()} · {self.date}"


class TransferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Both ends see a transfer: the sending station's subtree and the receiving one's."""
        from rongjia.core.scoping import either_end_q

        ends = either_end_q(user, "from_station__region_code", "to_station__region_code")
        return self.none() if ends is None else self.filter(ends)


class Transfer(models.Model):
    """A hand-over to another station: the sender proposes, the receiver accepts or refuses.

    Until it is accepted the sending station still holds the record.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the receiving station")
        # a 转入申请: the receiving station asks, the station that holds the dossier decides
        REQUESTED = "requested", _("Requested: awaiting the holding station")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Withdrawn")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers")
    from_station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("from station"))
    to_station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to station"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("reason"), max_length=200)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    # asked for by the receiving station (转入申请, people/on_file.py): the holder stays unnamed to it until granted
    requested = models.BooleanField(_("requested by the receiving station"), default=False, db_default=False,
                                    editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(state="proposed"),
                                    name="one_open_transfer_per_person"),
        ]

    def __str__(self):
        return f"{self.person} → {self.to_station}"


class PersonMerge(models.Model):
    """A duplicate dossier folded into a survivor; the merged record's history moved with it."""

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    merged_pk = models.PositiveIntegerField()
    merged_name = models.CharField(max_length=40)
    merged_station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["merged_at", "id"]

    def __str__(self):
        return f"{self.merged_name} → {self.survivor}"


def import_file_path(job, filename: str) -> str:
    return f"imports/{job.uploaded_by_id}/{filename[-60:]}"


class ImportJob(models.Model):
    """One uploaded ledger: validated row by row, then committed all-or-nothing by a background job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        VALIDATING = "validating", _("Checking")
        MAPPING = "mapping", _("Columns to confirm")
        INVALID = "invalid", _("Errors found")
        VALID = "valid", _("Ready to import")
        UNCHANGED = "unchanged", _("Nothing new")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=import_file_path, max_length=200)
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    kind = models.CharField(max_length=4, blank=True)  # xlsx, xls or csv: what the content was, not the name
    # What the uploader chose: {"include_hidden": [sheet indexes whose hidden rows count], "all_or_nothing": bool}
    options = models.JSONField(default=dict, blank=True)
    # The sheets as read: name, hidden, header rows, columns (header, proposed field, samples), skipped rows.
    layout = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # {sheet index: {column index: field key}}, confirmed
    places = models.JSONField(default=dict, blank=True)  # {place text as written: region code or ""}, answered
    changes = models.JSONField(default=dict, blank=True)  # {field: [[was, now, rows], ...]}: what normalising did
    changes_accepted = models.BooleanField(default=False)
    held_count = models.PositiveIntegerField(default=0)
    update_count = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)  # when the current pass began (stale-job recovery)
    attempts = models.PositiveSmallIntegerField(default=0)  # restarts after a worker stopped mid-pass
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name


class ImportRow(models.Model):
    """A row of an upload that needs the uploader: held with its reasons, or an update to a person on file.

    New rows that pass are not stored: the commit reads them from the file again. A held row keeps
    its cells as the uploader edits them (encrypted: they hold ID numbers in clear).
    """

    class Kind(models.TextChoices):
        HELD = "held", _("Held")
        FIXED = "fixed", _("Fixed")
        SKIPPED = "skipped", _("Not imported")
        UPDATE = "update", _("Update")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    sheet = models.PositiveSmallIntegerField()
    row = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    data = EncryptedTextField(blank=True)  # JSON {field key: text}
    reasons = models.JSONField(default=list, blank=True)  # [[field, message], ...]
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    differences = models.JSONField(default=list, blank=True)  # [[field, on file, in the ledger], ...]
    accepted = models.JSONField(default=list, blank=True)  # fields of `differences` the uploader accepted
    confirmed = models.BooleanField(default=False)  # the uploader checked an ID number ending in 000

    class Meta:
        ordering = ["sheet", "row", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "sheet", "row"], name="import_row_once")]

    def __str__(self):
        return f"{self.job_id}:{self.sheet}:{self.row}"


class ColumnMemory(models.Model):
    """How a unit's ledgers name their columns: offered again at its next upload and to the units below."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)  # the header as importing.fields.header_key normalises it
    field = models.CharField(max_length=30, blank=True)  # "" = the unit chose not to import this column
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="column_memory_once")]

    def __str__(self):
        return f"{self.key} → {self.field}"


class ImportRowError(models.Model):
    """One bad cell of an upload: the sheet, row number and column a worker can find in Excel, and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="errors")
    sheet = models.CharField(max_length=100, blank=True)
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.row} {self.column}: {self.message}"


class StatusProposal(models.Model):
    """A status change a grid worker saw in the field (a death, a move away, lost contact), for the station to
    confirm on the books (`books.services.status_change_record`) or to refuse with a note."""

    class State(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("proposal", "Waiting for the station")
        CONFIRMED = "confirmed", pgettext_lazy("proposal", "Confirmed")
        REFUSED = "refused", pgettext_lazy("proposal", "Refused")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_proposals")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the station's, for scoping
    kind = models.CharField(_("change"), max_length=10, choices=StatusChange.Kind.choices)
    day = models.DateField(_("date"))
    reason = models.CharField(_("what was seen"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("proposed status change")

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"
