"""Checks of uploaded files: type by content (not just by name) and size, with Russian messages.
Uploaded files are always served as downloads, never inline."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def check_upload(uploaded, *, allowed: dict[str, bytes], max_bytes: int) -> str:
    """Return the file's suffix when its name, content signature and size are acceptable."""
    name = (uploaded.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in allowed:
        kinds = ", ".join(sorted(s.lstrip(".").upper() for s in allowed))
        raise ValidationError({"file": f"Допустимые форматы: {kinds}."})
    if uploaded.size > max_bytes:
        raise ValidationError({"file": f"Файл больше {max_bytes // (1024 * 1024)} МБ."})
    head = uploaded.read(8)
    uploaded.seek(0)
    if not head.startswith(allowed[suffix]):
        raise ValidationError({"file": "Содержимое файла не соответствует его расширению."})
    return suffix
