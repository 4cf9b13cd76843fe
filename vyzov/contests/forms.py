from decimal import Decimal

from django import forms

from vyzov.core.forms import DateInput, StyledForm, StyledModelForm, choice_field
from vyzov.core.uploads import UploadField

from .models import BonusItem, Category, Contest, Criterion, MediaPublication, Nomination, Stage, Task


class ContestForm(StyledModelForm):
    class Meta:
        model = Contest
        fields = [
            "year",
            "number",
            "title",
            "submission_deadline",
            "aggregation",
            "tie_rule",
            "experts_per_application",
            "discrepancy_threshold",
            "places_awarded",
            "blind",
        ]
        widgets = {"submission_deadline": DateInput}


class AdvanceForm(StyledForm):
    close_early = forms.BooleanField(label="Закрыть досрочно", required=False)


class CopyForm(StyledForm):
    year = forms.IntegerField(label="Год нового конкурса", min_value=2010, max_value=2100)
    title = forms.CharField(label="Название", max_length=300)


class StageForm(StyledModelForm):
    class Meta:
        model = Stage
        fields = ["title", "date_from", "date_to"]
        widgets = {"date_from": DateInput, "date_to": DateInput}


class TaskForm(StyledModelForm):
    class Meta:
        model = Task
        fields = ["kind", "number", "text", "required_materials", "formats"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class CategoryForm(StyledModelForm):
    class Meta:
        model = Category
        fields = [
            "code",
            "order",
            "title",
            "settlement_type",
            "admin_centre",
            "population_min",
            "population_max",
        ]


class CriterionForm(StyledModelForm):
    settlement_type = forms.ChoiceField(
        label="Набор", choices=[("city", "города"), ("rural", "сельские поселения")]
    )
    max_points = forms.DecimalField(
        label="Максимум баллов", min_value=Decimal("0.5"), max_digits=5, decimal_places=1
    )

    class Meta:
        model = Criterion
        fields = ["number", "title", "max_points"]


class BonusItemForm(StyledModelForm):
    class Meta:
        model = BonusItem
        fields = ["number", "title", "points", "cap", "scored_by_jury"]


class NominationForm(StyledModelForm):
    class Meta:
        model = Nomination
        fields = ["title"]


SETUP_FORMS = {
    "stage": StageForm,
    "task": TaskForm,
    "category": CategoryForm,
    "criterion": CriterionForm,
    "bonus": BonusItemForm,
    "nomination": NominationForm,
}


class ApplicationForm(StyledForm):
    """Answers to the contest's assignments (one field per task) and the social page."""

    social_page = forms.URLField(label="Страница в социальной сети", required=False, assume_scheme="https")

    def __init__(self, *args, tasks, answers, **kwargs):
        super().__init__(*args, **kwargs)
        for task in tasks:
            self.fields[f"task_{task.pk}"] = forms.CharField(
                label=f"{task.get_kind_display().capitalize()} {task.number}. {task.text}",
                required=False,
                max_length=20000,
                initial=answers.get(task.pk, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=task.required_materials,
            )

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("task_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("task_")
        }


class PracticeForm(StyledForm):
    criterion = forms.ModelChoiceField(label="Тема (критерий)", queryset=Criterion.objects.none())
    title = forms.CharField(label="Практика", max_length=300)
    organization = forms.CharField(label="Организация", max_length=300, required=False)
    description = forms.CharField(
        label="Описание", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    results = forms.CharField(
        label="Результаты", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        settlement = application.category.settlement_type if application.category else "city"
        choice_field(self, "criterion").queryset = Criterion.objects.filter(
            criteria_set__contest=application.contest_id, criteria_set__settlement_type=settlement
        )


class FileForm(StyledForm):
    file = UploadField(label="Файл (PDF, DOCX, JPG, PNG, до 20 МБ)")


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label="Решение", choices=[("accept", "принять к экспертизе"), ("return", "вернуть на доработку")]
    )
    reason = forms.CharField(label="Что доработать", required=False, max_length=1000)


class CategoryChangeForm(StyledForm):
    category = forms.ModelChoiceField(label="Категория", queryset=Category.objects.none())
    reason = forms.CharField(label="Основание", max_length=500)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "category").queryset = contest.categories.all()


class ExtendForm(StyledForm):
    until = forms.DateField(label="Продлить срок до", widget=DateInput)
    reason = forms.CharField(label="Основание", max_length=500)


class AssignForm(StyledForm):
    expert = forms.ModelChoiceField(label="Эксперт", queryset=None)
    role = forms.ChoiceField(label="Роль", choices=[("expert", "эксперт"), ("jury", "детское жюри (акция)")])

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "expert").queryset = experts


class BonusForm(StyledForm):
    item = forms.ModelChoiceField(label="За что", queryset=BonusItem.objects.none())
    points = forms.DecimalField(label="Баллы", max_digits=5, decimal_places=1)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "item").queryset = contest.bonus_items.filter(scored_by_jury=False)


class RereviewForm(StyledForm):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Что пересмотреть", max_length=500)


class SpecialAwardForm(StyledForm):
    application = forms.IntegerField(label="Заявка №", min_value=1)
    nomination = forms.ModelChoiceField(label="Номинация", queryset=Nomination.objects.none(), required=False)
    title = forms.CharField(label="Награда", max_length=500, required=False)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "nomination").queryset = contest.nominations.all()


class JuryForm(StyledForm):
    points = forms.DecimalField(label="Баллы за акцию", max_digits=5, decimal_places=1)
    comment = forms.CharField(label="Комментарий", required=False, max_length=2000)


class PublicationForm(StyledModelForm):
    url = forms.URLField(label="Ссылка", required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = MediaPublication
        fields = ["date", "outlet", "title", "url", "about_action"]
        widgets = {"date": DateInput}
