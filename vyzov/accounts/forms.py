import datetime as dt
from typing import cast

from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy

from vyzov.core.forms import (
    DateInput,
    PersonNameField,
    StyledForm,
    StyledFormMixin,
    choice_field,
    select_field,
)
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.territories.models import FederalDistrict, Municipality, Organization, Subject

from .access import ROLE_RANK, Perm, grants_with, scope
from .inputs import USER_PROFILE_FIELDS, UserProfileData
from .models import Role, ScopeLevel, User
from .services import grant_build


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль.",
        "inactive": "Учётная запись заблокирована.",
    }


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class UserFilterForm(StyledForm):
    q = forms.CharField(label="Поиск (ФИО, имя входа, почта)", required=False, max_length=100)
    role = forms.ChoiceField(label="Роль", required=False, choices=[("", "Все роли"), *Role.choices])


class GrantFieldsForm(StyledForm):
    """Role and territory. Offers only roles below the actor's own and territories within their scope;
    anything else posted by hand is an invalid choice. The level follows from the most specific
    territory given."""

    role = forms.ChoiceField(label="Роль", choices=())
    district = forms.ModelChoiceField(
        label="Федеральный округ", required=False, queryset=FederalDistrict.objects.none()
    )
    subject = forms.ModelChoiceField(label="Субъект РФ", required=False, queryset=Subject.objects.none())
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", required=False, queryset=Municipality.objects.none()
    )
    organization = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organization.objects.none()
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        manager_grants = grants_with(actor, Perm.USERS_MANAGE)
        is_federal = any(g.role == Role.FEDERAL_ADMIN for g in manager_grants)
        top_rank = max((ROLE_RANK[g.role] for g in manager_grants), default=0)
        select_field(self, "role").choices = [
            ("", "— выберите роль —"),
            *[(value, label) for value, label in Role.choices if is_federal or ROLE_RANK[value] < top_rank],
        ]
        choice_field(self, "district").queryset = scope(
            actor, FederalDistrict.objects.all(), Perm.USERS_MANAGE
        )
        subjects = scope(actor, Subject.objects.all(), Perm.USERS_MANAGE)
        choice_field(self, "subject").queryset = subjects
        for name in ("subject",):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("accounts:territory_options"),
                    "hx-target": "#territory-options",
                    "hx-select": "#territory-options",
                    "hx-swap": "outerHTML",
                    "hx-include": "this",
                }
            )
        # Municipalities and organisations of the chosen subject only (thousands in the country).
        subject_id = self.data.get(self.add_prefix("subject")) or self.initial.get("subject")
        if not subject_id and subjects.count() == 1:
            subject_id = subjects.get().pk
            self.initial["subject"] = subject_id
        municipalities = scope(actor, Municipality.objects.all(), Perm.USERS_MANAGE)
        organizations = scope(actor, Organization.objects.filter(is_active=True), Perm.USERS_MANAGE)
        try:
            subject_id = int(subject_id) if subject_id else None
        except (TypeError, ValueError):
            subject_id = None
        choice_field(self, "municipality").queryset = (
            municipalities.filter(subject_id=subject_id) if subject_id else municipalities.none()
        )
        choice_field(self, "organization").queryset = (
            organizations.filter(subject_id=subject_id) if subject_id else organizations.none()
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("role"):
            return cleaned
        if cleaned.get("organization"):
            level = ScopeLevel.ORGANIZATION
        elif cleaned.get("municipality"):
            level = ScopeLevel.MUNICIPALITY
        elif cleaned.get("subject"):
            level = ScopeLevel.SUBJECT
        elif cleaned.get("district"):
            level = ScopeLevel.DISTRICT
        else:
            level = ScopeLevel.COUNTRY
        try:
            self.grant = grant_build(
                role=cleaned["role"],
                level=level,
                district=cleaned.get("district"),
                subject=cleaned.get("subject"),
                municipality=cleaned.get("municipality"),
                organization=cleaned.get("organization"),
            )
        except ValidationError as error:
            raise ValidationError(
                [message for messages in error.message_dict.values() for message in messages]
            ) from None
        return cleaned


class UserCreateForm(GrantFieldsForm):
    username = forms.RegexField(
        label="Имя входа",
        max_length=150,
        regex=r"^[a-z0-9_.-]+$",
        error_messages={
            "invalid": "Имя входа — строчные латинские буквы, цифры, точка, дефис, подчёркивание."
        },
    )
    full_name = PersonNameField(label="ФИО", max_length=200)
    email = forms.EmailField(label="Электронная почта", max_length=254)
    position = forms.CharField(label="Должность", max_length=200, required=False)
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    password1 = forms.CharField(
        label="Пароль", widget=forms.PasswordInput, strip=False, help_text="Не короче 12 символов."
    )
    password2 = forms.CharField(label="Пароль ещё раз", widget=forms.PasswordInput, strip=False)
    home_subject = forms.ModelChoiceField(
        label="Субъект РФ, где работает",
        queryset=Subject.objects.order_by("name"),
        required=False,
        help_text="Для эксперта конкурса обязателен: его заявки на оценку — только из других субъектов.",
    )

    field_order = [
        "username",
        "full_name",
        "email",
        "position",
        "phone",
        "home_subject",
        "password1",
        "password2",
        "role",
    ]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("Пользователь с таким именем входа уже есть.")
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "Пароли не совпадают.")
        return cleaned


