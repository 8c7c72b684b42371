"""Run as a script against its own, empty database (RONGJIA_DATABASE_URL): approvals racing for the last of a fund's
balance, through the real service on real connections, so the database's own locking is what is tested.

1. A fund holds exactly enough for one of two applications; two threads approve the two at the same moment (a
   barrier) as the county director: exactly one succeeds and the other is refused with a ValidationError on the
   amount (the balance shown), its application left as it was.
2. Ten threads approve ten applications against a balance for six: exactly six succeed.

After each race every fund's balance must equal its income less its outgoings, never be below zero and equal the
last ledger entry's balance. Prints one JSON line with the figures; exits 1 when any check fails.
"""

import json
import os
import sys
import threading
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongjia.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from rongjia.accounts.models import Role, User  # noqa: E402
from rongjia.assistance import funds, services  # noqa: E402
from rongjia.assistance.models import AidApplication, AidKind, Fund, FundEntry  # noqa: E402
from rongjia.core.models import OrgUnit  # noqa: E402
from rongjia.core.org_units import org_units_create_missing  # noqa: E402
from rongjia.core.region_import import import_regions  # noqa: E402
from tests.factories import person_at  # noqa: E402

COUNTY, STREET, VILLAGE = "320115", "320115003000", "320115003004"
AMOUNT = Decimal("2000")
MANY, ENOUGH_FOR = 10, 6
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def account(username: str, code: str, role: str) -> User:
    unit = OrgUnit.objects.get(region_code=code, kind__in=["centre", "station"])
    user = User.objects.create(username=username, full_name=username, org_unit=unit, must_change_password=False,
                               password_changed_at=timezone.now())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.roles.set(Role.objects.filter(code=role))
    return User.objects.select_related("org_unit").get(pk=user.pk)


def world() -> dict:
    if connection.introspection.table_names():
        sys.exit("funds_race_probe.py writes test data: point RONGJIA_DATABASE_URL at an empty database")
    call_command("migrate", verbosity=0)
    import_regions(settings.REGION_DATA_DIR, prefix=COUNTY)
    org_units_create_missing(prefix=COUNTY)
    return {"village": account("village", VILLAGE, "station_worker"),
            "street": account("street", STREET, "station_worker"),
            "director": account("director", COUNTY + "000000", "centre_director")}


def posted_applications(cast: dict, count: int, first: int) -> list[int]:
    """`count` applications taken up the levels through the service and posted; their 公示 then moved into the
    past with a queryset update (the service posts from today and approval waits for the 公示 to end)."""
    kind = AidKind.objects.get(jurisdiction_code="", name="临时救助")
    ids = []
    for n in range(first, first + count):
        person = person_at(cast["director"], code=VILLAGE, name=f"并发{n}", seq=n + 1)
        documents = {name: SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")
                     for name in kind.documents}
        application = services.application_register(actor=cast["village"], person=person, kind=kind, amount=AMOUNT,
                                                     reason="房屋受灾，生活暂时困难", documents=documents)
        for actor, action in (("village", "recommend"), ("street", "recommend"), ("director", "agree")):
            services.application_transition(actor=cast[actor], application=application.pk, action=action,
                                            note="同意")
        ids.append(application.pk)
    yesterday = timezone.localdate() - timedelta(days=1)
    AidApplication.objects.filter(pk__in=ids).update(publicity_from=yesterday - timedelta(days=10),
                                                     publicity_until=yesterday)
    return ids


def funded(director: User, name: str, amount: Decimal) -> Fund:
    fund = funds.fund_create(actor=director, name=name, kind="care")
    funds.fund_income(actor=director, fund=fund, source="allocation", amount=amount, on=timezone.localdate(),
                      note="probe")
    return fund


def race(director: User, fund: Fund, ids: list[int]) -> dict:
    """Every application approved at the same moment, each from its own thread and connection."""
    barrier, outcomes, errors = threading.Barrier(len(ids)), {}, []

    def approve(pk: int) -> None:
        close_old_connections()
        barrier.wait()
        try:
            services.application_transition(actor=director, application=pk, action="approve", note="同意救助",
                                            data={"fund": fund.pk})
            outcomes[pk] = "won"
        except ValidationError as exc:
            about_balance = "amount" in getattr(exc, "error_dict", {})
            outcomes[pk] = "short" if about_balance else "refused"
            if not about_balance:
                errors.append(repr(exc))
        except Exception as exc:  # noqa: BLE001 - reported, and fails the run
            outcomes[pk] = "error"
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in ids]
    [t.start() for t in threads]
    [t.join() for t in threads]
    results = sorted(outcomes.values())
    short = [pk for pk, outcome in outcomes.items() if outcome == "short"]
    untouched = AidApplication.objects.filter(pk__in=short, state=AidApplication.State.PUBLICITY, fund__isnull=True,
                                              version=4).count() == len(short)  # registered + 3 steps
    return {"outcomes": {outcome: results.count(outcome) for outcome in sorted(set(results))},
            "approved": AidApplication.objects.filter(pk__in=ids, state=AidApplication.State.APPROVED).count(),
            "refused_left_as_they_were": untouched, "errors": errors}


def books(fund: Fund) -> dict:
    fund.refresh_from_db()
    entries = FundEntry.objects.filter(fund=fund)
    income = entries.filter(amount__gt=0).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    outgoings = -(entries.filter(amount__lt=0).aggregate(total=Sum("amount"))["total"] or Decimal(0))
    last = entries.order_by("-id").values_list("balance_after", flat=True).first()
    ok = fund.balance == income - outgoings == last and fund.balance >= 0
    cents = Decimal("0.01")
    return {"balance": str(fund.balance), "income": str(income.quantize(cents)),
            "outgoings": str(outgoings.quantize(cents)), "last_entry_balance": str(last), "ok": ok}


def main() -> int:
    cast = world()
    two_ids = posted_applications(cast, 2, first=0)
    many_ids = posted_applications(cast, MANY, first=2)
    one_fund = funded(cast["director"], "只够一份的关爱基金", AMOUNT)
    six_fund = funded(cast["director"], f"只够{ENOUGH_FOR}份的关爱基金", AMOUNT * ENOUGH_FOR)
    two = race(cast["director"], one_fund, two_ids)
    many = race(cast["director"], six_fund, many_ids)
    ledgers = {"one_of_two": books(one_fund), "six_of_ten": books(six_fund)}
    ok = (two["outcomes"] == {"short": 1, "won": 1} and two["approved"] == 1
          and many["outcomes"] == {"short": MANY - ENOUGH_FOR, "won": ENOUGH_FOR} and many["approved"] == ENOUGH_FOR
          and two["refused_left_as_they_were"] and many["refused_left_as_they_were"]
          and not two["errors"] and not many["errors"] and all(ledger["ok"] for ledger in ledgers.values())
          and ledgers["one_of_two"]["balance"] == "0.00" and ledgers["six_of_ten"]["balance"] == "0.00")
    print(json.dumps({"vendor": connection.vendor, "race_of_two": two, "ten_for_six": many, "funds": ledgers,
                      "ok": ok}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
