"""The client address the audit trail records (issue 15, finding 8).

Anyone can send an X-Forwarded-For header; only a reverse proxy we run appends to it truthfully.
So the header counts only when the socket's peer is one of RONGJIA_TRUSTED_PROXIES, and then its
right-most entry that is not itself a trusted proxy is the client: entries further left are whatever
the client wrote. Otherwise the socket address is recorded (audit log, audited reads, sign-in
records and failures, the mailbox throttle).
"""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessFailureLog
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

from rongjia.accounts.models import SignInDevice
from rongjia.core.models import Region
from rongjia.petitions.models import Feedback
from tests.factories import PASSWORD, STREET_CODE, VILLAGE_CODE

FORGED = "203.0.113.66"  # what a client wrote into the header itself
SOCKET = "127.0.0.1"  # the test client's REMOTE_ADDR: the proxy when one is trusted


def request(remote=SOCKET, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    ([], SOCKET, FORGED, SOCKET),  # no proxy trusted: the header is ignored
    (["10.0.0.5"], SOCKET, FORGED, SOCKET),  # the peer is not the trusted proxy
    ([SOCKET], SOCKET, "198.51.100.7", "198.51.100.7"),
    ([SOCKET], SOCKET, f"{FORGED}, 198.51.100.7", "198.51.100.7"),  # a forged entry left of the proxy's
    (["10.0.0.4", "10.0.0.5"], "10.0.0.5", f"{FORGED}, 198.51.100.7, 10.0.0.4", "198.51.100.7"),  # two proxies
    (["10.0.0.0/8"], "10.1.2.3", "198.51.100.7", "198.51.100.7"),  # a network of proxies
    ([SOCKET], SOCKET, "198.51.100.7:51234", "198.51.100.7"),  # with a port
    ([SOCKET], SOCKET, "[2001:db8::7]:443", "2001:db8::7"),
    ([SOCKET], SOCKET, None, SOCKET),  # a trusted proxy that sent no header
    ([SOCKET], SOCKET, "unknown", SOCKET),  # nothing usable: the proxy's own address, never the text
    ([SOCKET], SOCKET, "10.0.0.4", "10.0.0.4"),  # not trusted, though private: it is the client
])
def test_client_address(trusted, remote, forwarded, expected):
    from rongjia.core.client import client_address

    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_address(request(remote, forwarded)) == expected


def test_a_bad_trusted_proxy_setting_is_a_clear_configuration_error():
    from rongjia.core.client import client_address

    with override_settings(TRUSTED_PROXIES=["proxy.example"]), pytest.raises(ImproperlyConfigured,
                                                                             match="RONGJIA_TRUSTED_PROXIES"):
        client_address(request())


def _rename_street(client_for, cast, name):
    response = client_for(cast.system_admin).post(f"/reference/regions/{STREET_CODE}/edit", {
        "name": name, "valid_to": ""}, HTTP_X_FORWARDED_FOR=FORGED)
    assert response.status_code == 302
    return LogEntry.objects.get_for_object(Region.objects.get(code=STREET_CODE)).latest("timestamp")


def test_the_audit_log_ignores_a_forged_forwarded_for(cast, client_for):
    assert _rename_street(client_for, cast, "汤山新街道").remote_addr == SOCKET


@override_settings(TRUSTED_PROXIES=[SOCKET])
def test_behind_a_trusted_proxy_the_audit_log_records_the_forwarded_client(cast, client_for):
    assert _rename_street(client_for, cast, "汤山新街道").remote_addr == FORGED


@pytest.mark.parametrize("trusted, expected", [([], SOCKET), ([SOCKET], FORGED)])
def test_audited_reads_record_the_same_address(cast, client_for, trusted, expected):
    with override_settings(TRUSTED_PROXIES=trusted):
        response = client_for(cast.county_director).post("/people/export-full.xlsx", {
            "reason": "核对", "confirm": "on"}, HTTP_X_FORWARDED_FOR=FORGED)
    assert response.status_code == 200
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert read.additional_data["what"] == "export_full" and read.remote_addr == expected


@pytest.mark.parametrize("trusted, expected", [([], SOCKET), ([SOCKET], FORGED)])
def test_sign_ins_and_failed_sign_ins_record_the_same_address(cast, trusted, expected):
    client, username = Client(), cast.village_worker.username
    with override_settings(TRUSTED_PROXIES=trusted):
        client.post("/accounts/login/", {"username": username, "password": "wrong"}, HTTP_X_FORWARDED_FOR=FORGED)
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=FORGED)
    assert AccessFailureLog.objects.get(username=username).ip_address == expected
    assert SignInDevice.objects.get(user=cast.village_worker).first_ip == expected


def test_the_mailbox_throttle_counts_clients_behind_a_trusted_proxy_apart(db, client):
    cache.clear()
    form = {"station": VILLAGE_CODE, "topic": "attitude", "rating": "fairly", "content": "意见"}
    with override_settings(MAILBOX_PER_HOUR=1):  # no proxy trusted: a forged header does not reset the count
        assert client.post("/mailbox/", form, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
        assert client.post("/mailbox/", form, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200  # refused
    with override_settings(TRUSTED_PROXIES=[SOCKET], MAILBOX_PER_HOUR=1):
        assert client.post("/mailbox/", form, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
        assert client.post("/mailbox/", form, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
        assert client.post("/mailbox/", form, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200  # refused
    assert Feedback.objects.count() == 3
