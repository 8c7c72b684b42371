from ninja import Field, Schema

from .regions import SLUG_BY_LEVEL


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = None

    @staticmethod
    def resolve_level(region) -> str:
        return SLUG_BY_LEVEL[region.level]

    @staticmethod
    def resolve_parent_code(region) -> str | None:
        return region.parent.code if region.parent_id else None


class StationOut(Schema):
    id: int
    code: str = Field(..., alias="region_code")
    name: str
    level: str
    kind: str
    region_name: str
    address: str
    phone: str
    opening_hours: str
    version: int

    @staticmethod
    def resolve_level(unit) -> str:
        return SLUG_BY_LEVEL[unit.level]

    @staticmethod
    def resolve_region_name(unit) -> str:
        return unit.region.name


class StationPatch(Schema):
    version: int
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    opening_hours: str | None = Field(None, max_length=100)
