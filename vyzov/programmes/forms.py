from django import forms

from vyzov.core.forms import (
    DateInput,
    PersonNameField,
    RecordPickerField,
    StyledForm,
    StyledModelForm,
    choice_field,
)
from vyzov.core.uploads import UploadField
from vyzov.monitoring.models import Indicator as MonitoringIndicator
from vyzov.territories.models import Organization, OrganizationKind

from . import inputs
from .models import (
    ApprovalWay,
    ControlOutcome,
    DocumentStatus,
    IndicatorDirection,
    InspectionKind,
    Measure,
    MeasureStatus,
    ProgrammeFormat,
    Publication,
    StrategicSession,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupSeat,
)


class ProgrammeForm(StyledForm):
    title = forms.CharField(label="Название", max_length=300)
    start_year = forms.IntegerField(label="С года", min_value=2020, max_value=2100, initial=2025)
    end_year = forms.IntegerField(label="По год", min_value=2020, max_value=2100, initial=2026)
    approved_document = forms.CharField(label="Утверждена документом", max_length=300, required=False)
    programme_form = forms.ChoiceField(
        label="Форма",
        choices=ProgrammeFormat.choices,
        initial=ProgrammeFormat.PROGRAMME,
        help_text="002: в ряде регионов программа утверждена как «дорожная карта» или комплекс мер.",
    )


class IndicatorForm(StyledForm):
    direction = forms.ModelChoiceField(label="Направление", queryset=None)
    name = forms.CharField(label="Показатель", max_length=300)
    unit = forms.CharField(label="Единица", max_length=30, initial="чел.")
    better = forms.ChoiceField(label="Лучше, когда", choices=IndicatorDirection.choices)
    baseline = forms.DecimalField(label="Базовое значение", min_value=0, max_digits=14, decimal_places=2)
    monitoring_indicator = forms.ModelChoiceField(
        label="Связать с показателем мониторинга",
        required=False,
        queryset=MonitoringIndicator.objects.all(),
        help_text="Тогда факт берётся из квартальных отчётов региона, а не вносится вручную.",
    )
    target_year = forms.IntegerField(label="Год цели", min_value=2000, max_value=2100)
    target_value = forms.DecimalField(label="Цель", min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "direction").queryset = programme.directions.all()
        self.fields["target_year"].initial = programme.end_year


class ActualForm(StyledForm):
    as_of = forms.DateField(label="На дату", widget=DateInput)
    value = forms.DecimalField(label="Факт", min_value=0, max_digits=14, decimal_places=2)


class MeasureForm(StyledModelForm):
    class Meta:
        model = Measure
        fields = ["direction", *inputs.MEASURE_FIELDS]
        widgets = {"deadline": DateInput}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "direction").queryset = programme.directions.all()


class MeasureStatusForm(StyledForm):
    status = forms.ChoiceField(label="Состояние", choices=MeasureStatus.choices)


