"""Reads of mediation cases, scoped to the committee's or room's unit, and their figures for the dashboard."""

from django.db.models import Count

from .models import Mediation


def mediation_list(viewer, *, state: str = "", petition_id: int | None = None):
    if not viewer.can("petitions.view"):
        return Mediation.objects.none()
    mediations = Mediation.objects.visible_to(viewer).select_related("unit", "petition")
    if state:
        mediations = mediations.filter(state=state)
    if petition_id:
        mediations = mediations.filter(petition_id=petition_id)
    return mediations


def mediation_figures(viewer) -> dict:
    """Counts by state within the viewer's scope (one query), each with the list filter that shows the same rows."""
    counts = dict(mediation_list(viewer).order_by().values_list("state").annotate(n=Count("id")))
    return {"by_state": [(state.value, state.label, counts.get(state.value, 0)) for state in Mediation.State],
            "total": sum(counts.values()), "open": counts.get(Mediation.State.OPENED, 0)}
