"""Forms of the job fairs: planning one, inviting seekers, the phone at the door and an offer made at the fair."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from .models import Employer, Fair, FairGuest, Posting, Seeker, Skill
from .services_fairs import INVITABLE


class PostingChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, posting):
        return f"{posting.employer.name} · {posting.title}"


class FairForm(ServiceErrors, Styled, forms.Form):
    title = forms.CharField(label=pgettext_lazy("fair", "Title"), max_length=80)
    date = forms.DateField(label=_("Date of the fair"), widget=DayInput())
    venue = forms.CharField(label=_("Venue"), max_length=200)
    employers = forms.ModelMultipleChoiceField(label=_("Employers taking part"), required=False,
                                               queryset=Employer.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    postings = PostingChoice(label=_("Postings offered at the fair"), required=False,
                             queryset=Posting.objects.none(), widget=forms.CheckboxSelectMultiple,
                             help_text=_("A posting brings its employer along."))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, fair: Fair | None = None, **kwargs):
        if fair is not None:
            kwargs.setdefault("initial", {
                "title": fair.title, "date": fair.date, "venue": fair.venue, "note": fair.note,
                "version": fair.version, "employers": list(fair.employers.values_list("pk", flat=True)),
                "postings": list(fair.postings.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)
        self.fields["employers"].queryset = Employer.objects.visible_to(user).filter(active=True)
        open_now = Q(withdrawn=False, closes_on__gte=timezone.localdate())
        if fair is not None:  # a posting already at the fair stays choosable after it closes
            open_now |= Q(pk__in=fair.postings.values("pk"))
        postings = Posting.objects.visible_to(user).select_related("employer").filter(open_now)
        self.fields["postings"].queryset = postings.order_by("employer__name", "title", "id")

    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "date", "venue", "employers", "postings", "note")}


class SeekerFilterForm(Styled, forms.Form):
    """Which seekers of the area to list for an invitation or an enrolment: by station and by skill."""

    station = forms.ModelChoiceField(label=_("Station"), required=False, queryset=OrgUnit.objects.none(),
                                     empty_label=_("All stations"))
    skill = forms.ModelChoiceField(label=_("Skill"), required=False, queryset=Skill.objects.filter(active=True),
                                   empty_label=_("Any skill"))
    q = forms.CharField(label=pgettext_lazy("person name", "Name"), required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["station"].queryset = OrgUnit.objects.filter(
            pk__in=Seeker.objects.visible_to(user).values("station")).order_by("region_code", "id")

    def seekers(self, *, statuses=INVITABLE):
        seekers = Seeker.objects.visible_to(self.user).filter(status__in=statuses).select_related(
            "person", "station")
        if self.is_valid():
            data = self.cleaned_data
            if data["station"]:
                seekers = seekers.filter(station=data["station"])
            if data["skill"]:
                seekers = seekers.filter(skills=data["skill"])
            if data["q"]:
                seekers = seekers.filter(person__name__contains=data["q"].strip())
        return seekers.order_by("station__region_code", "person__name", "id")


class SeekersChosenForm(ServiceErrors, forms.Form):
    seekers = forms.ModelMultipleChoiceField(label=_("Job seekers"), queryset=Seeker.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seekers"].queryset = Seeker.objects.visible_to(user)
        self.fields["seekers"].error_messages["required"] = _("Tick at least one job seeker.")


class CheckInForm(ServiceErrors, forms.Form):
    """The door: the ID number typed on a phone's keypad, or the scanned invitation's code (kept hidden)."""

    id_number = forms.CharField(
        label=_("ID number"), required=False, max_length=30,
        # The phone's number pad; the last character may be X, which the page's own X key types (check_in.js).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "class": "form-control form-control-lg check-in-number",
                                      "aria-describedby": "check-in-hint"}))
    code = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)


class GuestChoice(forms.ModelChoiceField):
    def label_from_instance(self, guest):
        return guest.seeker.person.name


class PostingAtFair(forms.ModelChoiceField):
    def label_from_instance(self, posting):
        return f"{posting.employer.name} · {posting.title}"


class OfferForm(ServiceErrors, Styled, forms.Form):
    guest = GuestChoice(queryset=FairGuest.objects.none(), label=_("Guest who came"))
    posting = PostingAtFair(queryset=Posting.objects.none(), label=_("Posting offered"))

    def __init__(self, *args, user, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guest"].queryset = FairGuest.objects.visible_to(user).filter(
            fair=fair, checked_in_at__isnull=False).select_related("seeker__person").order_by("seeker__person__name")
        self.fields["posting"].queryset = fair.postings.select_related("employer").order_by("employer__name", "title")
