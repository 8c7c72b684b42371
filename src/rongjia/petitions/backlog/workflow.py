"""The 积案's lifecycle on core's workflow engine: open → resolved (化解), with a note saying how."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import BacklogCase

# A petition is finished when it is closed after the revisit, or when the 复核 has concluded it (条例第三十六条:
# not accepted again); only then is its 积案 resolved.
FINISHED_STATES = ("closed", "rechecked")


def _resolve(case, actor, today, data):
    if case.petition.state not in FINISHED_STATES:
        raise ValidationError(_("The petition is not closed yet: a 积案 is resolved when its petition is closed."))
    case.resolved_on, case.resolution = today, data["note"]
    return {}


S = BacklogCase.State
BACKLOG = Machine(
    name="backlog", label=gettext_lazy("Backlog case (积案)"), states=S, initial=S.OPEN,
    saved_fields=("resolved_on", "resolution"),
    steps=(
        Step("resolve", pgettext_lazy("backlog step", "Resolved (化解)"), (S.OPEN,), S.RESOLVED, "petitions.handle",
             needs_note=True, effect=_resolve, rule="条例第三十一条"),
    ),
)
