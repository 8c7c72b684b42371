"""Amounts and dates as a form or the API gives them, with the message a person reads when one is wrong."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _


def money(value, *, field: str = "amount", required: bool = True) -> Decimal | None:
    """A yuan amount from a form or the API: positive, at most two decimals."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give the amount.")})
        return None
    try:
        given = Decimal(str(value))
        amount = given.quantize(Decimal("0.01")) if given.is_finite() else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or amount <= 0 or amount != given:
        raise ValidationError({field: _("Give the amount in yuan, e.g. 2000 or 2000.50.")})
    return amount


def a_day(value, *, field: str, default: date) -> date:
    if value in (None, ""):
        return default
    day = value if isinstance(value, date) else parse_date(str(value))
    if day is None:
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")})
    return day


def in_site_language(message: str, **values) -> str:
    """Words stored on a record (a ledger entry's note) in the site's language, whoever's page wrote them: the
    ledger is read and exported by everyone in the same words."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % values
