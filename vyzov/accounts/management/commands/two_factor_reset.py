"""Reset a user's two-factor login from the server (when no federal admin can do it on the site)."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from vyzov.accounts import two_factor
from vyzov.accounts.models import User


class Command(BaseCommand):
    help = "Сбросить двухфакторную аутентификацию пользователя (потерян телефон); запись в журнал аудита."

    def add_arguments(self, parser):
        parser.add_argument("username", help="имя входа пользователя")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Пользователь «{username}» не найден.")
        two_factor.two_factor_reset_by_operator(user=user, operator=f"manage.py ({getpass.getuser()})")
        self.stdout.write(
            f"Двухфакторная аутентификация пользователя {username} сброшена: при следующем входе он подключит её заново."
        )
