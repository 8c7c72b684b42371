"""A unit's own pages beside its basic details: profile, 五有 and the display checklist with
their evidence, staff and training, grids, the standard in force and rectification items.

Each view finds the unit through `get_visible_or_404` (outside the scope: 404) and writes
through network.services. Reading needs org.view; any POST needs org.edit (403 otherwise),
so the read-only leader sees the same pages without their forms.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.masking import mask_phone
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.regions import VILLAGE
from rongjia.core.scoping import get_visible_or_404

from . import services
from .facts import unit_facts
from .forms_station import ChecklistEntryForm, GridForm, ProfileForm, StaffForm, TrainingForm
from .models import ChecklistEntry, ChecklistItem, Grid, Rectification, StaffMember, StationProfile

# Evidence is stored under a generated name whose extension was chosen from the file's content.
EVIDENCE_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf"}


def _unit(request, pk) -> OrgUnit:
    """The unit if the viewer sees it (else 404); a POST also needs org.edit (else 403)."""
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), request.user, pk=pk)
    if request.method == "POST" and not request.user.can("org.edit"):
        raise PermissionDenied
    return unit


def _page(request, unit, template, tab, **context):
    context.update(unit=unit, tab=tab, can_edit=request.user.can("org.edit"),
                   breadcrumb=unit.region.lineage())
    return render(request, template, context)


def _form_error(form, exc: Exception) -> None:
    form.add_error(None, str(exc) if isinstance(exc, StaleVersion) else exc)


# --- profile ---------------------------------------------------------------------------

@capability_required("org.view")
def station_profile(request, pk):
    unit = _unit(request, pk)
    profile = StationProfile.objects.filter(unit=unit).first() or StationProfile(unit=unit)
    initial = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} | {"version": profile.version}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, unit=unit, version=form.cleaned_data["version"],
                                    **form.changes())
        except (StaleVersion, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:station_profile", pk=unit.pk)
    return _page(request, unit, "network/station/profile.html", "profile", profile=profile, form=form)


# --- 五有 and the display checklist ------------------------------------------------------

@dataclass
class ChecklistRow:
    item: ChecklistItem
    entry: ChecklistEntry | None
    form: ChecklistEntryForm


def _checklist_rows(unit, items, entries, bound=None) -> list[ChecklistRow]:
    """A row per item; the row just posted keeps its bound form (and errors)."""
    rows = []
    for item in items:
        entry = entries.get(item.pk)
        form = bound if bound is not None and bound.item == item else ChecklistEntryForm(item=item, entry=entry)
        rows.append(ChecklistRow(item, entry, form))
    return rows


def _checklist_page(request, unit, bound=None):
    facts = unit_facts([unit])[unit.pk]
    # unit_facts leaves the entries' editors unloaded: one query for who ticked what and when.
    entries = {e.item_id: e for e in ChecklistEntry.objects.filter(unit=unit).select_related("item", "updated_by")}
    five_have = _checklist_rows(unit, [item for item, _entry in facts.five_have], entries, bound)
    display = _checklist_rows(unit, [item for item, _entry in facts.display], entries, bound)
    return _page(request, unit, "network/station/checklist.html", "checklist", facts=facts, five_have=five_have,
                 five_have_done=len(five_have) - len(facts.five_have_missing), display=display)


@capability_required("org.view")
def station_checklist(request, pk):
    return _checklist_page(request, _unit(request, pk))


@require_POST
@capability_required("org.edit")
def checklist_entry_save(request, pk, item_pk):
    """Save one row. HTMX gets the row back; without JavaScript, the page (or its errors)."""
    unit = _unit(request, pk)
    item = get_object_or_404(ChecklistItem, pk=item_pk)  # reference data; the service checks the list
    entry = ChecklistEntry.objects.filter(unit=unit, item=item).select_related("item", "updated_by").first()
    form = ChecklistEntryForm(request.POST, request.FILES, item=item, entry=entry)
    if form.is_valid():
        try:
            entry = services.checklist_entry_save(actor=request.user, unit=unit, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Saved."))
                return redirect(reverse("network:station_checklist", args=[unit.pk]) + f"#item-{item.pk}")
            form = ChecklistEntryForm(item=item, entry=entry)
    if request.htmx:
        context = {"unit": unit, "row": ChecklistRow(item, entry, form), "can_edit": True}
        return render(request, "network/station/_checklist_row.html", context)
    return _checklist_page(request, unit, bound=form)


@require_safe
@capability_required("org.view")
def checklist_evidence(request, pk, entry_pk):
    """Stream an evidence file to someone who sees its unit. MEDIA_ROOT is never served
    directly, so this scoped view is the only way to a file."""
    entry = get_visible_or_404(ChecklistEntry.objects.exclude(evidence=""), request.user, pk=entry_pk, unit_id=pk)
    extension = Path(entry.evidence.name).suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise Http404
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Our own name, not the uploader's: its extension matches the content type we send.
    response = FileResponse(handle, content_type=EVIDENCE_TYPES[extension], filename=f"evidence-{entry.pk}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff and training ----------------------------------------------------------------

@capability_required("org.view")
def station_staff(request, pk):
    unit = _unit(request, pk)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_save(actor=request.user, unit=unit, **form.changes())
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:station_staff", pk=unit.pk)
    # An aggregate drops Meta.ordering, so the order is spelled out for stable pages.
    staff = (StaffMember.objects.visible_to(request.user).filter(unit=unit)
             .annotate(training_count=Count("trainings"), training_hours=Sum("trainings__hours"))
             .order_by("-active", "employment", "name", "pk"))
    page, query = paginate(request, staff)
    for member in page.object_list:
        member.masked_phone = mask_phone(member.phone)  # the full number never reaches the page
    return _page(request, unit, "network/station/staff.html", "staff", page=page, query=query, form=form)


def _staff_page(request, unit, member, form, training_form):
    trainings = member.trainings.all()
    return _page(request, unit, "network/station/staff_detail.html", "staff", member=member,
                 masked_phone=mask_phone(member.phone), trainings=trainings, form=form,
                 training_form=training_form)


def _member(request, unit, staff_pk) -> StaffMember:
    return get_visible_or_404(StaffMember.objects.filter(unit=unit), request.user, pk=staff_pk)


@capability_required("org.view")
def staff_detail(request, pk, staff_pk):
    unit = _unit(request, pk)
    member = _member(request, unit, staff_pk)
    form = StaffForm(request.POST or None, staff=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_save(actor=request.user, unit=unit, staff=member, **form.changes())
        except ValidationError as exc:
            _form_error(form, exc)
            member.refresh_from_db()  # the service set the refused values on it
        else:
            messages.success(request, _("Saved."))
            return redirect("network:staff_detail", pk=unit.pk, staff_pk=member.pk)
    return _staff_page(request, unit, member, form, TrainingForm())


@require_POST
@capability_required("org.edit")
def training_add(request, pk, staff_pk):
    unit = _unit(request, pk)
    member = _member(request, unit, staff_pk)
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.training_add(actor=request.user, staff=member, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("network:staff_detail", pk=unit.pk, staff_pk=member.pk)
    return _staff_page(request, unit, member, StaffForm(staff=member), form)


# --- grids -----------------------------------------------------------------------------

def _grid_save(request, unit, form, grid=None):
    """Validate and save a grid (new or changed); the grid list page on success."""
    if request.method == "POST" and form.is_valid():
        try:
            services.grid_save(actor=request.user, unit=unit, grid=grid, **form.changes())
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:station_grids", pk=unit.pk)
    return None


@capability_required("org.view")
def station_grids(request, pk):
    unit = _unit(request, pk)
    form = GridForm(request.POST or None, unit=unit)
    done = _grid_save(request, unit, form)
    if done:
        return done
    grids = Grid.objects.visible_to(request.user).filter(unit=unit).select_related("worker")
    has_grids = unit.is_main and unit.level == VILLAGE  # grids are drawn inside village stations only
    return _page(request, unit, "network/station/grids.html", "grids", grids=grids, form=form,
                 has_grids=has_grids)


@capability_required("org.view")
def grid_edit(request, pk, grid_pk):
    unit = _unit(request, pk)
    grid = get_visible_or_404(Grid.objects.filter(unit=unit), request.user, pk=grid_pk)
    if not request.user.can("org.edit"):
        raise PermissionDenied
    form = GridForm(request.POST or None, unit=unit, grid=grid)
    return _grid_save(request, unit, form, grid) or _page(
        request, unit, "network/station/grid_edit.html", "grids", grid=grid, form=form)


# --- standard and rectification --------------------------------------------------------

@capability_required("org.view")
def station_standard(request, pk):
    unit = _unit(request, pk)
    facts = unit_facts([unit])[unit.pk]
    items = Rectification.objects.visible_to(request.user).filter(unit=unit).select_related("created_by")
    return _page(request, unit, "network/station/standard.html", "standard", facts=facts, rectifications=items)


@require_POST
@capability_required("org.edit")
def rectification_record(request, pk):
    """Record the unit's shortfalls as one item to put right (once while it is open)."""
    unit = _unit(request, pk)
    facts = unit_facts([unit])[unit.pk]
    if not facts.below_standard:
        messages.error(request, _("This unit meets its standard: there is nothing to put right."))
        return redirect("network:station_standard", pk=unit.pk)
    reason = (_("Below standard: %(shortfalls)s") % {"shortfalls": "; ".join(facts.shortfalls)})[:300]
    try:
        services.rectification_record(actor=request.user, unit=unit, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rectification item recorded."))
    return redirect("network:station_standard", pk=unit.pk)
