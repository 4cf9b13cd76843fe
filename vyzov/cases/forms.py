from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from vyzov.accounts.access import Perm, personal_scope_subject_id, scope
from vyzov.accounts.models import User
from vyzov.accounts.selectors import users_who_can
from vyzov.core.forms import DateInput, PickerWidget, StyledForm, StyledModelForm, choice_field, pick_url
from vyzov.core.params import parse_id
from vyzov.core.uploads import UploadField
from vyzov.core.validators import normalize_birth_certificate, normalize_snils
from vyzov.territories.models import Municipality, Organization, Subject
from vyzov.territories.selectors import subjects_in_reach

from .inputs import CHILD_FIELDS, FAMILY_FORM_FIELDS, MEMBER_FIELDS, PLACEMENT_FIELDS, STATUS_FIELDS
from .models import (
    PLACEMENT_ORGANIZATION_KINDS,
    Child,
    Family,
    FamilyMember,
    FamilySocialStatus,
    LegalStatus,
    Placement,
    PlacementOutcome,
    RouteGoal,
)

YES_NO_ANY = [("", "не важно"), ("yes", "да"), ("no", "нет")]
SORT_CHOICES = [
    ("name", "по фамилии (А–Я)"),
    ("-name", "по фамилии (Я–А)"),
    ("birth_date", "сначала старшие"),
    ("-birth_date", "сначала младшие"),
    ("placed_since", "дольше всех в организации"),
    ("next_review", "ближайший пересмотр"),
]
# Above this many options a select is not rendered in full: the subject must be chosen first.
MAX_OPTIONS = 400


def narrow_choices(field: forms.ModelChoiceField, queryset: QuerySet, *, subject_id, submitted) -> None:
    """Offer the rows of the chosen subject; with no subject chosen offer everything only when it is
    short. A submitted value is always checked against the whole scoped queryset."""
    if subject_id:
        field.queryset = queryset.filter(subject_id=subject_id)
    elif submitted:
        pk = parse_id(submitted)
        field.queryset = queryset.filter(pk=pk) if pk else queryset.none()
    elif queryset.count() <= MAX_OPTIONS:
        field.queryset = queryset
    else:
        field.queryset = queryset.none()
        field.help_text = "Сначала выберите субъект РФ."


