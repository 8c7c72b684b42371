"""One scoping home: every subtree test on a region code goes through rongjia.core.scoping.

A hand-written `region_code__startswith=prefix` is a LIKE that SQLite cannot index, and a
hand-written `code.startswith(prefix)` is a second definition of "inside the subtree" that can
drift from the first. This test walks the source and names each one it finds (file:line).
"""

import re
from pathlib import Path

import pytest

import rongjia

SRC = Path(rongjia.__file__).resolve().parent
HOME = SRC / "core" / "scoping.py"

# A lookup on a code column, static or built in an f-string: region_code__startswith=…,
# station__region_code__startswith, code__startswith, jurisdiction_code__startswith,
# f"{code_field}__startswith", f"{side}__region_code__startswith".
CODE_LOOKUP = re.compile(r"code\w*\}?__i?startswith\b")
# Any lookup whose field comes from a variable (f"{field}__startswith"): that is subtree_q's job.
DYNAMIC_LOOKUP = re.compile(r"\{[^{}]*\}\w*__i?startswith\b")
# A Python-side subtree test on a code, prefix or jurisdiction (unit.code.startswith(prefix),
# code12.startswith(prefix), r.prefix.startswith(own), jurisdiction.startswith(prefix)), or any
# .startswith(<a code or prefix>). A literal that is not a code is fine: code.startswith("id_").
CODE_RECEIVER = re.compile(r"\b\w*(?:code|prefix|jurisdiction)\w*\s*\.startswith\(\s*(?![\"'][^\"'\d])")
CODE_ARGUMENT = re.compile(r"\.startswith\(\s*[\w.]*(?:code|prefix|jurisdiction)\w*(?:\[[^\]]*\])?\s*\)")

PATTERNS = {
    "a __startswith lookup on a code field (use subtree_q / code_search_q / admin_subtree_q)": CODE_LOOKUP,
    "a __startswith lookup on a field named by a variable (use subtree_q)": DYNAMIC_LOOKUP,
    "a hand-written subtree test on a code (use code_in_subtree)": CODE_RECEIVER,
    "a hand-written subtree test against a code or prefix (use code_in_subtree)": CODE_ARGUMENT,
}


def offences(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        found += [(number, why) for why, pattern in PATTERNS.items() if pattern.search(line)]
    return found


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.relative_to(SRC).parts or path == HOME:
            continue
        yield path


def test_no_region_filter_is_written_outside_the_scoping_home():
    sources = list(_sources())
    assert len(sources) > 50  # the walk found the source tree
    found = [f"{path.relative_to(SRC.parent)}:{number}: {why}"
             for path in sources for number, why in offences(path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("line", [
    "OrgUnit.objects.filter(region_code__startswith=prefix)",
    "Person.objects.filter(station__region_code__startswith=county_prefix)",
    "regions.filter(code__startswith=q)",
    "Q(jurisdiction_code__startswith=prefix)",
    'Q(**{f"{code_field}__startswith": prefix})',
    'filter(**{f"{side}__region_code__startswith": prefix})',
    'Q(**{f"{field}__startswith": value})',
    "return code.startswith(self.prefix)",
    "unit.code.startswith(prefix)",
    "account.org_unit.region_code.startswith(prefix)",
    "code12.startswith(prefix) or prefix.startswith(code)",
    "if r.prefix.startswith(own_prefix)]",
    "if jurisdiction.startswith(prefix)]",
    'code.startswith("3201")',
    "unit.name.startswith(region.code[:6])",
])
def test_the_patterns_catch_hand_written_subtree_tests(line):
    assert offences(line), line


@pytest.mark.parametrize("line", [
    "people.filter(name_initials__startswith=q.lower())",
    "DailyFigure.objects.filter(metric__startswith=source.family).delete()",
    'if request.path.startswith("/api/"):',
    "if head.startswith(signature):",
    "return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)",
    'return "id_number" if code.startswith("id_") else None',
    'if not metric.startswith("petitions.") or user.can("petitions.view")]',
    "name.startswith(SCRATCH_PREFIX)",
    'if sys.platform.startswith("linux"):',
    "return path.startswith(static) or path.startswith(\"/i18n/\")",
    "# a comment about region_code__startswith",
])
def test_the_patterns_leave_unrelated_startswith_alone(line):
    assert not offences(line), line
