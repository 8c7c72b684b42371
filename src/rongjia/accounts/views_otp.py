"""The second factor's pages: the code after the password, and setting up an authenticator app."""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device

from . import two_factor
from .forms import TokenForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe and target.startswith("/") else "/"


@never_cache
@login_required
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(request, _("You signed in with a recovery code; %(n)d remain. Set up your "
                                            "authenticator again if your phone is lost.") % {"n": left})
            return redirect(_next(request))
        form.add_error("token", _wrong_code_message(request.user))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def otp_setup(request):
    """Scan the QR code (or type the secret) into an authenticator app, then confirm with a code.

    Replacing an authenticator that is already in use needs this session to be verified by it.
    """
    if not request.user.is_verified() and user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp_verify")
    device = two_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_device(user=request.user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _wrong_code_message(request.user))
    context = {"form": form, "qr": _qr_svg(two_factor.provisioning_uri(device)),
               "secret": two_factor.secret_of(device), "required": two_factor.totp_required(request.user),
               "next": _next(request)}
    return render(request, "accounts/otp_setup.html", context)


def _wrong_code_message(user) -> str:
    if two_factor.throttled(user):
        return _("Too many wrong codes: wait a few seconds, then enter the code your app shows now.")
    return _("The code is wrong or has expired. Enter the 6 digits your app shows now.")


def _qr_svg(uri: str) -> str:
    buffer = BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return buffer.getvalue().decode()
