"""Signals core sends for the modules above it (core never imports a module).

`holidays_changed(years=...)`: the holiday table of these years was loaded or edited. A module whose
stored deadlines were counted over those years recomputes them (petitions: a deadline counted with
weekends only, before its year's notice was loaded, moves). Each receiver returns a list of what it
changed, in words, for the person who loaded the table.
"""

from django.dispatch import Signal

holidays_changed = Signal()


def announce_holidays_changed(years) -> list[str]:
    """Send the signal; the changes every receiver reports, in one list."""
    changed: list[str] = []
    for _receiver, lines in holidays_changed.send(sender=None, years=sorted(set(years))):
        changed.extend(lines or [])
    return changed
