import string

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        checks = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        )
        return sum(checks)

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must contain at least %(n)d of: upper-case letters, lower-case letters, "
            "digits and symbols."
        ) % {"n": self.min_classes}


class LengthValidator(MinimumLengthValidator):
    """Django's minimum length rule with a message our catalogue translates.

    Django 5.2.19 changed this message's msgid and its zh_Hans catalogue has not caught up,
    so users would read it in English.
    """

    def get_error_message(self):
        return _("The password must be at least %(n)d characters long.") % {"n": self.min_length}

    def get_help_text(self):
        return self.get_error_message()
