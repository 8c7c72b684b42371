"""The service supervision mailbox: the public form (portal or station terminal, no account), the
receipt lookup, and the answering centre's list."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rongjia.core.client import client_address
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.scoping import code_search_q, get_visible_or_404

from ..forms import AnswerForm, FeedbackForm, ReceiptForm
from ..models import Feedback
from ..selectors import feedback_list
from . import services

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
        feedback = services.feedback_by_receipt(form.cleaned_data["receipt"])
        if feedback is None:
            form.add_error("receipt", _("No feedback has this receipt code."))
    return render(request, "petitions/mailbox_lookup.html", {"form": form, "feedback": feedback})


def station_options(request):
    """Suggestions for the public form: stations and centres by name or code (their names are public)."""
    q = request.GET.get("station", "").strip()
    units = OrgUnit.objects.none()
    if len(q) >= 2:
        match = code_search_q("region_code", q) if q.isdigit() else Q(name__contains=q)
        units = OrgUnit.objects.filter(match, region__valid_to__isnull=True).order_by("region_code")[:20]
    return render(request, "petitions/_station_options.html", {"units": units})


@capability_required("petitions.view")
def feedback_inbox(request):
    answered = request.GET.get("answered", "")
    page, query = paginate(request, feedback_list(request.user, answered=answered))
    return render(request, "petitions/mailbox_inbox.html", {"page": page, "query": query, "answered": answered})


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
