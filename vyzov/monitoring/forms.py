from django import forms

from vyzov.core.forms import StyledForm
from vyzov.core.uploads import UploadField

from .models import Indicator, ReportStatus


class QuarterForm(StyledForm):
    """One value and one comment per indicator; the rules between them are checked by the service."""

    def __init__(self, *args, indicators: list[Indicator], figures: dict, previous: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for indicator in indicators:
            figure = figures.get(indicator.pk)
            value_name, comment_name = f"value_{indicator.code}", f"comment_{indicator.code}"
            self.fields[value_name] = forms.IntegerField(
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
            self.fields[comment_name] = forms.CharField(
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