class MeetingForm(StyledForm):
    date = forms.DateField(label="Дата заседания", widget=DateInput)
    agenda = forms.CharField(label="Повестка", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(StyledForm):
    text = forms.CharField(label="Решение", widget=forms.Textarea(attrs={"rows": 2}), max_length=3000)


class TaskForm(StyledForm):
    done = forms.BooleanField(label="Выполняется", required=False)
    evidence = forms.CharField(label="Подтверждение", required=False, max_length=3000)


class CuratorReportForm(StyledForm):
    month = forms.DateField(label="Месяц (первое число)", widget=DateInput)
    text = forms.CharField(label="Отчёт", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class PublicationForm(StyledModelForm):
    url = forms.URLField(label="Ссылка", required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Publication
        fields = ["date", "title", "url"]
        widgets = {"date": DateInput}


class StrategicSessionForm(StyledModelForm):
    class Meta:
        model = StrategicSession
        fields = ["date", "participants", "outcomes"]
        widgets = {"date": DateInput, "outcomes": forms.Textarea(attrs={"rows": 3})}


class EvidenceForm(StyledForm):
    file = UploadField(label="Подтверждающий документ (PDF, DOCX, XLSX, JPG, PNG)")


class MemberForm(StyledForm):
    person = PersonNameField(label="ФИО", max_length=200)
    agency = forms.CharField(label="Ведомство", max_length=200)
    role = forms.CharField(label="Роль в МРГ", max_length=100, initial="член рабочей группы")
    seat = forms.ChoiceField(
        label="Входит по должности как",
        choices=[("", "—"), *WorkingGroupSeat.choices],
        required=False,
        help_text="Куратор, руководитель НКО-оператора и руководитель региональной службы «Дети в семье» "
        "должны входить в МРГ (002).",
    )


class CuratorAssignForm(StyledForm):
    full_name = PersonNameField(label="ФИО куратора", max_length=200)
    position = forms.CharField(label="Должность", max_length=500, required=False)
    since = forms.DateField(label="Назначен", widget=DateInput)


class InspectionForm(StyledForm):
    kind = forms.ChoiceField(
        label="Вид", choices=[("", "не указан"), *InspectionKind.choices], required=False
    )
    date_from = forms.DateField(label="С", widget=DateInput)
    date_to = forms.DateField(label="По", widget=DateInput)
    organizations = forms.ModelMultipleChoiceField(label="Проверенные организации", queryset=None)
    findings = forms.CharField(label="Выводы", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    recommendations = forms.CharField(
        label="Рекомендации", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, required=False
    )

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organizations").queryset = Organization.objects.filter(
            subject=subject, is_active=True
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", "Дата окончания раньше даты начала.")
        return cleaned


class InstitutionPlanForm(StyledForm):
    organization = forms.ModelChoiceField(label="Учреждение", queryset=None)
    family_work_positions = forms.IntegerField(
        label="Ставок для работы с кровными семьями", min_value=0, max_value=500
    )
    target_profile = forms.CharField(
        label="Перепрофилирование в", max_length=300, required=False, initial="центр поддержки семьи"
    )
    milestone_title = forms.CharField(label="Этап", max_length=300, required=False)
    milestone_due = forms.DateField(label="Срок этапа", widget=DateInput, required=False)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = Organization.objects.filter(
            subject=subject, kind=OrganizationKind.ORPHAN_INSTITUTION, is_active=True
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("milestone_title")) != bool(cleaned.get("milestone_due")):
            raise forms.ValidationError("У этапа должны быть название и срок.")
        return cleaned


class MilestoneDoneForm(StyledForm):
    done_on = forms.DateField(label="Выполнен", widget=DateInput)


class WorkingGroupDocumentForm(StyledModelForm):
    file = UploadField(label="Файл (PDF, DOCX, XLSX)", required=False)

    class Meta:
        model = WorkingGroupDocument
        fields = inputs.DOCUMENT_FIELDS
        widgets = {"date": DateInput}

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = (
            WorkingGroupMeeting.objects.filter(group=group) if group else WorkingGroupMeeting.objects.none()
        )
        choice_field(self, "meeting").queryset = meetings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and cleaned["status"] != DocumentStatus.DRAFT:
            if not cleaned.get("date") and "date" not in self.errors:
                self.add_error("date", "Укажите дату утверждения.")
            if not cleaned.get("approval_way"):
                self.add_error("approval_way", "Укажите способ утверждения.")
        return cleaned


class DocumentStatusForm(StyledForm):
    status = forms.ChoiceField(label="Новое состояние", choices=DocumentStatus.choices)
    date = forms.DateField(label="Дата утверждения (редакции)", widget=DateInput, required=False)
    approval_way = forms.ChoiceField(
        label="Способ утверждения", choices=[("", "—"), *ApprovalWay.choices], required=False
    )
    approved_by = forms.CharField(label="Кем утверждён", max_length=300, required=False)
    number = forms.CharField(label="Номер", max_length=60, required=False)


class ProgrammeFormatForm(StyledForm):
    programme_form = forms.ChoiceField(label="Форма программы", choices=ProgrammeFormat.choices)


class CuratorVisitForm(StyledForm):
    date = forms.DateField(label="Дата выезда", widget=DateInput)
    family_number = RecordPickerField(
        label="Семья из реестра",
        kind="families",
        context="child_form",
        required=False,
        help_text="Если семья есть в реестре: начните вводить фамилию или номер.",
    )
    family_description = forms.CharField(
        label="Семья (если её нет в реестре)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    with_guardianship = forms.BooleanField(label="Совместно с органом опеки и попечительства", required=False)
    with_kdn = forms.BooleanField(label="Совместно с КДНиЗП", required=False)
    purpose = forms.CharField(label="Цель выезда", max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(
        label="Результат", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CuratorReceptionForm(StyledForm):
    date = forms.DateField(label="Дата приёма", widget=DateInput)
    place = forms.CharField(label="Место приёма", max_length=300)
    people = forms.IntegerField(label="Принято граждан", min_value=1, max_value=1000)
    questions = forms.CharField(
        label="Вопросы граждан", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label="Принятые меры, поручения",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ControlTakeForm(StyledForm):
    taken_on = forms.DateField(label="Взят на контроль", widget=DateInput)
    child_number = RecordPickerField(
        label="Ребёнок из реестра",
        kind="children",
        context="register",
        required=False,
        help_text="Ребёнок в учреждении, чей случай куратор берёт на личный контроль.",
    )
    family_number = RecordPickerField(
        label="Семья из реестра",
        kind="families",
        context="child_form",
        required=False,
        help_text="Если случай о семье (дети семьи считаются по реестру).",
    )
    description = forms.CharField(
        label="О ком случай (если его нет в реестре)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label="Почему на личном контроле", max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ControlCloseForm(StyledForm):
    closed_on = forms.DateField(label="Снят с контроля", widget=DateInput)
    outcome = forms.ChoiceField(label="Итог", choices=[("", "—"), *ControlOutcome.choices])
    outcome_note = forms.CharField(label="Что сделано", max_length=5000, required=False)
