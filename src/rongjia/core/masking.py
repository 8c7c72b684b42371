"""Masking of personal sensitive information (PIPL): shown masked unless revealed by permission."""


def mask_id_number(value: str) -> str:
    """'320115199001011234' -> '320115********1234': the region and the last four stay."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """'13812345678' -> '138****5678'; a landline '025-52711234' -> '025-****1234'."""
    digits = [i for i, c in enumerate(value or "") if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(value or "")
    hidden = set(digits[-8:-4]) if len(digits) >= 11 else set(digits[-8:-4] or digits[3:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_name(value: str) -> str:
    """'张三丰' -> '张**': for lists shown to people who may not see the name in full."""
    return value[:1] + "*" * (len(value) - 1) if value else ""
