"""The service supervision mailbox 服务监督信箱 (seed 003 (二十六)): anyone comments on a station's
attitude or efficiency; the level above answers (a street or community station's by the district
centre, a district centre's by the city), and the sender reads the answer with a receipt code."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet


class FeedbackQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the answering unit's: the station commented on does not see it


class Feedback(models.Model):
    class Topic(models.TextChoices):
        ATTITUDE = "attitude", _("Service attitude")
        EFFICIENCY = "efficiency", _("Service efficiency")
        OVERALL = "overall", _("Overall evaluation")
        SUGGESTION = "suggestion", _("Suggestion")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        FAIRLY = "fairly", _("Fairly satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Public portal")
        TERMINAL = "terminal", _("Station terminal")

    about = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    routed_to = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("answered by"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    content = models.TextField(_("content"))
    sender_name = models.CharField(_("your name (optional)"), max_length=40, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True)  # the receipt code is shown once, stored hashed
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_code", "answered_at"], name="feedback_scope_open")]

    def __str__(self):
        return f"{self.about_id} {self.topic}"
