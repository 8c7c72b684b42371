"""Reading an uploaded ledger as it is (issue 17): every sheet, what Excel hides and merges, values as the
file holds them, the kind told by content, and a clear refusal for each file that cannot be read.

Every file is built here: .xlsx with openpyxl or by hand (for XML quirks openpyxl never writes), .xls and
the password-protected .xlsx as OLE compound files written byte by byte (no .xls writer is installed;
the compound-file and BIFF8 writers below follow [MS-CFB] and [MS-XLS], and xlrd, an independent
reader, is asked to agree that the .xls is well formed).
"""

import csv
import datetime
import io
import math
import random
import re
import struct
import zipfile

import pytest
import xlrd
from django.utils import translation
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from rongjia.people.importing import workbook as reading
from rongjia.people.importing.workbook import FileRefused, Ledger, SheetData, open_ledger

ID_NUMBER = 310101199001011234  # what a clerk typed; Excel keeps it as a float and loses the last digits


@pytest.fixture(autouse=True)
def english():
    """Refusals are asserted in their English msgids, whatever the catalogue translates them to."""
    with translation.override("en"):
        yield


def put(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(path, original_name="ledger") -> str:
    with pytest.raises(FileRefused) as refused:
        ledger = open_ledger(path, original_name=original_name)
        for sheet in ledger.sheets:  # some damage only shows when a sheet is read
            list(sheet.iter_rows())
    return str(refused.value)


# ------------------------------------------------------------------------------------------ .xlsx


def collection_workbook() -> Workbook:
    """A 采集表 as stations keep it: an instructions sheet, a group sheet with a merged title, a hidden
    row and a hidden column, a hidden group sheet, a very hidden lookup sheet and a chart sheet."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes["A1"] = "填表说明：身份证号请填写18位"
    group = workbook.create_sheet("一组")
    group["C1"] = "退役军人信息采集表"
    group.merge_cells("C1:G1")
    for column, header in zip("CDEFG", ["姓名", "身份证号", "联系电话（旧）", "联系电话", "入伍时间"]):
        group[f"{column}3"] = header
    group["C4"], group["D4"], group["E4"], group["F4"] = "黎　平", ID_NUMBER, "13800000000", "13911112222"
    group["G4"] = datetime.date(2001, 12, 1)
    group["G4"].number_format = "yyyy-mm-dd"
    group["C5"], group["D5"], group["G5"] = "张三", "310101199001011234", datetime.datetime(1990, 3, 1, 8, 30)
    group["C6"], group["D6"] = "王五", "=D4"  # a formula with no cached value: read as nothing, never computed
    group["C7"], group["D7"] = True, 12
    group.row_dimensions[5].hidden = True
    group.column_dimensions["E"].hidden = True
    hidden = workbook.create_sheet("二组")
    hidden["A1"] = "姓名"
    hidden.sheet_state = "hidden"
    lookup = workbook.create_sheet("字典")
    lookup["A1"] = "汉族"
    lookup.sheet_state = "veryHidden"
    workbook.create_chartsheet("图表")
    return workbook


def test_every_sheet_is_listed_with_what_excel_hides_and_merges(tmp_path):
    ledger = open_ledger(put(tmp_path, "upload.xlsx", xlsx_bytes(collection_workbook())), original_name="采集表.xlsx")

    assert ledger.kind == "xlsx" and ledger.encoding == ""
    assert [(sheet.name, sheet.index, sheet.hidden) for sheet in ledger.sheets] == [
        ("说明", 0, False), ("一组", 1, False), ("二组", 2, True), ("字典", 3, True)]  # no chart sheet
    group = ledger.sheets[1]
    assert group.hidden_rows == {5}
    assert group.hidden_columns == {4}  # column E, 0-based
    assert group.merges == [(1, 2, 1, 6)]  # C1:G1
    assert ledger.sheets[0].hidden_rows == set() and ledger.sheets[0].merges == []


def test_values_arrive_as_the_file_holds_them(tmp_path):
    ledger = open_ledger(put(tmp_path, "upload.xlsx", xlsx_bytes(collection_workbook())), original_name="采集表.xlsx")
    rows = dict(ledger.sheets[1].iter_rows())

    assert list(rows) == list(range(1, 8))  # every row from row 1, empty ones too
    assert rows[2] == [None] * 7
    assert rows[3][:2] == [None, None] and rows[3][2:] == ["姓名", "身份证号", "联系电话（旧）", "联系电话", "入伍时间"]
    name, number, old_phone, _phone, enlisted = rows[4][2:]
    assert name == "黎　平" and old_phone == "13800000000"
    assert isinstance(number, float) and number == 3.101011990010113e17 and round(number) != ID_NUMBER
    assert type(enlisted) is datetime.date and enlisted == datetime.date(2001, 12, 1)
    assert rows[5][3] == "310101199001011234"  # typed as text: stays text, every digit kept
    assert rows[5][6] == datetime.datetime(1990, 3, 1, 8, 30)
    assert rows[6][3] is None  # the formula is not evaluated
    assert rows[7][2] is True and rows[7][3] == 12.0 and isinstance(rows[7][3], float)


def test_a_sheet_can_be_read_again_from_the_file(tmp_path):
    sheet = open_ledger(put(tmp_path, "upload.xlsx", xlsx_bytes(collection_workbook())),
                        original_name="采集表.xlsx").sheets[1]

    assert list(sheet.iter_rows()) == list(sheet.iter_rows())


@pytest.mark.parametrize("stored_as", ["ledger.xls", "ledger.csv", "ledger", "ledger.bin"])
def test_a_workbook_is_known_by_its_content_not_its_name(tmp_path, stored_as):
    ledger = open_ledger(put(tmp_path, stored_as, xlsx_bytes(collection_workbook())), original_name="台账.xls")

    assert ledger.kind == "xlsx"
    assert dict(ledger.sheets[1].iter_rows())[4][2] == "黎　平"


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def handmade_xlsx(sheet_xml: str, *, sheet_name: str = "台账") -> bytes:
    """The smallest workbook Excel and calamine accept, around one sheet's XML given verbatim."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                                        f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                                        "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{RELATIONSHIPS}"><x:sheets>'
                                            f'<x:sheet name="{sheet_name}" sheetId="1" r:id="rId7"/></x:sheets>'
                                            "</x:workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId7" '
                                                       f'Type="{RELATIONSHIPS}/worksheet" '
                                                       'Target="/xl/worksheets/data.xml"/></Relationships>')
        archive.writestr("xl/worksheets/data.xml", sheet_xml)
    return buffer.getvalue()


