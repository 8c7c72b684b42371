"""API schemas of the service network: a station's profile and facts, and the statistics
rolled up the region tree (network.facts). Money and areas are JSON numbers."""

from decimal import Decimal

from ninja import Field, Schema

from rongjia.core.regions import SLUG_BY_LEVEL
from rongjia.core.schemas import StationOut, StationPatch

from .facts import ChecklistBook, NetworkRow


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class StaffCountsOut(Schema):
    total: int
    full_time: int
    part_time: int
    veterans: int


class FiveHaveItemOut(Schema):
    position: int
    name: str
    met: bool = Field(..., description="ticked by the station")
    has_evidence: bool
    complete: bool = Field(..., description="ticked, with its evidence when the item asks for one")


class StationDetailOut(StationOut):
    """A unit with its profile and computed facts; built from a unit carrying `.facts`."""

    area_m2: float | None = None
    established_posts: int | None = None
    annual_funding: float | None = Field(None, description="yuan")
    brand_name: str = ""
    honours: str = ""
    profile_version: int = Field(..., description="send it back with profile changes (409 if stale)")
    staff: StaffCountsOut
    five_have: list[FiveHaveItemOut]
    five_have_missing: list[int] = Field(..., description="positions of the 五有 items not complete")
    below_standard: bool
    shortfalls: list[str]

    @staticmethod
    def resolve_area_m2(unit) -> float | None:
        return _number(unit.facts.area)

    @staticmethod
    def resolve_established_posts(unit) -> int | None:
        return unit.facts.profile.established_posts if unit.facts.profile else None

    @staticmethod
    def resolve_annual_funding(unit) -> float | None:
        return _number(unit.facts.funding)

    @staticmethod
    def resolve_brand_name(unit) -> str:
        return unit.facts.profile.brand_name if unit.facts.profile else ""

    @staticmethod
    def resolve_honours(unit) -> str:
        return unit.facts.profile.honours if unit.facts.profile else ""

    @staticmethod
    def resolve_profile_version(unit) -> int:
        # A unit without a profile yet is at version 1: the service creates it at that version.
        return unit.facts.profile.version if unit.facts.profile else 1

    @staticmethod
    def resolve_staff(unit) -> dict:
        f = unit.facts
        return {"total": f.staff, "full_time": f.full_time, "part_time": f.part_time, "veterans": f.veterans}

    @staticmethod
    def resolve_five_have(unit) -> list[dict]:
        return [
            {"position": item.position, "name": item.name, "met": bool(entry and entry.met),
             "has_evidence": bool(entry and entry.evidence), "complete": bool(entry and entry.complete)}
            for item, entry in unit.facts.five_have
        ]

    @staticmethod
    def resolve_five_have_missing(unit) -> list[int]:
        return [item.position for item in unit.facts.five_have_missing]

    @staticmethod
    def resolve_below_standard(unit) -> bool:
        return unit.facts.below_standard

    @staticmethod
    def resolve_shortfalls(unit) -> list[str]:
        return [str(s) for s in unit.facts.shortfalls]


class StationProfilePatch(StationPatch):
    """Basic details (with `version`) and/or profile fields (with `profile_version`)."""

    version: int | None = Field(None, description="required with name, address, phone or opening_hours")
    profile_version: int | None = Field(None, description="required with any profile field")
    area_m2: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=1)
    established_posts: int | None = Field(None, ge=0, le=100_000)
    annual_funding: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2, description="yuan")
    brand_name: str | None = Field(None, max_length=60)
    honours: str | None = Field(None, max_length=200)


class FiveHaveCountOut(Schema):
    name: str | None = Field(None, description="the item's name in the region's own 五有 list, if it has one")
    units: int


class NetworkRowOut(Schema):
    code: str
    name: str
    level: str
    units: int
    by_level: dict[str, int] = Field(..., description="main units (centres and stations) by level")
    by_kind: dict[str, int]
    five_have_each: dict[str, FiveHaveCountOut] = Field(..., description="by item position")
    five_have_all: int
    with_five_have_list: int
    staff: StaffCountsOut
    veteran_share: float | None = None
    established_posts: int
    area_m2: float
    funding: float = Field(..., description="annual funding, yuan")
    below_standard: int

    @classmethod
    def from_row(cls, row: NetworkRow, book: ChecklistBook) -> "NetworkRowOut":
        names = {item.position: item.name for item in book.items_for(row.code)}
        positions = sorted(set(names) | set(row.five_have_each))
        return cls(
            code=row.code, name=row.name, level=SLUG_BY_LEVEL[row.level], units=row.units,
            by_level={SLUG_BY_LEVEL[level]: n for level, n in sorted(row.by_level.items())},
            by_kind=dict(sorted(row.by_kind.items())),
            five_have_each={str(p): FiveHaveCountOut(name=names.get(p), units=row.five_have_each.get(p, 0))
                            for p in positions},
            five_have_all=row.five_have_all, with_five_have_list=row.with_five_have_list,
            staff=StaffCountsOut(total=row.staff, full_time=row.full_time, part_time=row.part_time,
                                 veterans=row.veterans),
            veteran_share=row.veteran_share, established_posts=row.established_posts,
            area_m2=float(row.area_m2), funding=float(row.funding), below_standard=row.below_standard,
        )


class NetworkStatsOut(Schema):
    region: NetworkRowOut
    children: list[NetworkRowOut]
