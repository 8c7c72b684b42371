"""The star evaluation (星级评价), SPEC C9: criteria as versioned data, runs that score every station of an area from
live data with the numbers behind each point, stars that can go down, targets, titles and 结对共建.

A criteria set belongs to a jurisdiction, a level and a year; its items live in numbered versions. A version that a
run has used is never edited again: a change makes the next version, so a closed period keeps the criteria it was
scored by, and its scores are stored with their explanations besides. A score is seen like any record of its
station (its region code); a third-party evaluator, who has no area of its own, sees only the stations it was
assigned in a run.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import BearingQuerySet, ScopedQuerySet, jurisdictions_bearing_on_q, scope_prefix, subtree_q

STARS = [(n, "★" * n) for n in range(1, 6)]


class CriteriaSet(models.Model):
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by"))
    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)  # the owner's prefix
    level = models.PositiveSmallIntegerField(_("stations of level"), choices=LEVEL_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "level", "id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction_code", "level", "year"],
                                               name="one_criteria_set_per_place_level_year")]

    def __str__(self):
        return self.name


class CriteriaVersion(models.Model):
    """One numbered version of a set's items and star thresholds; read-only once a run has used it."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # The least total (of 100) for 2, 3, 4 and 5 stars; below the first, one star.
    thresholds = models.JSONField(_("star thresholds"), default=list)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criteria_set", "-number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="one_version_number")]

    def __str__(self):
        return f"{self.criteria_set} v{self.number}"

    @property
    def in_use(self) -> bool:
        return self.runs.exists()

    def stars_for(self, points: Decimal | None) -> int | None:
        if points is None:
            return None
        return 1 + sum(1 for threshold in self.thresholds if points >= Decimal(str(threshold)))


class Criterion(models.Model):
    class Method(models.TextChoices):
        AUTO = "auto", _("Automatic, from live data")
        MANUAL = "manual", _("Marked by an inspector or evaluator")

    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    group = models.CharField(_("group"), max_length=40)  # 五有落实, 业务开展, 工作成效, 群众满意…
    name = models.CharField(_("item"), max_length=100)
    weight = models.DecimalField(_("points"), max_digits=5, decimal_places=1,
                                 validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100)])
    method = models.CharField(_("scoring"), max_length=8, choices=Method.choices)
    measure = models.CharField(_("measure"), max_length=40, blank=True)  # a core.measures key, for AUTO
    # The share of the measure that earns the full points (0.9: 90 % coverage is full marks); below it, pro rata.
    full_at = models.DecimalField(_("full points at"), max_digits=4, decimal_places=2, default=Decimal("1.00"),
                                  validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)])

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self):
        return self.name


class RunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Runs over the viewer's area or bearing on it, and the runs an evaluator has stations in."""
        prefix = scope_prefix(user)
        assigned = EvaluatorAssignment.objects.filter(run=OuterRef("pk"), evaluator=user.pk)
        if prefix is None:
            return self.filter(Exists(assigned)) if getattr(user, "is_authenticated", False) else self.none()
        return self.filter(jurisdictions_bearing_on_q("scope_code", prefix) | Q(Exists(assigned)))


