"""The worklist (任务清单), SPEC C8: tasks a centre pushes down its subtree, each unit's part of one, the
progress and evidence it reports, the review above it, 督办, standing menus that recur, inspections of a
sample of lower stations, 信息报送 up the chain and the minutes of 例会/业务会.

A task is seen from both ends (`either_end_q`): the units at and above its issuer, and the units it was
assigned to. An assignment is scoped by its unit's region code like any record of that unit, so a station
sees its own part and never a sibling's; every centre above it sees it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import ScopedQuerySet, scope_prefix, subtree_q


class Kind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly task (季度任务)")
    MONTHLY = "monthly", _("Monthly menu (月度菜单)")
    SPECIAL = "special", _("Special activity (专项活动)")
    COLLECTION = "collection", _("Information collection (信息采集)")
    RECTIFICATION = "rectification", _("Rectification (整改)")
    REPORT = "report", _("Statistical report (报表)")


class EvidenceSpec(models.Model):
    """What a unit must hand in to finish (shared by tasks and the standing menus that make them)."""

    needs_files = models.BooleanField(_("files required"), default=False)
    needs_photos = models.BooleanField(_("photos required"), default=False)
    # The form the assigner defines: [{"key", "label", "type": "number"|"text", "min", "max", "required"}]
    fields = models.JSONField(_("fields to fill in"), default=list, blank=True)
    # The level that reviews a submission before it counts (e.g. the street for its villages); None: it counts at once.
    review_level = models.PositiveSmallIntegerField(_("reviewed by level"), choices=LEVEL_CHOICES, null=True,
                                                    blank=True)

    class Meta:
        abstract = True


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tasks issued inside the viewer's subtree, and tasks with a part inside it (assigned from above)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        below = Assignment.objects.filter(subtree_q("region_code", prefix), task=OuterRef("pk"))
        return self.filter(subtree_q("issuer_code", prefix) | Q(Exists(below)))


class Task(EvidenceSpec):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("task state", "Open")
        CLOSED = "closed", pgettext_lazy("task state", "Closed")

    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issuer_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    instructions = models.TextField(_("instructions"), blank=True)
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    # How the units were chosen, in words ("all village stations below standard in 江宁区")
    chosen = models.CharField(_("assigned to"), max_length=300, blank=True)
    assignee_count = models.PositiveIntegerField(default=0, editable=False)
    recurrence = models.ForeignKey("Recurrence", on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    period = models.CharField(_("period"), max_length=8, blank=True)  # 2026-12, 2026-Q4, 2026
    # A 整改 task puts right a network rectification item; accepting the unit's evidence closes the item.
    rectification = models.ForeignKey("network.Rectification", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    decision = models.ForeignKey("MeetingDecision", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="tasks")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("task")
        constraints = [models.UniqueConstraint(fields=["recurrence", "period"], condition=Q(recurrence__isnull=False),
                                               name="one_task_per_recurrence_period")]

    def __str__(self):
        return self.title


def task_file_path(instance, filename):
    return f"worklist/tasks/{instance.task_id}/{uuid.uuid4().hex[:16]}"


class TaskFile(models.Model):
    """An attachment the assigner gives with the task (a notice, a form to fill in)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=task_file_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)

    def __str__(self):
        return self.original_name


class AssignmentQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class Assignment(models.Model):
    """One unit's part of a task."""

    class State(models.TextChoices):
        NOT_STARTED = "todo", pgettext_lazy("assignment state", "Not started")
        DOING = "doing", pgettext_lazy("assignment state", "In progress")
        SUBMITTED = "submitted", pgettext_lazy("assignment state", "Awaiting review")
        RETURNED = "returned", pgettext_lazy("assignment state", "Returned for more")
        DONE = "done", pgettext_lazy("assignment state", "Done")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, editable=False)
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    values = models.JSONField(default=dict, blank=True)  # the assigner's fields as last reported
    submitted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("assignment")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="one_part_per_unit")]
        indexes = [models.Index(fields=["task", "region_code"], name="assignment_task_code"),
                   models.Index(fields=["region_code", "state"], name="assignment_code_state")]

    def __str__(self):
        return f"{self.task} · {self.unit}"


