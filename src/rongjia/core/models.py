from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
