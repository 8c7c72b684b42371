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


class FeedbackAboutQuerySet(ScopedQuerySet):
    """The same feedback as the station commented on (and the centres above it) sees it: scoped by the
    station's code. Pages reached this way never show the sender (mailbox/selectors.py, about_list)."""

    scope_field = "about_code"


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
    about_code = models.CharField(max_length=12, db_index=True, editable=False, default="")  # about's region code
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
    # The running answer deadline (RONGJIA_MAILBOX_ANSWER_DAYS from the day received, or from the follow-up).
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    # The sender's rating of the current answer, given once with the receipt code.
    answer_rating = models.CharField(_("rating of the answer"), max_length=12, choices=Rating.choices, blank=True)
    # The one follow-up: it reopens the feedback; the answer it followed is kept with its rating.
    follow_up = models.TextField(_("follow-up"), blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    first_answer = models.TextField(_("first answer"), blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    first_answer_rating = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = FeedbackQuerySet.as_manager()
    seen_by_station = FeedbackAboutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_code", "answered_at"], name="feedback_scope_open")]

    def __str__(self):
        return f"{self.about} · {self.get_topic_display()}"
