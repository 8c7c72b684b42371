"""The capabilities a role can grant, and the 三员分立 (separation of three administrators) rules.

Roles and the capabilities each grants are rows in the database (accounts.Role); this
module only names what exists, so that a role can't be given a capability nobody checks.
"""

from django.utils.translation import gettext_lazy as _

CAPABILITIES = {
    "org.view": _("View centres and stations in one's scope"),
    "org.edit": _("Edit the basic details of centres and stations in one's scope"),
    "network.standards": _("Set the station standards of one's jurisdiction"),
    "people.view": _("Read the dossiers of served people in one's scope"),
    "people.edit": _("Register and update dossiers in one's scope"),
    "people.reveal": _("Reveal a full ID number or phone, one at a time (audited)"),
    "people.import": _("Import ledgers of served people from Excel"),
    "people.merge": _("Merge duplicate dossiers found under one's centre"),
    "people.export_full": _("Export full ID numbers and phones (audited)"),
    "people.grid_edit": _("Update the phone, address, health and needs of the households in one's own grid, and "
                          "propose their status changes"),
    "petitions.view": _("Read the petitions handled in one's scope"),
    "petitions.handle": _("Register petitions and take their steps in one's scope"),
    "petitions.approve": _("Approve the extension of a petition's handling period"),
    "visits.view": _("Read the visits, campaigns and honours of one's scope"),
    "visits.record": _("Record visits, visits owed, plaques and merit notices in one's scope"),
    "visits.manage": _("Set the visit regime and launch campaigns for one's subtree"),
    "worklist.view": _("Read the tasks, inspections, reports and meetings of one's scope"),
    "worklist.report": _("Report progress and evidence on one's own unit's tasks, send information reports"),
    "worklist.review": _("Review the work of the units below, urge them (督办), accept their reports"),
    "worklist.assign": _("Assign tasks and standing menus down one's subtree, hold inspections, record meetings"),
    "evaluation.view": _("Read the star evaluation, its targets, titles and pairings in one's scope"),
    "evaluation.manage": _("Set criteria, run and close evaluation periods, adjust stars, set targets and titles"),
    "evaluation.assess": _("Mark the stations one is assigned in an evaluation period (third-party evaluator)"),
    "assistance.view": _("Read the hardship ledger, pairings, aid applications, funds and referrals of one's scope"),
    "assistance.handle": _("Keep the hardship ledger, register aid applications, review them at one's level, "
                           "record payments and referrals"),
    "assistance.approve": _("Approve aid applications at the last level, one by one or in a batch"),
    "assistance.funds": _("Open funds and record their income and spending"),
    "benefits.view": _("Read the benefit items, standards, entitlements, accounts and payment batches of one's scope"),
    "benefits.handle": _("Confirm entitlements, keep payment accounts and record life certifications in one's scope"),
    "benefits.prepare": _("Generate a county's monthly payment batch and prepare it (经办)"),
    "benefits.review": _("Check a prepared payment batch (复核)"),
    "benefits.approve": _("Approve a checked payment batch and record the bank's return (负责人)"),
    "benefits.standards": _("Enter benefit items, standard tables and the payment policy of one's jurisdiction"),
    "employment.view": _("Read the job seekers, employers, postings, referrals, fairs, courses and businesses of "
                         "one's scope"),
    "employment.handle": _("Keep job seekers' profiles, refer them to postings and record the outcome, check guests "
                           "in at a fair, enrol them on courses and record the businesses veterans start"),
    "employment.manage": _("Register employers and their postings, hold job fairs and open courses for one's "
                           "subtree"),
    "accounts.manage": _("Manage accounts, roles and lockouts"),
    "reference.manage": _("Manage reference data"),
    "audit.view": _("Read the audit log"),
    "audit.export": _("Export the audit log"),
}

SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN = "sys_admin", "sec_admin", "audit_admin"
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)

# Each administrator's own domain: a capability in one of these sets may be held only by
# that administrator role, so no other role (business or administrator) can do its work.
ADMIN_ONLY_CAPABILITIES = {
    SYSTEM_ADMIN: {"reference.manage"},
    SECURITY_ADMIN: {"accounts.manage"},
    AUDIT_ADMIN: {"audit.view", "audit.export"},
}

# The default roles as the migrations leave them (accounts 0002, then each app's grants); the
# security administrator edits them later. Their names here are also the msgids translated.
DEFAULT_ROLES = [
    ("station_worker", _("Station worker"), ["org.view", "org.edit", "people.view", "people.edit", "people.reveal",
                                             "people.import", "petitions.view", "petitions.handle", "visits.view",
                                             "visits.record", "worklist.view", "worklist.report",
                                             "worklist.review", "evaluation.view", "assistance.view",
                                             "assistance.handle", "benefits.view", "benefits.handle", "employment.view",
                                             "employment.handle"]),
    ("grid_worker", _("Grid worker"), ["org.view", "people.view", "people.grid_edit", "visits.view",
                                       "visits.record"]),
    ("centre_staff", _("Centre staff"), ["org.view", "org.edit", "network.standards", "people.view", "people.edit",
                                         "people.reveal", "people.import", "people.merge", "petitions.view",
                                         "petitions.handle", "visits.view", "visits.record", "visits.manage",
                                         "worklist.view", "worklist.report", "worklist.review",
                                         "worklist.assign", "evaluation.view", "evaluation.manage", "assistance.view",
                                         "assistance.handle", "assistance.funds", "benefits.view", "benefits.handle",
                                         "benefits.prepare", "benefits.review", "benefits.standards",
                                         "employment.view", "employment.handle", "employment.manage"]),
    ("centre_director", _("Centre director"), ["org.view", "org.edit", "network.standards", "people.view",
                                               "people.edit", "people.reveal", "people.import", "people.merge",
                                               "people.export_full", "petitions.view", "petitions.handle",
                                               "petitions.approve", "visits.view", "visits.record", "visits.manage",
                                               "worklist.view", "worklist.report", "worklist.review",
                                               "worklist.assign", "evaluation.view", "evaluation.manage",
                                               "assistance.view", "assistance.handle", "assistance.approve",
                                               "assistance.funds", "benefits.view", "benefits.handle",
                                               "benefits.prepare", "benefits.review", "benefits.approve",
                                               "benefits.standards", "employment.view", "employment.handle",
                                               "employment.manage"]),
    ("leader", _("Leader (read-only)"), ["org.view", "people.view", "petitions.view", "visits.view",
                                         "worklist.view", "evaluation.view", "assistance.view",
                                         "benefits.view", "employment.view"]),
    # A third party commissioned to evaluate: no area of its own, only the stations it is given (decision 0015).
    ("evaluator", _("Third-party evaluator"), ["evaluation.assess"]),
    (SYSTEM_ADMIN, _("System administrator"), ["reference.manage"]),
    (SECURITY_ADMIN, _("Security administrator"), ["accounts.manage"]),
    (AUDIT_ADMIN, _("Audit administrator"), ["audit.view", "audit.export"]),
]
