import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .regions import LEVEL_CHOICES, PREFIX_LENGTH
from .scoping import ScopedQuerySet
from .validators import validate_phone


class RegionQuerySet(ScopedQuerySet):
    scope_field = "code"

    def current(self):
        return self.filter(valid_to__isnull=True)


class Region(models.Model):
    """One administrative unit of the five-level hierarchy, by its 12-digit statistical code.

    valid_from/valid_to keep boundary changes: an abolished or merged unit is closed with
    valid_to instead of deleted, so records that pointed at it keep their meaning.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="region_level_1_to_5"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def lineage(self) -> list["Region"]:
        """The province down to this region itself: what a breadcrumb shows."""
        return [*self.ancestors(), self]

    def ancestors(self) -> list["Region"]:
        """From the province down to the parent, in one query (codes nest by prefix)."""
        codes = [
            self.code[:length].ljust(12, "0") for lvl, length in PREFIX_LENGTH.items() if lvl < self.level
        ]
        return list(Region.objects.filter(code__in=codes).order_by("level"))


class OrgUnitQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class OrgUnit(models.Model):
    """A veterans' service centre or station.

    One centre (province, city, county) or station (township, village) stands for each
    region unit; 派驻站 (hosted in a hospital, school, park…) and 流动服务站 (mobile) stand
    beside it in the same region. region_code and level are copied from the region so that
    scoping is one indexed prefix match without a join.
    """

    class Kind(models.TextChoices):
        CENTRE = "centre", _("Service centre")
        STATION = "station", _("Service station")
        RESIDENT = "resident", _("Resident station")
        MOBILE = "mobile", _("Mobile station")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="org_units")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "kind", "id"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            # One centre or station per region unit; hosted and mobile stations are extra.
            models.UniqueConstraint(
                fields=["region"], condition=Q(kind__in=["centre", "station"]), name="one_main_unit_per_region"
            ),
        ]
        indexes = [models.Index(fields=["level", "region_code"], name="orgunit_level_code")]

    def __str__(self):
        return self.name

    @property
    def is_main(self) -> bool:
        return self.kind in (self.Kind.CENTRE, self.Kind.STATION)


class CalendarDay(models.Model):
    """A day the State Council's yearly notice changes: a holiday (rest) or a 调休 working weekend day.

    Every other day is a working day from Monday to Friday and a rest day at the weekend. The
    table is data, so next year's notice is entered by the system administrator, not released.
    """

    class Kind(models.TextChoices):
        REST = "rest", _("Holiday (rest day)")
        WORK = "work", _("Working day (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class FileJobQuerySet(ScopedQuerySet):
    scope_field = "region_code"


def file_job_path(job: "FileJob", filename: str) -> str:
    """Under MEDIA_ROOT, which is never served: the file leaves only through the owner's download view."""
    return f"jobs/{job.owner_id}/{uuid.uuid4().hex}{Path(filename).suffix}"


class FileJob(models.Model):
    """A file made off the request for the one person who asked (a batch of contact cards, a large export).

    `core.jobs.make_file` makes it with the maker its module registered for `kind` (core.files), reading as
    the owner when it runs; its states and steps are core.files.FILE_JOB. `region_code` is the owner's area
    when it was asked for: the job is seen only by its owner, and only while that area is still theirs.
    `parameters` is what the maker needs (the filters as the page carried them): never a full ID number or
    phone.
    """

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("file job", "Waiting for its turn")
        RUNNING = "running", pgettext_lazy("file job", "Being made")
        DONE = "done", pgettext_lazy("file job", "Ready")
        FAILED = "failed", pgettext_lazy("file job", "Failed")
        EXPIRED = "expired", pgettext_lazy("file job", "Deleted after its time")

    kind = models.CharField(_("kind of file"), max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("requested by"))
    region_code = models.CharField(_("area"), max_length=12, db_index=True)
    parameters = models.JSONField(_("filters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    # a key of core.files.STAGES: what the maker is doing
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to=file_job_path, blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)  # the name it is downloaded under
    size = models.PositiveBigIntegerField(_("size"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)  # why it failed
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # the file is deleted then
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)

    objects = FileJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("file being made")
        verbose_name_plural = _("files being made")

    def __str__(self):
        from .files import maker_for  # files builds on this model; the audit log names a new job by its kind

        maker = maker_for(self.kind)
        return self.filename or (str(maker.label) if maker else self.kind)
