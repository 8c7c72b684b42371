from django.urls import reverse
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
    home = reverse("home")
    items = [{"url": home, "label": _("Workbench"), "active": request.path == home}] + [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for capability, name, label in NAV_ITEMS
        if user.can(capability)
    ]
    unit = user.org_unit
    return {
        "nav_items": items,
        "capabilities": user.capabilities,  # templates ask {% if "org.edit" in capabilities %}
        "viewer_unit": unit,
        "viewer_breadcrumb": unit.region.lineage() if unit else [],
    }
