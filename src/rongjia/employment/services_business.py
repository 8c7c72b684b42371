"""Every write about the businesses veterans start (DESIGN rule 2): the business, the support it was given (a
创业担保贷款 with its amount and term, an incubator place, tax relief, mentoring) and its follow-ups.

Each function checks the capability and the scope, refuses bad input whole before changing anything (a
ValidationError naming the field), and writes inside one transaction attributed to the actor in the audit log.
A business belongs to the person's station when it is recorded (its `region_code`), like the person's other
employment records (decision 0018); its supports and follow-ups are reached through it.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404
from rongjia.people.models import Person

from .models import Business, BusinessFollowUp, Sector, Seeker, Support
from .values import credit_code_ok, months_after

HANDLE = "employment.handle"
FOLLOW_UP_MONTHS = 6  # a business is looked at again half a year after it was recorded or last followed up
LONGEST_TERM = 360  # months (thirty years): the model's bound on a loan's term
BUSINESS_EDITABLE = ("name", "sector", "registered_on", "credit_code", "employees", "veterans_employed", "note")


def _require(actor) -> None:
    if not actor.can(HANDLE):
        raise PermissionDenied


def _person(actor, person) -> Person:
    """The person the business is for: one the actor may open, else a message that hints at no one outside."""
    pk = getattr(person, "pk", person)
    found = Person.objects.visible_to(actor).select_related("station").filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({"person": _("Choose a person from the dossiers of your area.")})
    return found


def _sector(sector) -> Sector:
    pk = getattr(sector, "pk", sector)
    found = Sector.objects.filter(pk=pk, active=True).first() if pk else None
    if found is None:
        raise ValidationError({"sector": _("Choose the sector.")})
    return found


def _day(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def _count(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
        raise ValidationError({field: _("Give a whole number, 0 or more.")})
    return value


def _credit_code(value) -> str:
    code = (value or "").strip().upper()
    if code and not credit_code_ok(code):
        raise ValidationError({"credit_code": _(
            "This is not a valid unified social credit code (统一社会信用代码): 18 characters, the last one a check "
            "character. Check it against the business licence.")})
    return code


def _checked(fields: dict) -> dict:
    """A business's fields checked together; every refusal before anything is written."""
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the business's name.")})
    checked = {
        "name": name[:100],
        "sector": _sector(fields.get("sector")),
        "registered_on": _day(fields.get("registered_on"), "registered_on"),
        "credit_code": _credit_code(fields.get("credit_code")),
        "employees": _count(fields.get("employees", 0), "employees"),
        "veterans_employed": _count(fields.get("veterans_employed", 0), "veterans_employed"),
        "note": (fields.get("note") or "").strip(),
    }
    if len(checked["name"]) < len(name):
        raise ValidationError({"name": _("The name is too long (100 characters at most).")})
    if len(checked["note"]) > 300:
        raise ValidationError({"note": _("The note is too long (300 characters at most).")})
    if checked["veterans_employed"] > checked["employees"]:
        raise ValidationError({"veterans_employed": _(
            "The veterans employed are among the employees: they cannot be more than the employees.")})
    return checked


def _seeker_in_business(actor, person: Person) -> None:
    """The person's seeker profile, if there is one, now says they run a business (through the seekers' service)."""
    seeker = Seeker.objects.filter(person=person).first()
    if seeker is None or seeker.status == Seeker.Status.SELF_EMPLOYED:
        return
    from . import services_seekers  # the seekers' part of the module; imported when needed

    services_seekers.seeker_status_set(actor=actor, seeker=seeker, status=Seeker.Status.SELF_EMPLOYED,
                                       reason=_("Started a business"))


def business_create(*, actor, person, name, sector, registered_on, credit_code="", employees=0,
                    veterans_employed=0, note="") -> Business:
    """A business the person started, kept by the person's station; the first follow-up is due in six months.
    The person's seeker profile, if any, turns to "running a business"."""
    _require(actor)
    person = _person(actor, person)
    fields = _checked({"name": name, "sector": sector, "registered_on": registered_on, "credit_code": credit_code,
                       "employees": employees, "veterans_employed": veterans_employed, "note": note})
    with transaction.atomic(), audit_actor(actor):
        business = Business.objects.create(
            person=person, station=person.station, region_code=person.station.region_code, created_by=actor,
            follow_up_due=months_after(timezone.localdate(), FOLLOW_UP_MONTHS), **fields)
        _seeker_in_business(actor, person)
        return business


