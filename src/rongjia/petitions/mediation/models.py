"""人民调解 by the 退役军人事务人民调解委员会 and its 老兵调解室 (seed 002): a dispute mediated in sessions, ending in
an agreement (whose performance 履行 is checked later) or in failure. Attached to a petition or standing alone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet


class MediationQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the committee's or room's unit: it and the centres above it see the case


class Mediation(models.Model):
    class State(models.TextChoices):
        OPENED = "opened", pgettext_lazy("mediation state", "Being mediated")
        AGREED = "agreed", pgettext_lazy("mediation state", "Agreement reached")
        FAILED = "failed", pgettext_lazy("mediation state", "Mediation failed")
        FULFILLED = "fulfilled", pgettext_lazy("mediation state", "Agreement fulfilled")
        UNFULFILLED = "unfulfilled", pgettext_lazy("mediation state", "Agreement not (fully) fulfilled")

    class Performance(models.TextChoices):
        FULL = "full", pgettext_lazy("performance", "Fulfilled")
        PARTLY = "partly", pgettext_lazy("performance", "Partly fulfilled")
        NONE = "none", pgettext_lazy("performance", "Not fulfilled")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("mediation committee or room"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    petition = models.ForeignKey("petitions.Petition", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="mediations", verbose_name=_("petition"))
    parties = models.TextField(_("parties"))  # one party a line
    person_id = models.PositiveIntegerField(null=True, blank=True)  # the veteran's dossier, when there is one
    mediator = models.CharField(_("mediator"), max_length=40)
    matter = models.TextField(_("matter in dispute"))
    opened_on = models.DateField(_("opened on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPENED)
    agreement = models.TextField(_("agreement"), blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    closing_note = models.TextField(_("why it failed or how it was checked"), blank=True)
    performance = models.CharField(_("performance"), max_length=8, choices=Performance.choices, blank=True)
    checked_on = models.DateField(_("performance checked on"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = MediationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return self.matter[:40]

    @property
    def party_lines(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]


class SessionQuerySet(ScopedQuerySet):
    scope_field = "mediation__region_code"


class MediationSession(models.Model):
    """One sitting of the mediation: when, where, what came of it (append-only)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.mediation} · {self.held_on}"
