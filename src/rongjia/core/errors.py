from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """Someone saved the record after this editor loaded it (DESIGN.md rule 4)."""

    message = _("This record was changed by someone else after you opened it. Reload it and try again.")

    def __str__(self):
        return str(self.message)
