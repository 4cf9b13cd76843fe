"""Checks of uploaded files: type by content (not just by name) and size, with Russian messages.
Uploaded files are always served as downloads, never inline."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

EMPTY_FILE_MESSAGE = "Файл пустой."
NO_FILE_MESSAGE = "Выберите файл."


class UploadField(forms.FileField):
    """A file field whose messages tell an empty file from a missing one."""

    default_error_messages = {
        "required": NO_FILE_MESSAGE,
        "empty": EMPTY_FILE_MESSAGE,
        "invalid": NO_FILE_MESSAGE,
        "missing": NO_FILE_MESSAGE,
    }


def upload_form_error(form, field: str = "file") -> str:
    """What to tell the user when an upload form is invalid: the file field's own message first."""
    errors = form.errors.get(field) or [message for messages in form.errors.values() for message in messages]
    return " ".join(errors) or NO_FILE_MESSAGE


def replace_stored_file(instance, field: str, name: str, uploaded) -> None:
    """Store a new file in `instance.<field>`; the old one is deleted once the change is committed.

    The one rule for replaced files: never orphan the old file, never lose it before the new one is in
    the database (if the transaction rolls back, the old file stays where the row still points).
    """
    file_field = getattr(instance, field)
    old_name = file_field.name
    storage = file_field.storage
    file_field.save(name, uploaded, save=False)
    if old_name and old_name != file_field.name:
        transaction.on_commit(lambda: storage.delete(old_name))


def check_upload(uploaded, *, allowed: dict[str, bytes], max_bytes: int) -> str:
    """Return the file's suffix when its name, content signature and size are acceptable."""
    name = (uploaded.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in allowed:
        kinds = ", ".join(sorted(s.lstrip(".").upper() for s in allowed))
        raise ValidationError({"file": f"Допустимые форматы: {kinds}."})
    if not uploaded.size:
        raise ValidationError({"file": EMPTY_FILE_MESSAGE})
    if uploaded.size > max_bytes:
        raise ValidationError({"file": f"Файл больше {max_bytes // (1024 * 1024)} МБ."})
    head = uploaded.read(8)
    uploaded.seek(0)
    if not head.startswith(allowed[suffix]):
        raise ValidationError({"file": "Содержимое файла не соответствует его расширению."})
    return suffix
