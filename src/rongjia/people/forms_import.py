"""Forms of the ledger intake pages: the upload, the column mapping, the places, a held row, an update.

Most of them are built from what the check found (the sheets' columns, the place texts, the mapped
fields), so their fields are made in __init__ and the views hand their cleaned data to the services
in the shapes the services take.
"""

import hashlib

from django import forms
from django.utils.translation import gettext, gettext_lazy, ngettext

from rongjia.core.forms import ServiceErrors, Styled

from .importing.fields import FIELDS

ACCEPTED_FILES = ".xlsx,.xls,.csv"
# The optgroups of the mapping select, in the order the catalogue lists its fields.
FIELD_GROUPS = {
    "person": gettext_lazy("The person"),
    "service": gettext_lazy("Service history"),
    "household": gettext_lazy("Household"),
    "other": gettext_lazy("Other"),
}
NOT_IMPORTED = ""
CELL_MAX_LENGTH = 200  # a held row's cell as typed in the grid (services_intake.fix_row keeps 200)


class UploadForm(ServiceErrors, Styled, forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger file (.xlsx, .xls or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}))


def _select() -> forms.Select:
    # Fields made in __init__ come after Styled has dressed the declared ones: they carry Tabler's class themselves.
    return forms.Select(attrs={"class": "form-select"})


def field_choices() -> list:
    """"Don't import" first, then the catalogue's fields grouped as the select's optgroups."""
    grouped = [(label, [(field.key, field.label) for field in FIELDS if field.group == group])
               for group, label in FIELD_GROUPS.items()]
    return [(NOT_IMPORTED, gettext_lazy("Don't import")), *[(label, options) for label, options in grouped if options]]


class MappingForm(ServiceErrors, Styled, forms.Form):
    """Which field each column of each sheet goes into, which hidden sheets and rows count, all or nothing.

    `layout` is job.layout; `mapping` the mapping confirmed before ({"sheet": {"column": field}}), whose
    choices are offered again when the columns are re-mapped; otherwise the check's proposal is. Hidden
    columns start as "don't import" whatever was proposed: a hidden column is usually a stale one.
    """

    all_or_nothing = forms.BooleanField(
        required=False, label=gettext_lazy("All or nothing: import nothing while any row is held"),
        help_text=gettext_lazy("Unticked, the good rows are imported and the rows with problems are held for you "
                               "to fix or leave out."))

    def __init__(self, *args, layout: list[dict], mapping: dict | None = None, options: dict | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.layout = layout
        mapping, options = mapping or {}, options or {}
        included = set(options.get("include_hidden", []))
        self.fields["all_or_nothing"].initial = bool(options.get("all_or_nothing"))
        choices = field_choices()
        for entry in self.mapped_sheets():
            chosen = mapping.get(str(entry["index"]), {})
            for column in entry["columns"]:
                proposed = NOT_IMPORTED if column["hidden"] else column.get("field", "")
                self.fields[self.column_name(entry, column)] = forms.ChoiceField(
                    label=column["header"], choices=choices, required=False, widget=_select(),
                    initial=chosen.get(str(column["index"]), proposed))
            if entry["hidden"] or entry.get("hidden_rows"):
                # One switch per sheet: the services take a hidden sheet's index as "include the sheet and
                # its hidden rows", a visible sheet's as "include its hidden rows".
                self.fields[self.include_name(entry)] = forms.BooleanField(
                    required=False, initial=entry["index"] in included, label=self._include_label(entry),
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        self.order_fields([*(name for name in self.fields if name != "all_or_nothing"), "all_or_nothing"])

    def mapped_sheets(self) -> list[dict]:
        """The sheets with a header: the others (a 说明 sheet) are listed as skipped, with nothing to map."""
        return [entry for entry in self.layout if not entry.get("no_header")]

    @staticmethod
    def column_name(entry: dict, column: dict) -> str:
        return f"s{entry['index']}_c{column['index']}"

    @staticmethod
    def include_name(entry: dict) -> str:
        return f"s{entry['index']}_include"

    @staticmethod
    def _include_label(entry: dict) -> str:
        hidden_rows = entry.get("hidden_rows", 0)
        if entry["hidden"] and hidden_rows:
            return ngettext("Include this hidden sheet, with its %(n)d hidden row",
                            "Include this hidden sheet, with its %(n)d hidden rows", hidden_rows) % {"n": hidden_rows}
        if entry["hidden"]:
            return gettext("Include this hidden sheet")
        return ngettext("Include its %(n)d hidden row", "Include its %(n)d hidden rows", hidden_rows) % {
            "n": hidden_rows}

    def sheets(self) -> list[dict]:
        """What the template shows per sheet: the layout entry, (column, its select) pairs, the include box."""
        shown = []
        for entry in self.layout:
            if entry.get("no_header"):
                shown.append({"entry": entry, "columns": [], "include": None})
                continue
            include = self.include_name(entry)
            shown.append({
                "entry": entry,
                "columns": [(column, self[self.column_name(entry, column)]) for column in entry["columns"]],
                "include": self[include] if include in self.fields else None,
            })
        return shown

    def service_arguments(self) -> dict:
        """confirm_columns's keyword arguments: mapping {sheet: {column: field}}, include_hidden, all_or_nothing."""
        data = self.cleaned_data
        mapping = {entry["index"]: {column["index"]: data.get(self.column_name(entry, column)) or NOT_IMPORTED
                                    for column in entry["columns"]}
                   for entry in self.mapped_sheets()}
        include_hidden = [entry["index"] for entry in self.mapped_sheets() if data.get(self.include_name(entry))]
        return {"mapping": mapping, "include_hidden": include_hidden, "all_or_nothing": data["all_or_nothing"]}


def place_field_name(text: str) -> str:
    """A form field name for a place text: the text itself may hold anything, its digest is a name."""
    return "place_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class PlacesForm(ServiceErrors, Styled, forms.Form):
    """One select per place text the check could not settle: its candidates, or keep those rows held."""

    def __init__(self, *args, questions: list[tuple[str, int, list[tuple[str, str]]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for text, count, candidates in questions:
            self.fields[place_field_name(text)] = forms.ChoiceField(
                label=text, required=False, widget=_select(),
                choices=[("", gettext_lazy("Keep these rows held")), *candidates],
                help_text=ngettext("%(n)d row", "%(n)d rows", count) % {"n": count})

    def answers(self) -> dict[str, str]:
        return {text: self.cleaned_data.get(place_field_name(text)) or "" for text, _count, _c in self.questions}


class HeldRowForm(ServiceErrors, forms.Form):
    """A held row's cells as the uploader corrects them in the grid: one text per mapped field.

    The grid renders its own inputs (50 rows × every mapped field: Django's widget templates would
    cost more than the page); this form only reads and bounds what comes back.
    """

    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, fields: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in fields:
            self.fields[key] = forms.CharField(label=label, required=False, strip=False, max_length=CELL_MAX_LENGTH)
        self.keys = [key for key, _label in fields]

    def row_data(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in self.keys}


class UpdateForm(forms.Form):
    """Which differences of one update row the uploader accepts; `all` (the second button) takes every one."""

    fields = forms.MultipleChoiceField(required=False)  # a form field named "fields" lives in self.fields
    all = forms.BooleanField(required=False)

    def __init__(self, *args, differences: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.difference_fields = [difference[0] for difference in differences]
        self.fields["fields"].choices = [(key, key) for key in self.difference_fields]

    def accepted(self) -> list[str]:
        if self.cleaned_data.get("all"):
            return list(self.difference_fields)
        return list(self.cleaned_data.get("fields", []))
