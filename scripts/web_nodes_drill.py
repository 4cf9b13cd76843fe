"""Two web nodes share nothing but the database (and Redis when REDIS_URL is set): a user who signs in
on one gunicorn is signed in on the other. Run by .ci/run on the demo database of the restore drill.

Usage (with DATABASE_URL, DJANGO_SETTINGS_MODULE and optionally REDIS_URL in the environment):
    python scripts/web_nodes_drill.py [--ports 8101 8102]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
DEMO_USER, DEMO_PASSWORD = "fed_admin", "vyzov-demo-2026"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start(port: int) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    return subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"узел на порту {port} не ответил за {timeout} с")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", type=int, nargs=2, default=[8101, 8102])
    args = parser.parse_args(argv)
    first, second = args.ports
    nodes = [start(first), start(second)]
    try:
        wait_ready(first)
        wait_ready(second)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = opener.open(f"http://127.0.0.1:{first}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": DEMO_USER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{first}/accounts/login/",
            data=form,
            headers={"Referer": f"http://127.0.0.1:{first}/"},
        )
        try:
            opener.open(request)
            print("вход на первом узле не перенаправил на главную", file=sys.stderr)
            return 1
        except urllib.error.HTTPError as answer:
            if answer.code != 302 or "login" in answer.headers.get("Location", ""):
                print(f"вход на первом узле не удался: {answer.code}", file=sys.stderr)
                return 1
        # The same browser (cookies) on the other node: signed in, the home page, not the login page.
        try:
            home = opener.open(f"http://127.0.0.1:{second}/")
        except urllib.error.HTTPError as answer:
            print(
                f"второй узел не узнал пользователя: {answer.code} {answer.headers.get('Location')}",
                file=sys.stderr,
            )
            return 1
        if home.status != 200:
            print(f"второй узел ответил {home.status}", file=sys.stderr)
            return 1
        print(
            f"Два веб-узла ({first}, {second}): вход на одном действует на другом — общего нужно только БД/Redis."
        )
        return 0
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
