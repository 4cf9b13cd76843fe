"""Shared checks of the hostile-input suites: no server error, a Russian message, nothing written."""

from __future__ import annotations

import json
import re

from django.apps import apps

# Tables a refused request may still touch without writing anything of the user's: the session of the
# test login and the lockout bookkeeping of the login form.
_IGNORED = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
CYRILLIC = re.compile("[А-Яа-яЁё]")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in _IGNORED and model._meta.managed
    }


def russian_message(response) -> str:
    """The message a refused request carries: `detail` of an API answer, the page text otherwise."""
    if response.get("Content-Type", "").startswith("application/json"):
        data = json.loads(response.content)
        text = data.get("detail", "") if isinstance(data, dict) else ""
        if not text and isinstance(data, dict):
            text = " ".join(str(value) for value in data.values())
        return str(text)
    return response.content.decode("utf-8", "replace")
