"""Form rendering with Bootstrap classes and accessible error markup, for every form of the system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import validators as text_validators
from .numbers import parse_decimal, parse_int
from .text import normalize_text

if TYPE_CHECKING:
    pass


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field with its type (`form.fields` is typed as holding plain fields)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def select_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field with its type."""
    return cast(forms.ChoiceField, form.fields[name])


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


class NumberInput(forms.TextInput):
    """Every number input of the system: a text box with the decimal keyboard on phones.

    `<input type="number">` cannot show the Russian «4,0» (browsers leave it empty) and refuses a
    comma typed on a Russian keyboard; a text input shows the localized value as it is and the
    comma-aware parser (vyzov.core.numbers) reads it back.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class _RussianNumberMixin:
    """A number in a text box the browser can always show («4,0»), read by the one parser of core."""

    widget = NumberInput
    parse: staticmethod

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No min/max/step attributes: they belong to type="number" and would only confuse a text box.
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        return self.parse(value)


class DecimalField(_RussianNumberMixin, forms.DecimalField):
    """A decimal typed the Russian way: «15 000,50», «1,5»; no exponents, NaN or Infinity."""

    parse = staticmethod(parse_decimal)


class IntegerField(_RussianNumberMixin, forms.IntegerField):
    """An integer typed the Russian way: «1 500»; «1,5», «1e3» refused."""

    parse = staticmethod(parse_int)


class PersonNameField(forms.CharField):
    """A human name (ФИО or a part of it): normalised, then the one name validator of core."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if text_validators.validate_person_name not in self.validators:
            self.validators.append(text_validators.validate_person_name)

    def to_python(self, value):
        return normalize_text(super().to_python(value))