# Written as the .NET Open XML SDK writes: every element prefixed, rows without their number
PREFIXED_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN}">
<x:cols><x:col min="2" max="3" hidden="1"/><x:col min="4" max="4" width="20"/></x:cols><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c>
<x:c t="inlineStr"><x:is><x:t>电话</x:t></x:is></x:c></x:row>
<x:row hidden="1"><x:c><x:v>2</x:v></x:c></x:row>
<x:row r="5" hidden="true"><x:c r="A5"><x:v>5</x:v></x:c></x:row>
<x:row><x:c><x:v>6</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A6:B7"/></x:mergeCells></x:worksheet>"""


@pytest.mark.parametrize("chunk", [reading.XML_CHUNK, 7, 1])
def test_prefixed_xml_rows_without_numbers_and_tags_cut_across_chunks(tmp_path, monkeypatch, chunk):
    """Tiny chunks cut every tag and every value somewhere: the result must not change."""
    monkeypatch.setattr(reading, "XML_CHUNK", chunk)
    ledger = open_ledger(put(tmp_path, "upload.xlsx", handmade_xlsx(PREFIXED_SHEET)), original_name="台账.xlsx")

    sheet = ledger.sheets[0]
    assert sheet.name == "台账"
    assert sheet.hidden_rows == {2, 5}  # the unnumbered hidden row follows row 1
    assert sheet.hidden_columns == {1, 2}
    assert sheet.merges == [(6, 0, 7, 1)]
    assert dict(sheet.iter_rows())[5] == [5.0, None]  # calamine agrees on the numbering


