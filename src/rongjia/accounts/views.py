"""Sign-in, password change, and the security administrator's account and role pages."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate

from . import approvals, selectors, services
from .forms import LoginForm, PasswordChangeForm, PasswordResetForm, RoleForm, UserCreateForm, UserEditForm
from .models import AccountChange, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user, old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"], request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay signed in with the new hash
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@capability_required("accounts.manage")
def user_list(request):
    q = request.GET.get("q", "")[:50]
    users = services.managed_users(request.user).select_related("org_unit").prefetch_related("roles").order_by(
        "username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(org_unit__name__icontains=q))
    state = request.GET.get("state", "")
    users = selectors.accounts_in_state(users, state)
    page, query = paginate(request, users)
    locked = selectors.locked_usernames([u.username for u in page])
    return render(request, "accounts/user_list.html", {"page": page, "q": q, "query": query, "locked": locked,
                                                       "state": state})


@capability_required("accounts.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], password=data["password"],
                full_name=data["full_name"], org_unit=data["org_unit"], roles=list(data["roles"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if user.is_active:
                messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            else:
                messages.info(request, _("Account %(name)s created. It can sign in once a second security "
                                         "administrator approves its roles.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New account")})


@capability_required("accounts.manage")
def user_edit(request, pk):
    user = get_object_or_404(services.managed_users(request.user).select_related("org_unit"), pk=pk)
    initial = {"full_name": user.full_name, "org_unit": user.org_unit.region_code if user.org_unit else "",
               "roles": list(user.roles.all()), "is_active": user.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.user_update(actor=request.user, user=user, full_name=data["full_name"],
                                            org_unit=data["org_unit"], roles=list(data["roles"]),
                                            is_active=data["is_active"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved. The new roles or unit take effect when a second security "
                                        "administrator approves them.") if proposal else _("Saved."))
            return redirect("accounts:user_list")
    reset_form = PasswordResetForm()
    pending = AccountChange.objects.filter(account=user, state=AccountChange.State.PROPOSED).exists()
    return render(request, "accounts/user_form.html", {"form": form, "account": user, "reset_form": reset_form,
                                                       "title": user.username, "pending_change": pending})


@require_POST
@capability_required("accounts.manage")
def user_unlock(request, pk):
    user = get_object_or_404(services.managed_users(request.user), pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user.username})
    return redirect("accounts:user_list")


@require_POST
@capability_required("accounts.manage")
def user_reset_password(request, pk):
    user = get_object_or_404(services.managed_users(request.user), pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_reset_password(actor=request.user, user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Temporary password set; %(name)s must change it at sign-in.")
                             % {"name": user.username})
    return redirect("accounts:user_edit", pk=user.pk)


@capability_required("accounts.manage")
def role_list(request):
    """Each role as it applies in the administrator's jurisdiction (a county's own list, if it set one)."""
    roles = list(Role.objects.all())
    here = approvals.capabilities_here(roles, request.user)
    for role in roles:
        role.capabilities_here = here[role.pk]
    return render(request, "accounts/role_list.html", {"roles": roles})


@capability_required("accounts.manage")
def role_edit(request, pk):
    role = get_object_or_404(Role, pk=pk)
    here = approvals.capabilities_here([role], request.user)[role.pk]
    form = RoleForm(request.POST or None, initial={"capabilities": here})
    if request.method == "POST" and form.is_valid():
        try:
            capabilities = form.cleaned_data["capabilities"]
            services.role_set_capabilities(actor=request.user, role=role, capabilities=capabilities)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.info(request, _("Proposed: the role changes in your jurisdiction when a second security "
                                     "administrator approves it."))
            return redirect("accounts:change_list")
    return render(request, "accounts/role_edit.html", {"form": form, "role": role})


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
