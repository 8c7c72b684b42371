"""The project's own format modules (settings.FORMAT_MODULE_PATH), over Django's locale formats.

Only what differs from Django's is written here; every other format falls through to Django's module for the
language (e.g. zh_Hans's DATE_FORMAT "Y年n月j日", which the printed documents use).
"""
