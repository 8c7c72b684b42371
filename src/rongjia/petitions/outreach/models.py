"""Meeting petitioners where they are (seed 001: "扎实做好接访、约访、下访、督访工作"; the 信访工作条例 (2022)
asks leaders to receive petitioners, go down to them and take cases themselves), the leaders' published
reception days (领导接访日) and the sensitive periods (敏感时段) a centre declares for its subtree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet


class OutreachQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the holding centre's: it and the centres above it see the record


class Meeting(models.Model):
    """One 接访, 约访, 下访 or 督访: planned, then held (with what was said and the outcome) or cancelled."""

    class Kind(models.TextChoices):
        RECEPTION = "reception", pgettext_lazy("meeting kind", "Reception at the centre (接访)")
        APPOINTMENT = "appointment", pgettext_lazy("meeting kind", "Appointment (约访)")
        VISIT = "visit", pgettext_lazy("meeting kind", "Leader visits the petitioner (下访)")
        SUPERVISION = "supervision", pgettext_lazy("meeting kind", "Supervision of a lower centre (督访)")

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting state", "Planned")
        HELD = "held", pgettext_lazy("meeting state", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting state", "Cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("held by"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    # Empty for a 下访 that finds a new matter (a petition may then be registered from it, channel "outreach").
    petition = models.ForeignKey("petitions.Petition", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="meetings", verbose_name=_("petition"))
    petitioner_name = models.CharField(_("petitioner"), max_length=40)
    person_id = models.PositiveIntegerField(null=True, blank=True)  # the dossier, when there is one in scope
    scheduled_on = models.DateField(_("date"))
    scheduled_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100)
    leader = models.CharField(_("receiving leader"), max_length=60)  # e.g. 副局长 张某
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    record = models.TextField(_("what was said"), blank=True)  # when held; the reason when cancelled
    outcome = models.TextField(pgettext_lazy("meeting result", "outcome"), blank=True)
    held_on = models.DateField(null=True, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        indexes = [models.Index(fields=["region_code", "scheduled_on"], name="meeting_scope_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.petitioner_name} {self.scheduled_on}"


class ReceptionDay(models.Model):
    """A 领导接访日 a centre publishes: read by the centre, the centres above it and every station below."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    day = models.DateField(_("date"))
    starts_at = models.TimeField(pgettext_lazy("start time", "from"))
    ends_at = models.TimeField(pgettext_lazy("end time", "until"))
    leader_name = models.CharField(_("leader"), max_length=40)
    leader_title = models.CharField(pgettext_lazy("leader's post", "title"), max_length=40)  # 局长, 副局长, 中心主任…
    place = models.CharField(_("place"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["day", "starts_at", "id"]

    def __str__(self):
        return f"{self.day} {self.leader_title} {self.leader_name}"


class SensitivePeriod(models.Model):
    """A 敏感时段 (全国两会, 国庆…) a centre declares for its subtree: petitions registered there meanwhile are
    highlighted, and the declaring centre is told of each one."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="sensitive_period_span")]

    def __str__(self):
        return self.name
