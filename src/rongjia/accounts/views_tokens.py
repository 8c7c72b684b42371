"""API tokens in the web: one's own (every account), and those of the accounts the security
administrator manages. Issuing and revoking go through accounts.services_tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate

from . import services_tokens, two_factor
from .forms import ApiTokenForm


@never_cache  # the new token is in the page: no cache may keep it
@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None, needs_code=two_factor.second_factor_needed(request.user))
    new_key = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_key = services_tokens.api_token_create(actor=request.user, user=request.user, name=data["name"],
                                                       purpose=data["purpose"], otp=data.get("otp", ""))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            form = ApiTokenForm(needs_code=two_factor.second_factor_needed(request.user))
    page, query = paginate(request, services_tokens.tokens_of(request.user))
    return render(request, "accounts/api_tokens.html", {"form": form, "new_key": new_key, "page": page,
                                                        "query": query, "days": settings.API_TOKEN_DAYS})


@capability_required("accounts.manage")
def api_tokens_managed(request):
    q = request.GET.get("q", "")[:50]
    tokens = services_tokens.tokens_managed_by(request.user)
    if q:
        tokens = tokens.filter(Q(user__username__icontains=q) | Q(user__full_name__icontains=q)
                               | Q(name__icontains=q) | Q(prefix__startswith=q))
    page, query = paginate(request, tokens)
    return render(request, "accounts/api_tokens_managed.html", {"page": page, "query": query, "q": q})


@require_POST
@login_required
def api_token_revoke(request):
    """The token's id comes in the form; someone else's (outside one's management) is not found."""
    pk = request.POST.get("token", "")
    if not pk.isdigit():
        raise Http404
    token = get_object_or_404(services_tokens.tokens_revocable_by(request.user).select_related("user"), pk=pk)
    services_tokens.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The API token %(name)s (%(prefix)s…) is revoked: it no longer works.")
                     % {"name": token.name, "prefix": token.prefix})
    return redirect("accounts:api_tokens" if token.user_id == request.user.pk else "accounts:api_tokens_managed")
