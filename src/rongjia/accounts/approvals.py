"""The two-person rule (decision 0010): who may do what changes only when two security administrators agree.

One administrator proposes (a new account with its roles, another account's roles or unit, a role's
capabilities in the own jurisdiction); nothing changes until a second, different administrator whose
subtree holds the change approves it. The proposer may withdraw it; the second may reject it with a
reason. Each proposal and each decision is an audit entry under its actor, so the audit administrator
reads both. The states run on core's workflow engine.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.audit import audit_actor
from rongjia.core.models import OrgUnit
from rongjia.core.regions import pad_code
from rongjia.core.scoping import admin_prefix
from rongjia.core.workflow import Machine, Step, steps_open_to, transition

from .models import AccountChange, LocalCapabilities, Role, User
from .permissions import CAPABILITIES
from .separation import check_role_capabilities, check_role_combination

Kind, State = AccountChange.Kind, AccountChange.State
AWAITING_ME = "awaiting"  # the list's filter the workbench opens: proposed by another, mine to decide


def _the_other_administrator(change: AccountChange, step: Step, actor) -> None:
    """"second": anyone but the proposer decides; "proposer": only the proposer withdraws."""
    if step.above == "second" and actor.pk == change.proposed_by_id:
        raise ValidationError(_("Two-person rule: a second security administrator must decide your own proposal."))
    if step.above == "proposer" and actor.pk != change.proposed_by_id:
        raise PermissionDenied


def _take_effect(change: AccountChange, actor, today, data) -> dict:
    """Apply what was proposed, checked again against 三员分立 as things stand now."""
    roles = list(Role.objects.filter(code__in=change.proposal.get("roles", [])))
    if change.kind == Kind.ROLE_CAPABILITIES:
        check_role_capabilities(change.role.code, change.proposal["capabilities"])
        LocalCapabilities.objects.update_or_create(
            role=change.role, jurisdiction=change.jurisdiction,
            defaults={"capabilities": sorted(change.proposal["capabilities"])})
        return {}
    account = User.objects.select_for_update().get(pk=change.account_id)
    check_role_combination(role.code for role in roles)
    if change.kind == Kind.NEW_ACCOUNT:
        account.is_active = True
    if change.proposal.get("org_unit"):
        account.org_unit = OrgUnit.objects.get(region_code=change.proposal["org_unit"], kind__in=["centre", "station"])
    account.save(update_fields=["is_active", "org_unit"])
    account.roles.clear()
    account.roles.set(roles)
    return {}


def _decided(change: AccountChange, actor, step, from_state, note, data, today) -> None:
    change.decided_by, change.decided_at, change.note = actor, timezone.now(), note[:200]


ACCOUNT_CHANGE = Machine(
    name="account_change", label=gettext_lazy("Account change"), states=State, initial=State.PROPOSED,
    check_above=_the_other_administrator, record_event=_decided, saved_fields=("decided_by", "decided_at", "note"),
    steps=(
        Step("approve", pgettext_lazy("account change step", "Approve"), (State.PROPOSED,), State.APPROVED,
             "accounts.manage", above="second", effect=_take_effect),
        Step("reject", pgettext_lazy("account change step", "Reject"), (State.PROPOSED,), State.REJECTED,
             "accounts.manage", needs_note=True, above="second"),
        Step("withdraw", pgettext_lazy("account change step", "Withdraw"), (State.PROPOSED,), State.WITHDRAWN,
             "accounts.manage", above="proposer"),
    ),
)


def decide(*, actor, pk: int, action: str, note: str = "", version: int | None = None) -> AccountChange:
    return transition(ACCOUNT_CHANGE, actor=actor, queryset=AccountChange.objects.all(), pk=pk, action=action,
                      note=note, version=version)


def _pending_for(**target) -> bool:
    return AccountChange.objects.filter(state=State.PROPOSED, **target).exists()


def propose_account_roles(*, actor, account: User, roles, org_unit, new: bool = False) -> AccountChange:
    """An account's roles (and unit) as the proposer wants them; a new account waits inactive until approved."""
    check_role_combination(role.code for role in roles)
    if not new and _pending_for(account=account):
        raise ValidationError(_("A change of this account's roles is already awaiting approval."))
    unit = org_unit or account.org_unit
    with transaction.atomic(), audit_actor(actor):
        return AccountChange.objects.create(
            kind=Kind.NEW_ACCOUNT if new else Kind.ACCOUNT_ROLES, account=account, proposed_by=actor,
            jurisdiction=unit.region_code if unit else admin_prefix(actor),
            proposal={"roles": sorted(role.code for role in roles), "org_unit": unit.region_code if unit else ""})


