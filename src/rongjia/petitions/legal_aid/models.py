"""Legal aid 法律援助: the lawyers on duty at a 法律援助工作站 and the petitions referred to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet

WEEKDAYS = [(1, pgettext_lazy("weekday", "Mon")), (2, pgettext_lazy("weekday", "Tue")),
            (3, pgettext_lazy("weekday", "Wed")), (4, pgettext_lazy("weekday", "Thu")),
            (5, pgettext_lazy("weekday", "Fri")), (6, pgettext_lazy("weekday", "Sat")),
            (7, pgettext_lazy("weekday", "Sun"))]


class LawyerQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the workstation's: its centre and the centres above manage the lawyer


class Lawyer(models.Model):
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("legal aid workstation"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=40)
    firm = models.CharField(_("law firm"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # a business number, not a personal record
    specialities = models.JSONField(_("specialities"), default=list, blank=True)  # Petition.Category values
    duty_days = models.JSONField(_("duty days"), default=list, blank=True)  # ISO weekdays, 1 = Monday
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    objects = LawyerQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "name", "id"]

    def __str__(self):
        return f"{self.name}（{self.firm}）"

    def on_duty(self, day) -> bool:
        return day.isoweekday() in self.duty_days


class ReferralQuerySet(ScopedQuerySet):
    scope_field = "petition__region_code"  # follows the petition when it is assigned elsewhere


class LegalAidReferral(models.Model):
    """A petition handed to a lawyer; the lawyer takes it or declines, and the outcome is recorded."""

    class State(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", _("Taken on")
        DECLINED = "declined", _("Declined")
        CONCLUDED = "concluded", _("Concluded")

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="referrals")
    lawyer = models.ForeignKey(Lawyer, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("lawyer"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REFERRED)
    question = models.TextField(_("legal question"))
    referred_on = models.DateField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.TextField(pgettext_lazy("legal aid result", "outcome"), blank=True)
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self):
        return f"{self.petition} → {self.lawyer}"
