"""Every write on employers 拥军企业 and their postings (DESIGN rule 2): scoped, audited, refused whole on bad input.

An employer and its postings belong to the jurisdiction of the centre that registered the employer (decision 0018):
its stations see them and refer their seekers to them, a sibling county does not, and only a centre whose area
covers the jurisdiction (the centre itself, or one above it) changes them.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.core.scoping import code_in_subtree, get_visible_or_404, scope_prefix
from rongjia.core.validators import validate_phone

from .models import EDUCATION_ORDER, DrivingLicence, Employer, Posting, Referral, Sector, Skill
from .values import CREDIT_CHARACTERS, credit_check_character

MANAGE = "employment.manage"
PAY_CEILING = 1_000_000


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    """A 统一社会信用代码 (GB 32100-2015) as typed (spaces dropped, letters upper-cased), or a message naming
    what is wrong (`values.credit_code_ok` says only whether it is right)."""
    code = (value or "").replace(" ", "").upper()
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationError({field: _("A unified social credit code (统一社会信用代码) has 18 characters; this one "
                                        "has %(n)d.") % {"n": len(code)}})
    wrong = sorted({char for char in code if char not in CREDIT_CHARACTERS})
    if wrong:
        raise ValidationError({field: _("A unified social credit code (统一社会信用代码) uses digits and capital "
                                        "letters other than I, O, Z, S and V; it cannot hold “%(chars)s”.") % {
            "chars": "".join(wrong)}})
    if not code[2:8].isdigit():
        raise ValidationError({field: _("Characters 3 to 8 of a unified social credit code (统一社会信用代码) are the "
                                        "region code: six digits.")})
    if credit_check_character(code[:17]) != code[17]:
        raise ValidationError({field: _("This unified social credit code (统一社会信用代码) does not add up: its last "
                                        "character is wrong. Check it against the business licence.")})
    return code


# --- shared checks --------------------------------------------------------------------------------------------

def _require(actor, capability: str = MANAGE) -> str:
    """The actor's prefix, if they may manage employers at all."""
    prefix = scope_prefix(actor)
    if prefix is None or not actor.can(capability):
        raise PermissionDenied
    return prefix


def may_edit(actor, record) -> bool:
    """Whether the actor's area covers the record's jurisdiction (a unit below it only reads it)."""
    return actor.can(MANAGE) and code_in_subtree(record.jurisdiction_code, scope_prefix(actor))


def _require_edit(actor, record) -> None:
    if not may_edit(actor, record):
        raise PermissionDenied


def _text(value, field: str, *, required: bool = False, message: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: message})
    return text


def _place(actor, place, *, within: str | None = None, field: str = "place") -> Region:
    """The region a record is placed in: a current region inside the actor's area (and inside `within`)."""
    pk = getattr(place, "pk", place)
    region = Region.objects.current().visible_to(actor).filter(pk=pk).first() if pk else None
    if region is None or (within is not None and not code_in_subtree(region.code, within)):
        raise ValidationError({field: _("Choose a place inside your area.") if within is None else
                               _("Choose a place inside the area the employer was registered for.")})
    return region


def _sector(value, field: str = "sector") -> Sector:
    sector = Sector.objects.filter(pk=getattr(value, "pk", value), active=True).first() if value else None
    if sector is None:
        raise ValidationError({field: _("Choose the sector.")})
    return sector


def _not_future(day: date | None, field: str) -> date | None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return day


def _saved(record, exclude=()):
    record.full_clean(exclude=["registered_by", "sector", "place", "employer", "created_by", *exclude],
                      validate_unique=False, validate_constraints=False)
    record.save()
    return record


def _locked(model, actor, record, version: int):
    locked = get_visible_or_404(model.objects.select_for_update(), actor, pk=getattr(record, "pk", record))
    _require_edit(actor, locked)
    if locked.version != version:
        raise StaleVersion
    return locked


# --- employers ------------------------------------------------------------------------------------------------

EMPLOYER_EDITABLE = ("name", "sector", "place", "address", "contact_name", "contact_phone", "credit_code",
                     "commitments", "committed_on", "active")


