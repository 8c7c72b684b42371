"""Which region a ledger row means, from its 所在社区/村 value or its address text (issue 17).

Ledgers name places, not codes: "古泉社区", "古泉村3组", "城关镇古泉村", or a whole address
("甘肃省兰州市城关区XX街道古泉社区12号楼"). A `Placer` matches such text against the current
village/community and township regions inside the uploader's own scope, and only those, so a row can
never be placed in an area the uploader does not serve. A name that fits several regions (two 新庄村
in two townships) returns them all, and the caller asks the user once per distinct value.

The official names carry committee words the ledgers leave out ("古泉社区居委会", "湖山村委会",
"水泉湾村村民委会"), so every region is indexed under its full name, its short name ("古泉社区",
"湖山村") and its bare name ("古泉"). Everything is loaded in one query and matched in memory:
a province (Gansu: ~17,700 villages, ~1,400 townships) is indexed in a fraction of a second, and
an address costs about one dictionary look-up per character.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rongjia.core.models import Region
from rongjia.core.regions import CODE_LENGTH, STREET, VILLAGE

# Committee words after a village/community name, longest first, with the kind word they stand for:
# "古泉社区居委会" -> "古泉社区", "湖山村委会" -> "湖山村", "东门居委会" -> "东门社区".
_COMMITTEE_ENDINGS = (
    ("社区居民委员会", "社区"), ("社区居委会", "社区"), ("社区委会", "社区"),
    ("村民委员会", "村"), ("村民委会", "村"), ("村委员会", "村"), ("村委会", "村"),
    ("居民委员会", "社区"), ("居委会", "社区"),
    ("嘎查委员会", "嘎查"),
    ("委员会", ""), ("委会", ""),
)
# The kind word left after the committee words; without it a name is bare ("古泉").
_KIND_WORDS = ("社区", "嘎查", "村")
_KIND_SPELLINGS = {"社区": ("社区", "居委会"), "村": ("村", "村委会")}  # "古泉社区" is also written "古泉居委会"
_TOWNSHIP_ENDINGS = ("街道办事处", "街道", "镇", "乡", "苏木")
_COUNTY_ENDINGS = ("自治县", "自治旗", "县", "区", "市", "旗")
# A name followed by one of these is part of a longer name, not the place: "汤山" in "汤山街道", "古泉" in
# "古泉路" or "古泉镇". A digit, a kind word or a group after it is fine ("古泉3组", "古泉社区").
_NOT_AFTER_NAME = frozenset("省市区县旗盟镇乡街路巷道")
# A name that ends in a word of its own level stands whole even so: "朝那镇" in "朝那镇街子村".
_WHOLE_NAME_ENDINGS = ("社区", "委会", "委员会", "嘎查", "苏木", "街道", "办事处", "镇", "乡", "县", "区", "市", "旗")
# Production groups after the village: "古泉村3组", "古泉村第三村民小组", "新庄村二队", "新庄村一社" (Gansu).
_GROUP_TAIL = re.compile(r"(?:第?[0-9一二三四五六七八九十百零〇两]+(?:村民小组|居民小组|小组|组|生产队|小队|队|社))+$")
_BRACKETED = re.compile(r"\([^()]*\)")
_SHORTEST_CONTAINED = 2  # one character ("王" of 王村) would match half of every address
_LONGEST_TEXT = 300  # an address longer than this is not an address; its head is searched

Span = tuple[int, int]


@dataclass(frozen=True)
class Place:
    region_id: int
    region_code: str
    label: str  # township + village, "汤山街道古泉社区"; the county first when the scope spans several


def clean_text(text) -> str:
    """NFKC (full-width digits and brackets), no spaces of any kind (ledgers align names with 　)."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def _committee_split(name: str) -> tuple[str, str]:
    """("古泉社区居委会") -> ("古泉社区", "古泉社区"); ("新村村委会") -> ("新村", "新村村"): the short name,
    and the short name as if the kind word were not already in the name (a ledger may write either)."""
    name = clean_text(name)
    plain = _BRACKETED.sub("", name) or name  # "东城嘉园村(居)委会" -> "东城嘉园村委会"
    for ending, kind in _COMMITTEE_ENDINGS:
        if plain.endswith(ending) and len(plain) > len(ending):
            rest = plain[: -len(ending)]
            # "水泉湾村" + "村民委会", "新村" + "村委会": the kind word is already there.
            return (rest if rest.endswith(kind) else rest + kind), rest + kind
    return plain, plain


