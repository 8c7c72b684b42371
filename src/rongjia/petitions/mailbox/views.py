"""The service supervision mailbox: the public form (portal or station terminal, no account), the
receipt lookup with the sender's rating and follow-up, the answering centre's list, and the page of the
station the feedback is about (its outcome, never the sender)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.audit import log_export
from rongjia.core.client import client_address
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.scoping import code_search_q, get_visible_or_404

from ..forms import AnswerForm, FeedbackForm, ReceiptForm
from ..models import Feedback
from ..selectors import WARNING_DAYS
from . import services
from .forms import FollowUpForm, RateForm
from .selectors import about_list, about_one_or_404, about_rows, inbox_list

RECEIPT_SESSION_KEY = "mailbox_receipt"


@never_cache
def feedback_new(request):
    """Open to anyone. `?station=<code>&via=terminal` is the link a station's terminal opens."""
    form = FeedbackForm(request.POST or None, initial={"station": request.GET.get("station", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            feedback, receipt = services.feedback_submit(
                about=data.pop("station"), source="terminal" if request.GET.get("via") == "terminal" else "portal",
                client=_client(request), **data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            # Shown once on the next page (then only its hash exists), never put in a URL.
            request.session[RECEIPT_SESSION_KEY] = [receipt, feedback.routed_to.name]
            return redirect("mailbox:thanks")
    return render(request, "petitions/mailbox_new.html", {"form": form})


def _client(request) -> str:
    """Whom the throttle counts: core's client address (X-Forwarded-For from RONGJIA_TRUSTED_PROXIES only),
    unless the deployment names the header its proxy sets (RONGJIA_MAILBOX_CLIENT_IP_HEADER)."""
    if settings.MAILBOX_CLIENT_IP_HEADER == "REMOTE_ADDR":
        return client_address(request) or ""
    return request.META.get(settings.MAILBOX_CLIENT_IP_HEADER, "")


@never_cache
def feedback_thanks(request):
    receipt, routed_to = request.session.pop(RECEIPT_SESSION_KEY, [None, None])
    if receipt is None:
        return redirect("mailbox:new")
    return render(request, "petitions/mailbox_thanks.html", {"receipt": receipt, "routed_to": routed_to})


@never_cache
def feedback_lookup(request):
    form = ReceiptForm(request.POST or None)
    feedback = None
    if request.method == "POST" and form.is_valid():
        try:  # wrong codes are counted against the address (services._refuse_wrong_receipts)
            feedback = services.feedback_for_receipt(form.cleaned_data["receipt"], client=_client(request))
        except ValidationError as exc:
            form.add_error(None, exc)
    return _answer_page(request, form, feedback)


def _answer_page(request, form, feedback, **sender_forms):
    """The lookup page; with the feedback, the sender's rating and follow-up forms its state still allows."""
    if feedback is not None:
        receipt = form.data.get("receipt", "") if form.is_bound else ""
        initial = {"receipt": receipt, "version": feedback.version}
        if "rate_form" not in sender_forms and feedback.answered_at and not feedback.answer_rating:
            sender_forms["rate_form"] = RateForm(initial=initial)
        if "follow_form" not in sender_forms and feedback.answered_at and not feedback.followed_up_at:
            sender_forms["follow_form"] = FollowUpForm(initial=initial)
    return render(request, "petitions/mailbox_lookup.html", {"form": form, "feedback": feedback, **sender_forms})


def _sender_step(request, form_class, run, done: str, form_key: str):
    """Run one of the sender's steps; the page shows the feedback again unless the receipt was refused."""
    form = form_class(request.POST)
    receipt_refused = False
    if form.is_valid():
        try:
            run(form.cleaned_data, _client(request))
        except (StaleVersion, ValidationError) as exc:
            receipt_refused = "receipt" in getattr(exc, "error_dict", {})
            form.add_service_error(exc)
        else:
            messages.success(request, done)
            form = None
    lookup = ReceiptForm({"receipt": request.POST.get("receipt", "")})
    lookup.is_valid()
    feedback = None
    if not receipt_refused:
        try:  # counted like a lookup: a refused form must not tell a good code from a wrong one for free
            feedback = services.feedback_for_receipt(request.POST.get("receipt", ""), client=_client(request))
        except ValidationError as exc:
            lookup.add_error(None, exc)
    if feedback is None and form is not None:
        for error in form.non_field_errors():
            lookup.add_error(None, error)
    return _answer_page(request, lookup, feedback, **({form_key: form} if form is not None and feedback else {}))


def _rate(data: dict, client: str):
    return services.feedback_rate(receipt=data["receipt"], version=data["version"], rating=data["answer_rating"],
                                  client=client)


def _follow_up(data: dict, client: str):
    return services.feedback_follow_up(receipt=data["receipt"], version=data["version"], text=data["follow_up"],
                                       client=client)


@require_POST
@never_cache
def feedback_rate(request):
    return _sender_step(request, RateForm, _rate, _("Thank you: your rating of the answer is recorded."),
                        "rate_form")


@require_POST
@never_cache
def feedback_follow_up(request):
    return _sender_step(request, FollowUpForm, _follow_up, _("Your follow-up is sent; the centre will answer again."),
                        "follow_form")


def station_options(request):
    """Suggestions for the public form's station picker (core's picker: ?q=<typed>): stations and centres by name
    or code (their names are public). A pick keeps the name in the box and puts the region's code beside it."""
    q = request.GET.get("q", "").strip()[:60]
    units = OrgUnit.objects.none()
    if len(q) >= 2:
        match = code_search_q("region_code", q) if q.isdigit() else Q(name__contains=q)
        units = OrgUnit.objects.filter(match, region__valid_to__isnull=True).order_by("region_code")[:20]
    options = [(unit.region_code, unit.name) for unit in units]
    empty = _("No station has this name.") if len(q) >= 2 else _("Type at least two characters of the name.")
    return render(request, "core/_picker_options.html", {"options": options, "empty": empty})


@capability_required("petitions.view")
def feedback_inbox(request):
    answered, due = request.GET.get("answered", ""), request.GET.get("due", "")
    page, query = paginate(request, inbox_list(request.user, answered=answered, due=due))
    today = timezone.localdate()
    return render(request, "petitions/mailbox_inbox.html", {
        "page": page, "query": query, "answered": answered, "due": due, "today": today,
        "soon_until": today + timedelta(days=WARNING_DAYS)})


@capability_required("petitions.view")
def feedback_detail(request, pk):
    feedback = get_visible_or_404(Feedback.objects.select_related("about", "routed_to", "answered_by"),
                                  request.user, pk=pk)
    form = AnswerForm(request.POST or None, initial={"version": feedback.version, "answer": feedback.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(actor=request.user, feedback=feedback, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Answer saved: the sender can read it with the receipt code."))
            return redirect("mailbox:inbox")
    return render(request, "petitions/mailbox_detail.html", {"feedback": feedback, "form": form})


@capability_required("petitions.view")
def feedback_about_list(request):
    """关于本站的监督反馈: feedback about the viewer's station (a centre: its own and those below it)."""
    page, query = paginate(request, about_list(request.user))
    return render(request, "petitions/mailbox_about.html", {"page": page, "query": query,
                                                             "rows": about_rows(page.object_list)})


@capability_required("petitions.view")
def feedback_about_detail(request, pk):
    return render(request, "petitions/mailbox_about_detail.html", {"item": about_one_or_404(request.user, pk)})


@require_GET
@capability_required("petitions.view")
def feedback_export(request):
    """The inbox's rows under the same filters, every page. Senders may give their names: an audited export."""
    today = timezone.localdate()
    feedback = inbox_list(request.user, answered=request.GET.get("answered", ""), due=request.GET.get("due", ""))
    log_export(actor=request.user, source=request.path, rows=feedback.count(), filters=request.GET.urlencode())
    headers = [_("Sent"), _("Service centre or station"), _("Topic"), _("Rating"), _("Content"),
               _("Sender's name"), _("Answered by"), pgettext("mailbox answer time", "Answered"),
               _("Answer")]
    rows = ((f.created_at, f.about.name, f.get_topic_display(), f.get_rating_display(), f.content, f.sender_name,
             f.routed_to.name, f.answered_at, f.answer) for f in feedback.iterator(chunk_size=1000))
    return xlsx_response(filename=f"mailbox-inbox-{today.isoformat()}.xlsx", title=_("Supervision mailbox"),
                         headers=headers, rows=rows)
