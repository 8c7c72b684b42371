"""Run as a script against its own, empty database (RONGJIA_DATABASE_URL): concurrent writers through
the real services, on real connections, so the database's own locking is what is tested.

1. Two users save the same station, person and petition from the same version at once: exactly
   one wins, the other is told the record changed (StaleVersion, the API's 409).
2. Twenty writers each make WRITES changes to one station, one person and one petition, re-reading
   and retrying when told the record changed: no update is lost (the version and the audit trail
   count every one).

Prints one JSON line with the figures; exits 1 when any check fails.
"""

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongjia.settings")

import django  # noqa: E402

django.setup()

from auditlog.models import LogEntry  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, close_old_connections, connection  # noqa: E402

from rongjia.accounts.models import Role  # noqa: E402
from rongjia.accounts.services import user_create  # noqa: E402
from rongjia.core.errors import StaleVersion  # noqa: E402
from rongjia.core.models import OrgUnit  # noqa: E402
from rongjia.core.org_units import org_units_create_missing  # noqa: E402
from rongjia.core.region_import import import_regions  # noqa: E402
from rongjia.core.services import org_unit_update  # noqa: E402
from rongjia.people.models import Person  # noqa: E402
from rongjia.people.services import person_update  # noqa: E402
from rongjia.petitions.models import Petition  # noqa: E402
from rongjia.petitions.services import petition_register, petition_transition  # noqa: E402
from tests.factories import person_at  # noqa: E402

WRITERS, WRITES = 20, 5
COUNTY, VILLAGE = "320115", "320115003004"


def world():
    if connection.introspection.table_names():
        sys.exit("concurrency_probe.py writes test data: point RONGJIA_DATABASE_URL at an empty database")
    call_command("migrate", verbosity=0)
    import_regions(settings.REGION_DATA_DIR, prefix=COUNTY)
    org_units_create_missing(prefix=COUNTY)
    director = user_create(actor=None, username="director", password="Concurrency#2026", full_name="主任",
                           org_unit=OrgUnit.objects.get(region_code=COUNTY + "000000", kind="centre"),
                           roles=[Role.objects.get(code="centre_director")], must_change_password=False)
    person = person_at(director, code=VILLAGE, name="并发测试")
    petition = petition_register(actor=director, unit=OrgUnit.objects.get(region_code=VILLAGE, kind="station"),
                                 channel="visit", type="claim", category="other", subject="并发",
                                 petitioners=[{"name": "甲"}])
    return director, person, petition


def save_station(actor, version, n):
    return org_unit_update(actor=actor, unit=OrgUnit.objects.get(region_code=VILLAGE, kind="station"),
                           version=version, phone=f"025-5{n:07d}")


def save_person(actor, version, n):
    return person_update(actor=actor, person=Person.objects.get(), version=version, address_detail=f"第{n}号")


def save_petition(actor, version, n):
    return petition_transition(actor=actor, petition=Petition.objects.get(), action="supervise",
                               note=f"督办{n}", version=version)


SAVES = {"station": (save_station, lambda: OrgUnit.objects.get(region_code=VILLAGE, kind="station").version),
         "person": (save_person, lambda: Person.objects.get().version),
         "petition": (save_petition, lambda: Petition.objects.get().version)}


def race_of_two(actor) -> dict:
    """Both start from the same version; a barrier lets them write at the same moment."""
    outcome = {}
    for name, (save, current) in SAVES.items():
        version, barrier, results = current(), threading.Barrier(2), []

        def attempt(n):
            close_old_connections()
            barrier.wait()
            try:
                save(actor, version, 900 + n)
                results.append("won")
            except StaleVersion:
                results.append("stale")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        outcome[name] = sorted(results)
    return outcome


def many_writers(actor) -> dict:
    before = {name: current() for name, (_save, current) in SAVES.items()}
    entries_before = LogEntry.objects.count()
    retries, errors = [0], []
    barrier = threading.Barrier(WRITERS)

    def writer(w):
        close_old_connections()
        barrier.wait()
        try:
            for i in range(WRITES):
                for name, (save, current) in SAVES.items():
                    while True:  # what a person does on "changed by someone else": reload, save again
                        try:
                            save(actor, current(), 10_000 + w * 100 + i)  # unlike any other value: a change
                            break
                        except (StaleVersion, OperationalError):
                            retries[0] += 1
        except Exception as exc:  # noqa: BLE001 - reported, and fails the run
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    after = {name: current() for name, (_save, current) in SAVES.items()}
    return {"versions_gained": {name: after[name] - before[name] for name in SAVES},
            "audit_entries": LogEntry.objects.count() - entries_before,
            "petition_events": Petition.objects.get().events.filter(note__startswith="督办").count(),
            "retries": retries[0], "errors": errors}


def main() -> int:
    director, _person, _petition = world()
    two = race_of_two(director)
    many = many_writers(director)
    expected = WRITERS * WRITES
    ok = (all(result == ["stale", "won"] for result in two.values()) and not many["errors"]
          and all(gained == expected for gained in many["versions_gained"].values())
          and many["petition_events"] == expected + 1)  # + the winner of the race of two
    print(json.dumps({"vendor": connection.vendor, "race_of_two": two, "writers": WRITERS,
                      "writes_each": WRITES, **many, "ok": ok}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
