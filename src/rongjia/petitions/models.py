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
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    state = models.CharField(_("state"), max_length=20, default="registered")
    registered_on = models.DateField(_("registered on"))
    accepted_on = models.DateField(null=True, blank=True)
    assigned_on = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(default=0)
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


class AttachmentQuerySet(ScopedQuerySet):
    scope_field = "petition__region_code"


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

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")


from .legal_aid.models import Lawyer, LegalAidReferral  # noqa: E402,F401 - the app's models, split by subject
from .mailbox.models import Feedback  # noqa: E402,F401
