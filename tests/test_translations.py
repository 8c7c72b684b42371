from pathlib import Path

import polib
from django.conf import settings


def test_the_chinese_catalogue_is_complete():
    """Every UI string has a zh-hans translation, so no English leaks into the default UI."""
    catalogue = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "zh_Hans/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
