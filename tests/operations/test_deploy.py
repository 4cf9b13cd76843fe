"""The deployment files are valid for the real tools: gunicorn, nginx (`nginx -t`), systemd
(`systemd-analyze verify`), and agree with the application (upload limit, commands, timeouts)."""

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
UNITS = sorted((DEPLOY / "systemd").glob("vyzov-*.*"))
SECRET = "ci-only-" + "k" * 60


def _run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, **kwargs)


# --- gunicorn -----------------------------------------------------------------------------------


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    config = runpy.run_path(str(ROOT / "config/gunicorn.py"))
    assert config["workers"] == 3 and config["timeout"] == 45
    assert config["graceful_timeout"] == 30 and config["max_requests"] == 2000
    assert config["max_requests_jitter"] > 0
    assert "%({x-request-id}i)s" in config["access_log_format"]
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "config/gunicorn.py"))["workers"] == (os.cpu_count() or 1) * 2 + 1


def test_gunicorn_check_config_loads_the_production_application(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    cmd = [str(VENV_BIN / "gunicorn"), "--check-config", "-c", "config/gunicorn.py", "config.wsgi"]
    result = _run(cmd, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    without_key = _run(cmd, cwd=ROOT, env={k: v for k, v in env.items() if k != "SECRET_KEY"})
    assert without_key.returncode != 0 and "SECRET_KEY" in without_key.stderr


def test_proxy_waits_longer_than_gunicorn():
    gunicorn_timeout = runpy.run_path(str(ROOT / "config/gunicorn.py"))["timeout"]
    params = (DEPLOY / "nginx/proxy_params.conf").read_text()
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", params).group(1))
    assert read_timeout > gunicorn_timeout


# --- nginx --------------------------------------------------------------------------------------


def test_nginx_lets_the_application_refuse_oversize_bodies_itself():
    """nginx passes a little more than the application's whole-request limit, so that the application
    answers an oversize upload with its own Russian 413 page, and nothing much larger reaches it."""
    from django.conf import settings

    conf = (DEPLOY / "nginx/vyzov.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1)) * 1024 * 1024
    assert settings.MAX_REQUEST_BODY_BYTES < limit <= settings.MAX_REQUEST_BODY_BYTES + 2 * 1024 * 1024


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (apt-get install nginx-light)")
def test_nginx_t_accepts_the_site(tmp_path):
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    made = _run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vyzov.example.ru",
         "-keyout", str(key), "-out", str(cert)]
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = (
        (DEPLOY / "nginx/vyzov.conf")
        .read_text()
        .replace("/etc/ssl/vyzov/", f"{tmp_path}/")
        .replace("/opt/vyzov/deploy/", f"{DEPLOY}/")
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "vyzov.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/vyzov.conf;\n}}\n"
    )
    result = _run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "[warn]" not in result.stderr, result.stderr

    (tmp_path / "vyzov.conf").write_text(site.replace("client_max_body_size 31m;", "client_max_body_size;"))
    broken = _run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    assert broken.returncode != 0  # the check can fail


def test_nginx_passes_the_forwarded_headers_the_application_trusts():
    params = (DEPLOY / "nginx/proxy_params.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID", "Host"):
        assert f"proxy_set_header {header} " in params
    # prod.py trusts X-Forwarded-Proto for HTTPS; PROXY_COUNT=1 trusts X-Forwarded-For.
    assert (
        'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")'
        in (ROOT / "config/settings/prod.py").read_text()
    )
    assert "PROXY_COUNT=1" in (DEPLOY / "systemd/vyzov.env.example").read_text()


# --- systemd ------------------------------------------------------------------------------------


def _installed_units(tmp_path) -> list[Path]:
    """The units as an operator installs them, with this checkout standing in for /opt/vyzov."""
    env_file = tmp_path / "vyzov.env"
    env_file.write_text((DEPLOY / "systemd/vyzov.env.example").read_text())
    copies = []
    for unit in UNITS:
        if unit.suffix not in {".service", ".timer"}:
            continue
        text = (
            unit.read_text()
            .replace("/opt/vyzov/.venv/bin/", f"{VENV_BIN}/")
            .replace("/opt/vyzov", str(ROOT))
            .replace("/etc/vyzov/vyzov.env", str(env_file))
        )
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(copy)
    return copies


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_accepts_every_unit(tmp_path):
    units = _installed_units(tmp_path)
    assert {u.name for u in units} >= {
        "vyzov-web.service", "vyzov-worker.service", "vyzov-reminders.service", "vyzov-reminders.timer",
        "vyzov-watchdog.service", "vyzov-watchdog.timer", "vyzov-digest.service", "vyzov-digest.timer",
    }  # fmt: skip
    result = _run(["systemd-analyze", "verify", "--man=no", *map(str, units)], cwd=tmp_path)
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "vyzov" in line]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr

    # The check can fail: a misspelt option is reported.
    units[0].write_text(units[0].read_text().replace("[Service]", "[Service]\nRestartt=always"))
    bad = _run(["systemd-analyze", "verify", "--man=no", str(units[0])], cwd=tmp_path)
    assert "Restartt" in bad.stdout + bad.stderr


def test_every_timer_starts_its_service_and_every_command_exists():
    commands = get_commands()
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert timer.with_suffix(".service").exists()
    used = set()
    for unit in (DEPLOY / "systemd").glob("*.service"):
        used |= set(re.findall(r"manage\.py (\w+)", unit.read_text()))
    assert {"db_worker", "send_reminders", "send_digest", "fail_stale_jobs"} <= used
    missing = used - set(commands)
    assert missing <= {"fail_stale_jobs"}, f"no such management commands: {missing}"
    if missing:
        pytest.skip("fail_stale_jobs (the job watchdog) arrives with the jobs branch (h2)")


def test_every_timer_is_enabled_by_the_documented_install_steps():
    """An operator copies the commands of docs/operations.md: every timer must be in them."""
    docs = (ROOT / "docs/operations.md").read_text()
    enabled = re.search(r"systemctl enable --now ([^\n]+)", docs).group(1).split()
    assert {timer.name for timer in (DEPLOY / "systemd").glob("*.timer")} <= set(enabled)
