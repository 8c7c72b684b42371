"""The one home of scoping (DESIGN.md rule 1).

Every staff account belongs to one organisation unit and sees that unit's region subtree
and nothing else. A subtree is a prefix of the 12-digit region code, so every scoped
query is a range over an indexed column (`subtree_q`: from the prefix up to the next one).
Selectors start from `Model.objects.visible_to(user)`; a record outside the scope is answered with 404, exactly
as a record that does not exist, so a response never reveals that it does.
"""

from django.db import models
from django.http import Http404

from .regions import PREFIX_LENGTH


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
    prefix = scope_prefix(user)
    return prefix is not None and code.startswith(prefix)


def subtree_q(field: str, prefix: str) -> models.Q:
    """Codes under `prefix`, as the range [prefix, prefix + 1) rather than LIKE 'prefix%'.

    For 12-digit codes the two are the same rows, but a range uses a plain index on both
    databases: SQLite never uses an index for LIKE (its LIKE ignores case), and without one it
    walked the people by name to find a village's 127 of 35,000 (docs/performance.md).
    """
    if not prefix or not prefix.isdigit() or set(prefix) == {"9"}:
        return models.Q(**{f"{field}__startswith": prefix})
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return models.Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


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