def test_a_sheet_named_with_markup_characters_keeps_its_hidden_rows(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "一&二'组"
    sheet.append(["姓名"])
    sheet.append(["黎平"])
    sheet.row_dimensions[2].hidden = True

    ledger = open_ledger(put(tmp_path, "upload.xlsx", xlsx_bytes(workbook)), original_name="x.xlsx")

    assert ledger.sheets[0].name == "一&二'组" and ledger.sheets[0].hidden_rows == {2}


def test_a_20000_row_sheet_is_read_in_one_pass(tmp_path):
    """Not a timing test (the figure is in the helper's report): the rows all come, numbered, and the
    hidden row far down is found in a sheet whose XML spans many chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("汇总")
    sheet.append(["姓名", "身份证号", "备注"])
    for number in range(2, 20_002):
        sheet.append([f"人员{number}", f"{number:018d}", "x" * 20])
    path = put(tmp_path, "big.xlsx", xlsx_bytes(workbook))
    with zipfile.ZipFile(path) as archive:  # hide row 19,999 by editing the XML, as Excel would store it
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_part = "xl/worksheets/sheet1.xml"
    assert len(parts[sheet_part]) > 2 * reading.XML_CHUNK
    parts[sheet_part] = parts[sheet_part].replace(b'<row r="19999">', b'<row r="19999" hidden="1">')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    ledger = open_ledger(path, original_name="汇总.xlsx")

    assert ledger.sheets[0].hidden_rows == {19_999}
    rows = list(ledger.sheets[0].iter_rows())
    assert len(rows) == 20_001 and rows[-1] == (20_001, ["人员20001", "000000000000020001", "x" * 20])


# -------------------------------------------------------------------------- .xls and compound files

END_OF_CHAIN, NO_STREAM, FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
SECTOR = 512


def compound_file(streams: dict[str, bytes], *, storages: int = 0, pad_streams: bool = True) -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) holding `streams` under its root.

    Streams are padded to the 4,096-byte mini-stream cutoff so that none needs the mini stream;
    `storages` empty storages come first, which pushes the streams' directory entries past the first
    directory sector (four entries fit in one).
    """
    entries = [(f"Storage{i}", 1, b"") for i in range(storages)] + [(name, 2, data) for name, data in streams.items()]
    directory_sectors = math.ceil((1 + len(entries)) * 128 / SECTOR)
    fat = [FAT_SECTOR] + list(range(2, 1 + directory_sectors)) + [END_OF_CHAIN]
    placed, body, next_sector = [], b"", 1 + directory_sectors
    for name, kind, data in entries:
        if kind != 2:
            placed.append((name, kind, END_OF_CHAIN, 0))
            continue
        padded = data.ljust(max(4096, math.ceil(len(data) / SECTOR) * SECTOR), b"\0") if pad_streams else (
            data.ljust(SECTOR, b"\0"))
        count = len(padded) // SECTOR
        placed.append((name, kind, next_sector, len(padded) if pad_streams else len(data)))
        fat += list(range(next_sector + 1, next_sector + count)) + [END_OF_CHAIN]
        next_sector += count
        body += padded
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for these tests"

    def entry(name, kind, right, child, start, size):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NO_STREAM, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, NO_STREAM, 1 if placed else NO_STREAM, END_OF_CHAIN, 0)
    for number, (name, kind, start, size) in enumerate(placed, start=1):
        directory += entry(name, kind, number + 1 if number < len(placed) else NO_STREAM, NO_STREAM, start, size)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0,
                            END_OF_CHAIN, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    fat_bytes = b"".join(struct.pack("<I", link) for link in fat).ljust(SECTOR, b"\xff")
    return header + fat_bytes + directory.ljust(directory_sectors * SECTOR, b"\0") + body


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff8_workbook(sheets, *, password: bool = False) -> bytes:
    """An Excel 97-2003 "Workbook" stream. sheets: [(name, hidden, {(row0, col0): value}, [merges])],
    merges as 0-based (first_row, first_col, last_row, last_col); a date gets the built-in date format 14.
    `password` adds the FILEPASS record (RC4) Excel writes when a password is set to open the file."""
    strings = sorted({value for _n, _h, cells, _m in sheets for value in cells.values() if isinstance(value, str)})
    string_index = {text: number for number, text in enumerate(strings)}

    def bof(kind):
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def sheet_entry(offset, name, hidden):
        return record(0x0085, struct.pack("<IBBBB", offset, 1 if hidden else 0, 0, len(name), 1)
                      + name.encode("utf-16-le"))

    bodies = []
    for _name, _hidden, cells, merges in sheets:
        body = bof(0x0010)
        rows, columns = [r for r, _c in cells] or [0], [c for _r, c in cells] or [0]
        body += record(0x0200, struct.pack("<IIHHH", min(rows), max(rows) + 1, min(columns), max(columns) + 1, 0))
        for (row, column), value in sorted(cells.items()):
            if isinstance(value, str):
                body += record(0x00FD, struct.pack("<HHHI", row, column, 0, string_index[value]))
            elif isinstance(value, datetime.date):
                serial = (value - datetime.date(1899, 12, 30)).days
                body += record(0x0203, struct.pack("<HHHd", row, column, 1, serial))
            else:
                body += record(0x0203, struct.pack("<HHHd", row, column, 0, float(value)))
        if merges:
            body += record(0x00E5, struct.pack("<H", len(merges)) + b"".join(
                struct.pack("<HHHH", r1, r2, c1, c2) for r1, c1, r2, c2 in merges))
        bodies.append(body + record(0x000A))
    filepass = record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if password else b""
    head = (bof(0x0005) + filepass + record(0x0042, struct.pack("<H", 1200))
            + record(0x00E0, struct.pack("<HH", 0, 0) + b"\0" * 16)  # XF 0: General
            + record(0x00E0, struct.pack("<HH", 0, 14) + b"\0" * 16))  # XF 1: the built-in date format
    shared_strings = record(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(text), 1) + text.encode("utf-16-le") for text in strings))
    offset = len(head) + sum(len(sheet_entry(0, name, hidden)) for name, hidden, _c, _m in sheets)
    offset += len(shared_strings) + len(record(0x000A))
    entries = b""
    for (name, hidden, _cells, _merges), body in zip(sheets, bodies):
        entries += sheet_entry(offset, name, hidden)
        offset += len(body)
    return head + entries + shared_strings + record(0x000A) + b"".join(bodies)


