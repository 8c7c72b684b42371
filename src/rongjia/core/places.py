"""Places by name: the regions a viewer may pick (街道/乡镇, 社区/村, …) and how a page names them.

A worker never types a 12-digit code: the place picker (core.forms_places) suggests places of the viewer's
own subtree by part of their name, each shown with its path from the county down ("江宁区 › 汤山街道 ›
古泉社区居委会"), so two 永安社区 of different streets can be told apart. Every read here starts from
`Region.objects.visible_to(viewer)`: a place outside the scope is never suggested, nor found by its name.
"""

import re
from dataclasses import dataclass

from .models import Region
from .regions import COUNTY, LEVEL_BY_SLUG, PREFIX_LENGTH, STREET, VILLAGE, pad_code

SEPARATOR = " › "
SUGGESTIONS = 20  # enough to find a place by two characters, short enough for a phone above its keyboard
QUERY_MAX = 40  # longer than any place's path; more is not a name
DEFAULT_LEVELS = (STREET, VILLAGE)  # 街道 → 社区: where served people live


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int
    path: str  # "江宁区 › 汤山街道 › 古泉社区居委会": what the suggestion and the box show


def levels_from(slugs: str) -> tuple[int, ...]:
    """'street,village' -> (4, 5); unknown words are ignored, nothing known gives the default levels."""
    levels = tuple(sorted({LEVEL_BY_SLUG[s] for s in slugs.split(",") if s in LEVEL_BY_SLUG}))
    return levels or DEFAULT_LEVELS


def places_in_scope(viewer, levels=DEFAULT_LEVELS):
    """Current regions of the viewer's subtree at `levels` (none for a viewer without a scope)."""
    return Region.objects.current().visible_to(viewer).filter(level__in=levels)


def name_part(typed: str) -> str:
    """The name a worker means by what is in the box: its last step, when a whole path was typed or kept."""
    return typed[:QUERY_MAX].split("›")[-1].strip()


def squashed(text: str) -> str:
    """A name or path without its spaces, so "江宁区›汤山街道" and "江宁区 › 汤山街道" compare equal."""
    return re.sub(r"\s+", "", text)


def place_suggestions(viewer, typed: str, levels=DEFAULT_LEVELS) -> list[Place]:
    """At most SUGGESTIONS places of the viewer's subtree whose name contains what was typed, streets before
    villages; nothing typed lists the first ones (a station worker's scope is often its one village)."""
    regions = places_in_scope(viewer, levels)
    name = name_part(typed)
    if name:
        regions = regions.filter(name__contains=name)
    return with_paths(regions.order_by("level", "code")[:SUGGESTIONS])


def with_paths(regions) -> list[Place]:
    """Each region as a Place with its path, the ancestors' names read in one query for all of them."""
    regions = list(regions)
    wanted = {code for region in regions for code in _ancestor_codes(region)}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}
    return [Place(region.code, region.name, region.level,
                  SEPARATOR.join([*(names[c] for c in _ancestor_codes(region) if c in names), region.name]))
            for region in regions]


def place_of(region: Region) -> Place:
    return with_paths([region])[0]


def _ancestor_codes(region: Region) -> list[str]:
    """The county's and the street's 12-digit codes above a region (the path starts at the county)."""
    codes = [pad_code(region.code[:PREFIX_LENGTH[level]]) for level in (COUNTY, STREET) if level < region.level]
    return [code for code in dict.fromkeys(codes) if code != region.code]  # places without a county repeat it
