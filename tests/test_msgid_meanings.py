"""One English msgid, one meaning: a msgid without a context that several source locations use must mean
the same thing in all of them, because the catalogue gives it one translation.

The fault this guards against: the new-petition form labelled its unit field "Registered at" and its
category field "Category"; the catalogue translates those (for the served person's page) as 登记时间 and
人员类别, so the petition form read 登记时间 over a unit and 人员类别 over a petition's problem.

The method (no program can tell two meanings of "From" apart, so a person did, once, and this test keeps it):
1. List every catalogue entry without a context that has two or more source locations
   (polib: `entry.msgctxt is None and len(entry.occurrences) > 1`).
2. Read each location's field and ask whether the one Chinese translation fits it. Where it does not,
   the msgid is ambiguous: the uses that do not fit get their own context (`pgettext_lazy`, or
   `{% translate "…" context "…" %}`), edited on the label line itself.
3. Record here, per ambiguous msgid, the meaning its context-free translation keeps and the files that
   may still use it without a context. The test fails when the context-free entry is referenced from
   any other file (a new use must pick a context, or join the list when it truly means the same), and
   when a context this work introduced is missing from the catalogue or untranslated.

The catalogue is filled by `manage.py makemessages`: after a code change this test fails until it has
been run and the new context entries translated.
"""

from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "src/rongjia/locale/zh_Hans/LC_MESSAGES/django.po"
P = "src/rongjia/"

# msgid -> (what the context-free translation means, the files that may use it without a context)
KNOWN_AMBIGUOUS = {
    "Registered at": ("登记时间: when a served person was registered", {
        P + "people/templates/people/person_detail.html"}),
    "Category": ("人员类别: a served person's category (petitions use “petition problem category”)", {
        P + "people/forms.py", P + "people/forms_records.py", P + "people/templates/people/reference_edit.html",
        # a standard's rate for the persons of a category
        P + "benefits/forms_standards.py", P + "benefits/templates/benefits/_standards_rates_grid.html",
        P + "benefits/templates/benefits/standard_table_detail.html"}),
    "From": ("起始日期: the first day of a date range (transfers use “transfer origin”)", {
        P + "core/audit_selectors.py", P + "people/forms_records.py", P + "petitions/outreach/forms.py",
        P + "petitions/templates/petitions/outreach/meeting_list.html",
        P + "petitions/templates/petitions/outreach/sensitive_periods.html",
        P + "visits/templates/visits/visit_list.html", P + "worklist/forms.py",
        P + "network/forms_training.py", P + "evaluation/forms.py"}),  # a pairing's first day
    "To": ("截止日期: the last day of a date range (transfers use “transfer destination”)", {
        P + "core/audit_selectors.py"}),
    "Outcome": ("答复结果: a petition's answer (legal aid uses “legal aid result”)", {
        P + "petitions/templates/petitions/petition_detail.html"}),
    "Name": ("名称: the name of a thing (a person's is “person name”: 姓名)", {
        P + "accounts/forms.py", P + "core/templates/core/holidays.html", P + "core/templates/core/region_admin.html",
        P + "core/views_reference.py", P + "network/templates/network/_station_table.html",
        P + "network/templates/network/station/grids.html", P + "network/views.py", P + "network/views_units.py",
        P + "petitions/outreach/forms.py", P + "petitions/templates/petitions/outreach/sensitive_periods.html",
        P + "visits/forms.py", P + "visits/templates/visits/campaign_list.html",  # a campaign's name
        P + "evaluation/forms.py"}),  # a criteria set's name
    "Answered": ("已答复: the mailbox state (the time of the answer is “mailbox answer time”)", {
        P + "petitions/templates/petitions/mailbox_inbox.html", P + "petitions/templates/petitions/mailbox_about.html",
        P + "petitions/templates/petitions/mailbox_about_detail.html"}),
}
# The contexts introduced for the uses above, with the translation the lead puts in the catalogue.
CONTEXTS = {
    ("petition registering unit", "Registered at"): "登记单位",
    ("petition problem category", "Category"): "问题类别",
    ("transfer origin", "From"): "转出单位",
    ("transfer destination", "To"): "转入单位",
    ("legal aid result", "Outcome"): "援助结果",
    ("person name", "Name"): "姓名",
    ("mailbox answer time", "Answered"): "答复时间",
}


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


@pytest.mark.parametrize("msgid", sorted(KNOWN_AMBIGUOUS))
def test_an_ambiguous_msgid_keeps_one_meaning_without_a_context(catalogue, msgid):
    meaning, allowed = KNOWN_AMBIGUOUS[msgid]
    entry = catalogue.find(msgid, msgctxt=None)  # the entry without a context
    files = {path for path, _line in entry.occurrences} if entry and not entry.obsolete else set()
    stray = sorted(files - allowed)
    assert not stray, (f"“{msgid}” without a context means {meaning}; these files use it for something else "
                       f"or newly: give them a pgettext context (or add them here if they mean the same): {stray}")


@pytest.mark.parametrize(("context", "msgid"), sorted(CONTEXTS))
def test_each_new_context_is_in_the_catalogue_and_translated(catalogue, context, msgid):
    entry = catalogue.find(msgid, msgctxt=context)
    assert entry is not None and not entry.obsolete, f"run makemessages: “{msgid}” ({context}) is not in the catalogue"
    assert entry.msgstr == CONTEXTS[(context, msgid)] and not entry.fuzzy, (context, msgid, entry.msgstr)