def short_name(name: str) -> str:
    """The name as people write it: committee words off, the kind word kept ("古泉社区居委会" -> "古泉社区")."""
    return _committee_split(name)[0]


def bare_name(short: str) -> str:
    """The short name without its kind word ("古泉社区" -> "古泉"); "" when too little would be left, or when
    what is left is a township's name ("松山镇" of 松山镇社区 names the township)."""
    for kind in _KIND_WORDS:
        if short.endswith(kind):
            core = short[: -len(kind)]
            if len(core) >= _SHORTEST_CONTAINED and not core.endswith(_TOWNSHIP_ENDINGS):
                return core
            return ""
    return ""


def village_aliases(name: str) -> set[str]:
    """Every spelling a ledger may use for a village/community."""
    return _village_spellings(name)[1]


def _village_spellings(name: str) -> tuple[str, set[str]]:
    """The short name and every spelling, from one pass over the name (the index calls this 19,000 times)."""
    short, doubled = _committee_split(name)
    aliases = {clean_text(name), short, doubled}
    core = bare_name(short)
    if core:
        kind = short[len(core):]
        aliases.update(core + spelling for spelling in _KIND_SPELLINGS.get(kind, ()))
        aliases.add(core)
    return short, aliases


def _area_aliases(name: str, endings: tuple[str, ...]) -> set[str]:
    """A township's or county's name, and the name without its level word ("汤山街道" -> "汤山")."""
    name = clean_text(name)
    for ending in endings:
        if name.endswith(ending) and len(name) - len(ending) >= _SHORTEST_CONTAINED:
            return {name, name[: -len(ending)]}
    return {name}


def township_aliases(name: str) -> set[str]:
    return _area_aliases(name, _TOWNSHIP_ENDINGS)


def county_aliases(name: str) -> set[str]:
    return _area_aliases(name, _COUNTY_ENDINGS)


@dataclass
class _NameIndex:
    """Alias -> region ids, with the lengths of the aliases that begin with each two characters,
    so a text is scanned with one look-up per character instead of one per substring."""

    aliases: dict[str, tuple[int, ...]] = field(default_factory=dict)  # nearly always one id: a tuple is small
    starts: dict[str, set[int]] = field(default_factory=dict)

    def add(self, aliases: set[str], key: int) -> None:
        known, starts = self.aliases, self.starts
        for alias in aliases:
            keys = known.get(alias, ())
            if key not in keys:
                known[alias] = (*keys, key)
            if len(alias) >= _SHORTEST_CONTAINED:
                head = alias[:_SHORTEST_CONTAINED]
                if head in starts:
                    starts[head].add(len(alias))
                else:
                    starts[head] = {len(alias)}

    def exact(self, text: str) -> set[int]:
        return set(self.aliases.get(text, ()))

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, key) of every alias inside the text where it stands as a name of its own:
        not "古泉" in "古泉路", nor anything inside that road's name."""
        found, taken = [], []
        aliases, starts, size = self.aliases, self.starts, len(text)
        for start in range(size - 1):
            for length in starts.get(text[start:start + _SHORTEST_CONTAINED], ()):
                end = start + length
                if end > size:
                    continue
                alias = text[start:end]
                keys = aliases.get(alias)
                if not keys:
                    continue
                if end < size and text[end] in _NOT_AFTER_NAME and not alias.endswith(_WHOLE_NAME_ENDINGS):
                    taken.append((start, end))
                else:
                    found.extend((start, end, key) for key in keys)
        if taken:
            found = [hit for hit in found if not any(first <= hit[0] and hit[1] <= last for first, last in taken)]
        return found


