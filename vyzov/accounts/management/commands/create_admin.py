"""`manage.py create_admin`: a federal administrator with the country-wide grant, audited."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vyzov.accounts.models import User
from vyzov.accounts.services import federal_admin_create_from_console


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "неизвестно"


class Command(BaseCommand):
    help = (
        "Создаёт администратора федерального уровня (право «вся Россия») и пишет это в журнал аудита. "
        "Без --noinput спрашивает недостающее; пароль в командной строке не передаётся — "
        "только с клавиатуры или из переменной окружения (--password-env)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="Имя входа.")
        parser.add_argument("--full-name", dest="full_name", help="ФИО.")
        parser.add_argument("--email", help="Электронная почта.")
        parser.add_argument(
            "--password-env",
            dest="password_env",
            metavar="VAR",
            help="Имя переменной окружения с паролем (например, VYZOV_ADMIN_PASSWORD).",
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(
        self, *args, username=None, full_name=None, email=None, password_env=None, interactive=True, **options
    ):
        username = username or (self._ask("Имя входа: ") if interactive else None)
        full_name = full_name or (self._ask("ФИО: ") if interactive else None)
        email = email or (self._ask("Электронная почта: ") if interactive else None)
        if not username or not full_name or not email:
            raise CommandError("Укажите --username, --full-name и --email.")
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"Пользователь «{username}» уже есть; выдайте ему право на странице «Пользователи»."
            )
        password = self._password(password_env=password_env, interactive=interactive)
        try:
            user = federal_admin_create_from_console(
                username=username, full_name=full_name, email=email, password=password, operator=_operator()
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Администратор федерального уровня «{user.username}» создан; запись в журнале аудита."
            )
        )

    def _ask(self, prompt: str) -> str:
        return input(prompt).strip()

    def _password(self, *, password_env: str | None, interactive: bool) -> str:
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"Переменная окружения {password_env} пуста или не задана.")
            return password
        if not interactive:
            raise CommandError("Без ввода с клавиатуры пароль берётся только из --password-env.")
        password = getpass.getpass("Пароль: ")
        if password != getpass.getpass("Пароль ещё раз: "):
            raise CommandError("Пароли не совпадают.")
        return password
