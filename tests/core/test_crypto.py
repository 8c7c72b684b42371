"""Sensitive fields are encrypted at rest, readable only with the keys, and rotate without loss."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast

from rongjia.core.crypto import blind_index, decrypt
from rongjia.network import services
from rongjia.network.models import StaffMember
from tests.factories import VILLAGE_CODE, StaffMemberFactory, unit_at

PHONE = "13912345678"


def stored(staff) -> str:
    """The value as it lies in the database."""
    return StaffMember.objects.filter(pk=staff.pk).annotate(raw=Cast("phone", TextField())).values_list(
        "raw", flat=True).get()


def test_the_phone_is_stored_encrypted_and_read_plain(db):
    staff = StaffMemberFactory(phone=PHONE)
    assert PHONE not in stored(staff) and stored(staff).startswith("gAAAA")
    assert StaffMember.objects.get(pk=staff.pk).phone == PHONE


def test_without_the_key_nothing_reads(db, settings):
    staff = StaffMemberFactory(phone=PHONE)
    settings.DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="cannot decrypt"):
        StaffMember.objects.get(pk=staff.pk)


def test_rotation_re_encrypts_with_the_new_key_and_loses_nothing(db, settings):
    old = settings.DATA_KEYS[0]
    staff = [StaffMemberFactory(phone=f"1391234567{n}") for n in range(3)]
    StaffMemberFactory(phone="")
    new = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new, old]  # the new key first; the old still reads
    out = StringIO()
    call_command("rotate_data_key", stdout=out)
    assert "3" in out.getvalue()
    settings.DATA_KEYS = [new]  # the old key can now go
    assert [StaffMember.objects.get(pk=s.pk).phone for s in staff] == [f"1391234567{n}" for n in range(3)]
    assert decrypt(stored(staff[0])) == "13912345670"


def test_blind_index_is_exact_keyed_and_purpose_bound(settings):
    a = blind_index("320115199001011234", purpose="id_number")
    assert a == blind_index(" 320115199001011234 ", purpose="id_number")
    assert a != blind_index("320115199001011234", purpose="phone")
    settings.INDEX_KEY = "another key"
    assert a != blind_index("320115199001011234", purpose="id_number")


def test_the_audit_log_does_not_hold_the_phone_in_clear(cast):
    staff = services.staff_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="赵六", post="专干",
                                employment="full_time", phone=PHONE)
    changes = str(LogEntry.objects.get_for_object(staff).latest("timestamp").changes)
    assert PHONE not in changes
