"""The audit viewer: read-only, for the audit administrator alone (三员分立).

There is no view, form or API that edits or deletes an audit entry.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .audit import log_export
from .audit_selectors import (
    ACTION_LABELS,
    SignInFilterForm,
    audit_entries,
    audit_filter_form,
    describe_entries,
    sign_in_events,
)
from .decorators import capability_required
from .exports import xlsx_response
from .history import actor_name, model_words
from .pagination import paginate


@require_GET
@capability_required("audit.view")
def audit_log(request):
    form = audit_filter_form(request.GET)
    entries = audit_entries(form, request.user)
    page, query = paginate(request, entries, capped=True)
    for entry, rows in zip(page.object_list, describe_entries(page.object_list), strict=True):
        entry.change_rows = rows
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
        entry.object_type = model_words(entry.content_type.model_class()) if entry.content_type else ""
        entry.actor_name = actor_name(entry.actor)
    template = "core/_audit_table.html" if request.htmx else "core/audit_log.html"
    return render(request, template, {"form": form, "page": page, "query": query})


@require_GET
@capability_required("audit.export")
def audit_export(request):
    entries = audit_entries(audit_filter_form(request.GET), request.user)
    # Names and who-did-what of the subtree's accounts: a bulk export like any other, so recorded.
    log_export(actor=request.user, source=request.path, rows=entries.count(), filters=request.GET.urlencode())
    headers = [_("Time"), _("Actor"), _("Username"), _("IP address"), _("Action"), _("Object type"), _("Object ID"),
               _("Object"), _("Changes")]
    return xlsx_response(filename="audit.xlsx", title=_("Audit log"), headers=headers, rows=_export_rows(entries))


EXPORT_CHUNK = 500  # entries whose related names are read together (one query per related model a chunk)


def _export_rows(entries):
    """The page's words in the sheet; the time in settings.TIME_ZONE as a naive value (what openpyxl stores)."""
    chunk = []
    for entry in entries.iterator(chunk_size=2000):
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(chunk)
            chunk = []
    yield from _export_chunk(chunk)


def _export_chunk(chunk):
    for e, rows in zip(chunk, describe_entries(chunk), strict=True):
        yield (
            timezone.localtime(e.timestamp).replace(tzinfo=None), actor_name(e.actor) or _("system"),
            e.actor.username if e.actor else "", e.remote_addr or "", str(ACTION_LABELS.get(e.action, e.action)),
            model_words(e.content_type.model_class()) if e.content_type else "", e.object_pk, e.object_repr,
            "\n".join(f"{row.label}：{row.text}" for row in rows),
        )


@require_GET
@capability_required("audit.view")
def sign_ins(request):
    form = SignInFilterForm(request.GET)
    page, query = paginate(request, sign_in_events(form, request.user))
    failed = form.is_valid() and form.cleaned_data.get("result") == SignInFilterForm.FAILED
    return render(request, "core/sign_ins.html", {"form": form, "page": page, "query": query, "failed": failed})
