"""The written documents a petitioner receives, one per step that calls for one (信访工作条例 2022).

Each is printed from the step's record, so a reprint years later says what was sent then.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    title: str
    closing: str  # the petitioner's next right, as the 条例 words it


DOCUMENTS = {
    "accept": Document("信访事项受理告知书", "本机关将自受理之日起60日内办结；情况复杂的，经批准可以适当延长办理期限，"
                                          "但延长期限不超过30日，并告知信访人延期理由。"),
    "reject": Document("信访事项不予受理告知书", "不予受理的理由见上。"),
    "reply": Document("信访事项处理意见书", "信访人对处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关的"
                                          "上一级机关复查（《信访工作条例》第三十五条）。"),
    "review_reply": Document("信访事项复查意见书", "信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关的"
                                                "上一级机关请求复核（《信访工作条例》第三十六条）。"),
    "recheck_reply": Document("信访事项复核意见书", "信访人对复核意见不服，仍以同一事实和理由提出信访请求的，"
                                                 "不再受理（《信访工作条例》第三十六条）。"),
}
