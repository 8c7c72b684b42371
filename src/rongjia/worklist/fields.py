"""The form of fields an assigner defines for a task ("走访人数 | 数字 | 0 | 500"), and the values a unit reports
against it: a number outside its range, a word where a number belongs or a required field left empty is refused
with the field's own label, and nothing is stored."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NUMBER, TEXT = "number", "text"
TYPE_WORDS = {"number": NUMBER, "数字": NUMBER, "数值": NUMBER, "text": TEXT, "文字": TEXT, "文本": TEXT}
MAX_FIELDS = 20


def parse_lines(text: str) -> list[dict]:
    """One field per line: label | type (数字/文字) | min | max, a leading * for a required one."""
    fields = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        label, required = parts[0].lstrip("*").strip(), parts[0].startswith("*")
        kind = TYPE_WORDS.get((parts[1] if len(parts) > 1 else "文字").lower())
        if not label or kind is None:
            raise ValidationError({"fields_text": _("Line %(n)d: write “label | 数字 or 文字 | min | max”.") % {
                "n": number}})
        field = {"key": f"f{len(fields) + 1}", "label": label[:60], "type": kind, "required": required}
        if kind == NUMBER:
            field.update(_bounds(parts[2:4], number))
        fields.append(field)
    if len(fields) > MAX_FIELDS:
        raise ValidationError({"fields_text": _("At most %(n)d fields.") % {"n": MAX_FIELDS}})
    return fields


def _bounds(parts: list[str], line: int) -> dict:
    bounds = {}
    for name, text in zip(("min", "max"), parts, strict=False):
        if text:
            try:
                bounds[name] = float(Decimal(text))
            except InvalidOperation:
                raise ValidationError({"fields_text": _("Line %(n)d: “%(text)s” is not a number.") % {
                    "n": line, "text": text}}) from None
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        raise ValidationError({"fields_text": _("Line %(n)d: the minimum is above the maximum.") % {"n": line}})
    return bounds


def as_lines(fields: list[dict]) -> str:
    """The fields written back as the lines `parse_lines` reads (to edit a standing menu)."""
    lines = []
    for field in fields:
        parts = [("*" if field.get("required") else "") + field["label"], "数字" if field["type"] == NUMBER else "文字"]
        if field["type"] == NUMBER:
            parts += [_plain(field.get("min")), _plain(field.get("max"))]
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def _plain(value) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def clean_values(fields: list[dict], raw: dict) -> dict:
    """The reported values, checked against the fields; unknown keys are ignored, empty ones left out."""
    values, errors = {}, []
    for field in fields:
        text = str(raw.get(field["key"], "") or "").strip()
        if not text:
            continue
        if field["type"] == TEXT:
            values[field["key"]] = text[:500]
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors.append(_("“%(label)s” must be a number.") % {"label": field["label"]})
            continue
        low, high = field.get("min"), field.get("max")
        if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
            errors.append(_("“%(label)s” must lie between %(min)s and %(max)s.") % {
                "label": field["label"], "min": _plain(low) or "—", "max": _plain(high) or "—"})
            continue
        values[field["key"]] = float(number)
    if errors:
        raise ValidationError({"values": errors})
    return values


def missing_required(fields: list[dict], values: dict) -> list[str]:
    return [field["label"] for field in fields if field.get("required") and field["key"] not in values]
