import string

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
