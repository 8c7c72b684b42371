from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_approvals, views_otp, views_tokens

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views_otp.otp_verify, name="otp_verify"),
    path("otp/setup", views_otp.otp_setup, name="otp_setup"),
    path("users/", views.user_list, name="user_list"),
    path("users/new", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/unlock", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/password", views.user_reset_password, name="user_reset_password"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("changes/", views_approvals.change_list, name="change_list"),
    path("changes/<int:pk>/<slug:action>", views_approvals.change_decide, name="change_decide"),
    path("tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("tokens/revoke", views_tokens.api_token_revoke, name="api_token_revoke"),
    path("tokens/managed", views_tokens.api_tokens_managed, name="api_tokens_managed"),
]
