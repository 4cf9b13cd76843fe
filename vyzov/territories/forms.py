from typing import cast

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.core.forms import StyledForm, StyledModelForm, choice_field
from vyzov.core.inputs import given

from .inputs import ORGANIZATION_FIELDS, OrganizationData
from .models import Municipality, Organization, OrganizationKind, Subject
from .selectors import subjects_in_reach


class OrganizationFilterForm(StyledForm):
    q = forms.CharField(label="Поиск по названию", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Тип", required=False, choices=[("", "Все типы"), *OrganizationKind.choices]
    )
    subject = forms.ModelChoiceField(
        label="Субъект РФ",
        required=False,
        queryset=Subject.objects.none(),
        empty_label="Все доступные",
        to_field_name="code",
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "subject").queryset = scope(actor, Subject.objects.all(), Perm.TERRITORIES_VIEW)


class OrganizationForm(StyledModelForm):
    """Subjects and municipalities offered are only those where the actor may manage organisations;
    an id from elsewhere posted by hand is an invalid choice."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label="Сайт", required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS

    def organization_data(self) -> OrganizationData:
        """The organisation's fields, as the services take them (the version apart)."""
        return cast(OrganizationData, given(self.cleaned_data, ORGANIZATION_FIELDS))

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = scope(actor, Municipality.objects.all(), Perm.ORGANIZATIONS_MANAGE)
        subjects = subjects_in_reach(actor=actor, perm=Perm.ORGANIZATIONS_MANAGE)
        choice_field(self, "subject").queryset = subjects
        self.fields["subject"].widget.attrs.update(
            {
                "hx-get": format_lazy(
                    "{}?for=organizations", reverse_lazy("territories:municipality_options")
                ),
                "hx-target": "#id_municipality",
                "hx-trigger": "change",
            }
        )
        # Offer the municipalities of the chosen subject only (there are ~2 300 in the country).
        subject_id = (
            self.data.get(self.add_prefix("subject"))
            or self.initial.get("subject")
            or (self.instance.subject_id if self.instance.pk else None)
        )
        if not subject_id and subjects.count() == 1:
            subject_id = subjects.get().pk
            self.initial["subject"] = subject_id
        try:
            choice_field(self, "municipality").queryset = (
                municipalities.filter(subject_id=int(subject_id)) if subject_id else municipalities.none()
            )
        except (TypeError, ValueError):
            choice_field(self, "municipality").queryset = municipalities.none()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and cleaned.get("subject") is None:
            self.add_error("subject", "Укажите субъект РФ.")
        return cleaned
