from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from .errors import StaleVersion
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
            # RadioSelect covers CheckboxSelectMultiple, its subclass
            css = ("form-check-input" if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect))
                   else "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ServiceErrors:
    """Put a service's refusal (ValidationError, StaleVersion) on the field it names, or above the form."""

    def add_service_error(self, exc: Exception) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            field = self.field_for_error(exc)
            self.add_error(field if field in self.fields else None, getattr(exc, "messages", None) or str(exc))

    def field_for_error(self, exc: Exception) -> str | None:
        """The field an error without a field name belongs to (forms override this)."""
        return None

    def ran(self, call: Callable[[], object]) -> bool:
        """Call a service; a refusal (a stale version above the form, a ValidationError on its field) stays on the
        form for the page to show again. True when the service went through."""
        try:
            call()
        except StaleVersion as exc:
            self.add_error(None, str(exc))
        except ValidationError as exc:  # IllegalStep too: its message says what the state allows
            self.add_service_error(exc)
        else:
            return True
        return False


class DayInput(forms.DateInput):
    """An HTML date picker: its value must be written YYYY-MM-DD, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos of a visit, a report's evidence); `accept` hints the picker."""

    def __init__(self, *args, accept: str = "image/jpeg,image/png", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]
