"""The lifecycle of a petition as data: states, the steps between them, who may take each, and
the windows and deadlines the 信访工作条例 (2022) sets. `services.petition_transition` reads it."""

from dataclasses import dataclass

STATES = {
    "registered": "登记", "accepted": "受理", "not_accepted": "不予受理", "assigned": "交办/转办",
    "replied": "答复", "revisited": "回访", "closed": "办结", "review": "复查中", "reviewed": "复查答复",
    "recheck": "复核中", "rechecked": "复核终结",
}
REPLIED_STATES = ("replied", "revisited", "closed")


@dataclass(frozen=True)
class Step:
    label: str
    sources: tuple[str, ...]
    target: str
    capability: str = "petitions.handle"
    needs_note: bool = False
    # (date field on the petition, days, "calendar"|"working"): the step must come within this window
    window: tuple[str, int, str] | None = None
    # (days, kind) from the day of the step: the next step's deadline (None: no deadline running)
    next_due: tuple[int, str] | None = None
    # Who must be above whom: "unit" — the actor's unit is above the responsible unit (复查, 督办);
    # "reviewer" — above the unit that answered the 复查 (复核). None: any unit that sees the petition.
    above: str | None = None


STEPS = {
    # 受理 or not, and tell the petitioner within 15 days of registration (条例 Art. 31)
    "accept": Step("受理", ("registered",), "accepted", next_due=(60, "calendar")),
    "reject": Step("不予受理", ("registered",), "not_accepted", needs_note=True),
    # 交办/转办 to the unit responsible; it may object within 5 working days
    "assign": Step("交办/转办", ("accepted",), "assigned"),
    "object": Step("异议退回", ("assigned",), "accepted", needs_note=True, window=("assigned_on", 5, "working")),
    # 办理 due 60 days from 受理; one extension of at most 30 days, approved (条例 Art. 35)
    "extend": Step("延期", ("accepted", "assigned"), "", capability="petitions.approve", needs_note=True),
    "reply": Step("答复", ("accepted", "assigned"), "replied"),
    "revisit": Step("回访", ("replied",), "revisited"),
    "close": Step("办结", ("revisited",), "closed"),
    # 复查 requested within 30 days of the reply, answered within 30 days by the level above the
    # responsible unit; then 复核 the same, by the level above the one that answered the 复查 (Art. 35–36)
    "request_review": Step("申请复查", REPLIED_STATES, "review", needs_note=True, window=("replied_on", 30, "calendar"),
                           next_due=(30, "calendar")),
    "review_reply": Step("复查答复", ("review",), "reviewed", above="unit"),
    "request_recheck": Step("申请复核", ("reviewed",), "recheck", needs_note=True,
                            window=("replied_on", 30, "calendar"), next_due=(30, "calendar")),
    "recheck_reply": Step("复核答复", ("recheck",), "rechecked", above="reviewer"),
    # 督办: any centre above the responsible unit presses it, with a note; the state does not change
    "supervise": Step("督办", ("registered", "accepted", "assigned", "review", "recheck"), "", needs_note=True,
                      above="unit"),
}
ACTION_LABELS = {"register": "登记", **{action: step.label for action, step in STEPS.items()},
                 # legal aid runs beside the lifecycle: it is recorded on the petition but changes no state
                 "legal_aid": "转法律援助", "legal_aid_take_on": "律师接受援助", "legal_aid_decline": "律师未接受援助",
                 "legal_aid_conclude": "法律援助办结"}
ACCEPT_NOTICE_DAYS = 15
OBJECTION_WORKING_DAYS = 5
MAX_EXTENSION_DAYS = 30
REPEAT_MONTHS = 12
COLLECTIVE_SIZE = 5


def allowed_actions(state: str) -> list[str]:
    return [action for action, step in STEPS.items() if state in step.sources]
