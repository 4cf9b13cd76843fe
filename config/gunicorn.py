"""gunicorn configuration: `gunicorn -c config/gunicorn.py config.wsgi` (deploy/systemd/vyzov-web.service).

Every value can be changed from the environment (listed in docs/operations.md)."""

import multiprocessing
import os

# Settings: config.wsgi picks production unless DJANGO_SETTINGS_MODULE/DEBUG ask for development.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request may run this long (large XLSX exports stream; imports go to the worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On restart/upgrade a worker finishes its requests for this long before it is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are replaced after this many requests (a slow leak never grows without bound).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
# nginx sets X-Request-ID; the same id is in the application's JSON log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}i)s user_agent="%(a)s"'


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR (metrics summed over all workers), forget a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
