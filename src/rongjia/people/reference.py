"""National standard code lists used in a dossier (fixed by the standards, so kept in code)."""

from django.utils.translation import gettext_lazy as _

# GB 3304-1991 民族 (the 56 nationalities, then the two residual codes), in code order.
ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNIC_CHOICES = [(f"{n:02d}", name) for n, name in enumerate(ETHNIC_GROUPS, start=1)] + [
    ("97", "其他"), ("98", "外国血统中国籍人士"),
]

# GB/T 4762-1984 政治面貌
POLITICAL_CHOICES = [
    ("01", "中国共产党党员"), ("02", "中国共产党预备党员"), ("03", "中国共产主义青年团团员"),
    ("04", "中国国民党革命委员会会员"), ("05", "中国民主同盟盟员"), ("06", "中国民主建国会会员"),
    ("07", "中国民主促进会会员"), ("08", "中国农工民主党党员"), ("09", "中国致公党党员"),
    ("10", "九三学社社员"), ("11", "台湾民主自治同盟盟员"), ("12", "无党派民主人士"), ("13", "群众"),
]

EDUCATION_CHOICES = [
    ("", _("Unknown")), ("primary", "小学"), ("junior", "初中"), ("senior", "高中/中专"), ("college", "大专"),
    ("bachelor", "本科"), ("master", "硕士研究生"), ("doctor", "博士研究生"),
]


RELATIONSHIP_CHOICES = [
    ("spouse", "配偶"), ("child", "子女"), ("parent", "父母"), ("parent_in_law", "岳父母/公婆"),
    ("sibling", "兄弟姐妹"), ("grandchild", "孙子女/外孙子女"), ("grandparent", "祖父母/外祖父母"), ("other", "其他"),
]

BRANCH_CHOICES = [
    ("army", "陆军"), ("navy", "海军"), ("air_force", "空军"), ("rocket", "火箭军"), ("aerospace", "军事航天部队"),
    ("cyberspace", "网络空间部队"), ("information", "信息支援部队"), ("logistics", "联勤保障部队"),
    ("strategic", "原战略支援部队"), ("second_art", "原第二炮兵"), ("pap", "武警部队"), ("other", "其他"),
]

# 退役方式, in the words of the 退役军人保障法 and the ledgers.
DISCHARGE_CHOICES = [
    ("transfer", "转业"), ("demob", "复员"), ("retire", "退休"), ("monthly", "逐月领取退役金"),
    ("self", "自主就业"), ("assigned", "安排工作"), ("supported", "供养"),
]

AWARD_CHOICES = [
    ("first", "一等功"), ("second", "二等功"), ("third", "三等功"), ("honour", "荣誉称号"), ("bayi", "八一勋章"),
    ("other", "其他表彰"),
]

DISABILITY_CAUSE_CHOICES = [("war", "因战"), ("duty", "因公"), ("illness", "因病")]

# Tags as first shipped (people migration 0005); the system administrator keeps them after that.
DEFAULT_TAGS = {
    "need": ["就业需求", "创业需求", "培训需求", "就医需求", "住房需求", "法律援助需求", "心理疏导需求"],
    "hardship": ["生活困难", "因病致困", "因残致困", "因灾致困", "低保", "特困供养"],
    "health": ["健康", "慢性病", "重大疾病", "失能半失能"],
    "thought": ["思想稳定", "有诉求", "需重点关注"],
    "identity": ["党员", "志愿者", "退役军人志愿服务队"],
}
