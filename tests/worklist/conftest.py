from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rongjia.worklist.models import Task
from rongjia.worklist.services import task_assign
from rongjia.worklist.targets import Target
from tests.api.conftest import token_for  # noqa: F401 - the API fixtures, for the worklist API tests
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, small_png, unit_at


def photo(name="现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, small_png(), content_type="image/png")


def pdf(name="台账.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")


def assign(actor, *, units=None, levels=None, days=10, **kwargs) -> Task:
    """A task from `actor` to chosen units (default: the two villages of the cast)."""
    target = Target(levels=levels or [], units=[] if levels else [unit_at(code).pk for code in (
        units or (VILLAGE_CODE, VILLAGE2_CODE))])
    kwargs.setdefault("title", "走访慰问情况统计")
    kwargs.setdefault("kind", "collection")
    return task_assign(actor=actor, due_on=timezone.localdate() + timedelta(days=days), target=target, **kwargs)


def make_overdue(task: Task) -> None:
    """Move the due date to yesterday (as if the days had passed), without a service: tests only."""
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    task.refresh_from_db()


@pytest.fixture
def task(cast):
    return assign(cast.county_director, fields=[
        {"key": "f1", "label": "走访人数", "type": "number", "min": 0, "max": 500, "required": True}])
