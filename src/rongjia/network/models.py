"""The service network beyond the basic details of a unit (SPEC C1): profile, 五有 and the
display checklist, standards, rectification items, staff and their training, grids.

Every table reaches its unit's 12-digit region code through `unit`, so each is scoped by
the one helper (`visible_to`) with `scope_field = "unit__region_code"`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import ScopedQuerySet, at_or_above_q, scope_prefix, subtree_q
from rongjia.core.validators import validate_phone


class UnitScopedQuerySet(ScopedQuerySet):
    scope_field = "unit__region_code"


class StationProfile(models.Model):
    """What seeds 000–004 measure a station by: area, posts, funding, brand, honours."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="profile")
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    established_posts = models.PositiveIntegerField(_("established posts (编制)"), null=True, blank=True)
    annual_funding = models.DecimalField(_("annual funding (yuan)"), max_digits=12, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(0)])
    brand_name = models.CharField(_("brand (一站一品牌)"), max_length=60, blank=True)
    honours = models.CharField(_("honours"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station profile")

    def __str__(self):
        return str(self.unit)


class ChecklistItem(models.Model):
    """One line of a jurisdiction's 五有 list or display checklist (data, SPEC C1).

    A unit follows the list of the nearest jurisdiction above it that defines one for the unit's
    level: the country's (jurisdiction "") is the national 五有 (有机构、有编制、有人员、有经费、有保障,
    seed 004); 深圳 (4403) words its own for its 街道 and 社区 stations only (seed 003).
    """

    class Kind(models.TextChoices):
        FIVE_HAVE = "five_have", _("Five haves (五有)")
        DISPLAY = "display", _("Display checklist")

    kind = models.CharField(_("list"), max_length=16, choices=Kind.choices)
    jurisdiction_code = models.CharField(_("jurisdiction (region code prefix)"), max_length=12, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    needs_evidence = models.BooleanField(_("needs a photo or file"), default=True)
    # The unit levels the jurisdiction's list is for; empty: every level.
    levels = models.JSONField(_("for the levels"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "jurisdiction_code", "position"]
        constraints = [models.UniqueConstraint(fields=["kind", "jurisdiction_code", "position"],
                                               name="checklist_item_position")]
        verbose_name = _("checklist item")

    def __str__(self):
        return self.name


class ChecklistEntry(models.Model):
    """A unit's answer to one checklist item, with its evidence (photo or PDF)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="checklist_entries")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="entries")
    met = models.BooleanField(_("met"), default=False)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="one_entry_per_unit_item")]
        verbose_name = _("checklist entry")

    def __str__(self):
        return f"{self.unit} · {self.item}"

    @property
    def complete(self) -> bool:
        """Met, and with its evidence when the item asks for one."""
        return self.met and (bool(self.evidence) or not self.item.needs_evidence)


class Standard(models.Model):
    """A jurisdiction's minimum for its units of one level, from a date (e.g. Jiangning:
    county centre ≥150 m² and 15 staff, street ≥100 m², village ≥50 m²)."""

    jurisdiction_code = models.CharField(_("jurisdiction (region code prefix)"), max_length=12, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES)
    min_area_m2 = models.DecimalField(_("minimum area (m²)"), max_digits=8, decimal_places=1, null=True,
                                      blank=True, validators=[MinValueValidator(0)])
    min_staff = models.PositiveIntegerField(_("minimum staff"), null=True, blank=True)
    # 专职 staff counted from the staff directory (seed 001: 乡镇、街道 "必须配齐2至3名专职工作人员")
    min_full_time_staff = models.PositiveIntegerField(_("minimum full-time staff"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("source"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction_code", "level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction_code", "level", "effective_from"], name="one_standard_a_day"),
            models.CheckConstraint(condition=Q(min_area_m2__isnull=False) | Q(min_staff__isnull=False)
                                   | Q(min_full_time_staff__isnull=False), name="standard_sets_a_minimum"),
        ]
        verbose_name = _("standard")

    def __str__(self):
        return f"{self.get_level_display()} · {self.effective_from}"


class Rectification(models.Model):
    """An item to put right at a unit (below standard, a finding); the worklist will track it."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        DONE = "done", pgettext_lazy("rectification status", "Done")

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="rectifications")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rectification item")

    def __str__(self):
        return self.reason


class StaffMember(models.Model):
    class Employment(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time (专职)")
        PART_TIME = "part_time", _("Part-time (兼职)")

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("name"), max_length=40)
    post = models.CharField(_("post"), max_length=60)
    employment = models.CharField(_("employment"), max_length=12, choices=Employment.choices)
    is_veteran = models.BooleanField(_("veteran"), default=False)
    phone = EncryptedTextField(_("phone"), blank=True, validators=[validate_phone])  # personal: encrypted
    active = models.BooleanField(_("in post"), default=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "-active", "employment", "name"]
        verbose_name = _("staff member")

    def __str__(self):
        return self.name


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Courses organised in the viewer's area, and those organised above it (which its staff attend)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(subtree_q("organiser_code", prefix) | at_or_above_q("organiser_code",
                                                                              user.org_unit.region_code))


class Course(models.Model):
    """A training course (业务培训班) a centre organises for the staff below it: seed 003 (五) asks every city and
    district centre for at least 2 a year, and every worker to be trained once a year."""

    organiser = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    organiser_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5)])
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("course")

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    """A staff member on a course; completing it writes the staff member's training record."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    staff = models.ForeignKey("StaffMember", on_delete=models.CASCADE, related_name="enrolments")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the staff member's unit's
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "staff"], name="one_enrolment_per_course")]

    def __str__(self):
        return f"{self.course} · {self.staff}"


class Placement(models.Model):
    """随岗锻炼: a street station's worker at the district centre, or a district centre's at the city's, for at least a
    month (seed 003 (五))."""

    staff = models.ForeignKey("StaffMember", on_delete=models.CASCADE, related_name="placements")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the staff member's unit's
    host = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("at"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    days = models.PositiveSmallIntegerField(editable=False)  # the length, so "a month at least" is one comparison
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("placement (随岗锻炼)")

    def __str__(self):
        return f"{self.staff} @ {self.host}"


class TrainingRecord(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField(_("date"))
    course = models.CharField(_("course"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    # set when the record comes from completing one of the network's own courses
    from_course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("training record")

    def __str__(self):
        return self.course


class Grid(models.Model):
    """A grid (网格) of households inside a village station, kept by one grid worker."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="grids")
    name = models.CharField(_("name"), max_length=60)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="grids", verbose_name=_("grid worker"))
    description = models.CharField(_("area covered"), max_length=200, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "id"]  # in the order drawn: 第一网格, 第二网格… (names don't sort in Chinese order)
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="grid_name_per_unit")]
        verbose_name = _("grid")

    def __str__(self):
        return self.name
