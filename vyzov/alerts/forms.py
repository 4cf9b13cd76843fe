from typing import cast

from django import forms
from django.utils import timezone

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.selectors import users_who_can
from vyzov.core.forms import DateInput, RecordPickerField, StyledForm, StyledModelForm, choice_field
from vyzov.core.inputs import given
from vyzov.territories.models import Municipality, Organization

from . import inputs
from .models import Alert, AlertOutcome, AlertSource, AlertStatus

MAX_OPTIONS = 400


class MunicipalityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return f"{obj.name} ({obj.subject.name})"


class AlertForm(StyledModelForm):
    family_number = RecordPickerField(
        label="Семья из реестра",
        kind="families",
        context="child_form",
        required=False,
        help_text="Если семья уже есть в реестре: начните вводить фамилию или номер.",
    )
    child_number = RecordPickerField(
        label="Ребёнок из реестра",
        kind="children",
        context="register",
        required=False,
        help_text="Если ребёнок уже есть в реестре.",
    )

    class Meta:
        model = Alert
        fields = inputs.FORM_FIELDS
        field_classes = {"municipality": MunicipalityField}
        widgets = {
            "received_on": DateInput,
            "content": forms.Textarea(attrs={"rows": 4}),
            "person_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = scope(actor, Municipality.objects.select_related("subject"), Perm.CASES_EDIT)
        if municipalities.count() > MAX_OPTIONS:
            self.fields["municipality"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
            self.fields["municipality"].help_text = "Номер муниципального образования (из дерева территорий)."
        choice_field(self, "municipality").queryset = municipalities.order_by("subject__name", "name")
        if len(only := list(municipalities[:2])) == 1:
            self.initial.setdefault("municipality", only[0].pk)
        self.initial.setdefault("received_on", timezone.localdate())

    def alert_data(self) -> inputs.AlertData:
        """The signal's own fields, as the service takes them (the municipality and the people apart)."""
        return cast(inputs.AlertData, given(self.cleaned_data, inputs.REGISTER_FIELDS))

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("Дата поступления сигнала не может быть в будущем.")
        return day


class CheckAssignForm(StyledForm):
    organization = forms.ModelChoiceField(
        label="Ответственная организация", queryset=Organization.objects.none()
    )
    executor = forms.ModelChoiceField(
        label="Ответственный специалист", queryset=User.objects.none(), required=False
    )
    deadline = forms.DateField(label="Срок проверки", widget=DateInput)

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = Organization.objects.filter(
            subject_id=alert.subject_id, is_active=True
        ).order_by("name")
        choice_field(self, "executor").queryset = users_who_can(perm=Perm.CASES_VIEW, obj=alert)

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("Срок проверки уже прошёл.")
        return day


class CheckCompleteForm(StyledForm):
    outcome = forms.ChoiceField(label="Итог проверки", choices=[("", "—"), *AlertOutcome.choices])
    outcome_note = forms.CharField(
        label="Результат проверки", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    checked_on = forms.DateField(label="Дата завершения проверки", widget=DateInput)
    family_number = RecordPickerField(
        label="Семья из реестра",
        kind="families",
        context="child_form",
        required=False,
        help_text="Если сигнал ещё не связан с семьёй.",
    )
    status_basis = forms.CharField(
        label="Основание постановки на учёт (СОП/ТЖС)",
        max_length=300,
        required=False,
        help_text="Например: постановление КДНиЗП № 15 от 01.03.2025",
    )
    family_case_number = forms.IntegerField(
        label="Номер сопровождения семьи",
        min_value=1,
        required=False,
        help_text="Если открыто сопровождение.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("checked_on", timezone.localdate())


class AlertFilterForm(StyledForm):
    status = forms.ChoiceField(label="Состояние", choices=[("", "все"), *AlertStatus.choices], required=False)
    source = forms.ChoiceField(label="Источник", choices=[("", "все"), *AlertSource.choices], required=False)
    outcome = forms.ChoiceField(label="Итог", choices=[("", "все"), *AlertOutcome.choices], required=False)
    overdue = forms.BooleanField(label="Только просроченные проверки", required=False)
    mine = forms.BooleanField(label="Мне поручено", required=False)
