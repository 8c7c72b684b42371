from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core import measures
from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.core.regions import LEVEL_CHOICES

from .models import STARS, CriteriaVersion, Criterion, Designation

ITEM_FIELDS = ("group", "name", "weight", "method", "measure", "full_at")
BLANK_ROWS = 3


class ServiceForm(Styled, ServiceErrors, forms.Form):
    pass


def levels_below(unit) -> list[tuple[int, str]]:
    return [(number, label) for number, label in LEVEL_CHOICES if unit is None or number > unit.level]


class CriteriaForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.TypedChoiceField(label=_("Stations of level"), coerce=int, choices=())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    two = forms.DecimalField(label=_("2 stars from"), min_value=0, max_value=100)
    three = forms.DecimalField(label=_("3 stars from"), min_value=0, max_value=100)
    four = forms.DecimalField(label=_("4 stars from"), min_value=0, max_value=100)
    five = forms.DecimalField(label=_("5 stars from"), min_value=0, max_value=100)

    def __init__(self, *args, unit=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = levels_below(unit)
        if editing:  # the set's name, level and year stay; a change says what changed
            for name in ("name", "level", "year"):
                del self.fields[name]
            self.fields["note"].required = True

    @property
    def thresholds(self) -> list:
        return [self.cleaned_data[name] for name in ("two", "three", "four", "five")]


def item_rows(data) -> list[dict]:
    """The item table's rows as posted (items-N-group…), blank rows left out."""
    rows = []
    for index in range(int(data.get("items-count") or 0)):
        row = {name: (data.get(f"items-{index}-{name}") or "").strip() for name in ITEM_FIELDS}
        if row["name"] or row["group"]:
            row["full_at"] = str(Decimal(row["full_at"]) / 100) if _number(row["full_at"]) else "1"
            rows.append(row)
    return rows


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def item_table(version: CriteriaVersion | None, posted: list[dict] | None = None) -> list[dict]:
    """The rows the editor shows: what was posted, else the version's items, then blank rows to add more."""
    if posted is not None:
        rows = [{**row, "full_at": _percent(row["full_at"])} for row in posted]
    elif version is not None:
        rows = [{"group": i.group, "name": i.name, "weight": i.weight, "method": i.method, "measure": i.measure,
                 "full_at": round(i.full_at * 100)} for i in version.items.all()]
    else:
        rows = []
    return rows + [{"group": "", "name": "", "weight": "", "method": "auto", "measure": "", "full_at": 100}
                   for _ in range(BLANK_ROWS)]


def _percent(share: str):
    return round(float(share) * 100) if _number(share) else 100


def measure_choices() -> list[tuple[str, str]]:
    return [("", "—"), *measures.choices()]


METHOD_CHOICES = Criterion.Method.choices


class RunForm(ServiceForm):
    criteria = forms.TypedChoiceField(label=_("Criteria"), coerce=int, choices=())
    title = forms.CharField(label=_("Title"), max_length=100)
    since = forms.DateField(label=_("Period from"), widget=DayInput())
    until = forms.DateField(label=_("Period until"), widget=DayInput())

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(v.pk, f"{v.criteria_set.name} · v{v.number}") for v in versions]


class AdjustForm(ServiceForm):
    stars = forms.TypedChoiceField(label=_("Stars"), coerce=int, choices=STARS)
    # Not required here: the service says what is missing, in its own words.
    reason = forms.CharField(label=_("Reason for the adjustment"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class MarkForm(ServiceForm):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=5, decimal_places=1)
    note = forms.CharField(label=_("What was seen"), max_length=300)


class AssignForm(ServiceForm):
    evaluator = forms.TypedChoiceField(label=_("Evaluator"), coerce=int, choices=())
    units = forms.CharField(label=_("Stations (region codes, one per line or separated by commas)"),
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [(u.pk, f"{u.full_name}（{u.username}）") for u in evaluators]

    def codes(self) -> list[str]:
        return [code for code in self.cleaned_data["units"].replace("，", ",").replace(",", "\n").split() if code]


class TargetForm(ServiceForm):
    name = forms.CharField(label=_("Target"), max_length=120)
    levels = forms.TypedMultipleChoiceField(label=_("Stations of the levels"), coerce=int, choices=(),
                                            widget=forms.CheckboxSelectMultiple)
    min_stars = forms.TypedChoiceField(label=_("At least"), coerce=int, choices=STARS)
    share = forms.DecimalField(label=_("Share (%)"), min_value=1, max_value=100, decimal_places=0)
    each_below = forms.BooleanField(label=_("In each region one level down"), required=False)
    by_year = forms.IntegerField(label=_("By the year"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].choices = levels_below(unit)


class DesignationForm(ServiceForm):
    unit_code = forms.CharField(label=_("Station (region code)"), max_length=12)
    kind = forms.ChoiceField(label=pgettext_lazy("honorary title", "Title"), choices=Designation.Kind.choices)
    conferred_by = forms.CharField(label=_("Conferred by"), max_length=100)
    conferred_on = forms.DateField(label=_("Conferred on"), widget=DayInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class EndForm(ServiceForm):
    ends_on = forms.DateField(label=_("Withdrawn or expired on"), widget=DayInput())
    note = forms.CharField(label=_("Reason"), max_length=200)


class PairingForm(ServiceForm):
    strong_code = forms.CharField(label=_("Helping station (region code)"), max_length=12)
    weak_code = forms.CharField(label=_("Helped station (region code)"), max_length=12)
    started_on = forms.DateField(label=_("From"), widget=DayInput())
    goal = forms.CharField(label=_("Goal"), max_length=200)


class JointTaskForm(ServiceForm):
    title = forms.CharField(label=_("Joint task"), max_length=120)
    due_on = forms.DateField(label=_("Due date"), widget=DayInput())


class DoneForm(ServiceForm):
    done_on = forms.DateField(label=_("Done on"), widget=DayInput())
