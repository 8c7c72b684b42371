"""The written documents a petitioner receives, one per step that calls for one (信访工作条例 2022).

Each step declares its document in workflow.PETITION; it is printed from the step's record, so a
reprint years later says what was sent then.
"""

from rongjia.core.workflow import Document

from .workflow import PETITION

__all__ = ["DOCUMENTS", "Document"]

DOCUMENTS = PETITION.documents()
