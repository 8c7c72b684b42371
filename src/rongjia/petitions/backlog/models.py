"""积案 (a backlog case) and its monthly progress.

A petition still open past its deadline, or lodged a third time (it and two earlier ones it repeats),
becomes a 积案: the centre that owns it names a 包案领导 (the leader answerable for it), writes the plan,
and reports progress every month until the matter is resolved (化解). Seed 000 asks for it
("信访积案化解工作推进缓慢"); the 信访工作条例 (2022) makes the leaders answerable (Arts. 7, 31, 45).
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet


class BacklogCaseQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the owning centre's: it and the centres above it follow the case


class BacklogCase(models.Model):
    class Reason(models.TextChoices):
        OVERDUE = "overdue", pgettext_lazy("backlog reason", "Open past its deadline")
        REPEATED = "repeated", pgettext_lazy("backlog reason", "Lodged three times")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("backlog state", "Being resolved")
        RESOLVED = "resolved", pgettext_lazy("backlog state", "Resolved")

    petition = models.OneToOneField("petitions.Petition", on_delete=models.CASCADE, related_name="backlog_case")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    leader_name = models.CharField(_("leader in charge (包案领导)"), max_length=40, blank=True)
    leader_title = models.CharField(_("leader's post"), max_length=60, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("leader's account"))
    centre = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owning centre"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    plan = models.TextField(_("plan"), blank=True)
    opened_on = models.DateField(_("opened on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = BacklogCaseQuerySet.as_manager()

    class Meta:
        ordering = ["opened_on", "id"]
        indexes = [models.Index(fields=["state", "region_code"], name="backlog_state_scope")]

    def __str__(self):
        return str(_("Backlog case: %(petition)s") % {"petition": self.petition})


class ProgressQuerySet(ScopedQuerySet):
    scope_field = "case__region_code"


class BacklogProgress(models.Model):
    """What was done in one month (a month without a row shows as "本月未报进展")."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="progress")
    month = models.DateField(_("month"))  # the first day of the month reported on
    text = models.TextField(_("progress"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["month", "created_at", "id"]
        indexes = [models.Index(fields=["case", "month"], name="backlog_progress_month")]

    def __str__(self):
        return f"{self.case} · {self.month:%Y-%m}"


# Registered here rather than in PetitionsConfig.ready: the subpackage keeps its models' audit with them.
auditlog.register(BacklogCase)
auditlog.register(BacklogProgress)