XLS_SHEETS = [
    ("花名册", False, {(0, 1): "姓名", (0, 2): "身份证号", (0, 3): "入伍时间", (1, 1): "黎平",
                     (1, 2): float(ID_NUMBER), (1, 3): datetime.date(2001, 12, 1), (3, 1): "第一小组"},
     [(3, 1, 3, 3)]),
    ("说明", True, {(0, 0): "只读"}, []),
]


def test_an_xls_workbook_is_read_with_its_merges_and_hidden_sheets(tmp_path):
    path = put(tmp_path, "upload.xls", compound_file({"Workbook": biff8_workbook(XLS_SHEETS)}))
    assert xlrd.open_workbook(path).sheet_by_index(0).cell_value(1, 1) == "黎平"  # another reader agrees

    ledger = open_ledger(path, original_name="花名册.xls")

    assert ledger.kind == "xls"
    assert [(sheet.name, sheet.index, sheet.hidden) for sheet in ledger.sheets] == [("花名册", 0, False),
                                                                                   ("说明", 1, True)]
    roster = ledger.sheets[0]
    assert roster.merges == [(4, 1, 4, 3)]
    assert roster.hidden_rows == set() and roster.hidden_columns == set()  # .xls: not reported (see _open_xls)
    rows = dict(roster.iter_rows())
    assert rows[1] == [None, "姓名", "身份证号", "入伍时间"]  # column A is empty: the values keep their columns
    assert rows[2][1] == "黎平" and rows[2][2] == float(ID_NUMBER) and type(rows[2][3]) is datetime.date
    assert rows[3] == [None] * 4 and rows[4][1] == "第一小组"


def test_an_xls_workbook_named_xlsx_is_still_read(tmp_path):
    path = put(tmp_path, "upload.xlsx", compound_file({"Workbook": biff8_workbook(XLS_SHEETS)}))

    ledger = open_ledger(path, original_name="花名册.xlsx")

    assert ledger.kind == "xls" and dict(ledger.sheets[0].iter_rows())[2][1] == "黎平"


