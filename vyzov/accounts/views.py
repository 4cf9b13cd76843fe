from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.core.pagination import paginate

from . import access, selectors, services
from .access import Perm, require_perm
from .forms import (
    GrantFieldsForm,
    LoginForm,
    SetPasswordForm,
    StyledPasswordChangeForm,
    UserCreateForm,
    UserFilterForm,
    UserUpdateForm,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
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
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"grants": selectors.user_grants(user=request.user), "token": None},
    )


@login_required
@require_POST
def api_token_issue(request):
    token = services.api_token_issue(actor=request.user)
    messages.warning(request, "Сохраните токен сейчас: он показывается один раз.")
    return render(
        request,
        "accounts/profile.html",
        {"grants": selectors.user_grants(user=request.user), "token": token.key},
    )


@login_required
@require_GET
def user_list(request):
    require_perm(request.user, Perm.USERS_MANAGE)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(actor=request.user, filters=filters)
    return render(request, "accounts/user_list.html", {"form": form, "page_obj": paginate(request, users)})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
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
def user_detail(request, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    grants = selectors.user_grants(user=user)
    context = {
        "managed_user": user,
        "grants": grants,
        "can_manage": access.can_manage_user(request.user, user, grants),
        "grant_form": GrantFieldsForm(actor=request.user),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_update(request, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    initial = {
        name: getattr(user, name) for name in ("full_name", "email", "position", "phone", "home_subject")
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_update.html", {"form": form, "managed_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def user_set_password(request, pk):
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
def user_set_active(request, pk):
    require_perm(request.user, Perm.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, pk=pk)
    is_active = request.POST.get("is_active") == "1"
    services.user_set_active(actor=request.user, user=user, is_active=is_active)
    messages.success(request, "Пользователь разблокирован." if is_active else "Пользователь заблокирован.")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def grant_create(request, pk):
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
def grant_delete(request, pk):
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
def territory_options(request):
    """Municipality and organisation choices for the chosen subject (htmx fragment of the grant form)."""
    form = GrantFieldsForm(request.GET, actor=request.user)
    return render(request, "accounts/_territory_options.html", {"form": form})
