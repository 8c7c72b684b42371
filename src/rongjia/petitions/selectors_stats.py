"""Petition figures for a centre's dashboard: every KPI counted with the list filter it links to (`desk_q`, so the
number is the rows the list opens), the units ranked by overdue petitions, and the on-time rate per unit."""

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .models import Petition, PetitionReply
from .selectors import ON_TIME, desk_q, timed_replies
from .workflow import STATES

# (key, label, the petition list's filters): each KPI is a link to the list with these filters.
KPIS = (
    ("total", _("Petitions"), {}),
    ("overdue", _("Overdue"), {"due": "overdue"}),
    ("soon", _("Due within 5 days"), {"due": "soon"}),
    ("collective", _("Collective (集体访)"), {"collective": "1"}),
    ("repeats", _("Repeat petitions"), {"repeat": "1"}),
    ("backlog", _("Backlog cases (积案)"), {"backlog": "1"}),
    ("unassigned", _("Backlog cases without a leader in charge"), {"backlog": "unassigned"}),
)


def _kpi(key, label, count, filters) -> dict:
    return {"key": key, "label": label, "count": count, "query": urlencode(filters)}


def petition_dashboard(user) -> dict:
    petitions = Petition.objects.visible_to(user)
    today = timezone.localdate()
    counts = petitions.aggregate(**{key: Count("id", filter=desk_q(today, **filters)) for key, _l, filters in KPIS})
    by_state = dict(petitions.order_by().values_list("state").annotate(n=Count("id")))
    kpis = [_kpi(key, label, counts[key], filters) for key, label, filters in KPIS]
    states = [_kpi(state, label, by_state.get(state, 0), {"state": state}) for state, label in STATES.items()]
    return {"kpis": kpis, "by_state": states, "units": unit_ranking(petitions, today),
            "stages": on_time_by_stage(petitions), **counts}


def unit_ranking(petitions, today) -> list[dict]:
    """The units with petitions (others are left out), most overdue first, then the lowest on-time rate."""
    rows = (petitions.order_by().values("unit", "unit__name")
            .annotate(total=Count("id"), overdue=Count("id", filter=desk_q(today, due="overdue"))))
    rates = {row.get("unit_id", row["unit"]): row for row in on_time_by_unit(petitions)}
    ranked = []
    for row in rows:
        rate = rates.get(row["unit"]) or rates.get(row["unit__name"]) or {}
        ranked.append({"pk": row["unit"], "unit": row["unit__name"], "total": row["total"], "overdue": row["overdue"],
                       "on_time": rate.get("on_time"), "answered": rate.get("answered"), "rate": rate.get("rate"),
                       "query": urlencode({"unit": row["unit"]}),
                       "overdue_query": urlencode({"unit": row["unit"], "due": "overdue"})})
    # No answer yet: no rate, ranked after the units with one (nothing to compare).
    return sorted(ranked, key=lambda r: (-r["overdue"], r["rate"] is None, r["rate"] or 0, r["unit"]))


def on_time_by_unit(petitions) -> list[dict]:
    """Of the first answers (答复) to these petitions, the share given by their own deadline, per answering
    unit. The 复查 and 复核 answers keep their own dates and rates (`on_time_by_stage`)."""
    answers = _replies(petitions).filter(stage=PetitionReply.Stage.ANSWER)
    rows = (answers.values("unit_id", "unit__name")
            .annotate(answered=Count("id"), on_time=Count("id", filter=Q(replied_on__lte=F("due_on")))))
    return sorted(({"unit_id": row["unit_id"], "unit": row["unit__name"], "on_time": row["on_time"],
                    "answered": row["answered"], "rate": row["on_time"] / row["answered"]} for row in rows),
                  key=lambda row: (row["rate"], row["unit"]))


def on_time_by_stage(petitions) -> list[dict]:
    """答复, 复查意见 and 复核意见: each measured against its own deadline."""
    counts = {row["stage"]: row for row in _replies(petitions).values("stage").annotate(
        answered=Count("id"), on_time=Count("id", filter=Q(replied_on__lte=F("due_on"))))}
    return [{"key": stage, "stage": label, "answered": counts.get(stage, {}).get("answered", 0),
             "on_time": counts.get(stage, {}).get("on_time", 0),
             "rate": (counts[stage]["on_time"] / counts[stage]["answered"]) if stage in counts else None,
             "query": urlencode({"answered": stage}), "on_time_query": urlencode({"answered": stage + ON_TIME})}
            for stage, label in PetitionReply.Stage.choices]


def _replies(petitions):
    """The answers to these petitions that had a deadline (an answer recorded without one is not timed)."""
    return timed_replies().filter(petition__in=petitions.values("pk"))