def test_a_password_protected_workbook_is_refused(tmp_path):
    """Excel encrypts an .xlsx into a compound file; the names sit past the first directory sector here,
    so the refusal depends on following the directory's chain, not on where the names happen to lie."""
    content = compound_file({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200), "EncryptedPackage": bytes(5000)},
                            storages=6)
    first_directory_sector = content[2 * SECTOR:3 * SECTOR]
    assert "EncryptionInfo".encode("utf-16-le") not in first_directory_sector

    message = refusal(put(tmp_path, "upload.xlsx", content))

    assert "protected by a password" in message and "Protect Workbook" in message


def test_a_password_protected_xls_is_refused(tmp_path):
    path = put(tmp_path, "a.xls", compound_file({"Workbook": biff8_workbook(XLS_SHEETS, password=True)}))

    assert "protected by a password" in refusal(path)


def test_other_compound_files_are_refused(tmp_path):
    word = put(tmp_path, "a.xls", compound_file({"WordDocument": bytes(100)}))
    damaged = put(tmp_path, "b.xls", bytes.fromhex("D0CF11E0A1B11AE1") + random.Random(1).randbytes(3000))
    # a Workbook stream smaller than the mini-stream cutoff but stored outside the mini stream makes
    # calamine panic (a pyo3 PanicException, not an Exception): still a refusal, not a crash
    panics = put(tmp_path, "c.xls", compound_file({"Workbook": biff8_workbook(XLS_SHEETS)}, pad_streams=False))

    assert "not a spreadsheet" in refusal(word)
    assert "cannot be read" in refusal(damaged)
    assert "cannot be read" in refusal(panics)


def test_an_xls_without_cells_is_empty(tmp_path):
    path = put(tmp_path, "a.xls", compound_file({"Workbook": biff8_workbook([("Sheet1", False, {}, [])])}))

    assert "empty" in refusal(path)


# -------------------------------------------------------------------------------------------- .csv

ROWS = [["姓名", "身份证号", "备注"], ["黎平", "310101199001011234", "住址,含逗号"], ["张三", "", "第一行\n第二行"]]


def csv_bytes(rows, encoding: str, delimiter: str = ",") -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"),
                                                    ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_in_utf8_or_gbk_is_decoded(tmp_path, encoding, expected):
    ledger = open_ledger(put(tmp_path, "upload.xlsx", csv_bytes(ROWS, encoding)), original_name="花名册.csv")

    assert (ledger.kind, ledger.encoding) == ("csv", expected)
    assert [(sheet.name, sheet.index, sheet.hidden) for sheet in ledger.sheets] == [("花名册", 0, False)]
    assert list(ledger.sheets[0].iter_rows()) == [(1, ROWS[0]), (2, ROWS[1]), (3, ROWS[2])]  # no BOM in 姓名


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_detected(tmp_path, delimiter):
    ledger = open_ledger(put(tmp_path, "a.csv", csv_bytes(ROWS, "gbk", delimiter)), original_name="a.csv")

    assert [values for _n, values in ledger.sheets[0].iter_rows()] == ROWS


def test_a_single_column_csv_falls_back_to_comma(tmp_path):
    ledger = open_ledger(put(tmp_path, "a.csv", "姓名\n黎平\n".encode()), original_name="a.csv")

    assert list(ledger.sheets[0].iter_rows()) == [(1, ["姓名"]), (2, ["黎平"])]


def test_a_gbk_csv_that_starts_with_pages_of_ascii_is_still_gbk(tmp_path):
    content = b"".join(b"%d,%018d\r\n" % (n, n) for n in range(5000)) + "黎平,备注\r\n".encode("gbk")
    assert len(content) > 64 * 1024 and content[:64 * 1024].isascii()

    ledger = open_ledger(put(tmp_path, "a.csv", content), original_name="a.csv")

    assert ledger.encoding == "gb18030"
    assert list(ledger.sheets[0].iter_rows())[-1] == (5001, ["黎平", "备注"])


def test_csv_in_an_unknown_encoding_is_refused(tmp_path):
    neither = put(tmp_path, "a.csv", b"name,phone\r\n\xff\xfe\xff\xfd,1\r\n")
    utf16 = put(tmp_path, "b.csv", "姓名\t电话\r\n".encode("utf-16"))

    assert "encoding cannot be recognised" in refusal(neither)
    assert "encoding cannot be recognised" in refusal(utf16)


