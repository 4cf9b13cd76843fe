from typing import cast

from django import forms

from vyzov.core.forms import DateInput, RecordPickerField, StyledForm, StyledModelForm
from vyzov.core.inputs import given

from .inputs import (
    APPOINTMENT_FIELDS,
    INCOME_FIELDS,
    LINE_FIELDS,
    REQUEST_FIELDS,
    AidRequestData,
    AidRequestLineData,
    IncomeData,
    OperatorAppointmentData,
)
from .models import AidForm, IncomeSource, Operator, Outcome, ReferralChannel

LINE_FORMS = 4


class RequestForm(StyledForm):
    family = RecordPickerField(
        label="Семья",
        kind="families",
        context="aid_request",
        help_text="Начните вводить фамилию семьи или её номер в реестре и выберите семью из списка.",
    )
    children_count = forms.IntegerField(label="Детей в семье", min_value=1, max_value=30)
    channel = forms.ChoiceField(label="Кто направил", choices=ReferralChannel.choices)
    justification = forms.CharField(
        label="Обоснование: что случилось и как помощь поможет семье",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def request_data(self) -> AidRequestData:
        """The request's fields, as the services take them (the family and the version apart)."""
        return cast(AidRequestData, given(self.cleaned_data, REQUEST_FIELDS))


class LineForm(StyledForm):
    form = forms.ModelChoiceField(
        label="Форма помощи", queryset=AidForm.objects.filter(is_active=True), required=False
    )
    amount = forms.DecimalField(
        label="Сумма, руб.",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Сумма — число рублей с копейками."},
    )
    in_kind = forms.CharField(label="Или в натуральной форме", required=False, max_length=300)

    def line_data(self) -> AidRequestLineData:
        return cast(AidRequestLineData, {name: self.cleaned_data.get(name) for name in LINE_FIELDS})


def line_data(lines: list[LineForm]) -> list[AidRequestLineData]:
    """The filled lines of a request form (a line without a form of aid is left blank)."""
    return [line.line_data() for line in lines if line.cleaned_data.get("form")]


class SubmitForm(StyledForm):
    crisis_confirmed = forms.BooleanField(label="Помощь содействует выходу семьи из кризиса", required=False)
    result_confirmed = forms.BooleanField(
        label="Помощь снижает риск разлучения ребёнка с семьёй или помогает вернуть его в семью",
        required=False,
    )
    exception = forms.CharField(
        label="Если форма помощи уже назначена региональной мерой: почему нужна сейчас",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label="Почему отзывается (необязательно)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(StyledForm):
    amount = forms.DecimalField(
        label="Одобрить, руб.",
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Сумма — число рублей с копейками."},
    )


class DeclineForm(StyledForm):
    reason = forms.CharField(label="Причина", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(StyledForm):
    amount = forms.DecimalField(
        label="Сумма, руб.",
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Сумма — число рублей с копейками."},
    )
    paid_on = forms.DateField(label="Дата оплаты", widget=DateInput)
    payee = forms.CharField(label="Получатель", max_length=300)
    document = forms.CharField(label="Платёжный документ", max_length=200)


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label="Результат для семьи", choices=Outcome.choices)
    note = forms.CharField(
        label="Пояснение", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class IncomeForm(StyledForm):
    source = forms.ChoiceField(label="Источник", choices=IncomeSource.choices)
    amount = forms.DecimalField(
        label="Сумма, руб.",
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Сумма — число рублей с копейками."},
    )
    received_on = forms.DateField(label="Дата поступления", widget=DateInput)
    document = forms.CharField(label="Документ", max_length=200)

    def income_data(self) -> IncomeData:
        return cast(IncomeData, given(self.cleaned_data, INCOME_FIELDS))


class OperatorAppointmentForm(StyledModelForm):
    class Meta:
        model = Operator
        fields = APPOINTMENT_FIELDS
        widgets = {"appointed_on": DateInput, "selection_note": forms.Textarea(attrs={"rows": 2})}

    def appointment_data(self) -> OperatorAppointmentData:
        """The appointment's fields, as the service takes them."""
        return cast(OperatorAppointmentData, given(self.cleaned_data, APPOINTMENT_FIELDS))
