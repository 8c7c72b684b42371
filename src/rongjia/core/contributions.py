"""Core's registry: how a module attaches to a person's dossier, the workbench and a station's page (rule 8).

A module never edits the dossier page, the timeline, the 一人一册 booklet or the home page. It
registers contributions here, in its AppConfig.ready(), and the pages read only through this
registry. Every contribution declares the capability it needs and takes the viewer; the
registry answers nothing for a viewer without the capability, and each contribution starts
from `Model.objects.visible_to(viewer)`, so what a page reaches through a record is filtered
exactly like the record itself. What lies outside the viewer's scope shows at most as a count
(`DossierSection.outside`: "另有 2 条辖区外记录"), never its content.

    # visits/apps.py
    def ready(self):
        from rongjia.core import contributions
        from . import dossier, workbench
        contributions.register_dossier(contributions.DossierContribution(
            key="visits", capability="visits.view", entries=dossier.visit_entries,
            outside=dossier.visits_outside, booklet_title=_("Visits and care")))
        contributions.register_workbench(contributions.WorkbenchContribution(
            key="visits", capability="visits.view", items=workbench.visit_items))

The core knows no module: a person is passed through as it comes, with `pks`, the person's own
primary key and those of the records merged into it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Entry:
    """One line of a person's timeline."""

    when: datetime
    kind: str  # a short key for the icon/colour: "created", "edited", "status", "transfer", "petition"…
    title: str
    detail: str = ""
    actor: str = ""
    link: str = ""  # a page with more (the petition, the visit…), if the viewer may open it


@dataclass(frozen=True)
class DossierContribution:
    """What a module adds to a person's dossier, for one viewer.

    `entries(viewer, person, pks)` gives timeline entries; `outside(viewer, person, pks)` counts the
    linked records the viewer may not open (shown as a number, never their content);
    `booklet_title` names the module's section in the 一人一册 booklet (its entries printed there).
    """

    key: str
    capability: str
    entries: Callable[..., Iterable[Entry]]
    outside: Callable[..., int] | None = None
    outside_label: str = ""  # "%(count)d more … outside your area", translated
    booklet_title: str = ""
    order: int = 100


@dataclass(frozen=True)
class DossierSection:
    """A contribution's part of one dossier, as one viewer sees it."""

    key: str
    booklet_title: str
    entries: list[Entry]
    outside: int = 0
    outside_text: str = ""


@dataclass(frozen=True)
class WorkItem:
    """A 待办 count on the workbench; `url` opens the list that holds exactly `count` rows."""

    key: str
    label: str
    count: int
    url: str
    tone: str = "info"  # "danger" (overdue), "warn" (due soon), "info"
    hint: str = ""


@dataclass(frozen=True)
class WorkbenchContribution:
    """What a module adds to the workbench: `items(viewer)` -> [WorkItem]. `capability` may be a tuple
    (any of them). A leader, who may look but not act, sees the same counts; the lists say what to do."""

    key: str
    capability: str | tuple[str, ...]
    items: Callable[..., list[WorkItem]]
    order: int = 100


@dataclass(frozen=True)
class StationSection:
    """A module's part of a station's page: its title, the template that draws it and that template's context."""

    key: str
    title: str
    template: str
    context: dict


@dataclass(frozen=True)
class StationContribution:
    """What a module adds to a station's page (the honour wall…): `section(viewer, unit)` -> StationSection or
    None when it has nothing to show there."""

    key: str
    capability: str
    section: Callable[..., StationSection | None]
    order: int = 100


_DOSSIER: dict[str, DossierContribution] = {}
_WORKBENCH: dict[str, WorkbenchContribution] = {}
_STATION: dict[str, StationContribution] = {}
_STATISTICS: dict[str, StationContribution] = {}


def register_dossier(contribution: DossierContribution) -> DossierContribution:
    _DOSSIER[contribution.key] = contribution
    return contribution


def register_workbench(contribution: WorkbenchContribution) -> WorkbenchContribution:
    _WORKBENCH[contribution.key] = contribution
    return contribution


def register_station(contribution: StationContribution) -> StationContribution:
    _STATION[contribution.key] = contribution
    return contribution


def register_statistics(contribution: StationContribution) -> StationContribution:
    """A module's part of the network statistics: `section(viewer, prefix)` for the region shown (the stars…)."""
    _STATISTICS[contribution.key] = contribution
    return contribution


def station_sections(viewer, unit) -> list[StationSection]:
    """Each module's part of a station's page, for this viewer (who may already open the station)."""
    return _sections(_STATION, viewer, unit)


def statistics_sections(viewer, prefix: str) -> list[StationSection]:
    """Each module's part of the network statistics of a region prefix already checked to be in the viewer's scope."""
    return _sections(_STATISTICS, viewer, prefix)


def _sections(registry: dict[str, StationContribution], viewer, subject) -> list[StationSection]:
    sections = [contribution.section(viewer, subject) for contribution in sorted(registry.values(),
                                                                                  key=lambda c: (c.order, c.key))
                if _may(viewer, contribution.capability)]
    return [section for section in sections if section is not None]


def dossier_contributions() -> list[DossierContribution]:
    return sorted(_DOSSIER.values(), key=lambda c: (c.order, c.key))


def workbench_contributions() -> list[WorkbenchContribution]:
    return sorted(_WORKBENCH.values(), key=lambda c: (c.order, c.key))


def _may(viewer, capability: str | tuple[str, ...]) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    wanted = (capability,) if isinstance(capability, str) else capability
    return any(viewer.can(name) for name in wanted)


def dossier_sections(viewer, person, pks) -> list[DossierSection]:
    """Each contribution's part of the dossier, for this viewer only (none where the capability is missing)."""
    sections = []
    for contribution in dossier_contributions():
        if not _may(viewer, contribution.capability):
            continue
        outside = contribution.outside(viewer, person, pks) if contribution.outside else 0
        text = (str(contribution.outside_label) % {"count": outside}) if outside else ""
        sections.append(DossierSection(contribution.key, str(contribution.booklet_title),
                                       list(contribution.entries(viewer, person, pks)), outside, text))
    return sections


def timeline(viewer, person, pks, *, limit: int = 200) -> tuple[list[Entry], list[str]]:
    """The person's timeline as the viewer may see it, newest first, and the notes of what lies outside."""
    sections = dossier_sections(viewer, person, pks)
    entries = sorted((e for s in sections for e in s.entries), key=lambda e: e.when, reverse=True)
    return entries[:limit], [s.outside_text for s in sections if s.outside_text]


def workbench(viewer) -> list[WorkItem]:
    """The viewer's 待办, in the registry's order: only the contributions the viewer's capabilities allow."""
    return [item for contribution in workbench_contributions() if _may(viewer, contribution.capability)
            for item in contribution.items(viewer)]