def test_a_decoding_error_far_into_a_csv_is_a_refusal_while_reading(tmp_path):
    content = "姓名,电话\r\n".encode() + b"a,1\r\n" * 30_000 + "黎平,2\r\n".encode("gbk")
    ledger = open_ledger(put(tmp_path, "a.csv", content), original_name="a.csv")  # its start is UTF-8

    with pytest.raises(FileRefused, match="encoding cannot be recognised"):
        list(ledger.sheets[0].iter_rows())


def test_a_csv_cell_beyond_the_csv_modules_limit_is_a_refusal(tmp_path):
    ledger = open_ledger(put(tmp_path, "a.csv", b"name,notes\r\nx," + b"y" * 200_000 + b"\r\n"), original_name="a")

    with pytest.raises(FileRefused, match="cannot be read after row 1"):
        list(ledger.sheets[0].iter_rows())


# --------------------------------------------------------------------------------------- refusals


def bomb(member_bytes: int) -> bytes:
    """A workbook-shaped zip whose sheet is `member_bytes` of zeros (about 1,000 times smaller packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(1 << 20)
            for _ in range(member_bytes >> 20):
                member.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path, monkeypatch):
    content = bomb(64 << 20)
    assert len(content) < 1 << 20
    monkeypatch.setattr(reading, "_worksheet_parts", lambda archive: pytest.fail("unpacked a bomb"))

    message = refusal(put(tmp_path, "bomb.xlsx", content))

    assert "unpacks to more than 400 MB or is packed abnormally tightly" in message


def test_a_workbook_unpacking_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    """Judged on the sizes the archive declares, before unpacking; the limit is lowered to keep the test light."""
    path = put(tmp_path, "a.xlsx", xlsx_bytes(collection_workbook()))
    with zipfile.ZipFile(path) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    open_ledger(path, original_name="a.xlsx")

    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", declared - 1)

    assert "unpacks to more than" in refusal(path)


def declaring(content: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size changed to `size` in its local header and central directory."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info, directory = archive.getinfo(name), archive.start_dir
    data[info.header_offset + 22:info.header_offset + 26] = struct.pack("<I", size)
    while data[directory:directory + 4] == b"PK\x01\x02":
        name_length, extra, comment = struct.unpack("<HHH", data[directory + 28:directory + 34])
        if data[directory + 46:directory + 46 + name_length] == name.encode():
            data[directory + 24:directory + 28] = struct.pack("<I", size)
        directory += 46 + name_length + extra + comment
    return bytes(data)


def test_a_member_lying_about_its_size_is_refused(tmp_path):
    """A bomb may declare a small size to pass the checks; zipfile reads no more than declared and the
    CRC then fails, before calamine is given the sheet."""
    content = xlsx_bytes(collection_workbook())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        size = archive.getinfo("xl/worksheets/sheet2.xml").file_size
    lying = declaring(content, "xl/worksheets/sheet2.xml", size // 2)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("xl/worksheets/sheet2.xml").file_size == size // 2
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            archive.read("xl/worksheets/sheet2.xml")

    assert "cannot be read" in refusal(put(tmp_path, "a.xlsx", lying))


def test_more_than_30_sheets_is_refused_naming_the_count(tmp_path):
    def workbook_with(count):
        workbook = Workbook()
        for number in range(count):
            sheet = workbook.active if number == 0 else workbook.create_sheet()
            sheet["A1"] = number
        return xlsx_bytes(workbook)

    assert len(open_ledger(put(tmp_path, "30.xlsx", workbook_with(30)), original_name="x").sheets) == 30

    message = refusal(put(tmp_path, "50.xlsx", workbook_with(50)))

    assert "has 50 sheets; at most 30" in message and "split the workbook" in message


@pytest.mark.parametrize("content", [b"", xlsx_bytes(Workbook()), b",,,\r\n\r\n ,\t\r\n"],
                         ids=["no bytes", "workbook without cells", "csv of delimiters"])
def test_an_empty_file_is_refused(tmp_path, content):
    assert "The file is empty" in refusal(put(tmp_path, "a.xlsx", content))


@pytest.mark.parametrize(("content", "expected"), [
    (random.Random(17).randbytes(100_000), "not a spreadsheet"),
    (b"%PDF-1.7\n" + bytes(100), "not a spreadsheet"),
    (b"PK\x03\x04" + random.Random(18).randbytes(5000), "cannot be read"),
    (b"PK\x05\x06" + bytes(18), "format cannot be read"),
    ("<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(), "web page or an XML file"),
    (b'\xef\xbb\xbf<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     "web page or an XML file"),
], ids=["random bytes", "pdf", "broken zip", "empty zip", "html saved as xls", "excel 2003 xml"])
def test_files_that_are_not_ledgers_are_refused(tmp_path, content, expected):
    assert expected in refusal(put(tmp_path, "a.xls", content))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    assert "format cannot be read" in refusal(put(tmp_path, "a.xlsx", buffer.getvalue()))


def test_a_damaged_sheet_is_refused_when_read(tmp_path):
    broken = handmade_xlsx(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row>'
                           "</sheetData>")  # a shared string that does not exist, and the XML cut short

    assert "cannot be read" in refusal(put(tmp_path, "a.xlsx", broken))


# ------------------------------------------------------------------------------------ row limit


def test_rows_beyond_the_limit_refuse_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS_PER_SHEET", 3)
    workbook = Workbook()
    for number in range(1, 6):
        workbook.active.append([f"第{number}行"])
    workbook.active.title = "汇总"
    sheet = open_ledger(put(tmp_path, "a.xlsx", xlsx_bytes(workbook)), original_name="a").sheets[0]

    read = []
    with pytest.raises(FileRefused, match="“汇总” has more than 3 rows"):
        for number, _values in sheet.iter_rows():
            read.append(number)
    assert read == [1, 2, 3]


def test_empty_rows_beyond_the_limit_do_not_refuse(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS_PER_SHEET", 2)
    sheet = open_ledger(put(tmp_path, "a.csv", b"a,b\r\n1,2\r\n\r\n,\r\n"), original_name="a.csv").sheets[0]

    assert [number for number, _values in sheet.iter_rows()] == [1, 2]


def test_a_sheet_held_in_memory_reads_like_one_from_a_file(monkeypatch):
    sheet = SheetData.from_rows("一组", [["姓名"], [], ["黎平"]], hidden_rows={2}, merges=[(1, 0, 1, 3)])
    monkeypatch.setattr(reading, "MAX_ROWS_PER_SHEET", 2)

    assert (sheet.hidden_rows, sheet.merges, sheet.hidden) == ({2}, [(1, 0, 1, 3)], False)
    with pytest.raises(FileRefused):
        list(sheet.iter_rows())
    monkeypatch.setattr(reading, "MAX_ROWS_PER_SHEET", 10)
    assert list(sheet.iter_rows()) == [(1, ["姓名"]), (2, []), (3, ["黎平"])]
    assert Ledger("csv", [sheet]).encoding == ""


# ------------------------------------------------------------------------------------ formula cells


def formula_workbook() -> Workbook:
    """A phone column where a clerk typed "=1+1" and another cell copies a phone: openpyxl caches no value,
    so calamine reads both as empty; a data validation and a conditional format carry formulas too, in
    tags that are not cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "联系电话", "备注"])
    sheet.append(["黎平", "13800000000", None])
    sheet["A5"], sheet["B5"] = "张三", "=1+1"
    sheet["B6"], sheet["C6"] = "=B2", "=\"住址\"&A5"
    validation = DataValidation(type="list", formula1='"在册,已故"')
    validation.add("C2:C9")
    sheet.add_data_validation(validation)
    sheet.conditional_formatting.add("A2:A9", FormulaRule(formula=["LEN(A2)>3"], font=Font(color="FF0000")))
    return workbook


