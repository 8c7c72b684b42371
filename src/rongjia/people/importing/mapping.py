"""Which field each column of a sheet goes into: proposed, checked, and remembered per unit.

A unit's ledgers keep their column names from year to year, so the mapping a worker confirms is
kept (`ColumnMemory`) and proposed again at the next upload, to that unit and to the units below it:
a street that settles "户籍地 -> 详细地址" once settles it for its villages, unless a village chose
otherwise (the nearest unit's choice wins).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import at_or_above_q

from ..models import ColumnMemory
from .fields import BY_KEY, propose_field
from .header import SourceColumn

# Without these a row cannot be matched to a person or registered.
REQUIRED = ("name", "id_number")


def propose_mapping(columns: list[SourceColumn], *, remembered: dict[str, str]) -> dict[int, str]:
    """column index -> field key ("" = not imported) for every column.

    What the unit chose before wins over the synonyms, including a choice not to import a column.
    A field other than notes is proposed for one column only, the leftmost; a second phone column
    becomes the alternate phone when no column is called that. Hidden columns are never proposed:
    a hidden column is an old one more often than not (联系电话（旧）), and is mapped by hand when
    the user includes it.
    """
    wanted = {column.index: _wanted_field(column, remembered) for column in columns if not column.hidden}
    named = set(wanted.values())
    taken: set[str] = set()
    mapping: dict[int, str] = {}
    for column in columns:
        field = wanted.get(column.index, "")
        if field and field in taken and not BY_KEY[field].repeatable:
            field = "phone_alt" if field == "phone" and "phone_alt" not in named | taken else ""
        mapping[column.index] = field
        taken.add(field)
    return mapping


def _wanted_field(column: SourceColumn, remembered: dict[str, str]) -> str:
    if column.key in remembered and (remembered[column.key] == "" or remembered[column.key] in BY_KEY):
        return remembered[column.key]
    return propose_field(column.key)


def mapping_problems(columns: list[SourceColumn], mapping: dict[int, str]) -> list[str]:
    """Why a mapping cannot be used (translated messages), or [] when it can."""
    problems: list[str] = []
    by_field: dict[str, list[SourceColumn]] = {}
    for column in columns:
        field = mapping.get(column.index, "")
        if not field:
            continue
        if field not in BY_KEY:
            problems.append(_("Column “%(column)s” is mapped to “%(field)s”, which is not a field that can be "
                              "imported.") % {"column": column.header, "field": field})
            continue
        by_field.setdefault(field, []).append(column)
    for field, sharing in by_field.items():
        if len(sharing) > 1 and not BY_KEY[field].repeatable:
            problems.append(_("Columns %(columns)s all correspond to “%(field)s”; a field takes one column, so map "
                              "only one of them to it.") % {
                "columns": "、".join(f"“{column.header}”" for column in sharing), "field": BY_KEY[field].label})
    for field in REQUIRED:
        if field not in by_field:
            problems.append(_("No column is mapped to “%(field)s”; people cannot be imported without it.")
                            % {"field": BY_KEY[field].label})
    return problems


def unmapped(columns: list[SourceColumn], mapping: dict[int, str]) -> list[SourceColumn]:
    """The columns that will not be imported, for the page to list (nothing is dropped without a word)."""
    return [column for column in columns if not mapping.get(column.index, "")]


def remembered_for(unit: OrgUnit | None) -> dict[str, str]:
    """header key -> field as the unit, or the nearest unit above it, last confirmed it.

    The units above are the centres and stations of the regions containing the unit's region (the
    region code's prefixes), and the unit's own region's main station for a 派驻站 beside it.
    """
    if unit is None:
        return {}
    above = OrgUnit.objects.filter(at_or_above_q("region_code", unit.region_code),
                                   kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
    # Nearest first: the unit itself, then the deepest level up to the province.
    nearness = {unit.pk: 0} | {other.pk: 1 + unit.level - other.level for other in above.exclude(pk=unit.pk)}
    remembered: dict[str, str] = {}
    rank: dict[str, int] = {}
    for unit_id, key, field in ColumnMemory.objects.filter(unit_id__in=nearness).values_list("unit_id", "key", "field"):
        if key not in rank or nearness[unit_id] < rank[key]:
            remembered[key], rank[key] = field, nearness[unit_id]
    return remembered


def remember(unit: OrgUnit, columns: list[SourceColumn], mapping: dict[int, str], actor) -> None:
    """Keep the mapping a user confirmed for the unit's next uploads (upsert by header key).

    Called by the import service once the user has confirmed the mapping. Not audited on its own:
    the import job's audit entry records the confirmed mapping, and a remembered mapping is a
    convenience that only pre-fills a choice the user confirms again. `actor` is the confirming user,
    kept in the signature for that caller; nothing here depends on it.

    A key two columns share with different fields (a visible 联系电话 and a hidden one left out) keeps
    the field one of them was given; one given two different fields is not remembered. A hidden column
    left out is not remembered as "not imported": the user never looked at it.
    """
    chosen: dict[str, set[str]] = {}
    longest = ColumnMemory._meta.get_field("key").max_length
    for column in columns:
        field = mapping.get(column.index, "")
        if column.key and len(column.key) <= longest and (field or not column.hidden):
            chosen.setdefault(column.key, set()).add(field)
    with transaction.atomic():
        for key, fields in chosen.items():
            given = fields - {""}
            if len(given) > 1 or not given <= BY_KEY.keys():
                continue
            ColumnMemory.objects.update_or_create(unit=unit, key=key, defaults={"field": next(iter(given), "")})
