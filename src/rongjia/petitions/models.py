"""信访 (petitions) under the 信访工作条例 (2022): a petition, its petitioners, and every step taken.

The states and the steps between them are declared once, in `workflow.py`; a step is recorded
as a `PetitionEvent` with who, when and why. Deadlines are stored on the petition as they fall
due (computed by `rongjia.core.deadlines`), so overdue lists are plain indexed queries.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet


class PetitionQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the responsible unit's: it and every centre above it see the petition


class Petition(models.Model):
    class Channel(models.TextChoices):
        LETTER = "letter", pgettext_lazy("petition channel", "Letter")
        VISIT = "visit", pgettext_lazy("petition channel", "Visit in person")
        ONLINE = "online", pgettext_lazy("petition channel", "Online")
        PHONE = "phone", pgettext_lazy("petition channel", "Phone")
        MAILBOX = "mailbox", pgettext_lazy("petition channel", "Supervision mailbox")
        OUTREACH = "outreach", pgettext_lazy("petition channel", "Outreach visit")

    class Type(models.TextChoices):
        SUGGESTION = "suggestion", pgettext_lazy("petition type", "Suggestion")
        ACCUSATION = "accusation", pgettext_lazy("petition type", "Accusation")
        CLAIM = "claim", pgettext_lazy("petition type", "Claim or appeal")

    class Category(models.TextChoices):
        PLACEMENT = "placement", pgettext_lazy("petition category", "Placement")
        PREFERENTIAL = "preferential", pgettext_lazy("petition category", "Preferential treatment")
        EMPLOYMENT = "employment", pgettext_lazy("petition category", "Employment")
        MEDICAL = "medical", pgettext_lazy("petition category", "Medical care")
        HOUSING = "housing", pgettext_lazy("petition category", "Housing")
        SOCIAL = "social", pgettext_lazy("petition category", "Social insurance")
        OTHER = "other", pgettext_lazy("petition category", "Other")

    class Outcome(models.TextChoices):
        SUPPORT = "support", pgettext_lazy("petition outcome", "Supported")
        EXPLAIN = "explain", pgettext_lazy("petition outcome", "Explained")
        REFUSE = "refuse", pgettext_lazy("petition outcome", "Not supported")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", pgettext_lazy("satisfaction", "Satisfied")
        FAIRLY = "fairly", pgettext_lazy("satisfaction", "Fairly satisfied")
        UNSATISFIED = "unsatisfied", pgettext_lazy("satisfaction", "Not satisfied")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="petitions",
                             verbose_name=_("responsible unit"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    registered_at_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    category = models.CharField(pgettext_lazy("petition problem category", "category"), max_length=12,
                                choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    state = models.CharField(_("state"), max_length=20, default="registered")
    registered_on = models.DateField(_("registered on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # the receiving unit's receipt of a 交办/转办
    assigned_on = models.DateField(_("received by the assigned unit on"), null=True, blank=True)
    # the receiving unit's own 受理: its clock starts
    taken_on = models.DateField(_("accepted by the assigned unit on"), null=True, blank=True)
    # the first answer (答复) only; later answers: `replies`
    replied_on = models.DateField(_("first answered on"), null=True, blank=True)
    reply_delivered_on = models.DateField(_("written reply delivered on"), null=True, blank=True)
    review_requested_on = models.DateField(_("review requested on"), null=True, blank=True)
    recheck_requested_on = models.DateField(_("recheck requested on"), null=True, blank=True)
    # of the registering unit's handling period
    extended_days = models.PositiveSmallIntegerField(_("days extended"), default=0)
    # of the receiving unit's handling period
    assignee_extended_days = models.PositiveSmallIntegerField(_("days extended by the assigned unit"), default=0)
    # 复核 听证: not counted in its period (Art. 36)
    hearing_days = models.PositiveSmallIntegerField(_("hearing days"), default=0)
    headcount = models.PositiveIntegerField(_("people present"), null=True, blank=True)  # of a visit (走访)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)  # the current step's deadline
    reply_text = models.TextField(_("written reply"), blank=True)  # the latest 答复/复查/复核 意见, as sent
    collective = models.BooleanField(_("collective (集体访)"), default=False)
    repeat_of = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="repeats")
    above_county = models.BooleanField(_("lodged above the county (越级)"), default=False)
    version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="petition_state_due"),
            models.Index(fields=["registered_on"], name="petition_registered_on"),  # the statistics' day
            models.Index(fields=["created_at"], name="petition_created"),  # rows written since the last refresh
        ]

    def __str__(self):
        return self.subject


class ThroughPetitionQuerySet(ScopedQuerySet):
    """Records of a petition: seen by whoever may open the petition."""

    scope_field = "petition__region_code"


class PetitionReply(models.Model):
    """One written answer: the 答复, the 复查意见 or the 复核意见, each with its own deadline and its delivery.

    The 复查/复核 request windows run from the delivery (自收到书面答复之日起30日内, Arts. 35–36), and
    each answer's timeliness is measured against its own deadline."""

    class Stage(models.TextChoices):
        ANSWER = "answer", pgettext_lazy("petition reply", "Answer")
        REVIEW = "review", pgettext_lazy("petition reply", "Review opinion")
        RECHECK = "recheck", pgettext_lazy("petition reply", "Recheck opinion")

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", pgettext_lazy("delivery", "In person")
        POST = "post", pgettext_lazy("delivery", "By post")
        ELECTRONIC = "electronic", pgettext_lazy("delivery", "Electronic")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="replies")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Petition.Outcome.choices)
    text = models.TextField(_("written reply"))
    replied_on = models.DateField(_("answered on"))
    due_on = models.DateField(_("due"), null=True, blank=True)  # the deadline this answer was due by
    delivery_method = models.CharField(_("delivered by"), max_length=10, choices=Delivery.choices, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)

    objects = ThroughPetitionQuerySet.as_manager()

    class Meta:
        ordering = ["replied_on", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "stage"], name="one_reply_per_stage")]

    def __str__(self):
        return f"{self.petition} · {self.get_stage_display()}"

    @property
    def on_time(self) -> bool | None:
        return None if self.due_on is None else self.replied_on <= self.due_on


