"""Every machine draws itself: a server-rendered SVG of its states and steps, no external service.

The states stand in rows by how many steps they are from the first one (a phone scrolls down, an
office screen shows it whole), the current state is filled, and the steps the viewer may take from
it are drawn in the accent colour. Steps that keep the state (an extension, a 督办) are listed under
the picture. The SVG carries a title and a description in words, so a screen reader reads the same.
"""

from collections import deque
from math import hypot

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .workflow import Machine

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 128, 34, 36, 58, 12
CURVE = 14  # how far an arrow bows out, so two arrows between the same states do not overlap
ACCENT, INK, MUTED, FILL = "#1d4ed8", "#1f2937", "#6b7280", "#dbeafe"


def _rows(machine: Machine) -> list[list[str]]:
    """States by their distance from the initial state (unreachable ones last), in declaration order."""
    depth = {machine.initial: 0}
    queue = deque([machine.initial])
    while queue:
        state = queue.popleft()
        for step in machine.steps:
            if state in step.sources and step.target and step.target not in depth:
                depth[step.target] = depth[state] + 1
                queue.append(step.target)
    last = max(depth.values(), default=0) + 1
    rows: dict[int, list[str]] = {}
    for state in machine.states.values:
        rows.setdefault(depth.get(state, last), []).append(state)
    return [rows[n] for n in sorted(rows)]


def _positions(rows: list[list[str]]) -> tuple[dict[str, tuple[float, float]], int, int]:
    width = max(len(row) for row in rows) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    places = {}
    for r, row in enumerate(rows):
        row_width = len(row) * (BOX_W + GAP_X) - GAP_X
        left = (width - row_width) / 2
        for c, state in enumerate(row):
            places[state] = (left + c * (BOX_W + GAP_X) + BOX_W / 2, MARGIN + r * (BOX_H + GAP_Y) + BOX_H / 2)
    return places, width, MARGIN * 2 + len(rows) * (BOX_H + GAP_Y) - GAP_Y


def _border_point(centre, towards) -> tuple[float, float]:
    """Where the line from a box's centre towards a point leaves the box."""
    (x, y), (tx, ty) = centre, towards
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(BOX_W / 2 / abs(dx) if dx else float("inf"), BOX_H / 2 / abs(dy) if dy else float("inf"))
    return x + dx * scale, y + dy * scale


def _arrow(start, end, label: str, highlighted: bool, show_label: bool) -> dict:
    (x1, y1), (x2, y2) = start, end
    length = hypot(x2 - x1, y2 - y1) or 1
    # the control point sits off the middle, to the arrow's right: A→B and B→A bow apart
    cx, cy = (x1 + x2) / 2 + CURVE * (y2 - y1) / length, (y1 + y2) / 2 - CURVE * (x2 - x1) / length
    a, b = _border_point(start, (cx, cy)), _border_point(end, (cx, cy))
    # Beside a steep arrow the label reads away from it, so the labels of A→B and B→A do not cover each other.
    anchor, x = "middle", cx
    if abs(x2 - x1) < abs(y2 - y1):
        anchor, x = ("start", cx + 3) if cx >= (x1 + x2) / 2 else ("end", cx - 3)
    return {"d": f"M{a[0]:.1f},{a[1]:.1f} Q{cx:.1f},{cy:.1f} {b[0]:.1f},{b[1]:.1f}", "on": highlighted,
            "label": label if show_label else "", "x": f"{x:.1f}", "y": f"{cy + 4:.1f}", "anchor": anchor}


def _box(state: str, label: str, centre, current: bool) -> dict:
    return {"state": state, "label": label, "current": current, "x": f"{centre[0] - BOX_W / 2:.1f}",
            "y": f"{centre[1] - BOX_H / 2:.1f}", "cx": f"{centre[0]:.1f}", "ty": f"{centre[1] + 5:.1f}"}


def draw(machine: Machine, *, current: str = "", allowed: tuple[str, ...] | list[str] = ()) -> str:
    """The machine as an SVG: `current` filled, the steps in `allowed` (the viewer's, from `current`) in colour."""
    rows = _rows(machine)
    places, width, height = _positions(rows)
    labels = {state.value: str(state.label) for state in machine.states}
    edges, keeping = [], []
    for step in machine.steps:
        if not step.target:
            keeping.append({"text": _("%(step)s: keeps the state (from %(states)s)") % {
                "step": step.label, "states": "、".join(labels[s] for s in step.sources)},
                "on": step.action in allowed})
            continue
        for n, source in enumerate(step.sources):
            highlighted = step.action in allowed and source == current
            edges.append(_arrow(places[source], places[step.target], str(step.label), highlighted,
                                show_label=n == 0 or highlighted))
    edges.sort(key=lambda edge: edge["on"])  # the viewer's steps are drawn last, on top
    context = {"machine": machine.name, "width": width, "height": height, "edges": edges, "keeping": keeping,
               "boxes": [_box(state, labels[state], places[state], state == current)
                         for state in machine.states.values],
               "box_w": BOX_W, "box_h": BOX_H, "accent": ACCENT, "ink": INK, "muted": MUTED, "fill": FILL,
               "title": _("%(machine)s: the states and steps") % {"machine": machine.label},
               "description": _describe(machine, labels, current, allowed)}
    return render_to_string("core/_workflow_picture.html", context)


def _describe(machine: Machine, labels: dict, current: str, allowed) -> str:
    """The picture in one sentence: where the record stands and what the viewer may do next."""
    parts = []
    if current in labels:
        parts.append(_("Now: %(state)s.") % {"state": labels[current]})
    steps = [str(machine.step(action).label) for action in allowed if machine.step(action)]
    parts.append(_("You may take: %(steps)s.") % {"steps": "、".join(steps)} if steps else
                 _("No step is open to you now."))
    return " ".join(parts)
