"""The bank's 代发 files (benefits/bankfiles.py): what is written reads back the same in every kind of file, GBK is
really GBK with widths in bytes, and a return file is refused whole unless every line is a payment of the batch
with its account and amount, once."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from rongjia.benefits import bankfiles
from rongjia.benefits.accounts import account_hash, luhn_ok
from rongjia.benefits.models import BankFormat, Payment, PaymentAccount, PaymentBatch
from tests.factories import person_at, unit_at

COUNTY_CENTRE = "320115000000"
BANK = "中国工商银行"
# holder, amount: a four-character name is 8 bytes in GBK
PAYEES = [("张伟", "1200.00"), ("李秀英", "865.50"), ("欧阳娜娜", "3000.00"), ("王建国", "45.05")]
FAILED = "失败"

CSV_COLUMNS = [{"field": "seq", "title": "序号"}, {"field": "reference", "title": "业务编号"},
               {"field": "account", "title": "账号"}, {"field": "holder", "title": "户名"},
               {"field": "amount", "title": "金额"}, {"field": "bank", "title": "开户行"},
               {"field": "note", "title": "摘要"}]
FIXED_COLUMNS = [{"field": "seq", "title": "序号", "width": 6, "align": "right", "pad": "0"},
                 {"field": "account", "title": "账号", "width": 20},
                 {"field": "holder", "title": "户名", "width": 12},
                 {"field": "amount", "title": "金额", "width": 12, "pad": "0"},
                 {"field": "note", "title": "摘要", "width": 20}]
XLSX_COLUMNS = [{"field": "seq", "title": "序号"}, {"field": "reference", "title": "业务编号"},
                {"field": "account", "title": "账号"}, {"field": "holder", "title": "户名"},
                {"field": "amount", "title": "金额"}]
FORMATS = {  # one of each kind, with the totals line in each place (and none: the CSV names its batch per line)
    "csv": {"encoding": "gbk", "columns": CSV_COLUMNS, "totals": "", "account_check": "luhn"},
    "fixed": {"encoding": "gbk", "columns": FIXED_COLUMNS, "totals": "first"},
    "xlsx": {"encoding": "utf-8", "columns": XLSX_COLUMNS, "totals": "last"},
}
KINDS = list(FORMATS)


def with_check_digit(body: str) -> str:
    return next(body + digit for digit in "0123456789" if luhn_ok(body + digit))


def account_for(person, holder: str, n: int) -> PaymentAccount:
    number = with_check_digit(f"622202{n:012d}")
    return PaymentAccount.objects.create(person=person, bank=BANK, number=number, number_hash=account_hash(number),
                                         last_digits=number[-4:], holder_name=holder)


def make_batch(month: date, accounts: list[PaymentAccount]) -> PaymentBatch:
    centre = unit_at(COUNTY_CENTRE)
    batch = PaymentBatch.objects.create(unit=centre, region_code=centre.region_code, month=month,
                                        state=PaymentBatch.State.APPROVED)
    for seq, (account, (_holder, amount)) in enumerate(zip(accounts, PAYEES, strict=True), start=1):
        Payment.objects.create(batch=batch, seq=seq, person=account.person, account=account, amount=Decimal(amount),
                               region_code=account.person.station.region_code)
    batch.total = sum(Decimal(amount) for _holder, amount in PAYEES)
    batch.payment_count = len(PAYEES)
    batch.save()
    return batch


@pytest.fixture
def accounts(cast):
    return [account_for(person_at(cast.village_worker, seq=n, name=holder), holder, n)
            for n, (holder, _amount) in enumerate(PAYEES, start=1)]


@pytest.fixture
def batch(accounts):
    return make_batch(date(2026, 12, 1), accounts)


@pytest.fixture
def other_batch(accounts):
    """Last month's batch: the same people, accounts and amounts."""
    return make_batch(date(2026, 11, 1), accounts)


@pytest.fixture
def formats(db):
    return {kind: BankFormat.objects.create(name=f"工行{kind}", bank=BANK, kind=kind, delimiter=",",
                                            success_values=["成功", "0000"], **spec)
            for kind, spec in FORMATS.items()}


