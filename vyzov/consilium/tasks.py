"""Background work of the consilium (run by `manage.py db_worker`)."""

from django_tasks import task

from .services import reminders_send


@task()
def send_action_item_reminders() -> int:
    return reminders_send()
