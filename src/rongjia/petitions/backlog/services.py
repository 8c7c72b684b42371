"""Every write of a 积案: opening it (by hand with its leader, or by `run_deadlines`), naming the 包案 leader and
the plan, the monthly progress, and resolving it (化解) when the petition is closed."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import at_or_above_q, covers_code, get_visible_or_404
from rongjia.core.workflow import step_between, transition

from ..models import Petition
from .models import BacklogCase, BacklogProgress
from .selectors import detect, month_of, not_yet_a_case_q, reason_for
from .workflow import BACKLOG, FINISHED_STATES

TEXT_MAX_CHARS = 2000


def owning_centre(petition: Petition) -> OrgUnit:
    """The service centre at or above the responsible unit (a village's or street's petition: the county's)."""
    centres = OrgUnit.objects.filter(at_or_above_q("region_code", petition.region_code), kind=OrgUnit.Kind.CENTRE)
    return centres.order_by("-level").first() or petition.unit


def _clean_text(value: str, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Fill in this field.")})
    if len(value) > TEXT_MAX_CHARS:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": TEXT_MAX_CHARS}})
    return value


def backlog_assign(*, actor, petition: Petition, leader_name: str, leader_title: str = "", plan: str = "",
                   leader=None, version: int | None = None) -> BacklogCase:
    """包案: name the leader answerable for a 积案 and the plan. Opens the case if the petition qualifies and
    is not one yet; a case is changed only by a centre that owns it or one above (`version` against lost updates)."""
    if not actor.can("petitions.approve"):
        raise PermissionDenied
    values = {"leader_name": _clean_text(leader_name, "leader_name", True),
              "leader_title": _clean_text(leader_title, "leader_title", False)[:60],
              "plan": _clean_text(plan, "plan", True)}
    if len(values["leader_name"]) > 40:
        raise ValidationError({"leader_name": _("At most %(n)d characters.") % {"n": 40}})
    if leader is not None and (leader.org_unit is None or not covers_code(actor, leader.org_unit.region_code)):
        raise ValidationError({"leader": _("Choose an account inside your area.")})
    today = timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        petition = get_visible_or_404(Petition.objects.select_for_update(), actor, pk=petition.pk)
        if not BacklogCase.objects.filter(petition=petition).exists():
            if not Petition.objects.filter(not_yet_a_case_q(today), pk=petition.pk).exists():
                raise ValidationError(_("This petition is not a 积案: it is neither past its deadline nor lodged "
                                        "three times."))
            centre = owning_centre(petition)
            if not covers_code(actor, centre.region_code):
                raise ValidationError(_("The 积案 belongs to %(centre)s: its leader is named there or above.") % {
                    "centre": centre.name})
            case = BacklogCase(petition=petition, reason=reason_for(petition, today), centre=centre,
                               region_code=centre.region_code, opened_on=today)
        else:
            case = get_visible_or_404(BacklogCase.objects.select_for_update(), actor, petition=petition)
            if version is not None and case.version != version:
                raise StaleVersion
            if case.state != BacklogCase.State.OPEN:
                raise ValidationError(_("This 积案 is resolved."))
            case.version += 1
        for name, value in values.items():
            setattr(case, name, value)
        case.leader = leader
        case.save()
    return case


def backlog_progress_add(*, actor, case: BacklogCase, text: str, month: date | None = None) -> BacklogProgress:
    """The month's progress on an open 积案 (this month by default; an earlier month of the case may be filled)."""
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    text = _clean_text(text, "text", True)
    today = timezone.localdate()
    month = month_of(month or today)
    with transaction.atomic(), audit_actor(actor):
        case = get_visible_or_404(BacklogCase.objects.select_for_update(), actor, pk=case.pk)
        if case.state != BacklogCase.State.OPEN:
            raise ValidationError(_("This 积案 is resolved."))
        if not month_of(case.opened_on) <= month <= month_of(today):
            raise ValidationError({"month": _("Choose a month between the opening of the case and now.")})
        return BacklogProgress.objects.create(case=case, month=month, text=text, by=actor)


def backlog_resolve(*, actor, case: BacklogCase, note: str, version: int | None = None) -> BacklogCase:
    """化解: the step of BACKLOG, allowed once the petition is closed; the note says how it was resolved."""
    queryset = BacklogCase.objects.select_related("petition")
    return transition(BACKLOG, actor=actor, queryset=queryset, pk=case.pk, action="resolve", note=note,
                      version=version)


def backlog_open_detected(today: date) -> int:
    """`run_deadlines`: make a case (no leader yet) of every petition that qualifies; returns how many were made.
    Idempotent: a petition has at most one case (one-to-one), so a second run makes none."""
    made = 0
    for petition in detect(today).iterator(chunk_size=500):
        centre = owning_centre(petition)
        try:
            with transaction.atomic(), audit_actor(None):
                BacklogCase.objects.create(petition=petition, reason=reason_for(petition, today), centre=centre,
                                           region_code=centre.region_code, opened_on=today)
        except IntegrityError:  # opened by hand meanwhile
            continue
        made += 1
    return made


def backlog_resolve_closed(today: date) -> int:
    """`run_deadlines`: a 积案 whose petition has been closed is resolved (the table allows open → resolved)."""
    step_between(BACKLOG, BacklogCase.State.OPEN, BacklogCase.State.RESOLVED)
    cases = BacklogCase.objects.filter(state=BacklogCase.State.OPEN, petition__state__in=FINISHED_STATES)
    resolved = 0
    with audit_actor(None):
        for case in cases.select_related("petition"):
            case.state, case.resolved_on, case.version = BacklogCase.State.RESOLVED, today, case.version + 1
            case.resolution = case.resolution or _("The petition was closed.")
            case.save(update_fields=["state", "resolved_on", "resolution", "version"])
            resolved += 1
    return resolved
