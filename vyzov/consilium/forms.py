from django import forms
from django.utils import timezone

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.selectors import users_who_can
from vyzov.cases.models import RouteGoal
from vyzov.core.forms import DateInput, RecordPickerField, StyledForm, StyledModelForm, choice_field
from vyzov.core.uploads import UploadField
from vyzov.territories.models import Municipality, Organization, Subject

from . import inputs
from .models import (
    ActionStatus,
    Consilium,
    DocumentKind,
    FamilyReview,
    Meeting,
    Member,
    Review,
    ServiceNeed,
)


class ConsiliumForm(StyledModelForm):
    class Meta:
        model = Consilium
        fields = inputs.CONSILIUM_FIELDS

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "subject").queryset = scope(actor, Subject.objects.all(), Perm.CONSILIUM_MANAGE)
        subject_id = self.data.get("subject") or (
            choice_field(self, "subject").queryset.get().pk
            if choice_field(self, "subject").queryset.count() == 1
            else None
        )
        municipalities = scope(actor, Municipality.objects.all(), Perm.CONSILIUM_MANAGE)
        organizations = scope(actor, Organization.objects.filter(is_active=True), Perm.CONSILIUM_MANAGE)
        choice_field(self, "municipality").queryset = municipalities.filter(subject_id=subject_id or 0)
        choice_field(self, "organization").queryset = organizations.filter(subject_id=subject_id or 0)
        if subject_id:
            self.initial.setdefault("subject", subject_id)


class MemberForm(StyledModelForm):
    class Meta:
        model = Member
        fields = inputs.MEMBER_FIELDS

    def __init__(self, *args, consilium: Consilium, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "user").queryset = users_who_can(
            perm=Perm.CONSILIUM_VIEW, subject=consilium.subject_id
        )
        self.fields["user"].required = False


class MeetingForm(StyledForm):
    date = forms.DateField(label="Дата заседания", widget=DateInput)
    place = forms.CharField(label="Место", max_length=200, required=False)


class AgendaAddForm(StyledForm):
    child = RecordPickerField(label="Ребёнок", kind="children", context="register")
    reason = forms.CharField(label="Почему добавлен", max_length=500)


class FamilyAgendaAddForm(StyledForm):
    family = RecordPickerField(label="Семья в риске", kind="families", context="consilium_agenda")
    reason = forms.CharField(label="Почему добавлена", max_length=500)

    def __init__(self, *args, meeting_id: int, **kwargs):
        super().__init__(*args, prefix="family", **kwargs)
        field = self.fields["family"]
        assert isinstance(field, RecordPickerField)
        field.set_params({"meeting": meeting_id})


class FamilyReviewForm(StyledModelForm):
    """The hearing of a family at risk and the prevention decision (measures as action items beside)."""

    services_needed = forms.MultipleChoiceField(
        label="Необходимая помощь семье",
        choices=ServiceNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FamilyReview
        fields = inputs.FAMILY_REVIEW_FIELDS
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "next_review_date": DateInput,
        }


class AgendaRemoveForm(StyledForm):
    reason = forms.CharField(label="Почему исключён", max_length=500)