@pytest.mark.parametrize("chunk", [reading.XML_CHUNK, 7, 3, 1])
def test_cells_holding_a_formula_are_flagged(tmp_path, monkeypatch, chunk):
    """Tiny chunks put a cell's <c> and its <f> in different chunks: the cell is still found."""
    monkeypatch.setattr(reading, "XML_CHUNK", chunk)

    sheet = open_ledger(put(tmp_path, "a.xlsx", xlsx_bytes(formula_workbook())), original_name="a.xlsx").sheets[0]

    assert sheet.formula_cells == {(5, 1), (6, 1), (6, 2)}
    rows = dict(sheet.iter_rows())
    assert rows[5] == ["张三", None, None]  # why the flag is needed: the value alone reads as an empty phone
    assert 6 not in rows  # a row of uncached formulas holds nothing calamine reports


SHARED_FORMULA_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>联系电话</t></is></c>
<c r="C1" t="inlineStr"><is><r><rPr><color rgb="FFFF0000"/><charset val="134"/></rPr><t>备注</t></r></is></c></row>
<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f><v>2</v></c></row>
<row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>4</v></c><c r="C3"><v>0</v></c></row>
<row r="4"><c r="A4"><v>3</v></c><c r="B4"><f t="shared" si="0"/></c></row>
<row r="5"><c r="A5"><v>4</v></c><c r="AB5"><f>A5</f><v>4</v></c></row>
</sheetData><dataValidations count="1"><dataValidation type="list" sqref="C2:C9"><formula1>"a,b"</formula1>
</dataValidation></dataValidations></worksheet>"""


def cut_before_first_formula(sheet_xml: str) -> int:
    """A chunk size that ends the first chunk just inside the first <f: that cell's <c> is scanned in the
    first chunk, its <f> in the second, together with the rows after it."""
    return re.search(rb"<(?:x:)?f[\s/>]", sheet_xml.encode()).start() + 1


@pytest.mark.parametrize("chunk", [reading.XML_CHUNK, 7, 3, 1, cut_before_first_formula(SHARED_FORMULA_SHEET)])
def test_shared_formulas_flag_every_cell_of_their_range(tmp_path, monkeypatch, chunk):
    """Excel writes a shared formula once (B2) and each other cell as <f t="shared" si="0"/>."""
    monkeypatch.setattr(reading, "XML_CHUNK", chunk)

    sheet = open_ledger(put(tmp_path, "a.xlsx", handmade_xlsx(SHARED_FORMULA_SHEET)), original_name="a").sheets[0]

    assert sheet.formula_cells == {(2, 1), (3, 1), (4, 1), (5, 27)}
    assert dict(sheet.iter_rows())[3][:3] == [2.0, 4.0, 0.0]  # the cached value is still given


# Cells without r (as the .NET SDK may write them) follow the previous cell; a formula among them is only
# placed by counting the cells before it in its row
UNNUMBERED_FORMULA_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>电话</x:t></x:is></x:c>
</x:row>
<x:row><x:c><x:v>1</x:v></x:c><x:c><x:f>1+1</x:f></x:c></x:row>
<x:row r="5"><x:c r="C5"><x:f t="shared" ref="C5:C6" si="0">A5</x:f><x:v>0</x:v></x:c></x:row>
<x:row><x:c><x:v>6</x:v></x:c><x:c/><x:c><x:f t="shared" si="0"/><x:v>6</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"""