def _locked(actor, business) -> Business:
    return get_visible_or_404(Business.objects.select_for_update(), actor, pk=getattr(business, "pk", business))


def business_update(*, actor, business, version: int, **changes) -> Business:
    """Correct what was recorded (name, sector, registered date, credit code, employees, note); refused when
    someone saved the business after `version` was read."""
    unknown = set(changes) - set(BUSINESS_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor)
    current = get_visible_or_404(Business.objects.all(), actor, pk=getattr(business, "pk", business))
    fields = _checked({**{name: getattr(current, name) for name in BUSINESS_EDITABLE}, **changes})
    with transaction.atomic(), audit_actor(actor):
        locked = _locked(actor, business)
        if locked.version != version:
            raise StaleVersion
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save(update_fields=[*BUSINESS_EDITABLE, "version"])
        return locked


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        given = Decimal(str(value))
        amount = given.quantize(Decimal("0.01")) if given.is_finite() else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or amount <= 0 or amount != given or amount >= Decimal("10000000000"):
        raise ValidationError({"amount": _("Give the amount in yuan, more than 0, e.g. 200000 or 1500.50.")})
    return amount


def _term(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LONGEST_TERM:
        raise ValidationError({"term_months": _("Give the term in whole months, from 1 to 360.")})
    return value


def support_add(*, actor, business, kind, given_on, amount=None, term_months=None, provider="",
                note="") -> Support:
    """Support given to an operating business; a 创业担保贷款 needs its amount and its term."""
    _require(actor)
    business = get_visible_or_404(Business.objects.all(), actor, pk=getattr(business, "pk", business))
    if kind not in Support.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of support.")})
    given_on = _day(given_on, "given_on")
    amount, term_months = _amount(amount), _term(term_months)
    if kind == Support.Kind.LOAN:
        if amount is None:
            raise ValidationError({"amount": _("A business guarantee loan needs its amount.")})
        if term_months is None:
            raise ValidationError({"term_months": _("A business guarantee loan needs its term in months.")})
    provider, note = (provider or "").strip(), (note or "").strip()
    if len(provider) > 100:
        raise ValidationError({"provider": _("The name is too long (100 characters at most).")})
    if len(note) > 300:
        raise ValidationError({"note": _("The note is too long (300 characters at most).")})
    if business.state != Business.State.OPERATING:
        raise ValidationError(_("This business has closed: support can no longer be recorded."))
    with transaction.atomic(), audit_actor(actor):
        return Support.objects.create(business=business, kind=kind, given_on=given_on, amount=amount,
                                      term_months=term_months, provider=provider, note=note, recorded_by=actor)


def business_follow_up(*, actor, business, on, operating, employees, note) -> BusinessFollowUp:
    """A follow-up visit's findings. A business still operating is due again in six months and its employees are
    brought up to date; one that is not operating is closed on that day (nothing more is due)."""
    _require(actor)
    current = get_visible_or_404(Business.objects.all(), actor, pk=getattr(business, "pk", business))
    on = _day(on, "on")
    employees = _count(employees, "employees")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the follow-up found.")})
    if len(note) > 500:
        raise ValidationError({"note": _("The findings are too long (500 characters at most).")})
    if on < current.registered_on:
        raise ValidationError({"on": _("The follow-up cannot be before the business was registered.")})
    if operating and employees < current.veterans_employed:
        raise ValidationError({"employees": _(
            "The business is recorded as employing %(n)d veterans: correct the veterans employed on the business "
            "first, or give at least that many employees.") % {"n": current.veterans_employed}})
    with transaction.atomic(), audit_actor(actor):
        locked = _locked(actor, current)
        if locked.state != Business.State.OPERATING:
            raise ValidationError(_("This business has closed: there is nothing more to follow up."))
        follow_up = BusinessFollowUp.objects.create(business=locked, on=on, operating=bool(operating),
                                                    employees=employees, note=note, by=actor)
        if operating:
            locked.employees = employees
            locked.follow_up_due = months_after(on, FOLLOW_UP_MONTHS)
        else:
            locked.state, locked.closed_on, locked.follow_up_due = Business.State.CLOSED, on, None
        locked.version += 1
        locked.save(update_fields=["employees", "state", "closed_on", "follow_up_due", "version"])
        return follow_up
