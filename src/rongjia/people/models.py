"""Dossiers 一人一档 (SPEC C2): every served person, held by one station.

ID numbers and phones are personal sensitive information: stored encrypted, found through
keyed blind indexes, shown masked (DESIGN.md rule 5, decision 0005).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import ScopedQuerySet

from .reference import EDUCATION_CHOICES, ETHNIC_CHOICES, POLITICAL_CHOICES


class Category(models.Model):
    """转业干部, 退役士兵, 烈士遗属…: reference data the system administrator keeps."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class PersonQuerySet(ScopedQuerySet):
    scope_field = "station__region_code"


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("On the books")
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")
        LOST = "lost", _("Lost contact")

    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="people",
                                verbose_name=_("station"))
    name = models.CharField(_("name"), max_length=40)
    name_initials = models.CharField(max_length=40, db_index=True, editable=False)  # 张伟 → zw
    id_number = EncryptedTextField(_("ID number"))
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    address_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("address region"))
    address_detail = models.CharField(_("address"), max_length=200, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNIC_CHOICES, default="01")
    political_status = models.CharField(_("political status"), max_length=2, choices=POLITICAL_CHOICES,
                                        default="13")
    education = models.CharField(_("education"), max_length=10, choices=EDUCATION_CHOICES, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    categories = models.ManyToManyField(Category, through="PersonCategory", related_name="people",
                                        verbose_name=_("categories"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["station", "name_initials", "id"]
        verbose_name = _("served person")
        verbose_name_plural = _("served people")
        indexes = [models.Index(fields=["station", "status"], name="person_station_status")]

    def __str__(self):
        return self.name


class PersonCategory(models.Model):
    """A category held from one date, perhaps until another (a person holds many)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="category_spans")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                   | models.Q(end_date__gte=models.F("start_date")), name="category_span_order"),
        ]

    def __str__(self):
        return f"{self.person} · {self.category}"