@dataclass
class RegionIndex:
    """The regions of one scope, by every name a ledger may give them."""

    villages: dict[int, Place] = field(default_factory=dict)  # by region id
    townships: dict[int, Place] = field(default_factory=dict)  # the townships inside the scope, by id
    area_of: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)  # id -> (township, county)
    village_names: _NameIndex = field(default_factory=_NameIndex)
    township_names: _NameIndex = field(default_factory=_NameIndex)  # every township a village hangs from
    county_names: _NameIndex = field(default_factory=_NameIndex)
    with_county: bool = False  # labels name the county: the scope spans several, with 城关镇 in many

    @classmethod
    def build(cls, rows) -> "RegionIndex":
        """rows: (id, code, name, level, parent id, parent name, grandparent id, grandparent name) of the
        current township and village regions; a village's parent is its township, its grandparent the county."""
        index = cls()
        # id, code, short name, official name, level, township id, county id
        parts: list[tuple[int, str, str, str, int, int | None, int | None]] = []
        names: dict[int | None, str] = {None: ""}  # township and county names by id, cleaned once
        for region_id, code, name, level, parent_id, parent_name, grand_id, grand_name in rows:
            if level == VILLAGE:
                short, aliases = _village_spellings(name)
                index.village_names.add(aliases, region_id)
                index.area_of[region_id] = (parent_id, grand_id)
                parts.append((region_id, code, short, name, level, parent_id, grand_id))
                township_id, township_name, county_id, county_name = parent_id, parent_name, grand_id, grand_name
            elif level == STREET:
                index.area_of[region_id] = (region_id, parent_id)
                parts.append((region_id, code, "", "", level, region_id, parent_id))
                township_id, township_name, county_id, county_name = region_id, name, parent_id, parent_name
            else:
                continue
            if township_id is not None and township_id not in names:
                names[township_id] = clean_text(township_name)
                index.township_names.add(township_aliases(township_name or ""), township_id)
            if county_id is not None and county_id not in names:
                names[county_id] = clean_text(county_name)
                index.county_names.add(county_aliases(county_name or ""), county_id)
        index.with_county = len({county_id for *_rest, county_id in parts} - {None}) > 1
        labels = [index.label(short, names[township_id], names[county_id])
                  for _id, _code, short, _name, _level, township_id, county_id in parts]
        # 六峰社区居民委员会 and 六峰居民委员会 of one township are both "六峰社区": the official names tell them apart.
        counts = Counter(labels)
        for label, (region_id, code, _short, name, level, township_id, county_id) in zip(labels, parts, strict=True):
            if counts[label] > 1 and level == VILLAGE:
                label = index.label(clean_text(name), names[township_id], names[county_id])
            (index.villages if level == VILLAGE else index.townships)[region_id] = Place(region_id, code, label)
        return index

    def label(self, name: str, township: str, county: str) -> str:
        return (county if self.with_county else "") + township + name


_ROW = ("id", "code", "name", "level", "parent_id", "parent__name", "parent__parent_id", "parent__parent__name")


