"""Background work of the dashboard (run by `manage.py db_worker`)."""

from django_tasks import task

from .services import digest_send


@task()
def send_notification_digest() -> int:
    return digest_send()
