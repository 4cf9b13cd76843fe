from django import forms

from vyzov.core.forms import StyledForm, StyledModelForm, choice_field, select_field
from vyzov.core.uploads import UploadField
from vyzov.territories.models import Municipality, Subject

from .models import Practice, Theme


class SearchForm(StyledForm):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    theme = forms.ModelChoiceField(label="Тема", queryset=Theme.objects.all(), required=False)
    subject = forms.ModelChoiceField(
        label="Субъект РФ", queryset=Subject.objects.order_by("name"), required=False
    )
    category = forms.ChoiceField(label="Категория участника", required=False)
    year = forms.IntegerField(label="Год", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        select_field(self, "category").choices = [("", "все"), *((c, c) for c in categories)]


class PracticeForm(StyledModelForm):
    file = UploadField(label="Файл (PDF, DOCX, PPTX, JPG, PNG, до 20 МБ)", required=False)

    class Meta:
        model = Practice
        fields = [
            "title",
            "theme",
            "subject",
            "municipality",
            "organization",
            "description",
            "results",
            "year",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "subject").queryset = subjects
        choice_field(self, "municipality").queryset = Municipality.objects.filter(
            subject__in=subjects
        ).order_by("name")
