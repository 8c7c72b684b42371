"""Petitions and the mailbox as measures for the star evaluation (core.measures): of the first answers (答复) a
unit gave in the period, the share given by their deadline; of what the public rated the station in the period
through the mailbox, the share satisfied or fairly satisfied."""

from datetime import date

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.measures import Measure, Reading, share

from .mailbox.models import Feedback
from .models import PetitionReply


def on_time(viewer, units, since: date, until: date) -> dict[int, Reading]:
    rows = (PetitionReply.objects.visible_to(viewer)
            .filter(unit_id__in=[u.pk for u in units], stage=PetitionReply.Stage.ANSWER, due_on__isnull=False,
                    replied_on__gte=since, replied_on__lte=until)
            .values("unit_id")
            .annotate(answered=Count("id"), on_time=Count("id", filter=Q(replied_on__lte=F("due_on"))))
            .order_by())
    return {row["unit_id"]: Reading(share(row["on_time"], row["answered"]),
                                    _("%(on_time)d of %(answered)d petition answers given by their deadline") % row,
                                    {"on_time": row["on_time"], "answered": row["answered"]})
            for row in rows}


def satisfaction(viewer, units, since: date, until: date) -> dict[int, Reading]:
    rated = Feedback.Rating
    rows = (Feedback.seen_by_station.visible_to(viewer)
            .filter(about_id__in=[u.pk for u in units], created_at__date__gte=since, created_at__date__lte=until)
            .values("about_id").annotate(total=Count("id"), satisfied=Count("id", filter=Q(rating=rated.SATISFIED)),
                                         fairly=Count("id", filter=Q(rating=rated.FAIRLY)))
            .order_by())
    return {row["about_id"]: Reading(share(row["satisfied"] + row["fairly"], row["total"]),
                                     _("%(total)d ratings from the public: %(satisfied)d satisfied, %(fairly)d "
                                       "fairly satisfied") % row,
                                     {"total": row["total"], "satisfied": row["satisfied"], "fairly": row["fairly"]})
            for row in rows}


MEASURES = [
    Measure("petitions.on_time", gettext_lazy("Petitions answered on time"), on_time, order=30,
            help=gettext_lazy("Share of the unit's first answers (答复) in the period given by their deadline.")),
    Measure("mailbox.satisfaction", gettext_lazy("Public satisfaction (mailbox)"), satisfaction, order=31,
            help=gettext_lazy("Share of the public's ratings of the station in the period that are satisfied "
                              "or fairly satisfied.")),
]