class AssignmentEvent(models.Model):
    """A step on an assignment (report, submit, accept, return, 督办), in words on its history."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_unit = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    values = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # 督办 only: when the urged unit first opened it (the notice is "unread" until then)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "seen_at"], name="assignment_event_unseen")]

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d}"


def evidence_path(instance, filename):
    return f"worklist/evidence/{instance.assignment.region_code}/{uuid.uuid4().hex[:16]}"


class Evidence(models.Model):
    """A file or photo a unit hands in with a report; stored under a random name, served through a scoped view."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        PHOTO = "photo", _("Photo")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(AssignmentEvent, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class IssuerScopedQuerySet(ScopedQuerySet):
    """Records of a centre's own making: seen at and above it."""

    scope_field = "issuer_code"


class Recurrence(EvidenceSpec):
    """A standing menu (常态化工作菜单) or a recurring task: its instances are made on schedule."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")
        YEARLY = "yearly", _("Every year")

    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issuer_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.MONTHLY)
    instructions = models.TextField(_("instructions"), blank=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    due_after_days = models.PositiveSmallIntegerField(
        _("due days after the period starts"), default=25, validators=[MinValueValidator(1), MaxValueValidator(365)])
    # Whom each instance goes to: {"levels": [5], "units": [ids], "below_standard": false, "region": ""}
    target = models.JSONField(default=dict)
    chosen = models.CharField(_("assigned to"), max_length=300, blank=True)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssuerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["issuer_code", "title"]
        verbose_name = _("recurring task")

    def __str__(self):
        return self.title


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organising centre and those above it, and the inspecting team's unit (a 互检 peer district)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(subtree_q("issuer_code", prefix) | subtree_q("inspector_code", prefix))


class Inspection(models.Model):
    """抽查 (a sample of lower stations drawn at random, the seed recorded) or 互检 (one district checks another's)."""

    class Kind(models.TextChoices):
        SPOT = "spot", _("Spot check (抽查)")
        CROSS = "cross", _("Cross-check (互检)")

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("inspection state", "Under way")
        CLOSED = "closed", pgettext_lazy("inspection state", "Closed")

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by"))
    issuer_code = models.CharField(max_length=12, db_index=True, editable=False)
    inspector = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspecting unit"))
    inspector_code = models.CharField(max_length=12, db_index=True, editable=False)
    # The population the sample was drawn from: the region prefix and level, and the seed, so it can be drawn again
    population_prefix = models.CharField(_("drawn from (region)"), max_length=12)
    population_level = models.PositiveSmallIntegerField(_("level drawn"), choices=LEVEL_CHOICES)
    population_size = models.PositiveIntegerField(default=0)
    sample_size = models.PositiveIntegerField(_("how many"), validators=[MinValueValidator(1), MaxValueValidator(200)])
    seed = models.BigIntegerField(editable=False)
    # The checklist: [{"item": "…", "max": 10}]; each target is scored item by item.
    checklist = models.JSONField(_("checklist"), default=list)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("inspection")

    def __str__(self):
        return self.title

    @property
    def max_score(self) -> int:
        return sum(int(item.get("max", 0)) for item in self.checklist)


class InspectionTarget(models.Model):
    """A station drawn for an inspection, its scores item by item and its total (which feeds the evaluation)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, editable=False)
    scores = models.JSONField(default=dict, blank=True)  # item index (str) -> points
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"], name="one_target_per_unit")]

    def __str__(self):
        return f"{self.inspection} · {self.unit}"


def finding_photo_path(instance, filename):
    return f"worklist/findings/{instance.target.region_code}/{uuid.uuid4().hex[:16]}.jpg"


class Finding(models.Model):
    """What the inspectors found at a station (with a photo); it may become a 整改 task."""

    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="findings")
    text = models.CharField(_("finding"), max_length=300)
    photo = models.FileField(upload_to=finding_photo_path, blank=True)
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text


class UnitScopedQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class InfoReport(models.Model):
    """信息报送: a news item a unit sends up the chain; a centre above accepts it or sends it back."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("info report state", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("info report state", "Accepted")
        RETURNED = "returned", pgettext_lazy("info report state", "Returned")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=pgettext_lazy("sending unit", "from"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    happened_on = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    decided_by = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("information report")

    def __str__(self):
        return self.title


class Meeting(models.Model):
    """例会/业务会: when, who came, the minutes; its decisions may become tasks."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting (例会)")
        BUSINESS = "business", _("Business meeting (业务会)")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("held by"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text
