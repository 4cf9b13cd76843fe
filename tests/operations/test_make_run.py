"""Issue 19: `make run` chooses its port from PORT and writes nothing that git tracks."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dev_paths() -> dict[str, str]:
    """Where `make run` (config.settings.dev) writes: the database, uploads, collected static files."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'db': str(s.DATABASES['default']['NAME']), 'media': str(s.MEDIA_ROOT), "
        "'static': str(s.STATIC_ROOT)}))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not shutil.which("git") or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_make_run_writes_only_where_git_ignores():
    for what, path in _dev_paths().items():
        inside = Path(path).resolve()
        assert inside.is_relative_to(ROOT), f"{what}: {path}"
        probe = inside / "probe" if what != "db" else inside
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", str(probe.relative_to(ROOT))], cwd=ROOT, check=False
        )
        assert ignored.returncode == 0, (
            f"{what} ({path}) is not ignored by git: make run would dirty the tree"
        )


def test_port_chooses_the_port_of_make_run():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^PORT \?= 8000$", makefile, re.M)  # `?=`: PORT=8080 make run works too
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "runserver 127.0.0.1:$(PORT)" in run and "http://127.0.0.1:$(PORT)" in run
