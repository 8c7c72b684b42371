"""The worklist's forms: shape only; the services check scope, the chosen units, the fields and the evidence."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import DayInput, MultipleFileField, ServiceErrors, Styled
from rongjia.core.regions import LEVEL_CHOICES, PREFIX_LENGTH

from . import fields as task_fields
from .history import shown
from .inspections import parse_checklist
from .models import Inspection, Kind, Meeting, Recurrence
from .targets import Target

FILE_TYPES = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


def _field_errors_plain(parse, text: str, name: str):
    """A parser's errors keyed by its field become the field's own (a clean_<field> may not name fields)."""
    try:
        return parse(text)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict.get(name, exc.messages)) from None


def levels_below(unit) -> list[tuple[int, str]]:
    return [(level, label) for level, label in LEVEL_CHOICES if unit is None or level > unit.level]


class EvidenceSpecFields(forms.Form):
    """What a unit must hand in, shared by a task and a standing menu."""

    needs_files = forms.BooleanField(label=_("A file is required"), required=False)
    needs_photos = forms.BooleanField(label=_("A photo is required"), required=False)
    fields_text = forms.CharField(
        label=_("Fields to fill in"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: label | 数字 or 文字 | min | max; a leading * makes it required. "
                    "E.g. “*走访人数 | 数字 | 0 | 500”."))
    review_level = forms.TypedChoiceField(label=_("Reviewed by"), required=False, coerce=int, empty_value=None,
                                          help_text=_("The level that must accept the work before it counts."))


class TargetFields(forms.Form):
    levels = forms.TypedMultipleChoiceField(label=_("Levels"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    units_text = forms.CharField(label=_("Or these units (region codes, one per line)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    below_standard = forms.BooleanField(label=_("Only stations below standard"), required=False)
    region = forms.CharField(label=_("Only inside the region (code)"), required=False, max_length=12)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].choices = levels_below(unit)
        self.fields["review_level"].choices = [("", _("No review: it counts when submitted"))] + levels_below(unit)

    def clean_fields_text(self):
        return _field_errors_plain(task_fields.parse_lines, self.cleaned_data["fields_text"], "fields_text")

    def target(self, unit_ids: list[int]) -> Target:
        data = self.cleaned_data
        return Target(levels=data["levels"], units=unit_ids, below_standard=data["below_standard"],
                      region=data["region"].strip())

    def unit_codes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["units_text"].split() if line.strip()]


class TaskForm(ServiceErrors, Styled, TargetFields, EvidenceSpecFields):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.SPECIAL)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label=_("Due date"), widget=DayInput())
    attachments = MultipleFileField(label=_("Attachments"), required=False, accept=FILE_TYPES)

    field_order = ["title", "kind", "instructions", "due_on", "levels", "units_text", "below_standard", "region",
                   "needs_files", "needs_photos", "fields_text", "review_level", "attachments"]

    def field_for_error(self, exc):
        return "levels"


class RecurrenceForm(ServiceErrors, Styled, TargetFields, EvidenceSpecFields):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.MONTHLY)
    frequency = forms.ChoiceField(label=_("How often"), choices=Recurrence.Frequency.choices)
    due_after_days = forms.IntegerField(label=_("Due days after the period starts"), min_value=1, max_value=365,
                                        initial=25)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["title", "kind", "frequency", "due_after_days", "instructions", "levels", "units_text",
                   "below_standard", "region", "needs_files", "needs_photos", "fields_text", "review_level"]


class ReportForm(ServiceErrors, Styled, forms.Form):
    """A unit's progress report or submission: the task's own fields are added by name (f1, f2…)."""

    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Files"), required=False, accept=FILE_TYPES)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, task=None, values=None, progress=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].initial = progress
        figures = {}
        for spec in (task.fields if task else []):
            label = f"{spec['label']}{' *' if spec.get('required') else ''}"
            if spec["type"] == task_fields.NUMBER:
                field = forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs={
                    "min": spec.get("min", ""), "max": spec.get("max", ""), "step": "any"}))
            else:
                field = forms.CharField(label=label, required=False, max_length=500)
            field.initial = shown((values or {}).get(spec["key"], ""))
            field.widget.attrs["class"] = "form-control"
            figures[spec["key"]] = field
        # the task's own fields right after the progress, before the note and the evidence
        self.fields = {"progress": self.fields["progress"], **figures,
                       **{name: field for name, field in self.fields.items() if name != "progress"}}
        self.task = task

    def values(self) -> dict:
        return {spec["key"]: self.cleaned_data.get(spec["key"], "") for spec in self.task.fields}

    def field_for_error(self, exc):
        return "note"

    def add_service_error(self, exc):
        if hasattr(exc, "error_dict") and "values" in exc.error_dict:
            for error in exc.error_dict.pop("values"):
                self.add_error(None, error)
        super().add_service_error(exc)


class NoteForm(ServiceErrors, Styled, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    population_prefix = forms.CharField(label=_("Draw from the region (code)"), max_length=12)
    population_level = forms.TypedChoiceField(label=_("Level drawn"), coerce=int)
    sample_size = forms.IntegerField(label=_("How many stations"), min_value=1, max_value=200, initial=5)
    inspector_code = forms.CharField(label=_("Inspecting unit (region code, cross-check only)"), required=False,
                                     max_length=12)
    checklist_text = forms.CharField(label=_("Checklist"), widget=forms.Textarea(attrs={"rows": 6}),
                                     help_text=_("One item per line: item | points."))
    starts_on = forms.DateField(label=_("From"), widget=DayInput())
    ends_on = forms.DateField(label=_("Until"), widget=DayInput())

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["population_level"].choices = levels_below(unit)
        if unit is not None:
            self.fields["population_prefix"].initial = unit.region_code[:PREFIX_LENGTH[unit.level]]
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_checklist_text(self):
        return _field_errors_plain(parse_checklist, self.cleaned_data["checklist_text"], "checklist_text")


class FindingForm(ServiceErrors, Styled, forms.Form):
    text = forms.CharField(label=_("Finding"), max_length=300)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))


class InfoReportForm(ServiceErrors, Styled, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    happened_on = forms.DateField(label=_("Day"), widget=DayInput())
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class MeetingForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    held_on = forms.DateField(label=_("Day"), widget=DayInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=120)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label=_("Decisions (one per line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def decision_lines(self) -> list[str]:
        return [line for line in self.cleaned_data["decisions"].splitlines() if line.strip()]