class Petitioner(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(_("name"), max_length=40)
    id_hash = models.CharField(max_length=64, db_index=True, blank=True)  # to find repeats, never the number
    person_id = models.PositiveIntegerField(null=True, blank=True)  # the dossier, when there is one
    home_region_code = models.CharField(max_length=12, blank=True)

    def __str__(self):
        return self.name


class PetitionEvent(models.Model):
    """One step of the lifecycle: who did what, when, and why (append-only)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.petition_id} {self.action}"


class PetitionNotice(models.Model):
    """A deadline warning or an overdue escalation, made once by `manage.py run_deadlines`; or the note that
    a petition was lodged again (made at the registration of the repeat; `due_on` is the day of it)."""

    class Kind(models.TextChoices):
        WARN_5 = "warn5", _("Due in 5 days")
        WARN_1 = "warn1", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue (escalated)")
        # A later petition repeats this one (same person or subject): the unit that holds this one is told,
        # and learns nothing of the new one beyond the day it was registered.
        REPEATED = "repeated", _("Lodged again (repeat petition)")
        SENSITIVE = "period", _("Registered in a sensitive period")  # to the declaring centre (outreach/)
        # A holiday table loaded later moved the deadline (`due_on` is the new one)
        MOVED = "moved", _("Deadline recomputed (holidays loaded)")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_on = models.DateField()  # the deadline it is about: a new deadline gets new warnings
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")  # who is told
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["petition", "kind", "due_on"], name="one_notice_per_deadline")]

    def __str__(self):
        return f"{self.petition_id} {self.kind} {self.due_on}"


def attachment_path(instance, filename):
    # A random name: the petitioner's file name (often a person's name) never reaches the disk.
    return f"petitions/{instance.petition_id}/{uuid.uuid4().hex}{instance.extension}"


class PetitionAttachment(models.Model):
    """A file on the petition: the petitioner's letter or evidence, or the signed written reply (a scan)."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material from the petitioner")
        REPLY = "reply", _("Written reply (signed scan)")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughPetitionQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")


from .backlog.models import BacklogCase, BacklogProgress  # noqa: E402,F401
from .legal_aid.models import Lawyer, LegalAidReferral  # noqa: E402,F401 - the app's models, split by subject
from .mailbox.models import Feedback  # noqa: E402,F401
from .mediation.models import Mediation, MediationSession  # noqa: E402,F401
from .outreach.models import Meeting, ReceptionDay, SensitivePeriod  # noqa: E402,F401