def expected_lines(batch) -> list[bankfiles.ParsedLine]:
    reference = bankfiles.batch_reference(batch)
    return [bankfiles.ParsedLine(p.seq, f"{reference}-{p.seq:05d}", p.account.number, p.account.holder_name,
                                 p.amount) for p in batch.payments.select_related("account").order_by("seq")]


# --- the return file as a bank makes it: the file sent, each line with a status and a reason after it -----------

def bank_return(content: bytes, fmt: BankFormat, failed: dict[int, str] | None = None) -> bytes:
    failed = failed or {}
    results = {seq: (FAILED, reason) for seq, reason in failed.items()}
    return {"csv": csv_return, "fixed": fixed_return, "xlsx": xlsx_return}[fmt.kind](content, fmt, results)


def csv_return(content, fmt, results) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode(fmt.encoding), newline="")))  # title row, then payments
    out = [rows[0] + [fmt.status_title, fmt.reason_title]]
    out += [row + list(results.get(int(row[0]), ("成功", ""))) for row in rows[1:]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(out)
    return buffer.getvalue().encode(fmt.encoding)


def fixed_return(content, fmt, results) -> bytes:
    def cells(status, reason):
        return (status.encode(fmt.encoding).ljust(bankfiles.STATUS_WIDTH)
                + reason.encode(fmt.encoding).ljust(bankfiles.REASON_WIDTH))

    totals, header, *rows = content.split(b"\r\n")[:-1]  # totals line first, then the title row
    lines = [totals, header + cells(fmt.status_title, fmt.reason_title)]
    lines += [row + cells(*results.get(int(row[:6]), ("0000", ""))).rstrip() for row in rows]  # banks trim spaces
    return b"\r\n".join(lines) + b"\r\n"


def xlsx_return(content, fmt, results) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    width = len(fmt.columns)
    sheet.cell(1, width + 1, fmt.status_title), sheet.cell(1, width + 2, fmt.reason_title)
    for row in range(2, sheet.max_row):  # the totals line last
        status, reason = results.get(sheet.cell(row, 1).value, ("成功", ""))
        sheet.cell(row, width + 1, status), sheet.cell(row, width + 2, reason)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(call) -> set[str]:
    with pytest.raises(ValidationError) as refusal:
        call()
    return {error.code for error in refusal.value.error_list}


# --- the file sent ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_what_is_written_reads_back_the_same(batch, formats, kind):
    content, _name = bankfiles.write_bank_file(batch, formats[kind])
    parsed = bankfiles.read_bank_file(content, formats[kind])
    assert parsed.lines == expected_lines(batch)
    assert parsed.reference == bankfiles.batch_reference(batch)
    assert (parsed.count, parsed.total) == (4, Decimal("5110.55"))


def test_the_reference_names_county_month_and_batch(batch):
    assert bankfiles.batch_reference(batch) == f"YF320115202612{batch.pk:06d}"


def test_the_file_name_says_whose_what_and_when(batch, formats):
    names = {kind: bankfiles.write_bank_file(batch, fmt)[1] for kind, fmt in formats.items()}
    assert names["csv"].startswith("江宁区_") and names["csv"].endswith(f"_202612_{BANK}.csv")
    assert names["fixed"].endswith(".txt") and names["xlsx"].endswith(".xlsx")
    assert not any(char in name for name in names.values() for char in '/\\:*?"<>| ')


def test_payments_are_read_in_one_query(batch, formats, django_assert_max_num_queries):
    batch = PaymentBatch.objects.get(pk=batch.pk)
    with django_assert_max_num_queries(2):  # the payments with their accounts, the county's name
        bankfiles.write_bank_file(batch, formats["csv"])


@pytest.mark.parametrize("kind", ["csv", "fixed"])
def test_gbk_files_are_really_gbk(batch, formats, kind):
    content, _name = bankfiles.write_bank_file(batch, formats[kind])
    assert "李秀英".encode("gbk") in content and "欧阳娜娜".encode("gbk") in content
    assert "李秀英".encode() not in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


def test_csv_amounts_have_two_decimals(batch, formats):
    content, _name = bankfiles.write_bank_file(batch, formats["csv"])
    rows = list(csv.reader(io.StringIO(content.decode("gbk"), newline="")))
    assert [row[4] for row in rows[1:]] == ["1200.00", "865.50", "3000.00", "45.05"]


def test_fixed_widths_are_bytes_and_amounts_right_aligned(batch, formats):
    content, _name = bankfiles.write_bank_file(batch, formats["fixed"])
    totals, header, *rows = content.split(b"\r\n")[:-1]
    assert len(totals) == sum(bankfiles.TOTALS_WIDTHS)
    assert {len(line) for line in [header, *rows]} == {6 + 20 + 12 + 12 + 20}
    third = rows[2]
    assert third[:6] == b"000003"
    assert third[26:38] == "欧阳娜娜".encode("gbk") + b" " * 4  # 4 characters, 8 bytes, in 12
    assert third[38:50] == b"000003000.00"


def test_fixed_names_are_cut_between_characters(batch, formats):
    fmt = formats["fixed"]
    fmt.columns = [dict(column, width=5) if column["field"] == "holder" else column for column in FIXED_COLUMNS]
    content, _name = bankfiles.write_bank_file(batch, fmt)
    parsed = bankfiles.read_bank_file(content, fmt)
    assert [line.holder for line in parsed.lines] == ["张伟", "李秀", "欧阳", "王建"]
    assert parsed.total == Decimal("5110.55")


def test_an_account_number_is_never_cut(batch, formats):
    fmt = formats["fixed"]
    fmt.columns = [dict(column, width=12) if column["field"] == "account" else column for column in FIXED_COLUMNS]
    assert "width" in refused(lambda: bankfiles.write_bank_file(batch, fmt))


def test_a_workbook_has_a_bold_frozen_title_row_and_text_accounts(batch, formats):
    content, _name = bankfiles.write_bank_file(batch, formats["xlsx"])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(1, 1).value == "序号" and sheet.cell(1, 1).font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(2, 3).value == batch.payments.get(seq=1).account.number  # a string: no digits lost
    assert sheet.cell(sheet.max_row, 1).value == bankfiles.batch_reference(batch)  # the totals line


def test_formula_text_is_neutralised_and_read_back(batch, formats):
    PaymentAccount.objects.filter(holder_name="张伟").update(holder_name='=HYPERLINK("http://ev.il")')
    content, _name = bankfiles.write_bank_file(batch, formats["xlsx"])
    assert load_workbook(io.BytesIO(content)).active.cell(2, 4).value.startswith("'=")
    assert bankfiles.read_bank_file(content, formats["xlsx"]).lines[0].holder == '=HYPERLINK("http://ev.il")'


def test_an_account_failing_the_banks_check_is_not_written(batch, formats):
    account = batch.payments.get(seq=2).account
    account.number = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)
    account.save()
    assert refused(lambda: bankfiles.write_bank_file(batch, formats["csv"])) == {"bad_account"}


