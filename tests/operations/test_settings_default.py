"""manage.py, wsgi and asgi run the production settings unless development is asked for explicitly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import default_settings_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("debug", "expected"),
    [
        (None, "config.settings.prod"),
        ("false", "config.settings.prod"),
        ("", "config.settings.prod"),
        ("true", "config.settings.dev"),
        ("1", "config.settings.dev"),
    ],
)
def test_default_settings_module(monkeypatch, debug, expected):
    if debug is None:
        monkeypatch.delenv("DEBUG", raising=False)
    else:
        monkeypatch.setenv("DEBUG", debug)
    assert default_settings_module() == expected


def _manage(*args, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_without_settings_is_production_and_demands_a_secret_key():
    result = _manage("diffsettings", "--all")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_manage_py_runs_development_only_when_asked(tmp_path):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SETTINGS_MODULE)",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VYZOV_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "config.settings.dev"]
