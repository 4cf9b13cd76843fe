"""Settings modules: base (shared), dev, test, prod, bench. Production is the default everywhere."""

import os

TRUE_VALUES = {"1", "true", "yes", "on"}


def default_settings_module() -> str:
    """`config.settings.prod` unless development is asked for explicitly with DEBUG=true.

    An explicit DJANGO_SETTINGS_MODULE always wins (`make run` sets `config.settings.dev`)."""
    if os.environ.get("DEBUG", "").strip().lower() in TRUE_VALUES:
        return "config.settings.dev"
    return "config.settings.prod"
