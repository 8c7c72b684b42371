"""What every seed_scale generator shares while it writes one county."""

from dataclasses import dataclass
from datetime import date

from .scale_audit import AuditTrail
from .scale_plan import Plan
from .scale_writer import BulkWriter, Clock


@dataclass
class Context:
    plan: Plan
    writer: BulkWriter
    audit: AuditTrail
    clock: Clock
    today: date
    start: date  # the first day of the generated years
    actors: dict[str, int]  # user pk of the worker at the centre of each province, city and county code
    centres: dict[str, int]  # OrgUnit pk of the centre of each province, city and county code
    categories: dict[str, int]  # PersonCategory's category pk by name

    def actor_for(self, code: str) -> int:
        """The county worker who acts for a station (its county centre's account)."""
        return self.actors[code[:6]]
