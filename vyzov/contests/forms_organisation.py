"""Forms of a contest's organisation: organisers and partners, the commission and its decision, the
regulation, the events and the analytical sections of the results report."""

from __future__ import annotations

from typing import Any

from django import forms

from vyzov.core.forms import DateInput, StyledForm, StyledModelForm
from vyzov.core.uploads import UploadField

from .models import CommissionMember, ContestEvent, ContestOrganisation, MemberRole, ReportSection


class OrganisationForm(StyledModelForm):
    class Meta:
        model = ContestOrganisation
        fields = ["name", "organisation_role", "basis"]


class MemberForm(StyledModelForm):
    class Meta:
        model = CommissionMember
        fields = ["full_name", "position", "organisation", "member_role"]


class DecisionForm(StyledForm):
    protocol_number = forms.CharField(label="Номер протокола", max_length=50)
    date = forms.DateField(label="Дата заседания", widget=DateInput)
    approved_by = forms.ModelChoiceField(
        label="Список победителей утвердил (председатель)",
        queryset=CommissionMember.objects.none(),
        error_messages={"invalid_choice": "Выберите председателя комиссии этого конкурса."},
    )
    members_present = forms.IntegerField(label="Присутствовали членов комиссии", min_value=1, max_value=200)
    text = forms.CharField(
        label="Решение", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:  # the contest's own chair only: an id from elsewhere is not a choice
            field = self.fields["approved_by"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members.filter(member_role=MemberRole.CHAIR)


class RegulationForm(StyledForm):
    title = forms.CharField(label="Название", max_length=300, required=False, initial="Положение о Конкурсе")
    file = UploadField(label="Файл (PDF или DOCX)")


class EventForm(StyledModelForm):
    class Meta:
        model = ContestEvent
        fields = ["event_kind", "title", "date", "date_note", "place", "description"]
        widgets = {"date": DateInput, "description": forms.Textarea(attrs={"rows": 2})}


class SectionForm(StyledModelForm):
    class Meta:
        model = ReportSection
        fields = ["section_kind", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