def test_a_format_that_does_not_name_the_batch_is_refused(batch, formats):
    fmt = formats["fixed"]
    fmt.totals = ""
    with pytest.raises(ValidationError) as refusal:
        bankfiles.write_bank_file(batch, fmt)
    assert "columns" in refusal.value.message_dict


# --- the return file -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_a_return_file_says_which_transfer_failed(batch, formats, kind):
    fmt = formats[kind]
    sent, _name = bankfiles.write_bank_file(batch, fmt)
    lines = bankfiles.read_return_file(bank_return(sent, fmt, {2: "账户已销户"}), fmt, batch)
    assert [(line.seq, line.ok, line.reason) for line in lines] == [
        (1, True, ""), (2, False, "账户已销户"), (3, True, ""), (4, True, "")]
    assert [(line.reference, line.account, line.amount) for line in lines] == [
        (line.reference, line.account, line.amount) for line in expected_lines(batch)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_return_file_of_another_batch_is_refused(batch, other_batch, formats, kind):
    fmt = formats[kind]
    sent, _name = bankfiles.write_bank_file(other_batch, fmt)
    assert refused(lambda: bankfiles.read_return_file(bank_return(sent, fmt), fmt, batch)) == {"other_batch"}


def csv_return_text(batch, fmt) -> str:
    sent, _name = bankfiles.write_bank_file(batch, fmt)
    return bank_return(sent, fmt).decode("gbk")


def test_an_unknown_account_is_refused(batch, formats):
    fmt = formats["csv"]
    number = batch.payments.get(seq=3).account.number
    text = csv_return_text(batch, fmt).replace(number, with_check_digit("621700000000000099"))
    assert refused(lambda: bankfiles.read_return_file(text.encode("gbk"), fmt, batch)) == {"account"}


@pytest.mark.parametrize("kind", ["csv", "fixed"])
def test_a_changed_amount_is_refused(batch, formats, kind):
    fmt = formats[kind]
    sent, _name = bankfiles.write_bank_file(batch, fmt)
    returned = bank_return(sent, fmt)
    changed = returned.replace(b"865.50", b"866.50")
    assert changed != returned
    codes = refused(lambda: bankfiles.read_return_file(changed, fmt, batch))
    assert "amount" in codes  # (and the fixed file's totals line no longer adds up)


def test_a_line_twice_is_refused(batch, formats):
    fmt = formats["csv"]
    lines = csv_return_text(batch, fmt).split("\r\n")
    doubled = "\r\n".join(lines[:3] + [lines[2]] + lines[3:])
    assert refused(lambda: bankfiles.read_return_file(doubled.encode("gbk"), fmt, batch)) == {"duplicate"}


def test_a_payment_left_out_is_refused(batch, formats):
    fmt = formats["csv"]
    lines = csv_return_text(batch, fmt).split("\r\n")
    shorter = "\r\n".join(lines[:2] + lines[3:])
    assert refused(lambda: bankfiles.read_return_file(shorter.encode("gbk"), fmt, batch)) == {"missing"}


def test_a_line_without_a_result_is_refused(batch, formats):
    fmt = formats["csv"]
    text = csv_return_text(batch, fmt).replace(",成功,\r\n", ",,\r\n", 1)
    assert refused(lambda: bankfiles.read_return_file(text.encode("gbk"), fmt, batch)) == {"no_result"}


def test_totals_that_do_not_add_up_are_refused(batch, formats):
    fmt = formats["xlsx"]
    sent, _name = bankfiles.write_bank_file(batch, fmt)
    workbook = load_workbook(io.BytesIO(bank_return(sent, fmt)))
    workbook.active.cell(workbook.active.max_row, 3).value = Decimal("9999.99")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(lambda: bankfiles.read_return_file(buffer.getvalue(), fmt, batch)) == {"totals"}


@pytest.mark.parametrize("kind", KINDS)
def test_garbage_is_refused(batch, formats, kind):
    garbage = bytes(range(256)) * 8
    assert refused(lambda: bankfiles.read_return_file(garbage, formats[kind], batch))
    assert refused(lambda: bankfiles.read_bank_file(b"PK\x03\x04" + garbage, formats[kind]))


def test_the_wrong_kind_of_file_is_refused(batch, formats):
    workbook, _name = bankfiles.write_bank_file(batch, formats["xlsx"])
    text, _name = bankfiles.write_bank_file(batch, formats["csv"])
    assert refused(lambda: bankfiles.read_bank_file(workbook, formats["csv"])) == {"unreadable"}
    assert refused(lambda: bankfiles.read_bank_file(text, formats["fixed"])) == {"columns"}
    assert refused(lambda: bankfiles.read_bank_file(text, formats["xlsx"])) == {"unreadable"}


def test_a_file_sent_is_not_a_return_file(batch, formats):
    sent, _name = bankfiles.write_bank_file(batch, formats["csv"])
    assert refused(lambda: bankfiles.read_return_file(sent, formats["csv"], batch)) == {"columns"}


def test_a_file_too_large_is_refused(batch, formats, monkeypatch):
    sent, _name = bankfiles.write_bank_file(batch, formats["csv"])
    monkeypatch.setattr(bankfiles, "MAX_FILE_BYTES", len(sent) - 1)
    assert refused(lambda: bankfiles.read_bank_file(sent, formats["csv"])) == {"too_large"}
