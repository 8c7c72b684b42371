"""The one home of scoping (DESIGN.md rule 1).

Every staff account belongs to one organisation unit and sees that unit's region subtree
and nothing else. A subtree is a prefix of the 12-digit region code, so every scoped
query is a range over an indexed column (`subtree_q`: from the prefix up to the next one).
Selectors start from `Model.objects.visible_to(user)`; a record outside the scope is answered with 404, exactly
as a record that does not exist, so a response never reveals that it does.
"""

from django.db import models
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.http import Http404

from .regions import CODE_LENGTH, PREFIX_LENGTH, pad_code


def scope_prefix(user) -> str | None:
    """The region code prefix of the user's subtree, or None when the user sees no records."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    unit = getattr(user, "org_unit", None)
    if unit is None or not user.can("org.view"):
        return None
    return unit.region_code[: PREFIX_LENGTH[unit.level]]


def admin_prefix(user) -> str | None:
    """The subtree an administrator administers (accounts, audit): the own unit's.

    The three administrators hold no business capability, so `scope_prefix` gives them nothing;
    their administrative reach is still their unit's subtree, never a neighbour county's.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    unit = getattr(user, "org_unit", None)
    return unit.region_code[: PREFIX_LENGTH[unit.level]] if unit is not None else None


def covers_code(user, code: str) -> bool:
    """Whether a region code lies inside the user's subtree."""
    return code_in_subtree(code, scope_prefix(user))


def code_in_subtree(code: str, prefix: str | None) -> bool:
    """The Python-side test of `subtree_q`: whether a code (or jurisdiction prefix) lies under `prefix`.

    One spelling for every subtree check on codes already in memory, so none is written by hand;
    a missing prefix (a user who sees nothing) covers nothing, "" (the country) covers everything.
    """
    return prefix is not None and code.startswith(prefix)


def ancestor_prefixes(code_or_prefix: str) -> list[str]:
    """Every leading part of a code or prefix, "" (the country) first and itself last.

    Jurisdiction codes are unpadded prefixes, so the jurisdictions at or above a subtree are
    exactly these strings (network standards and checklists: the nearest one that defines a rule wins).
    """
    return [code_or_prefix[:length] for length in range(len(code_or_prefix) + 1)]


def subtree_q(field: str, prefix: str) -> models.Q:
    """Codes under `prefix`, as the range [prefix, prefix + 1) rather than LIKE 'prefix%'.

    For 12-digit codes the two are the same rows, but a range uses a plain index on both
    databases: SQLite never uses an index for LIKE (its LIKE ignores case), and without one it
    walked the people by name to find a village's 127 of 35,000 (docs/performance.md).
    """
    upper = _next_prefix(prefix)
    if upper is None:
        return models.Q(**{f"{field}__startswith": prefix})
    return models.Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def list_scope_q(field: str, prefix: str, *, in_passing: bool = False) -> models.Q:
    """The rows of `subtree_q` in the form a long list reads fastest, whatever the planner's statistics say.

    A whole code (a village's 12 digits) is an equality: an index that begins with the code and goes on in the
    list's order then reads the village's rows already in order (a range, misjudged without statistics, had the
    planner walk a million names to find 174). `in_passing`: a test of each row (`subtree_test_q`), for a wide
    scope the list walks in another index's order or narrows by a search of its own.
    """
    if in_passing:
        return subtree_test_q(field, prefix)
    if len(prefix) == CODE_LENGTH:
        return models.Q(**{field: prefix})
    return subtree_q(field, prefix)


def subtree_test_q(field: str, prefix: str) -> models.Q:
    """The rows of `subtree_q`, written as a test of each row that no index serves: SUBSTR(code, 1, n) = prefix.

    For a query that walks another index in its own order and keeps the rows of the subtree as it passes them:
    a county's or a province's people list reads the next 50 entries of the name order instead of sorting the
    whole subtree. Written as a range, the subtree would let the planner choose it instead on a misjudged count
    (statistics not yet gathered, SQLite's fixed guesses) and sort a million rows (docs/performance.md).
    """
    if not prefix:
        return models.Q()
    return models.Q(Exact(Substr(field, 1, len(prefix)), prefix))


