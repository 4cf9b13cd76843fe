from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.models import Role
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.pagination import paginate

from . import access, selectors, services, two_factor
from .access import Perm, grants_of, require_perm
from .forms import (
    GrantFieldsForm,
    LoginForm,
    SetPasswordForm,
    StyledPasswordChangeForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
    TwoFactorCodeForm,
    UserCreateForm,
    UserFilterForm,
    UserUpdateForm,
)
from .inputs import USER_PROFILE_FIELDS


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest):
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        # Other sessions die with the old password hash; this one stays signed in.
        update_session_auth_hash(request, request.user)
        messages.success(request, "Пароль изменён. Все другие сеансы завершены.")
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_GET
def profile(request: AuthenticatedHttpRequest):
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": grants_of(request.user),
            "token": None,
            "two_factor": two_factor.status_of(request.user),
        },
    )


@login_required
@require_POST
def api_token_issue(request: AuthenticatedHttpRequest):
    token = services.api_token_issue(actor=request.user, otp_verified=two_factor.is_verified(request))
    messages.warning(request, "Сохраните токен сейчас: он показывается один раз.")
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": grants_of(request.user),
            "token": token.key,
            "two_factor": two_factor.status_of(request.user),
        },
    )


@login_required
@require_GET
def user_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.USERS_MANAGE)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(actor=request.user, filters=filters)
    return render(request, "accounts/user_list.html", {"form": form, "page_obj": paginate(request, users)})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.USERS_MANAGE)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                phone=data["phone"],
                password=data["password1"],
                grant=form.grant,
                home_subject=data["home_subject"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Пользователь {user.username} создан.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
@require_GET
def user_detail(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    grants = selectors.user_grants(user=user)
    context = {
        "managed_user": user,
        "grants": grants,
        "can_manage": access.can_manage_user(request.user, user, grants),
        "grant_form": GrantFieldsForm(actor=request.user),
        "two_factor": two_factor.status_of(user),
        "can_reset_two_factor": Role.FEDERAL_ADMIN in access.roles_of(request.user),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_update(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    initial = {name: getattr(user, name) for name in USER_PROFILE_FIELDS}
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, data=form.profile_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_update.html", {"form": form, "managed_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def user_set_password(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user, user=user, new_password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(request, "Пароль изменён, сеансы пользователя завершены.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_set_password.html", {"form": form, "managed_user": user})


@login_required
@require_POST
def user_set_active(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    is_active = request.POST.get("is_active") == "1"
    services.user_set_active(actor=request.user, user=user, is_active=is_active)
    messages.success(request, "Пользователь разблокирован." if is_active else "Пользователь заблокирован.")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def grant_create(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    form = GrantFieldsForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.grant_create(actor=request.user, user=user, grant=form.grant)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Право выдано.")
            return redirect("accounts:user_detail", pk=user.pk)
    grants = selectors.user_grants(user=user)
    context = {
        "managed_user": user,
        "grants": grants,
        "can_manage": access.can_manage_user(request.user, user, grants),
        "grant_form": form,
    }
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
@require_POST
def grant_delete(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    grant = selectors.grant_get(actor=request.user, pk=pk)
    try:
        services.grant_delete(actor=request.user, grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Право отозвано.")
    return redirect("accounts:user_detail", pk=grant.user_id)


@login_required
@require_GET
def territory_options(request: AuthenticatedHttpRequest):
    """Municipality and organisation choices for the chosen subject (htmx fragment of the grant form)."""
    form = GrantFieldsForm(request.GET, actor=request.user)
    return render(request, "accounts/_territory_options.html", {"form": form})


# ---- two-factor login ----------------------------------------------------------------------------------


def _next_url(request: AuthenticatedHttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest):
    """Enrolment: the QR code and the key of a new authenticator, confirmed with its first code."""
    if two_factor.session_state(request) == two_factor.VERIFY and not two_factor.is_verified(request):
        # Whoever has only the password may not replace the device: the code comes first.
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.enrolment_device(user=request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, "Двухфакторная аутентификация подключена.")
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "code",
            "Код не подошёл. Проверьте время на телефоне и введите новый код (после ошибки — пауза).",
        )
    context = {
        "form": form,
        # Only path geometry and our own title: the data is drawn, never embedded as text.
        "qr_svg": mark_safe(two_factor.qr_svg(device)),  # noqa: S308
        "secret": two_factor.secret_of(device),
        "status": two_factor.status_of(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest):
    """The second step of the login: a code from the app or a recovery code."""
    next_url = _next_url(request)
    if two_factor.session_state(request) == two_factor.VERIFY and not two_factor.is_verified(request):
        two_factor.remember_state(request, request.user)  # the device may have been reset meanwhile
    if not two_factor.needs_second_step(request):
        return redirect(next_url)
    if two_factor.session_state(request) == two_factor.ENROL:
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_url})}")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        check = two_factor.code_verify(request=request, code=form.cleaned_data["code"])
        if check.ok:
            return redirect(next_url)
        if getattr(request, "axes_locked_out", False):
            # Too many wrong codes: the session ends and axes answers with its lockout page.
            auth_logout(request)
            return render(request, "accounts/locked_out.html", status=429)
        form.add_error("code", _wrong_code_message(check.wait_seconds))
        status = 400
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


def _wrong_code_message(wait_seconds: int | None) -> str:
    if not wait_seconds:
        return "Неверный код."
    return f"Неверный код. Слишком много попыток: подождите {wait_seconds} с и попробуйте снова."


@login_required
@require_POST
def two_factor_recovery_codes(request: AuthenticatedHttpRequest):
    codes = two_factor.recovery_codes_issue(request=request)
    messages.warning(request, "Прежние коды восстановления больше не действуют.")
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": resolve_url("accounts:profile")},
    )


@login_required
@require_POST
def two_factor_disable(request: AuthenticatedHttpRequest):
    two_factor.two_factor_disable(request=request)
    messages.success(request, "Двухфакторная аутентификация отключена.")
    return redirect("accounts:profile")


@login_required
@require_POST
def user_two_factor_reset(request: AuthenticatedHttpRequest, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    two_factor.two_factor_reset(actor=request.user, user=user)
    messages.success(
        request,
        "Двухфакторная аутентификация сброшена: при следующем входе пользователь подключит её заново.",
    )
    return redirect("accounts:user_detail", pk=user.pk)


# ---- password reset by e-mail --------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether the address is known or not; limited per client and per address."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = StyledPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        allowed = services.password_reset_attempt_allowed(
            ip_address=get_client_ip_address(self.request) or "", email=form.cleaned_data["email"]
        )
        if not allowed:
            form.add_error(
                None, "Слишком много запросов на восстановление пароля. Попробуйте через 30 минут."
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # Through the service: validators, API tokens revoked, an audit row. No login follows:
        # the user signs in with the new password (and the second factor).
        services.password_change(
            actor=form.user, user=form.user, new_password=form.cleaned_data["new_password1"]
        )
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
