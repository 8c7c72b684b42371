"""Pages of the dossiers 一人一档: list and export, registration, the dossier, its edit form.

Each view checks the capability first, reads scoped (a person outside the scope is 404) and
writes through people.services. ID numbers and phones reach the pages only masked; revealing
them is a separate, audited feature.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core.audit import log_access, log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import exporting, selectors, services
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


@capability_required("people.view")
def person_list(request):
    form, today = PersonFilterForm.from_query(request.GET), date.today()
    safe_url = f"{request.path}?{form.query()}"
    if form.arrived_plain and not request.htmx:  # a full ID number or phone leaves the address bar
        return redirect(safe_url)
    page, _query = paginate(request, form.people(request.user, today), capped=True)
    page.object_list = [_present(person, today) for person in page.object_list]
    context = {"form": form, "page": page, "filters": form.filters(), "query": form.query()}
    template = "people/_person_table.html" if request.htmx else "people/person_list.html"
    response = render(request, template, context)
    if form.arrived_plain:
        response["HX-Push-Url"] = safe_url  # instead of the URL htmx requested
    return response


@capability_required("people.view")
def person_export(request):
    """The same rows as the list under the same filters, every page, masked; recorded, as every bulk export."""
    today, filters = date.today(), PersonFilterForm.from_query(request.GET)
    people = filters.people(request.user, today)
    log_export(actor=request.user, source=request.path, rows=people.count(), filters=filters.audit_query())
    return xlsx_response(filename="people.xlsx", title=_("Served people"), headers=exporting.headers(),
                         rows=exporting.rows(people, today))


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
        except ValidationError as exc:
            if isinstance(exc, NumberOnFile) and exc.on_file.outside:  # offer the 转入申请 instead
                data = form.cleaned_data
                request_form = TransferRequestForm(user=request.user, initial={
                    "id_number": data["id_number"], "station": data["station"].pk})
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": person.name})
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_register.html", {"form": form, "request_form": request_form})


@capability_required("people.edit")
def person_edit(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station", "address_region"), request.user, pk=pk)
    form = PersonEditForm(request.POST or None, person=person)
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