class ChildFilterForm(StyledForm):
    q = forms.CharField(label="Фамилия (начало)", required=False, max_length=100)
    subject = forms.ModelChoiceField(
        label="Субъект РФ",
        required=False,
        queryset=Subject.objects.none(),
        to_field_name="code",
        empty_label="Все доступные",
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет", required=False, queryset=Municipality.objects.none(), empty_label="Все"
    )
    organization = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organization.objects.none(), empty_label="Все"
    )
    placed = forms.ChoiceField(
        label="Сейчас в организации",
        required=False,
        choices=[("", "не важно"), ("yes", "да"), ("no", "нет (выбыл)")],
    )
    age_min = forms.IntegerField(label="Возраст от", required=False, min_value=0, max_value=25)
    age_max = forms.IntegerField(label="Возраст до", required=False, min_value=0, max_value=25)
    legal_status = forms.ChoiceField(
        label="Правовой статус", required=False, choices=[("", "любой"), *LegalStatus.choices]
    )
    has_living_parents = forms.ChoiceField(label="Есть живые родители", required=False, choices=YES_NO_ANY)
    months_in_institution = forms.IntegerField(
        label="В организации не меньше, мес.", required=False, min_value=0, max_value=240
    )
    goal = forms.ChoiceField(
        label="Цель маршрута", required=False, choices=[("", "любая"), *RouteGoal.choices]
    )
    overdue_review = forms.BooleanField(label="Пересмотр просрочен", required=False)
    sort = forms.ChoiceField(label="Сортировка", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = scope(actor, Subject.objects.all(), Perm.TERRITORIES_VIEW)
        choice_field(self, "subject").queryset = subjects
        code = self.data.get("subject")
        if code:
            subject_id = subjects.filter(code=code).values_list("pk", flat=True).first()
        else:
            # A regional user's only subject is known from the grants loaded for the request: no
            # COUNT of the subjects on every page of the list.
            subject_id = personal_scope_subject_id(actor, Perm.TERRITORIES_VIEW)
        narrow_choices(
            self.fields["municipality"],
            scope(actor, Municipality.objects.all(), Perm.TERRITORIES_VIEW),
            subject_id=subject_id,
            submitted=self.data.get("municipality"),
        )
        narrow_choices(
            self.fields["organization"],
            scope(
                actor,
                Organization.objects.filter(kind__in=PLACEMENT_ORGANIZATION_KINDS),
                Perm.TERRITORIES_VIEW,
            ),
            subject_id=subject_id,
            submitted=self.data.get("organization"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("age_min") is not None
            and cleaned.get("age_max") is not None
            and (cleaned["age_min"] > cleaned["age_max"])
        ):
            self.add_error("age_max", "«Возраст до» меньше, чем «возраст от».")
        for name in ("has_living_parents",):
            cleaned[name] = {"yes": True, "no": False}.get(cleaned.get(name))
        return cleaned


class ChildForm(StyledModelForm):
    family = forms.ModelChoiceField(
        label="Кровная семья",
        required=False,
        queryset=Family.objects.none(),
        widget=PickerWidget(url=""),
        error_messages={"invalid_choice": "Семья с таким номером не найдена в вашем регионе."},
        help_text="Необязательно: начните вводить фамилию семьи или её номер; кровную семью можно "
        "привязать позже.",
    )
    confirm_not_duplicate = forms.BooleanField(
        label="Я проверил(а) найденные записи: это другой ребёнок", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"birth_date": DateInput}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = scope(actor, Municipality.objects.all(), Perm.CASES_EDIT)
        subjects = subjects_in_reach(actor=actor, perm=Perm.CASES_EDIT)
        choice_field(self, "subject").queryset = subjects
        self.fields["subject"].widget.attrs.update(
            {
                "hx-get": format_lazy("{}?for=children", reverse_lazy("territories:municipality_options")),
                "hx-target": "#id_municipality",
                "hx-trigger": "change",
            }
        )
        subject_id = (
            self.data.get("subject")
            or self.initial.get("subject")
            or (self.instance.subject_id if self.instance.pk else None)
        )
        if not subject_id and subjects.count() == 1:
            subject_id = subjects.get().pk
            self.initial["subject"] = subject_id
        try:
            subject_id = int(subject_id) if subject_id else None
        except (TypeError, ValueError):
            subject_id = None
        choice_field(self, "municipality").queryset = (
            municipalities.filter(subject_id=subject_id) if subject_id else municipalities.none()
        )
        choice_field(self, "family").queryset = scope(actor, Family.objects.all(), Perm.CASES_EDIT)
        self.fields["family"].widget.url = pick_url("families", "child_form")
        if self.instance.family_id:  # the linked family by its name (the edit form is audited as personal)
            family = self.instance.family
            self.fields["family"].widget.labels = {str(family.pk): f"{family.title} (№ {family.pk})"}
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields.pop("confirm_not_duplicate")

    def clean_snils(self):
        return normalize_snils(self.cleaned_data.get("snils"))

    def clean_birth_certificate(self):
        return normalize_birth_certificate(self.cleaned_data.get("birth_certificate"))


class PlacementForm(StyledModelForm):
    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS
        widgets = {"start_date": DateInput, "planned_end_date": DateInput}

    def __init__(self, *args, actor: User, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
        choice_field(self, "organization").queryset = scope(
            actor,
            Organization.objects.filter(
                subject=child.subject, kind__in=PLACEMENT_ORGANIZATION_KINDS, is_active=True
            ),
            Perm.TERRITORIES_VIEW,
        )


class PlacementCloseForm(StyledForm):
    end_date = forms.DateField(label="Дата выбытия", widget=DateInput)
    outcome = forms.ChoiceField(label="Итог", choices=PlacementOutcome.choices)
    outcome_note = forms.CharField(label="Пояснение", required=False, max_length=300)


class RouteForm(StyledForm):
    goal = forms.ChoiceField(label="Цель маршрута", choices=RouteGoal.choices)
    responsible = forms.ModelChoiceField(
        label="Ответственный куратор", required=False, queryset=User.objects.none()
    )
    next_review_date = forms.DateField(label="Следующий пересмотр", required=False, widget=DateInput)
    reason = forms.CharField(
        label="Причина изменения", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, child: Child, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who can work on this child's route (never a contest participant or an expert).
        choice_field(self, "responsible").queryset = users_who_can(perm=Perm.CASES_EDIT, obj=child)
        own = actor is not None and not self.is_bound and not self.initial.get("responsible")
        if own and choice_field(self, "responsible").queryset.filter(pk=actor.pk).exists():
            self.initial["responsible"] = actor.pk


class FamilyForm(StyledModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Family
        fields = FAMILY_FORM_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = scope(actor, Municipality.objects.select_related("subject"), Perm.CASES_EDIT)
        if municipalities.count() > MAX_OPTIONS:
            # A federal user picks the municipality by number; the list would be thousands long.
            self.fields["municipality"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
            self.fields["municipality"].help_text = "Номер муниципального образования (из дерева территорий)."
        choice_field(self, "municipality").queryset = municipalities.order_by("subject__name", "name")
        choice_field(self, "municipality").label_from_instance = lambda m: f"{m.name} ({m.subject.name})"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif len(only := list(municipalities[:2])) == 1:  # a municipal specialist: their own one
            self.initial.setdefault("municipality", only[0].pk)


class FamilyMemberForm(StyledModelForm):
    class Meta:
        model = FamilyMember
        fields = MEMBER_FIELDS
        widgets = {"birth_date": DateInput}


class FamilyStatusForm(StyledModelForm):
    class Meta:
        model = FamilySocialStatus
        fields = STATUS_FIELDS
        widgets = {"start_date": DateInput, "end_date": DateInput}


class StatusCloseForm(StyledForm):
    end_date = forms.DateField(label="Дата окончания", widget=DateInput)


class MergeForm(StyledForm):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    duplicate = forms.IntegerField(widget=forms.HiddenInput)


class ImportUploadForm(StyledForm):
    file = UploadField(label="Файл XLSX", help_text="Заполненный шаблон. Не больше 10 МБ и 20 000 строк.")
    subject = forms.ModelChoiceField(label="Субъект РФ", queryset=Subject.objects.none())

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = scope(actor, Subject.objects.all(), Perm.CASES_IMPORT)
        choice_field(self, "subject").queryset = subjects
        if subjects.count() == 1:
            self.initial["subject"] = subjects.get().pk
