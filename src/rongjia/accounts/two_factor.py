"""The second factor (等保 8.1.4.1 b: two or more authentication techniques): a TOTP app code after
the password, required for the three administrators and centre directors (optional for others),
with single-use recovery codes for a lost phone. Built on django-otp's TOTP and static devices.
"""

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rongjia.core.audit import audit_actor

RECOVERY_CODES = 10
RECOVERY_CODE_DIGITS = 8


def totp_required(user) -> bool:
    return user.roles.filter(code__in=settings.TOTP_REQUIRED_ROLES).exists()


def second_factor_needed(user) -> bool:
    """Required by the role, or chosen by the user (a confirmed device exists)."""
    return totp_required(user) or user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app takes when typed in instead of scanned."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url  # otpauth://totp/戎家 Rongjia:username?secret=…&issuer=… (OTP_TOTP_ISSUER)


def confirm_device(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a first code; returns new recovery codes (shown once)
    or None when the code is wrong. Earlier authenticators and codes stop working."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_digits(token)):
        return None
    with transaction.atomic(), audit_actor(user):
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}" for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def verify(user, token: str):
    """The device that accepts `token` (an app code, or a recovery code used up by this), or None.

    django-otp refuses a TOTP code already used (replay) and one outside the time window.
    """
    token = _digits(token)
    # 6 digits are an app code, 8 a recovery code: each goes to its own kind of device only, so a
    # mistyped app code does not make the recovery codes wait too.
    kind = {6: TOTPDevice, RECOVERY_CODE_DIGITS: StaticDevice}.get(len(token))
    if kind is None:
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, kind) and device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def step_up(user, token: str) -> bool:
    """A fresh app code, asked again before something that outlives the session (an API token).

    Recovery codes are for signing in without the phone, so they are not taken (nor used up) here.
    """
    token = _digits(token)
    return len(token) == 6 and verify(user, token) is not None


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]


def provisioned_device(user) -> TOTPDevice:
    """For set-up commands (the demo): the account's confirmed authenticator, made if missing, so the
    operator can load its secret into an app. A real account sets its own up at first sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def throttled(user) -> bool:
    """After wrong codes django-otp makes each authenticator wait (1 s, 2 s, 4 s…) before the next try."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=None)
               if hasattr(device, "throttling_failure_count"))
