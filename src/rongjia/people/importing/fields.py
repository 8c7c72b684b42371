"""The fields a ledger column can be imported into, and the header words stations use for each.

Ledgers are named by whoever made them (退役军人信息采集表, 优抚对象花名册, 数据采集表…), so
one field goes by many names: 身份证号, 公民身份号码, 证件号码… `propose_field` maps a header to a
field key only on an exact (normalised) match, never on a substring: "联系电话（旧）" is a stale
column beside the real one, and taking it silently gave 11 of 30 people their old phone (issue 17).
The user confirms every proposal, so a miss costs one click while a wrong guess costs wrong data.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # plain Chinese, as the mapping select shows it
    synonyms: tuple[str, ...]  # header_key()-normalised header words meaning this field
    group: str  # "person" | "service" | "household" | "other": the select's optgroups
    repeatable: bool = False  # several columns may feed it (notes are joined); every other field takes one


# Removed from every header: whitespace of any kind (alignment spaces, the ideographic U+3000, line
# breaks typed with Alt+Enter), invisible marks copied in from Word or a web form, and the stars that
# templates put on required columns.
_DROPPED = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060*★☆※]+")


def header_key(text) -> str:
    """The form of a header that synonyms and remembered mappings are compared in.

    NFKC folds full-width letters, digits and brackets ("（旧）" -> "(旧)"); bracket contents are kept,
    because "联系电话(旧)" and "联系电话" are different columns.
    """
    if text is None:
        return ""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", str(text)))


def _field(key, label, group, synonyms, *, repeatable=False) -> Field:
    words = tuple(dict.fromkeys(header_key(word) for word in (label, *synonyms)))
    return Field(key=key, label=label, synonyms=words, group=group, repeatable=repeatable)


FIELDS: list[Field] = [
    # --- the person
    _field("name", "姓名", "person", ["名字", "人员姓名", "本人姓名", "对象姓名", "退役军人姓名", "军人姓名",
                                     "优抚对象姓名", "服务对象姓名"]),
    _field("id_number", "身份证号", "person", [
        "身份证号码", "公民身份号码", "公民身份证号码", "公民身份证号", "身份证", "证件号码", "证件号", "身份证件号码",
        "身份号码", "居民身份证号码", "居民身份证号"]),
    _field("sex", "性别", "person", []),
    _field("birth", "出生年月", "person", ["出生日期", "出生年月日", "出生时间", "生日"]),
    _field("phone", "联系电话", "person", [
        "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系手机", "移动电话", "本人电话",
        "本人联系电话", "本人手机", "本人手机号", "本人手机号码", "固定电话", "固话", "座机", "联系电话1", "电话1",
        "手机1", "联系方式1"]),
    _field("phone_alt", "备用电话", "person", [
        "备用联系电话", "其他电话", "其他联系电话", "其他联系方式", "联系电话2", "电话2", "手机2", "联系方式2"]),
    _field("village", "所在社区/村", "person", [
        "所在村", "所在社区", "村(社区)", "社区(村)", "所在村(社区)", "所在社区(村)", "社区", "村居", "所在村居",
        "所属村", "所属社区", "所属村(社区)", "村组", "村(居)", "村(居)委会", "村委会", "居委会", "村名", "村别",
        "村社区", "社区名称", "村(社区)名称", "所在村(居)"]),
    _field("region_code", "住址区划代码", "person", ["区划代码", "行政区划代码", "统计用区划代码"]),
    _field("address_detail", "详细地址", "person", [
        "现住址", "家庭住址", "住址", "户籍地", "户籍地址", "户籍所在地", "居住地址", "现居住地址", "现居住地",
        "居住地", "家庭地址", "家庭详细地址", "通讯地址", "联系地址", "现住地址"]),
    _field("ethnicity", "民族", "person", ["族别"]),
    _field("political_status", "政治面貌", "person", ["党派"]),
    _field("education", "文化程度", "person", ["学历", "文化", "最高学历", "受教育程度"]),
    _field("health", "健康状况", "person", ["身体状况", "健康情况", "身体健康状况"]),
    _field("categories", "人员类别", "person", [
        "类别", "优抚类别", "人员类型", "对象类别", "优抚对象类别", "优抚对象类型", "对象类型", "退役军人类别",
        "人员身份", "身份类别"]),
    _field("category_start", "类别起始日期", "person", ["类别起始时间", "起始日期", "起始时间", "认定日期", "认定时间",
                                                         "类别认定日期"]),
    _field("registered_on", "登记日期", "person", ["登记时间", "建档日期", "建档时间", "采集日期", "采集时间"]),
    _field("status", "人员状态", "person", ["状态", "在册状态", "是否健在", "健在情况", "生存状态", "是否在世"]),
    # --- service history
    _field("enlisted_on", "入伍时间", "service", ["参军时间", "入伍年月", "入伍日期", "参军年月", "服役情况/入伍时间"]),
    _field("discharged_on", "退役时间", "service", [
        "退伍时间", "退役年月", "退役日期", "退伍年月", "退伍日期", "复员时间", "转业时间", "退出现役时间",
        "服役情况/退役时间"]),
    _field("military_unit", "部队番号", "service", ["服役部队", "原部队", "原部队番号", "原服役部队", "服役单位",
                                                   "所在部队", "部队"]),
    _field("branch", "军种", "service", ["兵种", "军兵种", "服役军种"]),
    _field("rank", "职务/军衔", "service", ["职务", "军衔", "军衔/职务", "职务(军衔)", "部队职务", "退役时职务",
                                          "退役时军衔", "原职务", "职级"]),
    _field("discharge_mode", "退役方式", "service", ["安置方式", "退役安置方式", "退伍方式", "安置形式"]),
    _field("disability_grade", "伤残等级", "service", ["评残等级", "残疾等级", "伤残级别", "残疾级别"]),
    _field("disability_cause", "伤残性质", "service", ["致残性质", "残疾性质", "伤残属别", "致残原因", "伤残原因"]),
    _field("awards", "立功受奖", "service", ["奖惩情况", "立功受奖情况", "获奖情况", "立功情况", "受奖情况",
                                            "奖励情况", "荣誉称号", "服役期间立功受奖情况"]),
    # --- household
    _field("household", "家庭成员", "household", ["家庭成员情况", "家属情况", "家庭主要成员", "主要家庭成员"]),
    # --- other
    _field("notes", "备注", "other", ["说明", "其他", "其他情况", "备注说明"], repeatable=True),
]
BY_KEY: dict[str, Field] = {field.key: field for field in FIELDS}
_BY_SYNONYM: dict[str, str] = {word: field.key for field in FIELDS for word in field.synonyms}

# A bracketed remark that says the column is not the current one: such a column is never proposed,
# even when its base name is a synonym (联系电话(旧), 住址(原), 电话(已停用)).
_STALE = re.compile(r"旧|原|曾|停用|作废|过期|以前|历史|变更前|不用")
# A bracketed remark that only tells how to fill the column in; the column is the base name's.
_FILL_HINT = re.compile(
    r"^(\d+位|[年月日.\-/0-9yYmMdD]+|必填|选填|必选|单选|多选|可多选|如.*|例.*|格式.*|.*分隔.*|文本格式?)$")
_TRAILING_REMARK = re.compile(r"^(?P<base>.+?)\((?P<remark>[^()]*)\)$")


def propose_field(text) -> str:
    """The field key a header names, or "" (the column stays unmapped until the user maps it).

    A header joined from two rows ("服役情况/入伍时间") is tried whole, then by its trailing parts
    ("入伍时间"), so a group heading over the columns never hides what they hold. A heading that names
    another field itself is a different thing: "家庭成员/姓名" is a relative's name, not the person's.
    """
    key = header_key(text)
    parts = key.split("/")
    for start in range(len(parts)):
        field = _field_of("/".join(parts[start:]))
        if field:
            headings = {_field_of(part) for part in parts[:start]} - {"", field}
            return "" if headings else field
    return ""


def _field_of(key: str) -> str:
    if not key:
        return ""
    if key in _BY_SYNONYM:
        return _BY_SYNONYM[key]
    remark = _TRAILING_REMARK.match(key)
    if remark and not _STALE.search(remark["remark"]) and _FILL_HINT.match(remark["remark"]):
        return _BY_SYNONYM.get(remark["base"], "")
    return ""
