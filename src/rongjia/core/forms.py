from django import forms

from .models import Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "valid_to"]
        widgets = {"valid_to": forms.DateInput(attrs={"type": "date"})}


class Styled:
    """Tabler's classes on every widget, so the shared _form.html renders them properly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            css = ("form-check-input" if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple))
                   else "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
