"""Visits and care (走访慰问) and honours (光荣牌, 立功喜报), SPEC C3.

A visit is scoped by the station the person was on the books of when it was made (`region_code`,
copied from it), so the village, its street and the county above see it and a neighbour does not.
Regimes belong to jurisdictions like the network's standards (decision 0004), but they combine
rather than override: a lower level may only tighten the rule above it (decision 0013).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import BearingQuerySet, ScopedQuerySet
from rongjia.people.models import Person


class Regime(models.Model):
    """How often a jurisdiction's people must be contacted (常态化联系机制), and its 必访 occasions.

    The numbers a station follows are the strictest of every regime at or above it (`regimes.effective_for`).
    """

    jurisdiction_code = models.CharField(_("jurisdiction (region code prefix)"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    priority_contacts_per_quarter = models.PositiveSmallIntegerField(
        _("contacts per quarter with a priority person"), default=1, validators=[MaxValueValidator(12)])
    priority_home_visits_per_year = models.PositiveSmallIntegerField(
        _("home visits per year to a priority person"), default=1, validators=[MaxValueValidator(12)])
    other_contacts_per_year = models.PositiveSmallIntegerField(
        _("contacts per year with everyone else"), default=1, validators=[MaxValueValidator(12)])
    trigger_days = models.PositiveSmallIntegerField(
        _("days to make a 必访 visit"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)])
    # The occasions on which a visit is owed, worded by the jurisdiction (九必访, 六必访…).
    occasions = models.JSONField(_("occasions"), default=list, blank=True)
    # A county may let its streets deliver the 三等功 喜报 (the rule gives them to the county).
    street_delivers_third_class = models.BooleanField(_("streets deliver third-class merit notices"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jurisdiction_code"]
        verbose_name = _("visit regime")

    def __str__(self):
        return self.name


class VisitQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class CampaignQuerySet(BearingQuerySet):
    """Campaigns launched above the viewer (which reach its stations) and inside its subtree."""


class Campaign(models.Model):
    """A festival or special round of visits (春节慰问, 大走访) a centre launches for its subtree."""

    class Kind(models.TextChoices):
        SPRING = "spring", pgettext_lazy("campaign", "Spring Festival (春节)")
        ARMY_DAY = "army_day", pgettext_lazy("campaign", "Army Day (八一)")
        NATIONAL = "national", pgettext_lazy("campaign", "National Day (国庆)")
        DOUBLE_NINTH = "double_ninth", pgettext_lazy("campaign", "Double Ninth (重阳)")
        SPECIAL = "special", pgettext_lazy("campaign", "Special campaign (大走访)")

    class Target(models.TextChoices):
        PRIORITY = "priority", _("Priority people")
        ALL = "all", _("Everyone on the books")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("launched by"))
    # The launching unit's subtree (an unpadded code prefix): the campaign reaches every station in it.
    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    target = models.CharField(_("who is visited"), max_length=10, choices=Target.choices, default=Target.PRIORITY)
    festival_on = models.DateField(_("festival day"), null=True, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    budget_per_person = models.DecimalField(_("budget per person (yuan)"), max_digits=9, decimal_places=2,
                                            null=True, blank=True, validators=[MinValueValidator(0)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")

    def __str__(self):
        return self.name


def visit_signature_path(visit, filename):
    return f"visits/signatures/{visit.station_id}/{uuid.uuid4().hex[:12]}.jpg"


class Visit(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", pgettext_lazy("visit kind", "Regular visit (常态化走访)")
        FESTIVAL = "festival", pgettext_lazy("visit kind", "Festival greetings (节日慰问)")
        BIRTHDAY = "birthday", pgettext_lazy("visit kind", "Birthday")
        HOSPITAL = "hospital", pgettext_lazy("visit kind", "Hospital visit (住院探望)")
        HARDSHIP = "hardship", pgettext_lazy("visit kind", "Hardship help (困难帮扶)")
        SERVICE = "service", pgettext_lazy("visit kind", "Service at home (上门服务)")
        POLICY = "policy", pgettext_lazy("visit kind", "Policy explained (政策宣传)")
        WELCOME = "welcome", pgettext_lazy("visit kind", "Welcome home (返乡迎接)")

    class Place(models.TextChoices):
        HOME = "home", pgettext_lazy("visit place", "At home")
        STATION = "station", pgettext_lazy("visit place", "At the station")
        HOSPITAL = "hospital", pgettext_lazy("visit place", "In hospital")
        PHONE = "phone", pgettext_lazy("visit place", "By phone or video")
        OTHER = "other", pgettext_lazy("visit place", "Elsewhere")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits")
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the person's, then
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=10, choices=Place.choices, default=Place.HOME)
    companions = models.CharField(_("companions"), max_length=100, blank=True)
    findings = models.TextField(_("findings"), blank=True, max_length=2000)
    money = models.DecimalField(_("money given (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    fund = models.CharField(_("fund"), max_length=60, blank=True)
    goods = models.CharField(_("goods given"), max_length=100, blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
                                 verbose_name=_("campaign"))
    # The visited person's signature, drawn on the phone or photographed on paper (optional).
    signature = models.FileField(upload_to=visit_signature_path, max_length=200, blank=True)
    # Made on the phone, offline or not: the same visit sent twice is stored once.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["person", "visited_on"], name="visit_person_day"),
                   models.Index(fields=["region_code", "visited_on"], name="visit_region_day")]
        verbose_name = _("visit")

    def __str__(self):
        return f"{self.person} {self.visited_on}"


def visit_photo_path(photo, filename):
    return f"visits/photos/{photo.visit.station_id}/{photo.visit_id}-{uuid.uuid4().hex[:8]}.jpg"


class ThroughVisitQuerySet(ScopedQuerySet):
    scope_field = "visit__region_code"


class VisitPhoto(models.Model):
    """A photo, stored resized as JPEG (its metadata, the phone's location among it, dropped)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=visit_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    objects = ThroughVisitQuerySet.as_manager()

    def __str__(self):
        return self.image.name


class FollowUp(models.Model):
    """A need raised on a visit, with whoever must see to it and by when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    need = models.CharField(_("need"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(pgettext_lazy("follow-up outcome", "outcome"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ThroughVisitQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = pgettext_lazy("visit follow-up", "follow-up")

    def __str__(self):
        return self.need


class DueQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class DueVisit(models.Model):
    """A visit owed because something happened (必访): it is due within the regime's days, met by the next visit."""

    class Occasion(models.TextChoices):
        HOSPITALISED = "hospitalised", pgettext_lazy("occasion", "In hospital")
        BEREAVED = "bereaved", pgettext_lazy("occasion", "Bereaved")
        DISASTER = "disaster", pgettext_lazy("occasion", "Hit by a disaster")
        HARDSHIP = "hardship", pgettext_lazy("occasion", "In hardship")
        DISPUTE = "dispute", pgettext_lazy("occasion", "In a dispute")
        BIRTHDAY = "birthday", pgettext_lazy("occasion", "Birthday of 80, 90 or 100")
        RETURNED = "returned", pgettext_lazy("occasion", "Newly discharged, home again (返乡)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="due_visits")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the person's station's
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    occurred_on = models.DateField(_("happened on"))
    due_on = models.DateField(_("visit due by"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DueQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "occasion", "occurred_on"],
                                               name="one_due_visit_per_occasion")]
        verbose_name = _("visit owed")

    def __str__(self):
        return f"{self.person} {self.get_occasion_display()}"


def plaque_photo_path(plaque, filename):
    return f"visits/plaques/{plaque.region_code[:6]}/{plaque.pk}-{uuid.uuid4().hex[:8]}.jpg"


class Plaque(models.Model):
    """光荣牌: one per household (the person on file and the household members with them)."""

    class State(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("plaque", "Issued")
        HUNG = "hung", pgettext_lazy("plaque", "Hung")
        WITHDRAWN = "withdrawn", pgettext_lazy("plaque", "Withdrawn")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="plaque")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    on_application = models.BooleanField(_("on application"), default=False)
    issued_on = models.DateField(_("issued on"))
    hung_on = models.DateField(_("hung on"), null=True, blank=True)
    ceremony = models.CharField(_("ceremony"), max_length=200, blank=True)
    photo = models.FileField(upload_to=plaque_photo_path, max_length=200, blank=True)  # of the ceremony
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason withdrawn"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DueQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("honour plaque (光荣牌)")

    def __str__(self):
        return f"{self.person} {self.get_state_display()}"


class PlaqueEvent(models.Model):
    plaque = models.ForeignKey(Plaque, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.plaque_id} {self.action}"


class Merit(models.Model):
    """立功喜报: a serving member's merit, delivered to the family by the level the merit calls for."""

    class Level(models.TextChoices):
        MEDAL = "medal", pgettext_lazy("merit", "八一勋章 or honorary title")
        FIRST = "first", pgettext_lazy("merit", "First-class merit (一等功)")
        SECOND = "second", pgettext_lazy("merit", "Second-class merit (二等功)")
        THIRD = "third", pgettext_lazy("merit", "Third-class merit (三等功)")

    class State(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("merit", "Waiting to be delivered")
        DELIVERED = "delivered", pgettext_lazy("merit", "Delivered")

    soldier_name = models.CharField(_("serving member"), max_length=40)
    military_unit = models.CharField(_("military unit"), max_length=100, blank=True)
    level = models.CharField(_("merit"), max_length=8, choices=Level.choices)
    awarded_on = models.DateField(_("awarded on"))
    family_name = models.CharField(_("family contact"), max_length=40)
    family_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("family lives in"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the family's village
    delivering_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=pgettext_lazy("delivering unit", "delivered by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REGISTERED)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    ceremony = models.CharField(_("ceremony"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DueQuerySet.as_manager()

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("merit notice (立功喜报)")

    def __str__(self):
        return f"{self.soldier_name} {self.get_level_display()}"


def honour_photo_path(entry, filename):
    return f"visits/honours/{entry.unit_id}/{uuid.uuid4().hex[:12]}.jpg"


class HonourEntry(models.Model):
    """A model veteran on a station's honour wall (荣誉墙): the photo and the story the station tells."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the station's
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("served person"))
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("honour"), max_length=80)  # 一等功臣, 最美退役军人…
    story = models.TextField(_("story"), max_length=2000)
    photo = models.FileField(upload_to=honour_photo_path, max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DueQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "position", "id"]
        verbose_name = _("honour wall entry")

    def __str__(self):
        return f"{self.name} {self.title}"
