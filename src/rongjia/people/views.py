"""Pages of the dossiers 一人一档: list and export, registration, the dossier, its edit form.

Each view checks the capability first, reads scoped (a person outside the scope is 404) and
writes through people.services. ID numbers and phones reach the pages only masked; revealing
them is a separate, audited feature.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rongjia.core.audit import log_access, log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import export_place, form_filters, xlsx_response
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import exporting, files, selectors, services
from .books.forms import TransferRequestForm
from .exporting import age_on
from .forms import PersonEditForm, PersonFilterForm, PersonRegisterForm
from .models import Person
from .on_file import NumberOnFile


def _present(person: Person, today: date) -> Person:
    """What a page shows of a person: the age, and the ID number and phone masked."""
    person.age = age_on(person.birth_date, today)
    person.masked_id = mask_id_number(person.id_number)
    person.masked_phone = mask_phone(person.phone)
    person.masked_phone_alt = mask_phone(person.phone_alt)
    return person


class _Rows:
    """What the list's rows show, worked out once per page rather than by the template once per row: a row's
    link (one reverse() per row cost as much as the rest of the row) and the labels of sex and status."""

    PK = 2_147_483_647  # a number no other part of the link holds

    def __init__(self, today: date):
        self.today, self.link = today, reverse("people:person_detail", args=[self.PK])
        self.sexes, self.statuses = dict(Person.Sex.choices), dict(Person.Status.choices)

    def present(self, person: Person) -> Person:
        """The age, the ID number and phone masked (the only values a row decrypts), the link and the labels."""
        person.age = age_on(person.birth_date, self.today)
        person.masked_id = mask_id_number(person.id_number)
        person.masked_phone = mask_phone(person.phone)
        person.url = self.link.replace(str(self.PK), str(person.pk))
        person.sex_label = self.sexes.get(person.sex, "")
        person.status_label = "" if person.status == Person.Status.ACTIVE else self.statuses.get(person.status, "")
        return person


@capability_required("people.view")
def person_list(request):
    form, today = PersonFilterForm.from_query(request.GET), date.today()
    safe_url = f"{request.path}?{form.query()}"
    if form.arrived_plain and not request.htmx:  # a full ID number or phone leaves the address bar
        return redirect(safe_url)
    people = selectors.by_their_ids_if_few(selectors.on_a_list_page(form.people(request.user, today)))
    page, _query = paginate(request, people, capped=True)
    selectors.walked_page(page, lambda: selectors.on_a_list_page(form.people(request.user, today, in_passing=True)))
    rows = _Rows(today)
    page.object_list = [rows.present(person) for person in page.object_list]
    context = {"form": form, "page": page, "filters": form.filters(), "query": form.query()}
    if not request.htmx:  # the fragment htmx swaps in holds the results only
        context["controls"] = form.controls()
    template = "people/_person_table.html" if request.htmx else "people/person_list.html"
    response = render(request, template, context)
    if form.arrived_plain:
        response["HX-Push-Url"] = safe_url  # instead of the URL htmx requested
    return response


@capability_required("people.view")
def person_export(request):
    """The same rows as the list under the same filters, every page, masked; recorded, as every bulk export.

    Up to files.EXPORT_IN_BACKGROUND rows the file comes at once (GET). A longer list is made by the worker:
    the list's button says so and POSTs here, and the job's page offers the file (people.files).
    """
    today, filters = date.today(), PersonFilterForm.from_query(request.GET)
    if request.method == "POST":
        job = files.export_start(actor=request.user, filters=filters, source=request.path)
        return redirect("core:file_job", pk=job.pk)
    people = filters.people(request.user, today)
    count = people.count()
    if count > files.EXPORT_IN_BACKGROUND:  # a link followed from elsewhere: the list's button makes it
        messages.info(request, _("%(count)d rows: too many to make while you wait. Press “Export xlsx” to have "
                                 "the file made in the background.") % {"count": count})
        return redirect(f"{reverse('people:person_list')}?{filters.query()}")
    log_export(actor=request.user, source=request.path, rows=count, filters=filters.audit_query())
    return xlsx_response(filename="people.xlsx", title=_("Served people"), headers=exporting.headers(),
                         rows=exporting.rows(people, today), filters=form_filters(filters),
                         place=export_place(request.user, filters.filters()["region"] or ""))


@capability_required("people.view")
def person_detail(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station", "address_region", "created_by"),
                                request.user, pk=pk)
    if person.priority:  # 重点对象: every look at the dossier is an audited read (等保 8.1.4.3)
        log_access(actor=request.user, obj=person, what="priority_view", reason=_("Dossier of a priority person "
                                                                                  "viewed"))
    context = {"person": _present(person, date.today()), "address_regions": person.address_region.lineage(),
               "can_edit": request.user.can("people.edit"), "is_open": person.status != Person.Status.DECEASED,
               **selectors.dossier_parts(person)}
    return render(request, "people/person_detail.html", context)


@capability_required("people.edit")
def person_register(request):
    # a petitioner not on file comes with the name from the petition page (为其建档)
    form = PersonRegisterForm(request.POST or None, user=request.user, initial={"name": request.GET.get("name", "")})
    request_form = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(actor=request.user, **form.registration())
        except NumberOnFile as exc:
            if exc.on_file.outside:  # offer the 转入申请 instead
                data = form.cleaned_data
                request_form = TransferRequestForm(user=request.user, initial={
                    "id_number": data["id_number"], "station": data["station"].pk})
            form.add_error("id_number", exc.on_file.refusal_on_page())  # a link to the dossier when in the area
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": person.name})
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_register.html", {"form": form, "request_form": request_form})


@capability_required("people.edit")
def person_edit(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station", "address_region"), request.user, pk=pk)
    form = PersonEditForm(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, version=form.cleaned_data["version"],
                                   **form.changes())
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:person_detail", pk=person.pk)
    context = {"person": _present(person, date.today()), "form": form}
    return render(request, "people/person_edit.html", context)
