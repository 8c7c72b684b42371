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
    # The second review (issue 24), by the same method over every context-free entry of two or more files.
    "Incoming": ("转入待办: transfers the viewer decides (a read-only viewer's tab is “Incoming transfers”)", {
        P + "people/templates/people/history_transfers.html"}),
    "Created": ("新增: the audit action (a token's creation time uses “creation time”)", {
        P + "core/audit_selectors.py"}),
    "Change": ("变动: a change as a thing (the backlog's link to another leader uses “change the leader”)", {
        P + "accounts/templates/accounts/change_list.html", P + "benefits/forms_people.py",
        P + "evaluation/templates/evaluation/run_detail.html", P + "insights/forms.py",
        P + "insights/templates/insights/changes.html", P + "people/books/forms.py"}),
    "Held by": ("组织单位: who holds a meeting (a fund's holder uses “fund holder”)", {
        P + "petitions/outreach/forms.py", P + "petitions/templates/petitions/outreach/meeting_detail.html",
        P + "petitions/templates/petitions/outreach/meeting_list.html"}),
    "held by": ("组织单位: who holds a meeting (a fund's holder uses “fund holder”)", {
        P + "petitions/outreach/models.py", P + "worklist/models.py"}),
    "fund": ("资金来源: where the money of an aid or a visit came from (the fund itself is “fund account”)", {
        P + "assistance/models.py", P + "visits/models.py"}),
    "Due": ("期限: a deadline (a benefit's condition of payment uses “benefit trigger”)", {
        P + "benefits/templates/benefits/certification_list.html", P + "petitions/templates/petitions/notice_list.html",
        P + "petitions/templates/petitions/petition_detail.html",
        P + "petitions/templates/petitions/petition_list.html", P + "petitions/views.py"}),
    "due": ("期限: a deadline (a benefit's condition of payment uses “benefit trigger”)", {
        P + "evaluation/templates/evaluation/pairings.html", P + "petitions/models.py", P + "visits/models.py",
        P + "visits/templates/visits/follow_ups.html", P + "visits/templates/visits/visit_detail.html"}),
    "Period": ("统计期间: a statistics period (a payment line's month uses “payment period”)", {
        P + "insights/templates/insights/dashboard.html"}),
    "category": ("人员类别: a served person's category (a petition's uses “petition problem category”)", {
        P + "benefits/models.py", P + "people/models.py"}),
    "from": ("起始日期: a first day (a time uses “start time”, a report's sender “sending unit”)", {
        P + "evaluation/models.py", P + "network/models.py", P + "people/models.py", P + "petitions/outreach/models.py",
        P + "visits/models.py", P + "worklist/models.py"}),
    "until": ("截止日期: a last day (a time uses “end time”)", {
        P + "evaluation/models.py", P + "network/models.py", P + "people/models.py", P + "petitions/outreach/models.py",
        P + "visits/models.py", P + "worklist/models.py"}),
    "title": ("名称: what a thing is called (a leader's post uses “leader's post”, an honour “honorary title”)", {
        P + "benefits/models.py", P + "evaluation/models.py", P + "network/models.py", P + "people/models.py",
        P + "worklist/models.py"}),
    "Title": ("标题: what a record is headed (an honour uses “honorary title”)", {
        P + "benefits/forms_standards.py", P + "benefits/templates/benefits/standards.html", P + "evaluation/forms.py",
        P + "network/forms_training.py", P + "worklist/forms.py", P + "worklist/templates/worklist/task_list.html"}),
    "outcome": ("答复结果: the answer to a petition or a referral (legal aid, meetings, visit follow-ups: their own)", {
        P + "assistance/models.py", P + "petitions/models.py"}),
    "Record the outcome": ("登记援助结果: legal aid's step (a meeting's uses “meeting result”)", {
        P + "petitions/forms.py", P + "petitions/workflow.py"}),
    "Held": ("待处理: an import's rows held back (a title still held uses “title held”)", {
        P + "people/models.py", P + "people/templates/people/_import_checked.html"}),
    "Points": ("分值: what an item is worth (the mark an assessor gives uses “points given”)", {
        P + "evaluation/forms.py", P + "evaluation/templates/evaluation/_items_editor.html",
        P + "evaluation/templates/evaluation/_station_stars.html",
        P + "evaluation/templates/evaluation/criteria_detail.html",
        P + "evaluation/templates/evaluation/score_detail.html",
        P + "worklist/templates/worklist/inspection_detail.html"}),
    "Recorded": ("登记时间: when a row was recorded (a list of the latest uses “recently recorded”)", {
        P + "network/templates/network/rectification_list.html",
        P + "network/templates/network/station/standard.html"}),
    "List": ("列表视图: the list view beside the tree (a checklist's kind uses “checklist”)", {
        P + "network/templates/network/station_tree.html"}),
    "Units": ("单位数: a count of units (the units given a task uses “units given the task”)", {
        P + "network/templates/network/stats/network_stats.html", P + "network/views_stats.py",
        P + "worklist/templates/worklist/task_detail.html"}),
    "active": ("在岗: a lawyer on duty (a standing menu in use uses “in use”)", {P + "petitions/legal_aid/models.py"}),
    "Refuse": ("拒收: refusing a transferred dossier (a grid proposal uses “proposal decision”)", {
        P + "people/templates/people/history_transfers.html"}),
    "follow-up": ("追问: the mailbox sender's follow-up question (a visit's uses “visit follow-up”)", {
        P + "petitions/mailbox/models.py"}),
    "delivered by": ("送达方式: how a petition's notice was delivered (a merit notice's unit uses “delivering unit”)", {
        P + "petitions/models.py"}),
}
# The contexts introduced for the uses above, with the translation the lead puts in the catalogue.
CONTEXTS = {
    ("petition registering unit", "Registered at"): "登记单位",
    ("petition problem category", "Category"): "问题类别",
    ("transfer origin", "From"): "转出站",
    ("transfer destination", "To"): "转入站",
    ("legal aid result", "Outcome"): "援助结果",
    ("person name", "Name"): "姓名",
    ("mailbox answer time", "Answered"): "答复时间",
    ("creation time", "Created"): "创建时间",
    ("change the leader", "Change"): "更换",
    ("fund holder", "Held by"): "管理单位",
    ("fund holder", "held by"): "管理单位",
    ("fund account", "fund"): "资金",
    ("benefit trigger", "Due"): "发放条件",
    ("benefit trigger", "due"): "发放条件",
    ("payment period", "Period"): "所属期间",
    ("petition problem category", "category"): "问题类别",
    ("start time", "from"): "开始时间",
    ("end time", "until"): "结束时间",
    ("sending unit", "from"): "报送单位",
    ("leader's post", "title"): "职务",
    ("honorary title", "title"): "称号",
    ("honorary title", "Title"): "称号",
    ("meeting result", "outcome"): "接访结果",
    ("legal aid result", "outcome"): "援助结果",
    ("follow-up outcome", "outcome"): "办理结果",
    ("meeting result", "Record the outcome"): "登记接访结果",
    ("title held", "Held"): "持有情况",
    ("evaluated station", "Station"): "服务站",  # the station itself (context-free “Station” is 所属站点)
    ("points given", "Points"): "得分",
    ("recently recorded", "Recorded"): "最近登记",
    ("checklist", "List"): "清单",
    ("units given the task", "Units"): "承办单位",
    ("in use", "active"): "启用",
    ("proposal decision", "Refuse"): "不同意",
    ("visit follow-up", "follow-up"): "跟进事项",
    ("delivering unit", "delivered by"): "送达单位",
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
