from urllib.parse import unquote_plus

from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import history
from .history import ChangeRow
from .scoping import admin_prefix, admin_subtree_q, subtree_q

User = get_user_model()
# django-auditlog's own labels are English only; these go through our catalogue.
ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Viewed"),
}
_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class _ModelTypeField(forms.ModelChoiceField):
    """An object type by the model's name in the reader's language, not by "app | model"."""

    def label_from_instance(self, obj):
        return history.model_words(obj.model_class()) or obj.model


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (name or username)"), required=False, max_length=150,
                            widget=forms.TextInput(attrs=_TEXT))
    content_type = _ModelTypeField(
        label=_("Object type"), required=False, queryset=ContentType.objects.none(), empty_label=_("All types"),
        widget=forms.Select(attrs=_SELECT),
    )
    action = forms.TypedChoiceField(
        label=_("Action"), required=False, coerce=int, empty_value=None,
        choices=[("", _("All actions")), *ACTION_LABELS.items()], widget=forms.Select(attrs=_SELECT),
    )
    object_pk = forms.CharField(label=_("Object ID"), required=False, max_length=64,
                                widget=forms.TextInput(attrs=_TEXT))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", **_TEXT}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", **_TEXT}))


def audit_filter_form(data) -> AuditFilterForm:
    form = AuditFilterForm(data)
    logged_types = LogEntry.objects.values("content_type").distinct()
    form.fields["content_type"].queryset = ContentType.objects.filter(pk__in=logged_types)
    return form


def audit_entries(form: AuditFilterForm, viewer):
    """Entries matching the valid filters, newest first; invalid filters are ignored.

    An auditor reads what was done by the accounts of units in the own subtree; entries without
    an account (commands, the public mailbox) only an auditor at province level or above.
    """
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    entries = entries.filter(_in_audit_scope(viewer, "actor__org_unit__region_code", "actor"))
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("actor"):
        entries = entries.filter(Q(actor__username__iexact=data["actor"]) | Q(actor__full_name=data["actor"]))
    if data.get("content_type"):
        entries = entries.filter(content_type=data["content_type"])
    if data.get("action") is not None:
        entries = entries.filter(action=data["action"])
    if data.get("object_pk"):
        entries = entries.filter(object_pk=data["object_pk"])
    return _between(entries, "timestamp", data)


# What an audited read (core.audit.log_access) was, in words; an unknown kind shows as stored.
READS = {
    "reveal:id_number": _("full ID number revealed"), "reveal:phone": _("full phone revealed"),
    "reveal:household:id_number": _("a household member's full ID number revealed"),
    "reveal:household:phone": _("a household member's full phone revealed"),
    "booklet": _("一人一册 printed"), "export": _("exported (masked)"), "export_full": _("exported with full values"),
    "priority_view": _("dossier of a priority person viewed"),
    "number_check": _("its ID number was checked by a registration elsewhere"),
    "number": _("full bank account number revealed"),
}
# The details a read records beside its kind, in the order the auditor reads them.
READ_DETAILS = (("reason", _("Reason")), ("rows", _("Rows")), ("filters", _("Filter")), ("source", _("Where")))


def describe_read(what: str) -> str:
    return str(READS.get(what, what))


def describe_entries(entries) -> list[list[ChangeRow]]:
    """The rows of each entry, for the page, the export and the timelines alike (core.history renders them).

    Field names become the model's translated verbose names, values their labels and names (read once
    for all the entries); a many-to-many change (roles) reads as the operation and the objects it
    touched; an audited read, as what was read, why, and for an export how many rows under which filter.
    """
    entries = list(entries)
    changes = iter(history.rows_for([e for e in entries if e.action != LogEntry.Action.ACCESS]))
    return [_describe_access(e.additional_data or {}) if e.action == LogEntry.Action.ACCESS else next(changes)
            for e in entries]


def _describe_access(data: dict) -> list[ChangeRow]:
    rows = [ChangeRow(str(_("Read")), "", describe_read(data.get("what", "")))]
    for key, label in READ_DETAILS:
        if data.get(key) not in (None, ""):
            value = unquote_plus(data[key]) if key == "filters" else str(data[key])
            rows.append(ChangeRow(str(label), "", value))
    return rows


class SignInFilterForm(forms.Form):
    SUCCEEDED, FAILED = "ok", "failed"
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[(SUCCEEDED, _("Signed in")), (FAILED, _("Failed"))],
        widget=forms.Select(attrs=_SELECT),
    )
    username = forms.CharField(label=_("Username"), required=False, max_length=150,
                               widget=forms.TextInput(attrs=_TEXT))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", **_TEXT}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", **_TEXT}))


def sign_in_events(form: SignInFilterForm, viewer):
    """Successful sign-ins (with sign-out time) or failed ones (with lockouts), newest first, of the
    accounts in the viewer's subtree (attempts on unknown usernames: province level and above).

    django-axes records both; the password typed is never stored.
    """
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    model = AccessFailureLog if data.get("result") == SignInFilterForm.FAILED else AccessLog
    prefix = admin_prefix(viewer)
    accounts = User.objects.filter(admin_subtree_q(viewer, "org_unit__region_code")).values("username")
    known = User.objects.values("username")
    events = model.objects.filter(Q(username__in=accounts) | (
        ~Q(username__in=known) if prefix is not None and len(prefix) <= PROVINCE_PREFIX else Q(pk__in=[])))
    events = events.order_by("-attempt_time", "-id")
    if data.get("username"):
        events = events.filter(username__iexact=data["username"])
    return _between(events, "attempt_time", data)


PROVINCE_PREFIX = 2


def _in_audit_scope(viewer, code_field: str, actor_field: str) -> Q:
    prefix = admin_prefix(viewer)
    if prefix is None:
        return Q(pk__in=[])
    inside = subtree_q(code_field, prefix)
    return inside | Q(**{f"{actor_field}__isnull": True}) if len(prefix) <= PROVINCE_PREFIX else inside


def _between(rows, field: str, data: dict):
    """Rows whose `field` falls on or between the form's optional date_from and date_to."""
    if data.get("date_from"):
        rows = rows.filter(**{f"{field}__date__gte": data["date_from"]})
    if data.get("date_to"):
        rows = rows.filter(**{f"{field}__date__lte": data["date_to"]})
    return rows