@pytest.mark.parametrize("chunk", [reading.XML_CHUNK, 7, 3, 1, cut_before_first_formula(UNNUMBERED_FORMULA_SHEET)])
def test_formulas_in_cells_without_a_reference_are_placed_by_counting(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(reading, "XML_CHUNK", chunk)

    sheet = open_ledger(put(tmp_path, "a.xlsx", handmade_xlsx(UNNUMBERED_FORMULA_SHEET)), original_name="a").sheets[0]

    assert sheet.formula_cells == {(2, 1), (5, 2), (6, 2)}
    assert dict(sheet.iter_rows())[6] == [6.0, None, 6.0]  # calamine places the cells the same way


def test_xls_and_csv_report_no_formula_cells(tmp_path):
    xls = open_ledger(put(tmp_path, "a.xls", compound_file({"Workbook": biff8_workbook(XLS_SHEETS)})),
                      original_name="a.xls")
    text = open_ledger(put(tmp_path, "a.csv", "姓名,电话\r\n黎平,=1+1\r\n".encode()), original_name="a.csv")

    assert [sheet.formula_cells for sheet in xls.sheets + text.sheets] == [set(), set(), set()]
    assert dict(text.sheets[0].iter_rows())[2] == ["黎平", "=1+1"]  # text, left to the cleaner


def test_a_sheet_held_in_memory_takes_formula_cells():
    assert SheetData.from_rows("一组", [["=1+1"]]).formula_cells == set()
    assert SheetData.from_rows("一组", [["=1+1"]], formula_cells=[(1, 0)]).formula_cells == {(1, 0)}
