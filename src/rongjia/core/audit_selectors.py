from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    content_type = forms.ModelChoiceField(
        label=_("Object type"), required=False, queryset=ContentType.objects.none(), empty_label=_("All types")
    )
    action = forms.TypedChoiceField(
        label=_("Action"), required=False, coerce=int, empty_value=None,
        choices=[("", _("All actions")), *LogEntry.Action.choices],
    )
    object_pk = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def audit_filter_form(data) -> AuditFilterForm:
    form = AuditFilterForm(data)
    logged_types = LogEntry.objects.values("content_type").distinct()
    form.fields["content_type"].queryset = ContentType.objects.filter(pk__in=logged_types)
    return form


def audit_entries(form: AuditFilterForm):
    """Entries matching the valid filters, newest first; invalid filters are ignored."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("actor"):
        entries = entries.filter(actor__username__iexact=data["actor"])
    if data.get("content_type"):
        entries = entries.filter(content_type=data["content_type"])
    if data.get("action") is not None:
        entries = entries.filter(action=data["action"])
    if data.get("object_pk"):
        entries = entries.filter(object_pk=data["object_pk"])
    if data.get("date_from"):
        entries = entries.filter(timestamp__date__gte=data["date_from"])
    if data.get("date_to"):
        entries = entries.filter(timestamp__date__lte=data["date_to"])
    return entries
