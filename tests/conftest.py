import pytest
from django.conf import settings
from django.test import Client

from tests.factories import build_world, load_cast

# Background jobs run inside the call that queues them, so a test sees their outcome at once
# (set before any task backend is first used; django-tasks caches it).
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
        return client

    return make
