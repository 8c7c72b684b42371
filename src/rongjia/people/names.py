"""A name in latin letters: the keys the people list searches and sorts by (高建军 → gaojianjun, gaojj, gjj).

Workers type names as their phone keyboards take them: the whole pinyin with or without spaces
(gaojianjun, gao jian jun), the surname in full and the given name by its initials (gaojj), or the
initials alone (gjj). Each is kept on the person row and found as a prefix through a b-tree, so a
search never converts a million names while the viewer waits; the whole pinyin is also the list's
default order, 高江 and 高建军 together under "gao" rather than mixed by their initials.

pypinyin reads a character as the commonest word does, which is wrong for a handful of surnames
(单 is shan, not dan; 曾 zeng; 解 xie): the surname is read from the tables below first, then the
given name as pypinyin reads it. Characters that are neither Chinese nor latin letters (the "·" of
买买提·艾力) add nothing. The keys are plain lowercase letters, so their order and their ranges are
the same under the C, ICU and glibc collations.
"""

from dataclasses import dataclass

from pypinyin import lazy_pinyin

PINYIN_LENGTH = 100  # the columns' sizes: 40 characters of a name read at most 6 letters each,
ABBR_LENGTH = 60  # but ordering and prefix search never need more than the first 100
INITIALS_LENGTH = 40

# Surnames read otherwise than in common words (百家姓 多音字).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha", "盖": "ge",
    "缪": "miao", "覃": "qin", "翟": "zhai", "乐": "yue", "召": "shao", "种": "chong", "秘": "bi", "员": "yun",
    "繁": "po", "折": "she", "祭": "zhai", "长": "chang", "重": "chong", "句": "gou", "薄": "bo", "卜": "bu",
    "能": "nai", "藏": "zang", "阚": "kan", "粘": "nian", "隗": "wei", "宓": "fu", "都": "du",
}
# Two-character surnames: read as one, and kept whole before the given name's initials (欧阳修 → ouyangx).
COMPOUND_SURNAMES = {
    "欧阳": "ou yang", "司马": "si ma", "诸葛": "zhu ge", "上官": "shang guan", "东方": "dong fang",
    "皇甫": "huang fu", "尉迟": "yu chi", "公孙": "gong sun", "慕容": "mu rong", "长孙": "zhang sun",
    "宇文": "yu wen", "司徒": "si tu", "夏侯": "xia hou", "轩辕": "xuan yuan", "令狐": "ling hu", "端木": "duan mu",
    "独孤": "du gu", "南宫": "nan gong", "西门": "xi men", "百里": "bai li", "呼延": "hu yan", "万俟": "mo qi",
    "澹台": "tan tai", "申屠": "shen tu", "太史": "tai shi", "闻人": "wen ren", "赫连": "he lian", "拓跋": "tuo ba",
    "钟离": "zhong li", "宗政": "zong zheng", "濮阳": "pu yang", "淳于": "chun yu", "单于": "chan yu",
    "司空": "si kong", "乐正": "yue zheng", "谷梁": "gu liang", "左丘": "zuo qiu", "第五": "di wu",
}


@dataclass(frozen=True)
class NameKeys:
    pinyin: str  # gaojianjun: the order, and a search in full pinyin
    abbr: str  # gaojj: the surname in full, the given name by its initials
    initials: str  # gjj


def name_keys(name: str) -> NameKeys:
    """The three keys of a name; a name with no letter to read in it gets "-" for initials (never blank).

    A name without Chinese characters (a family member born abroad: Anna Petrova) has no surname to read apart:
    each key is its letters (annapetrova), as its initials always were.
    """
    if not any(_is_chinese(c) for c in name):
        letters = typed_pinyin(name)
        return NameKeys(letters[:PINYIN_LENGTH], letters[:ABBR_LENGTH], letters[:INITIALS_LENGTH] or "-")
    surname, given = _split(name.strip())
    surname_syllables = _surname_syllables(surname)
    given_syllables = _syllables(given)
    syllables = surname_syllables + given_syllables
    pinyin = "".join(syllables)
    abbr = "".join(surname_syllables) + "".join(s[0] for s in given_syllables)
    initials = "".join(s[0] for s in syllables)
    return NameKeys(pinyin[:PINYIN_LENGTH], abbr[:ABBR_LENGTH], initials[:INITIALS_LENGTH] or "-")


def typed_pinyin(text: str) -> str:
    """What a worker typed in latin letters, as the keys are kept: lowercase, without spaces or apostrophes
    (gao jian jun, Gao'jianjun → gaojianjun)."""
    return "".join(c for c in text.lower() if c.isascii() and c.isalpha())


def _is_chinese(character: str) -> bool:
    """A CJK ideograph (the basic block and extension A; rarer ones pypinyin reads too, but not names here)."""
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"


def _split(name: str) -> tuple[str, str]:
    """The surname and the given name; a name of one or two characters keeps one character as its surname."""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _surname_syllables(surname: str) -> list[str]:
    if surname in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[surname].split()
    if surname in SURNAME_READINGS:
        return [SURNAME_READINGS[surname]]
    return _syllables(surname)


def _syllables(text: str) -> list[str]:
    """pypinyin's reading of the Chinese characters (as words: 长江 is changjiang), and latin letters as they
    are, lowercase, one "syllable" per letter run; anything else is dropped."""
    syllables = []
    for part in lazy_pinyin(text, errors="default"):
        letters = typed_pinyin(part)
        if letters:
            syllables.append(letters)
    return syllables