def _next_prefix(prefix: str) -> str | None:
    """The first prefix of the same length after `prefix` ("320119" -> "320120"), None if there is none."""
    if not prefix or not prefix.isdigit() or set(prefix) == {"9"}:
        return None
    return str(int(prefix) + 1).zfill(len(prefix))


def either_end_q(user, *fields: str) -> models.Q | None:
    """Rows any of whose code `fields` lies in the user's subtree; None (answer .none()) when the user sees nothing.

    For records with two ends, each of which must see them: a transfer (sender and receiver),
    a task assigned down, a referral. Each end is the same indexed range as `visible_to`.
    """
    prefix = scope_prefix(user)
    if prefix is None or not fields:
        return None
    q = models.Q()
    for field in fields:
        q |= subtree_q(field, prefix)
    return q


def admin_subtree_q(user, field: str) -> models.Q:
    """Rows in the subtree an administrator administers (`admin_prefix`); none (not all) when there is none."""
    prefix = admin_prefix(user)
    return models.Q(pk__in=[]) if prefix is None else subtree_q(field, prefix)


def at_or_above_q(field: str, code: str) -> models.Q:
    """Rows whose 12-digit code field is `code` or one of its ancestors (a village's street, county, city…).

    The opposite direction of a subtree: what serves a place from above (a village station uses
    the county's 法律援助工作站). The padded code of each level, so an exact `IN` on the index.
    """
    return models.Q(**{f"{field}__in": sorted({pad_code(code[:length]) for length in PREFIX_LENGTH.values()})})


def jurisdictions_bearing_on_q(field: str, prefix: str) -> models.Q:
    """Unpadded jurisdiction codes that bear on a subtree: its ancestors, itself and those inside it.

    Jurisdictions are prefixes of any length, and a shorter one can sort inside the range of
    `subtree_q` ("3202" lies in ["320199", "320200")); those are left out, so the rows are exactly
    those of "an ancestor, or starts with the prefix".
    """
    upper = _next_prefix(prefix)
    beside = [upper[:length] for length in range(1, len(prefix)) if upper[:length] > prefix] if upper else []
    q = models.Q(**{f"{field}__in": ancestor_prefixes(prefix)}) | subtree_q(field, prefix)
    return q & ~models.Q(**{f"{field}__in": beside}) if beside else q


def code_search_q(field: str, typed: str) -> models.Q:
    """Rows whose code begins with the digits a user typed into a search box (a prefix search).

    The same index range as a subtree: typing "320115" finds 江宁区 and everything in it.
    """
    return subtree_q(field, typed)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which field holds the 12-digit region code of each row."""

    scope_field = "region_code"

    def visible_to(self, user):
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(subtree_q(self.scope_field, prefix))

    def in_subtree(self, code_prefix: str):
        """Rows under a region prefix (use after visible_to, never instead of it)."""
        return self.filter(subtree_q(self.scope_field, code_prefix))

    def visible_to_for_a_list(self, user, *, in_passing: bool = False):
        """The rows of visible_to in the form a long list reads fastest (`list_scope_q`)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(list_scope_q(self.scope_field, prefix, in_passing=in_passing))

    def in_subtree_for_a_list(self, code_prefix: str, *, in_passing: bool = False):
        """in_subtree in the form of `list_scope_q`, beside visible_to_for_a_list."""
        return self.filter(list_scope_q(self.scope_field, code_prefix, in_passing=in_passing))


class BearingQuerySet(models.QuerySet):
    """Rows that belong to a jurisdiction (an unpadded prefix in `jurisdiction_code`, "" for the whole country):
    a viewer sees those of its own jurisdiction, those above it that bear on it and those inside it (criteria,
    campaigns, kinds of aid)."""

    def visible_to(self, user):
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(jurisdictions_bearing_on_q("jurisdiction_code", prefix))


def get_visible_or_404(queryset, user, **lookup):
    """The one record matching `lookup` that `user` may see; 404 for missing and hidden alike."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset.objects.all()
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def region_prefix_or_404(user, prefix: str) -> str:
    """Validate a `region=` filter: a code prefix inside the viewer's subtree, else 404.

    A prefix above the viewer's own (the county asked by a village worker) is outside
    the scope too: it would name a subtree the viewer cannot see whole.
    """
    own = scope_prefix(user)
    if own is None or not prefix.isdigit() or len(prefix) > 12 or not prefix.startswith(own):
        raise Http404
    return prefix
