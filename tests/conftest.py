import pytest
from django.conf import settings
from django.test import Client

from tests.factories import build_world, load_cast

# Background jobs run inside the call that queues them, so a test sees their outcome at once
# (set before any task backend is first used; django-tasks caches it).
IMMEDIATE = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
settings.TASKS = {name: IMMEDIATE for name in ("default", "imports")}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """One real world per test database: every test reads it and rolls back its own changes."""
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def cast(db):
    return load_cast()


@pytest.fixture
def client_for(db):
    """A signed-in client for a cast member: client_for(cast.village_worker)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        verify_second_factor(client, user)
        return client

    return make


def verify_second_factor(client: Client, user) -> None:
    """As if the user had entered an authenticator code: the pages then open as after a full sign-in.
    (tests/accounts/test_two_factor.py goes through the code page itself.)"""
    from django_otp import DEVICE_ID_SESSION_KEY

    from rongjia.accounts import two_factor

    if two_factor.totp_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = two_factor.provisioned_device(user).persistent_id
        session.save()
