"""Form rendering with Bootstrap classes and accessible error markup, for every form of the system."""

from django import forms
from django.apps import apps
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from vyzov.accounts.access import Perm, scope
from vyzov.territories.models import Subject

from .models import AuditAction


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than through one template per <option>.

    Filter forms offer hundreds of options (municipalities, organisations); the template-based
    rendering took about half of a list page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name

        def option(value, label) -> str:
            value = "" if value is None else str(value)
            return format_html(
                '<option value="{}"{}>{}</option>', value, " selected" if value in selected else "", label
            )

        parts = []
        for value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(option(v, lab) for v, lab in label)
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, mark_safe(inner)))  # noqa: S308
            else:
                parts.append(option(value, label))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))  # noqa: S308


class StyledFormMixin:
    """Adds Bootstrap classes to widgets and marks invalid fields for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {_widget_class(field.widget)}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditFilterForm(StyledForm):
    date_from = forms.DateField(label="С даты", required=False, widget=DateInput)
    date_to = forms.DateField(label="По дату", required=False, widget=DateInput)
    action = forms.ChoiceField(label="Действие", required=False)
    actor = forms.CharField(label="Пользователь (имя входа)", required=False, max_length=150)
    object_type = forms.ChoiceField(label="Тип объекта", required=False)
    object_id = forms.CharField(label="ID объекта", required=False, max_length=64)
    subject = forms.ModelChoiceField(label="Субъект РФ", required=False, queryset=None, to_field_name="code")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Все действия"), *AuditAction.choices]
        self.fields["object_type"].choices = [
            ("", "Все типы"),
            *sorted(
                (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
                for model in apps.get_models()
                if model.__module__.startswith("vyzov.")
            ),
        ]
        self.fields["subject"].queryset = scope(actor, Subject.objects.all(), Perm.AUDIT_VIEW)
        self.fields["subject"].empty_label = "Все доступные"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "Дата окончания раньше даты начала.")
        return cleaned