def _employer_values(actor, values: dict, *, jurisdiction: str | None, exclude_pk=None) -> dict:
    """The employer's fields checked and tidied, or the first field's message (nothing is set before)."""
    clean = {}
    if "name" in values:
        clean["name"] = _text(values["name"], "name", required=True, message=_("Give the employer's name."))
    if "sector" in values:
        clean["sector"] = _sector(values["sector"])
    if "place" in values:
        clean["place"] = _place(actor, values["place"], within=jurisdiction)
    if "contact_name" in values:
        clean["contact_name"] = _text(values["contact_name"], "contact_name", required=True,
                                      message=_("Give the contact person's name."))
    if "contact_phone" in values:
        phone = _text(values["contact_phone"], "contact_phone", required=True,
                      message=_("Give the contact person's phone."))
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from None
        clean["contact_phone"] = phone
    if "credit_code" in values:
        code = validate_credit_code(values["credit_code"])
        twin = Employer.objects.visible_to(actor).filter(credit_code=code).exclude(pk=exclude_pk).first() \
            if code else None
        if twin is not None:
            raise ValidationError({"credit_code": _("%(name)s is already registered with this code.") % {
                "name": twin.name}})
        clean["credit_code"] = code
    for field in ("address", "commitments"):
        if field in values:
            clean[field] = _text(values[field], field)
    if "committed_on" in values:
        clean["committed_on"] = _not_future(values["committed_on"], "committed_on")
    if "active" in values:
        clean["active"] = bool(values["active"])
    return clean


def employer_create(*, actor, name, sector, place, contact_name, contact_phone, credit_code="", address="",
                    commitments="", committed_on=None) -> Employer:
    """A centre registers an employer for its own area: its stations see it and refer their seekers to it."""
    prefix = _require(actor)
    values = _employer_values(actor, {
        "name": name, "sector": sector, "place": place, "contact_name": contact_name,
        "contact_phone": contact_phone, "credit_code": credit_code, "address": address,
        "commitments": commitments, "committed_on": committed_on}, jurisdiction=None)
    with transaction.atomic(), audit_actor(actor):
        return _saved(Employer(jurisdiction_code=prefix, registered_by=actor.org_unit, **values))


