"""Every date input of the project keeps its value: the browser's date picker reads only YYYY-MM-DD (a month
picker only YYYY-MM), so a default or saved date written any other way ("2026/12/03", the first of Django's
zh_Hans DATE_INPUT_FORMATS) showed an empty box and was lost on the next save.

The forms are found, not listed: every module named *forms* and everything the URL configuration reaches is
imported, then each subclass of BaseForm declared in the project is probed. A form's constructor needs its own
arguments (the viewer, a record…), so each date field is rendered in a one-field form of its own, with the
date as its initial value: the same field, widget and formatting path the real form takes.
"""

import copy
import datetime
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import translation

import rongjia

DAY = datetime.date(2026, 12, 3)
# What each kind of picker must be given; any other input kind of a DateField is reported.
EXPECTED_VALUE = {"date": "2026-12-03", "month": "2026-12"}
VALUE = re.compile(r'\svalue="([^"]*)"')
TYPE = re.compile(r'\stype="([^"]*)"')


def _import_every_form() -> None:
    for module in pkgutil.walk_packages(rongjia.__path__, "rongjia."):
        if "forms" in module.name.rsplit(".", 1)[-1]:
            importlib.import_module(module.name)
    get_resolver().url_patterns  # noqa: B018 — importing every view module, and the forms they declare inline


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_date_fields() -> list[tuple[str, str, forms.DateField]]:
    _import_every_form()
    found = {}
    for form_class in _subclasses(forms.BaseForm):
        if not form_class.__module__.startswith("rongjia."):
            continue
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                found[f"{form_class.__module__}.{form_class.__qualname__}.{name}"] = (name, field)
    return sorted((key, name, field) for key, (name, field) in found.items())


DATE_FIELDS = project_date_fields()


def render_with_initial(name: str, field: forms.DateField) -> str:
    probe = type("Probe", (forms.Form,), {name: copy.deepcopy(field)})(initial={name: DAY})
    return str(probe[name])


def test_the_walk_finds_the_forms_it_must():
    """A guard on the collection itself: forms from modules of several shapes are found."""
    keys = {key for key, _name, _field in DATE_FIELDS}
    assert len(keys) > 50
    for expected in ("rongjia.core.forms.RegionForm.valid_to", "rongjia.core.audit_selectors.AuditFilterForm.date_from",
                     "rongjia.people.books.forms.AsOfForm.day", "rongjia.petitions.backlog.forms.ProgressForm.month"):
        assert expected in keys


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_is_given_its_date_in_the_pickers_format(language):
    wrong = []
    with translation.override(language):
        for key, name, field in DATE_FIELDS:
            html = render_with_initial(name, field)
            kind = (TYPE.search(html) or [None, "text"])[1]
            value = (VALUE.search(html) or [None, None])[1]
            if kind == "hidden":
                continue
            if value != EXPECTED_VALUE.get(kind):
                wrong.append(f"{key}: <input type={kind}> value={value!r}")
    assert not wrong, "date inputs the browser cannot read:\n" + "\n".join(wrong)


def test_dates_typed_the_chinese_ways_are_still_read():
    field = forms.DateField()
    with translation.override("zh-hans"):
        for typed in ("2026-12-03", "2026/12/03", "2026年12月3日", "2026年12月03日"):
            assert field.clean(typed) == DAY, typed
