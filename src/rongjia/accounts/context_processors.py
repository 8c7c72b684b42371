from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Navigation by role: each entry shows to whoever holds its capability.
NAV_ITEMS = [
    ("org.view", "network:overview", _("Overview")),
    ("org.view", "network:station_list", _("Stations")),
    ("org.view", "network:station_tree", _("Network tree")),
    ("people.view", "people:person_list", _("Served people")),
    ("petitions.view", "petitions:petition_list", _("Petitions")),
    ("visits.view", "visits:due", _("Visits")),
    ("worklist.view", "worklist:inbox", _("Tasks")),
    ("evaluation.view", "evaluation:index", _("Star evaluation")),
    ("evaluation.assess", "evaluation:assigned", _("Stations to mark")),
    ("assistance.view", "assistance:applications", _("Assistance")),
    ("benefits.view", "benefits:proposals", _("Benefits")),
    ("employment.view", "employment:seekers", _("Employment and training")),
    ("people.grid_edit", "people:my_grid", _("My grid")),
    ("people.view", "insights:dashboard", _("Statistics")),
    ("org.view", "network:network_stats", _("Network statistics")),
    ("network.standards", "network:standard_list", _("Standards")),
    ("network.standards", "network:checklists", _("Five haves")),
    ("network.standards", "network:training", _("Training")),
    ("accounts.manage", "accounts:user_list", _("Accounts")),
    ("accounts.manage", "accounts:role_list", _("Roles")),
    ("accounts.manage", "accounts:change_list", _("Approvals")),
    ("reference.manage", "core:region_admin", _("Regions")),
    ("reference.manage", "people:reference_lists", _("Categories and tags")),
    ("reference.manage", "core:holidays", _("Holidays")),
    ("audit.view", "audit:log", _("Audit log")),
    ("audit.view", "audit:sign_ins", _("Sign-in records")),
    ("audit.view", "accounts:change_list", _("Account changes")),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    items = [{"url": url, "label": label, "active": path == url}
             for url, label in _menu(user.capabilities, get_language(), get_script_prefix(), urlconf)]
    unit = user.org_unit
    return {
        "nav_items": items,
        "capabilities": user.capabilities,  # templates ask {% if "org.edit" in capabilities %}
        "viewer_unit": unit,
        # read when a page draws it: a fragment htmx swaps in has no breadcrumb and makes no query for it
        "viewer_breadcrumb": SimpleLazyObject(lambda: unit.region.lineage()) if unit else [],
    }


@lru_cache(maxsize=256)
def _menu(capabilities: frozenset[str], language: str, script_prefix: str, urlconf: str) -> tuple[tuple[str, str], ...]:
    """The menu of one set of capabilities as (url, label), built once per set, language and URL configuration
    instead of on every page: 28 reverse() calls and translations were a tenth of a list page's time
    (docs/performance.md). Only the current page's mark is worked out per request."""
    entries = [("home", _("Workbench"))] + [(name, label) for capability, name, label in NAV_ITEMS
                                             if capability in capabilities]
    return tuple((reverse(name, urlconf=urlconf), str(label)) for name, label in entries)
