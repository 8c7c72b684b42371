"""Forms of training: a course, and the steps of an enrolment (attendance, completion, dropping out)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled

from .models import Course, Enrolment, Skill
from .services_courses import COURSE_EDITABLE, ENROLMENT


class CourseForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("course", "Kind"), choices=Course.Kind.choices)
    title = forms.CharField(label=pgettext_lazy("course", "Title"), max_length=80)
    provider = forms.CharField(label=_("Provider (school, training centre)"), max_length=100)
    starts_on = forms.DateField(label=_("Starts on"), widget=DayInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DayInput())
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=32767)
    sessions = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=32767, initial=1,
                                  help_text=_("Attendance is counted in sessions (days or lessons)."))
    certificate = forms.CharField(label=_("Certificate awarded"), required=False, max_length=60,
                                  help_text=_("Put on the seeker's profile on completion; leave empty if none."))
    skill = forms.ModelChoiceField(label=_("Skill taught"), required=False,
                                   queryset=Skill.objects.filter(active=True), empty_label="—",
                                   help_text=_("Added to the seeker's skills on completion."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, course: Course | None = None, **kwargs):
        if course is not None:
            kwargs.setdefault("initial", {**{name: getattr(course, name) for name in COURSE_EDITABLE},
                                          "version": course.version})
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in COURSE_EDITABLE}


STEP_FIELDS = ENROLMENT.fields_by_name()


class EnrolmentStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    sessions_attended = forms.IntegerField(label=_("Sessions attended"), required=False, min_value=0)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DayInput())
    certificate_number = forms.CharField(label=_("Certificate no."), required=False, max_length=40)
    note = forms.CharField(label=_("Why the person dropped out"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, enrolment: Enrolment, actions: list[str], **kwargs):
        super().__init__(*args, initial={"version": enrolment.version,
                                         "sessions_attended": enrolment.sessions_attended}, **kwargs)
        labels = ENROLMENT.action_labels()
        self.fields["action"].choices = [(action, labels[action]) for action in actions]
        self.fields["sessions_attended"].widget.attrs["max"] = enrolment.course.sessions
        self.fields["sessions_attended"].help_text = _("Of the course's %(n)d sessions.") % {
            "n": enrolment.course.sessions}
        for name, steps in {**STEP_FIELDS, "note": ("drop",)}.items():
            self.fields[name].widget.attrs["data-steps"] = " ".join(steps)