def propose_role_capabilities(*, actor, role: Role, capabilities) -> AccountChange:
    """A role's capabilities in the proposer's own jurisdiction (the county's accounts, if a county's)."""
    check_role_capabilities(role.code, capabilities)
    jurisdiction = admin_prefix(actor)
    if _pending_for(role=role, jurisdiction=jurisdiction):
        raise ValidationError(_("A change of this role here is already awaiting approval."))
    with transaction.atomic(), audit_actor(actor):
        return AccountChange.objects.create(
            kind=Kind.ROLE_CAPABILITIES, role=role, proposed_by=actor, jurisdiction=jurisdiction,
            proposal={"capabilities": sorted(set(capabilities))})


def capabilities_here(roles, actor) -> dict[int, list[str]]:
    """{role id: capabilities} as they apply in the administrator's jurisdiction, in one query."""
    local = LocalCapabilities.nearest(roles, admin_prefix(actor) or "")
    return {role.pk: local.get(role.pk, role.capabilities) for role in roles}


def awaiting(actor):
    """Proposals in the actor's subtree that the actor (not their proposer) may decide now."""
    if not actor.can("accounts.manage"):
        return AccountChange.objects.none()
    return AccountChange.objects.visible_to(actor).filter(state=State.PROPOSED).exclude(proposed_by=actor)


def in_words(change: AccountChange, role_names: dict[str, str], unit_names: dict[str, str]) -> str:
    """The change as a sentence in the viewer's language, what the second administrator and the audit
    administrator read before anything else (names looked up once for a whole page: `words_for`)."""
    if change.kind == Kind.ROLE_CAPABILITIES:
        names = [str(CAPABILITIES.get(c, c)) for c in change.proposal.get("capabilities", [])]
        return _("%(role)s in %(place)s may: %(capabilities)s") % {
            "role": change.role, "place": unit_names.get(change.jurisdiction, change.jurisdiction)
            or _("the whole country"), "capabilities": "；".join(names) or _("nothing")}
    code = change.proposal.get("org_unit", "")
    return _("%(account)s at %(unit)s with the roles: %(roles)s") % {
        "account": change.account, "unit": unit_names.get(code, code) or "—",
        "roles": "、".join(role_names.get(c, c) for c in change.proposal.get("roles", [])) or _("none")}


def words_for(changes) -> None:
    """Set `.words` on each change of a page, with two queries for all of them."""
    codes = {c.proposal.get("org_unit", "") for c in changes} | {pad_code(c.jurisdiction) for c in changes
                                                                 if c.kind == Kind.ROLE_CAPABILITIES}
    units = dict(OrgUnit.objects.filter(region_code__in=codes - {""}, kind__in=["centre", "station"])
                 .values_list("region_code", "name"))
    unit_names = {**units, **{c.jurisdiction: units.get(pad_code(c.jurisdiction), c.jurisdiction) for c in changes
                              if c.kind == Kind.ROLE_CAPABILITIES and c.jurisdiction}}
    role_names = {role.code: str(role) for role in Role.objects.all()}
    for change in changes:
        change.words = in_words(change, role_names, unit_names)


def steps_for(change: AccountChange, viewer) -> list:
    """The steps the viewer may take on this change now, with their labels, for the page's buttons."""
    return [ACCOUNT_CHANGE.step(action) for action in steps_open_to(ACCOUNT_CHANGE, change, viewer)]