def employer_update(*, actor, employer, version: int, **changes) -> Employer:
    unknown = set(changes) - set(EMPLOYER_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor)
    with transaction.atomic(), audit_actor(actor):
        locked = _locked(Employer, actor, employer, version)
        values = _employer_values(actor, changes, jurisdiction=locked.jurisdiction_code, exclude_pk=locked.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.version += 1
        return _saved(locked)


# --- postings -------------------------------------------------------------------------------------------------

POSTING_EDITABLE = ("title", "sector", "place", "pay_min", "pay_max", "places", "opens_on", "closes_on", "skills",
                    "min_education", "driving_licence", "requirements")
HIRED = (Referral.State.HIRED, Referral.State.FOLLOWED_UP)


def hires(posting) -> int:
    """How many of the posting's places are taken (every referral that ended in a hire, in any area)."""
    return Referral.objects.filter(posting=posting, state__in=HIRED).count()


def _whole_number(value, field: str, *, least: int, message: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= PAY_CEILING:
        raise ValidationError({field: message})
    return value


def _posting_values(actor, values: dict, *, employer: Employer, current: Posting | None = None) -> dict:
    """The posting's fields checked together (the new values beside the kept ones), or the first message."""
    clean = {}
    if "title" in values:
        clean["title"] = _text(values["title"], "title", required=True, message=_("Give the job's title."))
    if "sector" in values:
        clean["sector"] = employer.sector if values["sector"] in (None, "") else _sector(values["sector"])
    if "place" in values:
        clean["place"] = _place(actor, values["place"], within=employer.jurisdiction_code)
    pay_message = _("Give the pay in whole yuan a month, up to 1,000,000.")
    for field in ("pay_min", "pay_max"):
        if field in values:
            clean[field] = _whole_number(values[field], field, least=0, message=pay_message)
    if "places" in values:
        clean["places"] = _whole_number(values["places"], "places", least=1,
                                        message=_("A posting offers at least one place."))
        taken = hires(current) if current is not None else 0
        if clean["places"] < taken:
            raise ValidationError({"places": _("%(n)d people are already hired for it: it cannot offer fewer "
                                               "places.") % {"n": taken}})
    for field in ("opens_on", "closes_on"):
        if field in values:
            if not isinstance(values[field], date):
                raise ValidationError({field: _("Give the date.")})
            clean[field] = values[field]
    if "skills" in values:
        wanted = {getattr(skill, "pk", skill) for skill in values["skills"] or ()}
        skills = list(Skill.objects.filter(pk__in=wanted, active=True))
        if len(skills) != len(wanted):
            raise ValidationError({"skills": _("Choose skills from the list.")})
        clean["skills"] = skills
    if "min_education" in values:
        if (values["min_education"] or "") not in ("", *EDUCATION_ORDER):
            raise ValidationError({"min_education": _("Choose the lowest education from the list.")})
        clean["min_education"] = values["min_education"] or ""
    if "driving_licence" in values:
        if (values["driving_licence"] or "") not in ("", *DrivingLicence.values):
            raise ValidationError({"driving_licence": _("Choose the licence class from the list.")})
        clean["driving_licence"] = values["driving_licence"] or ""
    if "requirements" in values:
        clean["requirements"] = _text(values["requirements"], "requirements")

    def now(field):
        return clean[field] if field in clean else getattr(current, field, None)

    if now("pay_min") is not None and now("pay_max") is not None and now("pay_min") > now("pay_max"):
        raise ValidationError({"pay_max": _("The pay range runs from the lower to the higher amount: ¥%(low)d a "
                                            "month is above ¥%(high)d.") % {"low": now("pay_min"),
                                                                            "high": now("pay_max")}})
    if now("opens_on") and now("closes_on") and now("closes_on") < now("opens_on"):
        raise ValidationError({"closes_on": _("The posting cannot close (%(closes)s) before it opens "
                                              "(%(opens)s).") % {"closes": now("closes_on").isoformat(),
                                                                 "opens": now("opens_on").isoformat()}})
    return clean


def _employer_for_postings(actor, employer) -> Employer:
    employer = get_visible_or_404(Employer.objects.select_related("sector"), actor,
                                  pk=getattr(employer, "pk", employer))
    _require_edit(actor, employer)
    if not employer.active:
        raise ValidationError({"employer": _("%(name)s is no longer active: reactivate it before posting "
                                             "jobs.") % {"name": employer.name}})
    return employer


def posting_create(*, actor, employer, title, place, pay_min, pay_max, places, opens_on, closes_on, sector=None,
                   skills=(), min_education="", driving_licence="", requirements="") -> Posting:
    """A job the employer offers, in its jurisdiction; the sector is the employer's unless another is named."""
    _require(actor)
    employer = _employer_for_postings(actor, employer)
    values = _posting_values(actor, {
        "title": title, "sector": sector, "place": place, "pay_min": pay_min, "pay_max": pay_max,
        "places": places, "opens_on": opens_on, "closes_on": closes_on, "skills": skills,
        "min_education": min_education, "driving_licence": driving_licence, "requirements": requirements},
        employer=employer)
    skills = values.pop("skills")
    with transaction.atomic(), audit_actor(actor):
        posting = _saved(Posting(employer=employer, jurisdiction_code=employer.jurisdiction_code,
                                 place_code=values["place"].code, created_by=actor, **values))
        posting.skills.set(skills)
    return posting


def posting_update(*, actor, posting, version: int, **changes) -> Posting:
    unknown = set(changes) - set(POSTING_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor)
    with transaction.atomic(), audit_actor(actor):
        locked = _locked(Posting, actor, posting, version)
        if locked.withdrawn:
            raise ValidationError(_("This posting was withdrawn: it can no longer be changed."))
        values = _posting_values(actor, changes, employer=locked.employer, current=locked)
        skills = values.pop("skills", None)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.place_code = locked.place.code
        locked.version += 1
        _saved(locked)
        if skills is not None:
            locked.skills.set(skills)
    return locked


def posting_withdraw(*, actor, posting, version: int) -> Posting:
    """Take a posting off the boards: no more referrals to it; those made keep their outcomes."""
    _require(actor)
    with transaction.atomic(), audit_actor(actor):
        locked = _locked(Posting, actor, posting, version)
        if locked.withdrawn:
            raise ValidationError(_("This posting is already withdrawn."))
        locked.withdrawn, locked.version = True, locked.version + 1
        locked.save(update_fields=["withdrawn", "version"])
    return locked
