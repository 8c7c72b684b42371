"""How a ledger row differs from the person already on file at its station, field by field.

Only what the ledger says is compared: a column the ledger lacks, or a blank cell, never reads as
"remove it". Categories only add: a ledger listing 退役士兵 for someone on file as 残疾军人 too does
not end the second one. Each difference is [field, as on file, as in the ledger] in words.
"""

from rongjia.core.masking import mask_phone

from .placing import Place

# Fields an accepted update may change, in the order the page lists them.
UPDATABLE = ("phone", "phone_alt", "address_region", "address_detail", "ethnicity", "political_status", "education",
             "health", "notes", "categories")


def differences(person, values: dict, place: Place | None, *, category_names: dict[int, str]) -> list[list]:
    """`person` with address_region and category_spans loaded (the caller fetches a batch at once)."""
    found = []
    for key in ("phone", "phone_alt"):  # compared by digits; kept masked (the differences are stored in clear)
        new, old = values.get(key) or "", getattr(person, key) or ""
        if new and _digits(new) != _digits(old):
            found.append([key, mask_phone(old), mask_phone(new)])
    for key in ("address_detail", "health", "notes"):
        new = values.get(key) or ""
        if new and new != (getattr(person, key) or ""):
            found.append([key, getattr(person, key) or "", new])
    for key in ("ethnicity", "political_status", "education"):
        new = values.get(key) or ""
        if new and new != getattr(person, key):
            label = dict(person._meta.get_field(key).choices)
            found.append([key, label.get(getattr(person, key), ""), label.get(new, new)])
    if place is not None and place.region_id != person.address_region_id:
        found.append(["address_region", person.address_region.name if person.address_region_id else "",
                      place.label])
    held = {span.category_id for span in person.category_spans.all() if span.end_date is None}
    added = [pk for pk in values.get("categories") or [] if pk not in held]
    if added:
        found.append(["categories", "", "、".join(category_names[pk] for pk in added)])
    return found


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())
