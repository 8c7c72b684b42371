"""The audit viewer: read-only, for the audit administrator alone (三员分立).

There is no view, form or API that edits or deletes an audit entry.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .audit import log_export
from .audit_selectors import (
    ACTION_LABELS,
    SignInFilterForm,
    audit_entries,
    audit_filter_form,
    describe_changes,
    sign_in_events,
)
from .decorators import capability_required
from .exports import xlsx_response
from .pagination import paginate


@require_GET
@capability_required("audit.view")
def audit_log(request):
    form = audit_filter_form(request.GET)
    entries = audit_entries(form, request.user)
    page, query = paginate(request, entries, capped=True)
    for entry in page.object_list:
        entry.change_rows = describe_changes(entry)
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
    template = "core/_audit_table.html" if request.htmx else "core/audit_log.html"
    return render(request, template, {"form": form, "page": page, "query": query})


@require_GET
@capability_required("audit.export")
def audit_export(request):
    entries = audit_entries(audit_filter_form(request.GET), request.user)
    # Names and who-did-what of the subtree's accounts: a bulk export like any other, so recorded.
    log_export(actor=request.user, source=request.path, rows=entries.count(), filters=request.GET.urlencode())
    rows = (
        (
            e.timestamp, e.actor.username if e.actor else _("system"), e.remote_addr or "",
            str(ACTION_LABELS.get(e.action, e.action)),
            e.content_type.name if e.content_type else "", e.object_pk, e.object_repr,
            "\n".join(f"{label}: {before} → {after}" for label, before, after in describe_changes(e)),
        )
        for e in entries.iterator(chunk_size=2000)
    )
    headers = [_("Time"), _("Actor"), _("IP address"), _("Action"), _("Object type"), _("Object ID"),
               _("Object"), _("Changes")]
    return xlsx_response(filename="audit.xlsx", title=_("Audit log"), headers=headers, rows=rows)


@require_GET
@capability_required("audit.view")
def sign_ins(request):
    form = SignInFilterForm(request.GET)
    page, query = paginate(request, sign_in_events(form, request.user))
    failed = form.is_valid() and form.cleaned_data.get("result") == SignInFilterForm.FAILED
    return render(request, "core/sign_ins.html", {"form": form, "page": page, "query": query, "failed": failed})