class Run(models.Model):
    """One evaluation period of one criteria version over an area: every station of the set's level scored."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("evaluation run", "Not started")
        RUNNING = "running", pgettext_lazy("evaluation run", "Scoring")
        SCORED = "scored", pgettext_lazy("evaluation run", "Scored, open for review")
        CLOSED = "closed", pgettext_lazy("evaluation run", "Closed")

    criteria = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, related_name="runs",
                                 verbose_name=_("criteria"))
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    scope_code = models.CharField(max_length=12, db_index=True, editable=False)  # the owner's prefix
    title = models.CharField(_("title"), max_length=100)
    since = models.DateField(_("period from"))
    until = models.DateField(_("period until"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    done_units = models.PositiveIntegerField(default=0)
    total_units = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Whose view of the data scored it: the measures read what the person who started the run may see.
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-until", "-id"]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int | None:
        return min(100, self.done_units * 100 // self.total_units) if self.total_units else None


class ScoreQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The scores of stations in the viewer's area; for an evaluator, those of the stations assigned to it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        assigned = EvaluatorAssignment.objects.filter(run=OuterRef("run"), unit=OuterRef("unit"), evaluator=user.pk)
        prefix = scope_prefix(user)
        if prefix is None:
            return self.filter(Exists(assigned))
        return self.filter(subtree_q("region_code", prefix) | Q(Exists(assigned)))


class Score(models.Model):
    """A station's result in a run: its total of 100, its stars, and each item's points with the numbers behind
    them (`items`: [{"criterion", "group", "name", "weight", "method", "points", "share", "text"}])."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, editable=False)
    points = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    computed_stars = models.PositiveSmallIntegerField(choices=STARS, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), choices=STARS, null=True, blank=True)
    previous_stars = models.PositiveSmallIntegerField(choices=STARS, null=True, blank=True)
    items = models.JSONField(default=list)
    adjustment_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    adjusted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="one_score_per_station_and_run")]
        indexes = [models.Index(fields=["run", "stars"], name="score_run_stars"),
                   models.Index(fields=["region_code", "run"], name="score_code_run")]

    def __str__(self):
        return f"{self.unit} · {self.run}"

    @property
    def change(self) -> int | None:
        """Stars gained (+) or lost (−) since the set's last closed period."""
        if self.stars is None or self.previous_stars is None:
            return None
        return self.stars - self.previous_stars


class Mark(models.Model):
    """The points an inspector or third-party evaluator gave a station for a manual item, with the reason."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="marks")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, editable=False)
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    note = models.CharField(_("what was seen"), max_length=300)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "unit", "criterion"], name="one_mark_per_item")]

    def __str__(self):
        return f"{self.unit} · {self.criterion}：{self.points}"


class EvaluatorAssignment(models.Model):
    """A station a third-party evaluator (or an inspector) is to mark in a run: all it may see of the network."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="evaluators")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("evaluator"))
    region_code = models.CharField(max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "unit", "evaluator"], name="one_assignment")]

    def __str__(self):
        return f"{self.evaluator} → {self.unit}"


class Target(models.Model):
    """A target share of stations with at least `min_stars` (seed 003: 五星级 ≥80% of district and street
    stations), over the whole jurisdiction or in each region one level down (≥60% in every district)."""

    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by"))
    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("target"), max_length=120)
    levels = models.JSONField(_("stations of the levels"), default=list)
    min_stars = models.PositiveSmallIntegerField(_("at least"), choices=STARS)
    share = models.DecimalField(_("share"), max_digits=4, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)])
    each_below = models.BooleanField(_("in each region one level down"), default=False)
    by_year = models.PositiveSmallIntegerField(_("by"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction_code", "id"]

    def __str__(self):
        return self.name


class Designation(models.Model):
    class Kind(models.TextChoices):
        DEMONSTRATION = "demo", _("Demonstration station (示范点)")
        BENCHMARK = "benchmark", _("Benchmark station (标杆型)")
        RED = "red", _("Red heritage station (红色精品)")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(pgettext_lazy("honorary title", "title"), max_length=10, choices=Kind.choices)
    conferred_by = models.CharField(_("conferred by"), max_length=100)
    conferred_on = models.DateField(_("conferred on"))
    ends_on = models.DateField(_("withdrawn or expired on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "-conferred_on", "id"]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"


class PairingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Seen from both ends: by whoever sees the helping or the helped station."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(subtree_q("strong_code", prefix) | subtree_q("weak_code", prefix))


class Pairing(models.Model):
    """结对共建: a strong station helps a weak one, both in the owner's area, with joint tasks."""

    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("arranged by"))
    strong_code = models.CharField(max_length=12, db_index=True, editable=False)
    weak_code = models.CharField(max_length=12, db_index=True, editable=False)
    strong = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("helping station"))
    weak = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("helped station"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    goal = models.CharField(_("goal"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "id"]

    def __str__(self):
        return f"{self.strong} → {self.weak}"


class JointTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pairing__in=Pairing.objects.visible_to(user))


class JointTask(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("joint task"), max_length=120)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = JointTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title
