"""Pick one thing by its name: a text box with suggestions, and a hidden input that carries the chosen code.

Why a listbox and not a native <datalist>: a datalist option has one value, and choosing it puts that value
in the box, so the box showed a 12-digit code (or, once the code was searched again, an emptied list: the
mailbox's bug). The WAI-ARIA combobox pattern (js/picker.js) keeps the readable name in the box and the code in
a hidden input beside it, and is driven by the arrow keys, Enter and Escape like a datalist.

The server never trusts the hidden code alone when the box says something else: a worker who picked a
suggestion and then typed over it sends the old code with a new name, so the name wins (the script clears the
code on typing too). Without the script, the box's text is read as an exact name or path; anything else is a
clear error, never a guess.
"""

from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import Region
from .places import DEFAULT_LEVELS, SEPARATOR, name_part, place_of, places_in_scope, squashed, with_paths
from .regions import LEVEL_CHOICES, PREFIX_LENGTH, SLUG_BY_LEVEL, pad_code

TEXT_SUFFIX = "_text"  # the box's own name: <field>_text beside the hidden <field>
ALL_LEVELS = tuple(level for level, _label in LEVEL_CHOICES)


class Picked(NamedTuple):
    code: str  # the hidden input: what a suggestion put there, or a code a page or link gave
    text: str  # the box: what the person sees and typed


class PickerInput(forms.Widget):
    """The box, its hidden code and the suggestions' listbox (core/_picker.html).

    `source` answers GET ?q=<typed> with options (core/_picker_options.html); the text box's own attrs
    (class, aria-describedby, aria-invalid…) are the field's, so _form.html's label points at the box.
    """

    template_name = "core/_picker.html"

    def __init__(self, *, source, attrs=None):
        super().__init__(attrs)
        self.source = source

    def value_from_datadict(self, data, files, name) -> Picked:
        return Picked(str(data.get(name, "")).strip(), str(data.get(name + TEXT_SUFFIX, "")).strip())

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and name + TEXT_SUFFIX not in data

    def format_value(self, value) -> Picked:
        if isinstance(value, Picked):
            return value
        return Picked(str(value or ""), str(value or ""))  # a field's prepare_value gives a readable text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(source=str(self.source), text_name=name + TEXT_SUFFIX)
        return context


class PlaceField(forms.Field):
    """A place of the viewer's own subtree at one of `levels`, picked by name; cleans to the Region.

    The form gives the viewer (`field.viewer = user`) before validation: a place outside the scope is neither
    suggested nor accepted, with the same message as an unknown one. `kept` names a code the record already
    holds, accepted at any level (a dossier registered at a district centre's own region can still be saved).
    """

    default_error_messages = {
        "outside": _("Choose a place inside your area from the suggestions."),
        "level": _("Choose a place of the kind asked for here (%(levels)s)."),
        "unknown": _("No place in your area has this name. Type part of the name and choose a suggestion."),
        "several": _("Several places in your area have this name. Type part of it and choose the right one from "
                     "the suggestions."),
    }

    def __init__(self, *, levels=DEFAULT_LEVELS, **kwargs):
        self.levels = tuple(levels)
        kwargs.setdefault("widget", PickerInput(source=_suggest_url(self.levels)))
        kwargs.setdefault("help_text", _("Type part of the name (街道 or 社区, 乡镇 or 村) and choose a suggestion."))
        super().__init__(**kwargs)
        self.viewer, self.kept = None, ""

    def prepare_value(self, value):
        """What the box shows: a Region or a code (initial, or a link's ?field=<code> alone) becomes its path."""
        if isinstance(value, Picked):
            if value.text or not value.code:
                return value
            value = value.code
        if not value:
            return value
        code = value.code if isinstance(value, Region) else full_code(str(value))
        region = self._places(any_level=True).filter(code=code).first()  # a place outside is not named back
        if region is None:  # the hidden input keeps what it was given, and a Region only by its code
            return Picked(code if isinstance(value, Region) else str(value), "")
        return Picked(region.code, place_of(region).path)

    def to_python(self, value):
        picked = value if isinstance(value, Picked) else Picked(str(value or ""), "")
        if not picked.code and not picked.text:
            return None
        if picked.code and (not picked.text or self._text_names(picked)):
            return self._by_code(picked.code)
        return self._by_text(picked.text)

    def _places(self, *, any_level=False):
        return places_in_scope(self.viewer, ALL_LEVELS if any_level else self.levels)

    def _by_code(self, code: str) -> Region:
        code = full_code(code)
        region = self._places(any_level=True).filter(code=code).first()
        if region is None:
            raise ValidationError(self.error_messages["outside"], code="place_outside")
        if region.level not in self.levels and code != self.kept:
            labels = "、".join(str(label) for level, label in LEVEL_CHOICES if level in self.levels)
            raise ValidationError(self.error_messages["level"], code="place_level", params={"levels": labels})
        return region

    def _text_names(self, picked: Picked) -> bool:
        """Whether the box still names the place of the hidden code (its name or its path)."""
        region = Region.objects.filter(code=full_code(picked.code)).first()
        return region is not None and squashed(picked.text) in {squashed(region.name),
                                                                  squashed(place_of(region).path)}

    def _by_text(self, text: str) -> Region:
        """An exact name, or an exact path when one name is shared by places of two streets."""
        if text.isdigit():  # a code typed by hand: refused as outside unless it is in the scope
            return self._by_code(text)
        found = list(self._places().filter(name=name_part(text))[:50])
        if SEPARATOR.strip() in text:
            found = [r for r, p in zip(found, with_paths(found), strict=True) if squashed(p.path) == squashed(text)]
        if not found:
            raise ValidationError(self.error_messages["unknown"], code="place_unknown")
        if len(found) > 1:
            raise ValidationError(self.error_messages["several"], code="place_several")
        return found[0]


class RegionCodeField(forms.RegexField):
    """A list's region filter, sent as a code of 2 to 12 digits (links and exports carry it). A file's note
    writes it as the place's path (core.exports.form_filters), not as the code."""

    def __init__(self, **kwargs):
        super().__init__(regex=r"^\d{2,12}$", **kwargs)

    def shown(self, code: str) -> str:
        region = Region.objects.current().filter(code=pad_code(code)).first()
        return place_of(region).path if region else code


def full_code(code: str) -> str:
    """A link's unpadded prefix ("320115003", as lists and statistics carry a subtree) as its region's 12 digits."""
    return pad_code(code) if code.isdigit() and len(code) in PREFIX_LENGTH.values() else code


def place_suggest_url(levels) -> str:
    return f"{reverse('core:place_suggest')}?level={','.join(SLUG_BY_LEVEL[level] for level in levels)}"


# The suggestions' address, resolved when a page renders: forms are defined before the URLs are loaded.
_suggest_url = lazy(place_suggest_url, str)
