from django import forms

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.core.forms import DateInput, RecordPickerField, StyledForm, StyledModelForm, choice_field
from vyzov.core.uploads import UploadField
from vyzov.territories.models import Subject

from . import inputs
from .models import (
    Assessment,
    CaseOutcome,
    ChildOutcomeKind,
    ClubSession,
    Contact,
    FamilyCase,
    PlanStep,
    Service,
    ServiceKind,
    ServiceLevel,
    Specialist,
)

NEEDS = [
    ("material", "материальные"),
    ("housing", "жильё, быт"),
    ("health", "здоровье, лечение"),
    ("addiction", "зависимость"),
    ("parenting", "родительские навыки"),
    ("employment", "занятость"),
    ("legal", "юридические"),
    ("psychological", "психологические"),
]


def preselect_own_specialist(form, name: str, actor: User) -> None:
    """The specialist field of a form about the actor's own work starts at the actor's own record."""
    if actor is None or form.is_bound or form.initial.get(name):
        return
    own = form.fields[name].queryset.filter(user=actor).values_list("pk", flat=True).first()
    if own is not None:
        form.initial[name] = own


class CaseOpenForm(StyledModelForm):
    family_number = RecordPickerField(
        label="Семья",
        kind="families",
        context="support_case_open",
        help_text="Начните вводить фамилию семьи или её номер в реестре и выберите семью из списка.",
    )

    class Meta:
        model = FamilyCase
        fields = ["specialist", *inputs.CASE_FIELDS]
        widgets = {"intake_date": DateInput, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, service, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "specialist").queryset = Specialist.objects.filter(service=service, is_active=True)
        self.fields["family_number"].set_params({"service": service.pk})
        preselect_own_specialist(self, "specialist", actor)


class AssessmentForm(StyledModelForm):
    needs = forms.MultipleChoiceField(
        label="Потребности", choices=NEEDS, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Assessment
        fields = inputs.ASSESSMENT_FIELDS
        widgets = {
            "date": DateInput,
            "resources": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class StepForm(StyledModelForm):
    class Meta:
        model = PlanStep
        fields = inputs.STEP_FIELDS
        widgets = {"due_date": DateInput}

    def __init__(self, *args, case, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "responsible").queryset = Specialist.objects.filter(
            service=case.service_id, is_active=True
        )
        self.fields["responsible"].required = False
        preselect_own_specialist(self, "responsible", actor)
        choice_field(self, "partner").queryset = choice_field(self, "partner").queryset.filter(
            subject=case.service.organization.subject_id, is_active=True
        )


class ContactForm(StyledModelForm):
    class Meta:
        model = Contact
        fields = inputs.CONTACT_FORM_FIELDS
        widgets = {"date": DateInput, "note": forms.Textarea(attrs={"rows": 2})}
        labels = {"specialist": "Специалист"}

    def __init__(self, *args, case, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "specialist").queryset = Specialist.objects.filter(
            service=case.service_id, is_active=True
        )
        preselect_own_specialist(self, "specialist", actor)


class ReviewForm(StyledForm):
    next_review_date = forms.DateField(label="Следующий пересмотр плана", widget=DateInput)


class TransferForm(StyledForm):
    to_specialist = forms.ModelChoiceField(label="Кому передать", queryset=Specialist.objects.none())
    reason = forms.CharField(label="Причина", max_length=500)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "to_specialist").queryset = (
            Specialist.objects.filter(
                is_active=True, service__organization__subject=case.service.organization.subject_id
            )
            .exclude(pk=case.specialist_id)
            .select_related("service__organization")
        )
        choice_field(self, "to_specialist").label_from_instance = lambda s: f"{s.full_name} ({s.service})"


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label="Итог", choices=CaseOutcome.choices)
    closed_on = forms.DateField(label="Дата закрытия", widget=DateInput)


class ReopenForm(StyledForm):
    reason = forms.CharField(label="Почему сопровождение возобновлено", max_length=500)


class ClubSessionForm(StyledModelForm):
    class Meta:
        model = ClubSession
        fields = inputs.CLUB_SESSION_FIELDS
        widgets = {"date": DateInput}


class MethodDocumentForm(StyledForm):
    """A document for the methodical library: the same file checks as every other upload."""

    title = forms.CharField(label="Название", max_length=300)
    description = forms.CharField(
        label="Аннотация", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject = forms.ModelChoiceField(label="Регион-автор", queryset=Subject.objects.none())
    file = UploadField(label="Файл (PDF, DOCX, PPTX, XLSX, до 25 МБ)")

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = scope(actor, Subject.objects.all(), Perm.SUPPORT_MANAGE)
        choice_field(self, "subject").queryset = subjects
        if subjects.count() == 1:
            self.initial["subject"] = subjects.get().pk


class ServiceStructureForm(StyledForm):
    """The unit's kind, level and coordinating regional service (choices: the regional services of its
    subject the actor sees — resolved through the policy by the selector that offers them)."""

    kind = forms.ChoiceField(label="Вид", choices=ServiceKind.choices)
    level = forms.ChoiceField(label="Уровень", choices=ServiceLevel.choices)
    coordinator = forms.ModelChoiceField(
        label="Координирующая региональная служба", queryset=Service.objects.none(), required=False
    )

    def __init__(self, *args, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "coordinator").queryset = coordinators


class SpecialistForm(StyledModelForm):
    class Meta:
        model = Specialist
        fields = inputs.SPECIALIST_FORM_FIELDS
        widgets = {"club_course_on": DateInput, "supervisor_trained_on": DateInput}


class SpecialistEditForm(SpecialistForm):
    class Meta(SpecialistForm.Meta):
        fields = inputs.SPECIALIST_FIELDS


class ClubLeaderForm(StyledForm):
    leader = forms.ModelChoiceField(label="Лидер клуба", queryset=Specialist.objects.none())

    def __init__(self, *args, club, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "leader").queryset = Specialist.objects.filter(
            service=club.service_id, is_active=True
        ).order_by("full_name")


class ChildOutcomesForm(StyledForm):
    """One select per child of the family (1…children_count): what became of the child."""

    date = forms.DateField(label="Дата", widget=DateInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = {row.number: row.outcome for row in case.child_outcomes.all()}
        for number in range(1, case.children_count + 1):
            self.fields[f"child_{number}"] = forms.ChoiceField(
                label=f"Ребёнок {number}",
                choices=[("", "— не отмечено —"), *ChildOutcomeKind.choices],
                required=False,
                initial=recorded.get(number, ""),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def outcomes(self) -> dict[int, str]:
        return {
            int(name.removeprefix("child_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("child_")
        }