class Placer:
    """The places one uploader may put people in, matched by name; built once per check or commit."""

    def __init__(self, actor):
        self.actor = actor
        self.index = RegionIndex.build(
            Region.objects.visible_to(actor).current().filter(level__in=(STREET, VILLAGE)).values_list(*_ROW))
        loaded = [*self.index.villages.values(), *self.index.townships.values()]
        self._by_code: dict[str, Place | None] = {place.region_code: place for place in loaded}
        self._found: dict[str, tuple[list[Place], str]] = {}

    def default(self) -> Place | None:
        """The uploader's own unit's region when the unit serves one village/community; None above that
        (a township or county station serves many villages, so its rows need a name)."""
        unit = getattr(self.actor, "org_unit", None)
        if unit is None or unit.level != VILLAGE:
            return None
        return self.region_for_code(unit.region_code)

    def region_for_code(self, code) -> Place | None:
        """The current region with this 12-digit code inside the scope (any level: our own export may
        carry a township's code), or None."""
        code = clean_text(code)
        if len(code) != CODE_LENGTH or not code.isdigit():
            return None
        if code not in self._by_code:
            row = (Region.objects.visible_to(self.actor).current().filter(code=code)
                   .values_list("id", "code", "name", "level", "parent__name", "parent__parent__name").first())
            self._by_code[code] = None if row is None else self._place_of(*row)
        return self._by_code[code]

    def _place_of(self, region_id, code, name, level, parent_name, grand_name) -> Place:
        if level == VILLAGE:
            label = self.index.label(short_name(name), clean_text(parent_name), clean_text(grand_name))
        elif level == STREET:
            label = self.index.label(clean_text(name), "", clean_text(parent_name))
        else:
            label = clean_text(name)
        return Place(region_id, code, label)

    def villages(self, limit: int = 500) -> list[Place]:
        """Every village and community in scope, by code (the choices when a name matched none)."""
        return sorted(self.index.villages.values(), key=lambda place: place.region_code)[:limit]

    def candidates(self, text) -> list[Place]:
        """The regions in scope the text names; several when it is ambiguous, none when nothing in scope fits."""
        return self._match(text)[0]

    def matched_name(self, text) -> str:
        """The part of the text the candidates were found by ("古泉社区" in a whole address), "" if none.
        Addresses differ row by row; the caller asks about an ambiguous place once per matched name."""
        return self._match(text)[1]

    def _match(self, text) -> tuple[list[Place], str]:
        text = _GROUP_TAIL.sub("", clean_text(text)[:_LONGEST_TEXT])
        if text not in self._found:
            self._found[text] = self._villages_in(text) or self._townships_in(text) or ([], "")
        return self._found[text]

    def _villages_in(self, text: str) -> tuple[list[Place], str] | None:
        exact = self.index.village_names.exact(text)
        if exact:
            return self._places(exact, self.index.villages), text
        found = _longest_per_key(self.index.village_names.occurrences(text))
        # A name inside a longer one names nothing by itself: "古泉" inside "古泉社区" is not also 古泉村.
        spans = set(found.values())
        kept = {span for span in spans if not any(_strictly_inside(span, other) for other in spans)}
        found = {key: span for key, span in found.items() if span in kept}
        return self._narrowed(text, found, self.index.villages, levels=(0, 1)) if found else None

    def _townships_in(self, text: str) -> tuple[list[Place], str] | None:
        """No village named: a township of the scope named by the text ("汤山街道温泉路8号")."""
        names = self.index.township_names
        found = {key: (0, len(text)) for key in names.exact(text)} or _longest_per_key(names.occurrences(text))
        found = {key: span for key, span in found.items() if key in self.index.townships}
        return self._narrowed(text, found, self.index.townships, levels=(1,)) if found else None

    def _narrowed(self, text, found: dict[int, Span], table, *, levels) -> tuple[list[Place], str]:
        """Of several matches, those whose township (then county) the text also names; then the longest."""
        counties = self.index.county_names.occurrences(text) if len(found) > 1 else []
        for level in levels:
            if len(found) < 2:
                break
            if level:
                mentions = counties
            else:  # "张家川" inside "张家川回族自治县" names the county, not 张家川镇
                mentions = [(start, end, area) for start, end, area in self.index.township_names.occurrences(text)
                            if not any(_strictly_inside((start, end), (first, last)) for first, last, _c in counties)]
            # Named outside the match itself: "新庄" of 新庄镇 inside "新庄村" names no township.
            named = {key: span for key, span in found.items()
                     if any(area == self.index.area_of[key][level] and not _overlap((start, end), span)
                            for start, end, area in mentions)}
            found = named or found
        longest = max(end - start for start, end in found.values())
        chosen = {key for key, (start, end) in found.items() if end - start == longest}
        start, end = found[min(chosen)]
        return self._places(chosen, table), text[start:end]

    @staticmethod
    def _places(ids, table: dict[int, Place]) -> list[Place]:
        return sorted((table[region_id] for region_id in ids), key=lambda place: place.region_code)


def _longest_per_key(hits) -> dict[int, Span]:
    found: dict[int, Span] = {}
    for start, end, key in hits:
        if key not in found or end - start > found[key][1] - found[key][0]:
            found[key] = (start, end)
    return found


def _strictly_inside(span: Span, other: Span) -> bool:
    return span != other and other[0] <= span[0] and span[1] <= other[1]


def _overlap(span: Span, other: Span) -> bool:
    return span[0] < other[1] and other[0] < span[1]