class FreeTextField(forms.CharField):
    """Free text (titles, comments, notes): normalised, then the one free-text validator of core."""

    def __init__(self, *, multiline: bool | None = None, **kwargs):
        super().__init__(**kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline
        validator = (
            text_validators.validate_free_text
            if self.multiline
            else text_validators.validate_single_line_text
        )
        if validator not in self.validators:
            self.validators.append(validator)

    def to_python(self, value):
        return normalize_text(super().to_python(value), multiline=self.multiline)


_NUMBER_FIELDS = {forms.DecimalField: DecimalField, forms.IntegerField: IntegerField}


def _adopt_core_fields(form) -> None:
    for name, field in form.fields.items():
        _adopt_core_field(form, name, field)


def _adopt_core_field(form, name: str, field: forms.Field) -> None:
    """Every number field of every form parses the Russian way and renders as a text box; every
    text box gets the normaliser and the free-text validator, or the name validator where the model
    field carries it. Idempotent: fields added after __init__ are adopted when cleaned or rendered."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    core_class = _NUMBER_FIELDS.get(type(field))
    if core_class is not None:
        field.__class__ = core_class
        field.localize = True
        if type(field.widget) in (forms.NumberInput, forms.TextInput):
            field.widget = NumberInput(
                attrs={k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
            )
        field.widget.is_localized = True
        return
    if type(field) is not forms.CharField or isinstance(
        field.widget, forms.PasswordInput | forms.HiddenInput
    ):
        return
    # Any other text box is at least free text: no control, format, zero-width or bidi characters.
    field.__class__, field.multiline = FreeTextField, isinstance(field.widget, forms.Textarea)
    try:
        model_field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:  # a form-only field
        model_field = None
    for validator in getattr(model_field, "validators", ()):
        if validator is text_validators.validate_person_name:
            field.__class__ = PersonNameField
            break
    validator = _text_validator(field)
    if validator not in field.validators:
        field.validators.append(validator)


def _text_validator(field):
    if isinstance(field, PersonNameField):
        return text_validators.validate_person_name
    if field.multiline:
        return text_validators.validate_free_text
    return text_validators.validate_single_line_text


class StyledFormMixin:
    """Adds Bootstrap classes to widgets and marks invalid fields for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _adopt_core_fields(self)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {_widget_class(field.widget)}".strip()

    def __getitem__(self, name):
        if name in self.fields:
            _adopt_core_field(self, name, self.fields[name])
        return super().__getitem__(name)

    def full_clean(self):
        _adopt_core_fields(self)
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


class PickerWidget(forms.Widget):
    """An autocomplete picker: the user types part of a name, the lookup (htmx, `hx-get`) lists at most
    20 scoped matches as buttons, a click (core/picker.js, no inline script) puts the record's id into
    the hidden input that the form submits. Typing a register number still works without a click."""

    template_name = ""  # rendered in Python

    def __init__(self, *, url="", attrs=None):
        super().__init__(attrs=attrs)
        self.url = url
        self._search_text = ""

    def value_from_datadict(self, data, files, name):
        self._bound = True
        self._search_text = data.get(f"{name}__search", "") or ""
        value = data.get(name)
        if not value and self._search_text.strip().lstrip("№").strip().isdigit():
            value = self._search_text.strip().lstrip("№").strip()
        return value

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__search" not in data

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        widget_id = final_attrs.pop("id", f"id_{name}")
        css = final_attrs.pop("class", "form-control").replace("form-control", "").strip()
        search_attrs = {
            **{k: v for k, v in final_attrs.items() if k.startswith("aria-") or k == "required"},
            "type": "search",
            "id": widget_id,
            "name": f"{name}__search",
            "class": f"form-control {css}".strip(),
            "autocomplete": "off",
            "placeholder": "Начните вводить название или номер",
            "data-picker-search": "",
            "hx-get": str(self.url),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": f"#{widget_id}__results",
            "hx-sync": "this:replace",
        }
        text = self._search_text
        if not text and value not in (None, "") and not getattr(self, "_bound", False):
            text = self.describe(value)
        search_attrs["value"] = text
        hidden = format_html(
            '<input type="hidden" name="{}" value="{}" id="{}" data-picker-value-input>',
            name,
            "" if value is None else str(value),
            f"{widget_id}_value",
        )
        return format_html(
            '<div class="picker" data-picker>{}<input{}>'
            '<div class="picker-results list-group mt-1" id="{}__results" aria-live="polite"></div></div>',
            hidden,
            flatatt(search_attrs),
            widget_id,
        )

    def describe(self, value) -> str:
        """The text shown for an already chosen id (set by the form when it can resolve it in scope)."""
        labels = getattr(self, "labels", None) or {}
        return labels.get(str(value), f"№ {value}")


def pick_url(kind: str, context: str, **params) -> str:
    """The lookup URL of a picker (vyzov.core.views.pick) for a kind of record in a form context."""
    from urllib.parse import urlencode

    from django.urls import reverse

    return f"{reverse('core:pick', args=[kind])}?{urlencode({'for': context, **params})}"


class RecordPickerField(forms.IntegerField):
    """A field that links a record by its id, chosen in a picker over the actor's scope.

    It cleans to the id (int); the view resolves it through the policy (get_in_scope or the form's own
    selector), so an id outside the actor's scope answers exactly like a missing one.
    """

    widget = PickerWidget

    def __init__(self, *, kind: str, context: str, params: dict | None = None, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
        self.kind, self.context = kind, context
        self.set_params(params or {})

    def set_params(self, params: dict) -> None:
        self.widget.url = lazy(pick_url, str)(self.kind, self.context, **params)

    def widget_attrs(self, widget):
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return int(str(value).strip())
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its fields where the form has them, else above the form
    (a service may name model fields the form does not show)."""
    if hasattr(error, "error_dict") and not set(error.error_dict) <= set(form.fields):
        error = ValidationError(error.messages)
    form.add_error(None, error)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Every message of a refused form, fields first in their order, then the form's own."""
    return [message for errors in form.errors.values() for message in errors]


def form_errors_text(form: forms.BaseForm, *, labels: bool = False) -> str:
    """A refused form in one line for a flash message: «Поле: ошибка; …» with `labels`, else the
    messages of each field joined."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if labels and name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "; ".join(parts)