class UserUpdateForm(StyledForm):
    full_name = PersonNameField(label="ФИО", max_length=200)
    email = forms.EmailField(label="Электронная почта", max_length=254)
    position = forms.CharField(label="Должность", max_length=200, required=False)
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    home_subject = forms.ModelChoiceField(
        label="Субъект РФ, где работает",
        queryset=Subject.objects.order_by("name"),
        required=False,
        help_text="Для эксперта конкурса обязателен: его заявки на оценку — только из других субъектов.",
    )

    def profile_data(self) -> UserProfileData:
        """The profile's fields, as the service takes them."""
        return cast(UserProfileData, given(self.cleaned_data, USER_PROFILE_FIELDS))


class SetPasswordForm(StyledForm):
    password1 = forms.CharField(
        label="Новый пароль", widget=forms.PasswordInput, strip=False, help_text="Не короче 12 символов."
    )
    password2 = forms.CharField(label="Новый пароль ещё раз", widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "Пароли не совпадают.")
        return cleaned


class TwoFactorCodeForm(StyledForm):
    code = forms.CharField(
        label="Код подтверждения",
        max_length=32,
        help_text="Шесть цифр из приложения-аутентификатора или один из кодов восстановления.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    email = forms.EmailField(
        label="Электронная почта", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class StyledSetPasswordForm(StyledFormMixin, DjangoSetPasswordForm):
    pass


# The journal's days become datetimes in the user's time zone; a day like 01.01.0001 or 31.12.9999 would
# overflow that conversion, and no journal entry can be outside these years.
AUDIT_DAYS = [
    MinValueValidator(dt.date(2000, 1, 1), message="Журнал не хранит записей раньше 2000 года."),
    MaxValueValidator(dt.date(2100, 12, 31), message="Журнал не хранит записей позже 2100 года."),
]


class AuditFilterForm(StyledForm):
    date_from = forms.DateField(label="С даты", required=False, widget=DateInput, validators=AUDIT_DAYS)
    date_to = forms.DateField(label="По дату", required=False, widget=DateInput, validators=AUDIT_DAYS)
    action = forms.ChoiceField(label="Действие", required=False)
    actor = forms.CharField(label="Пользователь (имя входа)", required=False, max_length=150)
    object_type = forms.ChoiceField(label="Тип объекта", required=False)
    object_id = forms.CharField(label="ID объекта", required=False, max_length=64)
    subject: forms.ModelChoiceField[Subject] = forms.ModelChoiceField(
        label="Субъект РФ", required=False, queryset=None, to_field_name="code"
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Все действия"), *AuditAction.choices]
        self.fields["object_type"].choices = [
            ("", "Все типы"),
            *sorted(
                (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
                for model in apps.get_models()
                if model.__module__.startswith("vyzov.")
            ),
        ]
        self.fields["subject"].queryset = scope(actor, Subject.objects.all(), Perm.AUDIT_VIEW)
        self.fields["subject"].empty_label = "Все доступные"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "Дата окончания раньше даты начала.")
        return cleaned
