from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from .models import Role
from .permissions import CAPABILITIES


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. After 5 failures the account is locked for 15 minutes."),
        "inactive": _("This account is disabled."),
    }


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(
        label=_("New password"), help_text=password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class UserForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    org_unit = forms.RegexField(
        label=_("Unit's region code"), regex=r"^\d{12}$", required=False,
        help_text=_("The 12-digit region code of the centre or station, e.g. 320115003004. "
                    "Administrators may have none."),
        error_messages={"invalid": _("Enter a 12-digit region code.")},
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.all(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )

    def clean_org_unit(self):
        code = self.cleaned_data["org_unit"]
        if not code:
            return None
        unit = OrgUnit.objects.filter(region_code=code, kind__in=["centre", "station"]).first()
        if unit is None:
            raise forms.ValidationError(_("There is no centre or station with this region code."))
        return unit


class UserCreateForm(UserForm):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("Use letters, digits, '.', '_' or '-'.")},
    )
    password = forms.CharField(
        label=_("Temporary password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at first sign-in."),
    )
    field_order = ["username", "full_name", "org_unit", "roles", "password"]


class UserEditForm(UserForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))


class RoleForm(forms.Form):
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"), required=False, choices=list(CAPABILITIES.items()),
        widget=forms.CheckboxSelectMultiple,
    )




class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Authenticator code"), max_length=12,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True}),
        help_text=_("The 6 digits your authenticator app shows, or one of your 8-digit recovery codes."))


class ApiTokenForm(Styled, ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60,
                           help_text=_("What you will recognise it by, e.g. “ledger sync”."))
    purpose = forms.CharField(label=_("Purpose"), max_length=200,
                              help_text=_("The script or system that will use it, and what for."))
    otp = forms.CharField(
        label=_("Authenticator code"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("Your account needs the second factor: the 6 digits your authenticator app shows now."))

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["otp"]