class ReviewForm(StyledModelForm):
    services_needed = forms.MultipleChoiceField(
        label="Необходимая помощь семье",
        choices=ServiceNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Review
        fields = inputs.REVIEW_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "placement_comment",
                "family_measures_comment",
                "return_measures",
                "parental_rights_comment",
                "support_assessment",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class DecisionForm(StyledForm):
    route_goal = forms.ChoiceField(label="Цель маршрута", choices=RouteGoal.choices)
    reasons = forms.CharField(
        label="Обоснование решения", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    next_review_date = forms.DateField(label="Следующее рассмотрение", widget=DateInput)
    escalate = forms.BooleanField(label="Передать на вышестоящий уровень", required=False)


class ActionForm(StyledForm):
    """One action item of a decision (the page shows several of these, with prefixes)."""

    what = forms.CharField(
        label="Что сделать", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organization = forms.ModelChoiceField(
        label="Ответственная организация", queryset=Organization.objects.none(), required=False
    )
    executor = forms.ModelChoiceField(label="Исполнитель", queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label="Срок", widget=DateInput, required=False)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = Organization.objects.filter(
            subject=subject, is_active=True
        )
        # Only people who can carry out a consilium's task in the region (never a contest participant,
        # an expert or an analyst).
        choice_field(self, "executor").queryset = users_who_can(perm=Perm.CONSILIUM_VIEW, subject=subject)

    def clean(self):
        cleaned = super().clean()
        filled = [name for name in ("what", "organization", "deadline") if cleaned.get(name)]
        if filled and len(filled) < 3:
            raise forms.ValidationError("У поручения должны быть текст, ответственная организация и срок.")
        if cleaned.get("deadline") and cleaned["deadline"] < timezone.localdate():
            self.add_error("deadline", "Срок поручения уже прошёл.")
        return cleaned

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("what"))


class ActionUpdateForm(StyledForm):
    status = forms.ChoiceField(label="Состояние", choices=ActionStatus.choices)
    result = forms.CharField(
        label="Результат", required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProtocolUploadForm(StyledForm):
    file = UploadField(label="Подписанный протокол (PDF, JPG, PNG)")


class DocumentForm(StyledForm):
    """An algorithm or an ИПР: what it is, for whom (ИПР), when it is to be revisited."""

    kind = forms.ChoiceField(label="Вид документа", choices=DocumentKind.choices)
    title = forms.CharField(label="Название", max_length=300)
    child = RecordPickerField(label="Ребёнок (для ИПР)", kind="children", context="register", required=False)
    family = RecordPickerField(
        label="Семья (для ИПР)", kind="families", context="consilium_document", required=False
    )
    review_date = forms.DateField(label="Дата пересмотра", widget=DateInput, required=False)

    def __init__(self, *args, consilium_id: int, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        family = self.fields["family"]
        assert isinstance(family, RecordPickerField)
        family.set_params({"consilium": consilium_id})
        if editing:  # what the document is and whom it concerns stay with every edition
            for name in ("kind", "child", "family"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DocumentKind.IPR and not (cleaned.get("child") or cleaned.get("family")):
            self.add_error("child", "ИПР составляется для ребёнка или семьи: укажите ребёнка или семью.")
        return cleaned


class StepForm(StyledForm):
    agency = forms.CharField(label="Ответственное ведомство", max_length=200, required=False)
    action = forms.CharField(
        label="Действие", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    term = forms.CharField(
        label="Срок", max_length=100, required=False, help_text="до 31.01.2027 или «в течение 3 рабочих дней»"
    )

    def clean(self):
        cleaned = super().clean()
        filled = [name for name in ("agency", "action", "term") if (cleaned.get(name) or "").strip()]
        if filled and len(filled) < 3:
            raise forms.ValidationError("У шага должны быть ведомство, действие и срок.")
        return cleaned

    @property
    def is_filled(self) -> bool:
        return bool((self.cleaned_data.get("action") or "").strip())


STEP_BLANKS = 4


def step_formset(data=None, *, steps=None) -> forms.BaseFormSet:
    """The steps' rows: the document's steps (or what was typed) and a few blank rows to add more."""
    initial = [{"agency": s.agency, "action": s.action, "term": s.term} for s in steps or []]
    formset = forms.formset_factory(StepForm, extra=STEP_BLANKS, max_num=60, absolute_max=60)
    return formset(data, initial=initial, prefix="steps")


class DocumentApproveForm(StyledForm):
    approved_on = forms.DateField(label="Дата утверждения", widget=DateInput)
    meeting = forms.ModelChoiceField(
        label="Заседание консилиума", queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "meeting").queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])


class DocumentReviseForm(StyledForm):
    reason = forms.CharField(label="Почему нужна новая редакция", max_length=500)
