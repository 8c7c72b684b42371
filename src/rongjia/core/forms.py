from django import forms

from .models import Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "valid_to"]
        widgets = {"valid_to": forms.DateInput(attrs={"type": "date"})}
