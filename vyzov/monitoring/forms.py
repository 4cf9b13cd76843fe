import datetime as dt
from decimal import Decimal

from django import forms

from vyzov.accounts.access import Perm, scope
from vyzov.core.forms import FreeTextField, IntegerField, StyledForm, StyledModelForm
from vyzov.core.uploads import UploadField
from vyzov.territories.models import FederalDistrict, Subject

from . import explorer
from .inputs import DATA_SET_FIELDS, DATA_SET_LINKS, INDICATOR_FIELDS, RULE_FIELDS
from .models import DataSet, Importance, Indicator, ReportStatus, ValidationRule


class QuarterForm(StyledForm):
    """One value and one comment per indicator; the rules between them are checked by the service."""

    def __init__(self, *args, indicators: list[Indicator], figures: dict, previous: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for indicator in indicators:
            figure = figures.get(indicator.pk)
            value_name, comment_name = f"value_{indicator.code}", f"comment_{indicator.code}"
            # The one number parser and text validator of core, as in the import and the API.
            self.fields[value_name] = IntegerField(
                label=indicator.name,
                required=False,
                min_value=0,
                max_value=10_000_000,
                initial=figure.value if figure else None,
                error_messages={
                    "min_value": "Значение не может быть отрицательным.",
                    "invalid": "Введите целое число.",
                },
            )
            self.fields[comment_name] = FreeTextField(
                multiline=False,
                label=f"Комментарий: {indicator.name}",
                required=False,
                max_length=500,
                initial=figure.comment if figure else "",
            )
            self.rows.append((indicator, value_name, comment_name, previous.get(indicator.pk), figure))

    def bound_rows(self):
        for indicator, value_name, comment_name, previous, figure in self.rows:
            yield indicator, self[value_name], self[comment_name], previous, figure


class ReturnForm(StyledForm):
    comment = forms.CharField(
        label="Что исправить", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportFilterForm(StyledForm):
    status = forms.ChoiceField(
        label="Состояние", required=False, choices=[("", "Все"), *ReportStatus.choices]
    )


class PriorityForm(StyledForm):
    weight_count = forms.DecimalField(
        label="Вес: число детей в учреждениях", min_value=0, max_value=10, initial=1, decimal_places=2
    )
    weight_share = forms.DecimalField(
        label="Вес: доля на детское население", min_value=0, max_value=10, initial=1, decimal_places=2
    )
    top_n = forms.IntegerField(label="Сколько регионов выбрать", min_value=1, max_value=89, initial=14)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("weight_count") == 0 and cleaned.get("weight_share") == 0:
            raise forms.ValidationError("Хотя бы один вес должен быть больше нуля.")
        return cleaned


class FigureImportForm(StyledForm):
    file = UploadField(
        label="Файл XLSX",
        help_text="Столбцы: код субъекта, отчётная дата, код показателя, "
        "муниципалитет (необязательно), значение, комментарий. Не больше 5 МБ.",
    )


# ---- configuration by the federal team -----------------------------------------------------------


class IndicatorForm(StyledModelForm):
    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parts = Indicator.objects.order_by("order", "code")
        if self.instance.pk:
            parts = parts.exclude(pk=self.instance.pk)
        self.fields["part_of"].queryset = parts


# The data set's own fields, with its indicators after the deadline (the order of the page).
DATA_SET_FORM_FIELDS = [*DATA_SET_FIELDS[:4], *DATA_SET_LINKS, *DATA_SET_FIELDS[4:]]


class DataSetForm(StyledModelForm):
    class Meta:
        model = DataSet
        fields = DATA_SET_FORM_FIELDS
        widgets = {
            "indicators": forms.CheckboxSelectMultiple,
            "required_indicators": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        catalogue = Indicator.objects.order_by("order", "code")
        self.fields["indicators"].queryset = catalogue
        self.fields["required_indicators"].queryset = catalogue


class ValidationRuleForm(StyledModelForm):
    class Meta:
        model = ValidationRule
        fields = list(RULE_FIELDS)
        help_texts = {
            "left": "Коды показателей, числа, + − × ÷ и скобки, например children_returned_home_quarter.",
            "right": "Например children_left_quarter или 0.5 * children_in_institutions.",
        }


class OutlierRangeForm(StyledForm):
    indicator = forms.ModelChoiceField(
        label="Показатель", queryset=Indicator.objects.order_by("order", "code")
    )
    subject = forms.ModelChoiceField(
        label="Субъект РФ",
        queryset=None,
        required=False,
        to_field_name="code",
        help_text="Пусто — для всех территорий.",
    )
    min_value = forms.IntegerField(label="Не меньше", min_value=0, max_value=10_000_000)
    max_value = forms.IntegerField(label="Не больше", min_value=0, max_value=10_000_000)

    def __init__(self, *args, **kwargs):
        from vyzov.territories.models import Subject

        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", "Верхняя граница меньше нижней.")
        return cleaned


class HistoryRangesForm(StyledForm):
    indicator = forms.ModelChoiceField(
        label="Показатель", queryset=Indicator.objects.order_by("order", "code")
    )
    k = forms.DecimalField(
        label="k — сколько стандартных отклонений от среднего",
        min_value=Decimal("0.5"),
        max_value=10,
        decimal_places=2,
        initial=3,
    )
    min_history = forms.IntegerField(
        label="Минимальная история, периодов",
        min_value=3,
        max_value=100,
        initial=4,
        help_text="Субъекты с более короткой историей принятых значений пропускаются.",
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label="Основание", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ViolationFilterForm(StyledForm):
    subject = forms.ModelChoiceField(label="Субъект РФ", queryset=None, required=False, to_field_name="code")
    data_set = forms.ModelChoiceField(
        label="Набор данных", queryset=None, required=False, to_field_name="code"
    )
    as_of = forms.DateField(
        label="Отчётная дата", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label="Состояние", required=False, choices=[("", "Все"), *ReportStatus.choices]
    )
    importance = forms.ChoiceField(
        label="Важность", required=False, choices=[("", "Любая"), *Importance.choices]
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects
        self.fields["data_set"].queryset = DataSet.objects.order_by("name")


class ExplorerForm(StyledForm):
    """The explorer's question, read from GET parameters (so that the view is a link to share). The
    choice of subjects is the actor's scope; every choice outside it is refused as invalid."""

    indicator = forms.ModelMultipleChoiceField(
        label="Показатели",
        queryset=Indicator.objects.order_by("order", "code"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Выберите хотя бы один показатель.",
            "invalid_choice": "Нет такого показателя.",
        },
    )
    level = forms.ChoiceField(label="Уровень территорий", choices=explorer.Level.CHOICES)
    district = forms.ChoiceField(label="Федеральный округ", required=False)
    subject = forms.ChoiceField(label="Субъект РФ", required=False)
    start = forms.ChoiceField(label="С квартала")
    end = forms.ChoiceField(label="По квартал")
    rows = forms.ChoiceField(label="В строках", choices=explorer.Layout.CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actor, quarters: list[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = quarters
        self.districts = {d.code: d for d in FederalDistrict.objects.order_by("name")}
        self.subjects = {
            s.code: s for s in scope(actor, Subject.objects.order_by("name"), Perm.MONITORING_VIEW)
        }
        self.fields["district"].choices = [("", "все"), *((c, d.name) for c, d in self.districts.items())]
        self.fields["subject"].choices = [
            ("", "все доступные"),
            *((c, s.name) for c, s in self.subjects.items()),
        ]
        quarter_choices = [(q.isoformat(), f"{q:%d.%m.%Y}") for q in quarters]
        self.fields["start"].choices = self.fields["end"].choices = quarter_choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "Конец периода раньше начала.")
        return cleaned

    def query(self) -> explorer.Query:
        data = self.cleaned_data
        start, end = dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"])
        return explorer.Query(
            indicators=sorted(data["indicator"], key=lambda i: (i.order, i.code)),
            level=data["level"],
            quarters=[q for q in self.quarters if start <= q <= end],
            within_district=self.districts.get(data.get("district") or ""),
            within_subject=self.subjects.get(data.get("subject") or ""),
            layout=data.get("rows") or explorer.Layout.TERRITORY,
            page=data.get("page") or 1,
        )


class CompletenessForm(StyledForm):
    quarters = forms.IntegerField(label="Кварталов", min_value=1, max_value=40, required=False, initial=4)
    # A data set is counted against its own deadline; without one — every report, the general rule.
    data_set = forms.ModelChoiceField(
        label="Набор данных",
        queryset=DataSet.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="все отчёты (общий срок)",
    )
