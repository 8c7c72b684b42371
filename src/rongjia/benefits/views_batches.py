"""The payment batch pages: the county's batches, a new one, and a batch's own page — the check (复核) page with its
exceptions and payments, the three people's steps, regeneration, the bank's file and its return file — with the
progress of the generation, polled while the job runs.

Every page resolves the batch inside the viewer's scope first, so someone outside meets 404 before any form is
read; a viewer without the capability of a write meets 403. Every change goes through `batches.py`.
"""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import content_disposition
from rongjia.core.pagination import paginate
from rongjia.core.regions import COUNTY
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404
from rongjia.core.workflow import steps_open_to

from . import batches
from . import selectors_batches as selectors
from .accounts import mask_account
from .forms_batches import BankFileForm, BatchNewForm, ReturnForm, StepForm
from .models import BankFormat, PaymentBatch, PaymentLine
from .workflow import APPROVE, BATCH, PREPARE, REVIEW

VIEW = "benefits.view"
S = PaymentBatch.State
PAYMENTS_PER_PAGE = 50
EXCEPTIONS_PER_PAGE = 100
CONFIRMED_STEPS = ("approve", "send_back")  # asked again before they are taken
CONTENT_TYPES = {BankFormat.Kind.CSV: "text/csv", BankFormat.Kind.FIXED: "text/plain",
                 BankFormat.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _month(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None


def may_create(user) -> bool:
    """Batches are made by a county's centre, by someone who prepares them."""
    unit = user.org_unit
    return user.can(PREPARE) and unit is not None and unit.level == COUNTY


@capability_required(VIEW)
def batch_list(request):
    """The batches the viewer sees, newest first; ?state= and ?month= (YYYY-MM) narrow them."""
    state, month_text = request.GET.get("state", ""), request.GET.get("month", "").strip()
    month = _month(month_text)
    page, query = paginate(request, selectors.batch_list(request.user, state=state, month=month))
    return render(request, "benefits/batch_list.html", {
        "page": page, "query": query, "state": state if state in S.values else "", "states": S.choices,
        "month": f"{month:%Y-%m}" if month else "", "may_create": may_create(request.user)})


@capability_required(PREPARE)
def batch_new(request):
    """The month and the bank's format; the batch is generated in the background, its page shows the progress."""
    form = BatchNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_create(actor=request.user, month=form.cleaned_data["month"],
                                         bank_format=form.cleaned_data["bank_format"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The batch is being generated."))
            return redirect("benefits:batch_detail", pk=batch.pk)
    return render(request, "benefits/batch_new.html", {"form": form, "may_create": may_create(request.user)})


def _batch(request, pk) -> PaymentBatch:
    return get_visible_or_404(PaymentBatch.objects.select_related("unit", "bank_format"), request.user, pk=pk)


@capability_required(VIEW)
def batch_detail(request, pk):
    return _detail_page(request, _batch(request, pk))


def _detail_page(request, batch: PaymentBatch, *, step_form=None, return_form=None):
    """The batch as this viewer reads it; a refused step or return file comes back with its errors."""
    user = request.user
    open_steps = steps_open_to(BATCH, batch, user)
    steps = [step for step in open_steps if step != "record_return"]
    if step_form is None and steps:
        step_form = StepForm(batch=batch)
    if return_form is None and "record_return" in open_steps:
        return_form = ReturnForm(batch=batch)
    labels = BATCH.action_labels()
    events = selectors.history(batch)
    context = {
        "batch": batch, "events": events, "signed": selectors.signed(events),
        "step_form": step_form, "return_form": return_form,
        "steps": [{"action": step, "label": labels[step], "confirm": step in CONFIRMED_STEPS} for step in steps],
        "may_regenerate": user.can(PREPARE) and batch.state in PaymentBatch.OPEN and not batch.running,
        "bank_form": BankFileForm(batch=batch) if user.can(PREPARE) and batch.state in (S.APPROVED, S.PAID)
        else None,
        **_check(request, batch),
    }
    return render(request, "benefits/batch_detail.html", context)


def _check(request, batch: PaymentBatch) -> dict:
    """The check page's lists: exceptions by kind, payments (filtered, a page), and the totals that reconcile."""
    user = request.user
    if batch.running:
        return {}
    line_kind = request.GET.get("line", "")
    region = request.GET.get("region", "").strip()
    if region:
        region = region_prefix_or_404(user, region)
    page, query = paginate(request, selectors.payments_of(batch, user, line_kind=line_kind, region=region),
                           PAYMENTS_PER_PAGE)
    page.object_list = list(page.object_list)
    for payment in page.object_list:
        payment.masked_account = mask_account(payment.account.last_digits)
    exceptions = selectors.exceptions_of(batch, user)
    exception_page = Paginator(exceptions, EXCEPTIONS_PER_PAGE).get_page(request.GET.get("xpage"))
    totals = selectors.payment_totals(batch, user)
    return {
        "page": page, "query": query, "line": line_kind if line_kind in selectors.LINE_FILTERS else "",
        "region": region, "stations": selectors.stations_of(batch, user),
        "line_kinds": [(kind, PaymentLine.Kind(kind).label) for kind in selectors.LINE_FILTERS],
        "exception_counts": selectors.exception_counts(exceptions), "exception_page": exception_page,
        "exception_query": _without(request, "xpage"), "totals": totals,
        "reconciles": totals["total"] == batch.total and totals["count"] == batch.payment_count,
        "person_link": "benefits:person",  # a name opens the person's benefits page
    }


def _without(request, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()


@capability_required(VIEW)
def batch_status(request, pk):
    """The fragment the batch's page polls every 2 seconds while the job runs; once done, the page reloads itself
    to show what the batch holds."""
    batch = _batch(request, pk)
    response = render(request, "benefits/_batch_status.html", {"batch": batch})
    if not batch.running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@capability_required(PREPARE, REVIEW, APPROVE)
def batch_step(request, pk):
    """Prepare, check, approve or send back; a refusal (the same person twice, a stale page, a changed batch) comes
    back on the page with the reason, nothing changed."""
    batch = _batch(request, pk)
    form = StepForm(request.POST, batch=batch)
    if form.is_valid():
        data = form.cleaned_data
        if form.ran(lambda: batches.batch_step(actor=request.user, pk=batch.pk, action=data["action"],
                                               note=data["note"], version=data["version"])):
            messages.success(request, _("Step recorded."))
            return redirect("benefits:batch_detail", pk=batch.pk)
    return _detail_page(request, batch, step_form=form)


@require_POST
@capability_required(PREPARE)
def batch_return(request, pk):
    """The bank's return file: each payment paid or failed; a file that does not answer this batch changes nothing."""
    batch = _batch(request, pk)
    form = ReturnForm(request.POST, request.FILES, batch=batch)
    if form.is_valid():
        data = form.cleaned_data
        if form.ran(lambda: batches.batch_step(actor=request.user, pk=batch.pk, action="record_return",
                                               note=data["note"], version=data["version"],
                                               data={"file": data["file"]})):
            messages.success(request, _("The bank's return file is recorded."))
            return redirect("benefits:batch_detail", pk=batch.pk)
    return _detail_page(request, batch, return_form=form)


@require_POST
@capability_required(PREPARE)
def batch_regenerate(request, pk):
    """Generate the batch again from the entitlements as they are now; unchanged, it keeps the steps taken."""
    batch = _batch(request, pk)
    version = request.POST.get("version", "")
    try:
        batches.batch_regenerate(actor=request.user, pk=batch.pk, version=int(version) if version.isdigit() else None)
    except StaleVersion as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The batch is being generated again."))
    return redirect("benefits:batch_detail", pk=batch.pk)


@capability_required(PREPARE)
def batch_download(request, pk):
    """The file for the bank, in the format chosen (the batch's own by default): approved batches only."""
    batch = _batch(request, pk)
    form = BankFileForm(request.GET, batch=batch)
    chosen = form.cleaned_data["bank_format"] if form.is_valid() else None
    try:
        content, name = batches.bank_file(actor=request.user, pk=batch.pk, bank_format=chosen)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("benefits:batch_detail", pk=batch.pk)
    return attachment(content, name, fallback=f"benefits-{batch.region_code[:6]}-{batch.month:%Y%m}-{batch.pk}")


def attachment(content: bytes, name: str, *, fallback: str) -> HttpResponse:
    """A download named in Chinese: filename= is an ASCII fallback for old clients, filename*= the real name
    (RFC 6266 with RFC 5987's encoding)."""
    extension = name.rsplit(".", 1)[-1] if "." in name else "txt"
    kind = {"csv": BankFormat.Kind.CSV, "xlsx": BankFormat.Kind.XLSX}.get(extension, BankFormat.Kind.FIXED)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition(name, ascii_name=f"{fallback}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response
