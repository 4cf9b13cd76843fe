import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from vyzov.accounts.models import User
from vyzov.bench import generator
from vyzov.cases.models import Child, EventKind, Family
from vyzov.demo import accounts as accounts_demo
from vyzov.demo import alerts as alerts_demo
from vyzov.demo import consilium as consilium_demo
from vyzov.demo import contests as contests_demo
from vyzov.demo import monitoring as monitoring_demo
from vyzov.demo import ngo_aid as ngo_aid_demo
from vyzov.demo import programmes as programmes_demo
from vyzov.demo import support as support_demo
from vyzov.demo import territories as territories_demo
from vyzov.monitoring.reference import load_all as load_monitoring_reference
from vyzov.territories.reference import load_territories

DEMO_EMAIL_DOMAIN = "@demo.vyzov.invalid"  # every demo account's address (accounts, contests demo)


def non_demo_data() -> dict[str, int]:
    """Rows that neither the demo nor the generator made: users without a demo address, children and
    families the generator did not register. Non-empty means the database holds real work."""
    generated_children = Child.objects.filter(
        events__kind=EventKind.REGISTERED, events__details__source=generator.SOURCE
    )
    found = {
        "пользователей": User.objects.exclude(email__endswith=DEMO_EMAIL_DOMAIN).count(),
        "детей": Child.objects.exclude(pk__in=generated_children.values("pk")).count(),
        "семей": Family.objects.exclude(notes__in=[generator.FAMILY_NOTE, support_demo.FAMILY_NOTE]).count(),
    }
    return {what: count for what, count in found.items() if count}


class Command(BaseCommand):
    help = "Загружает справочники и демонстрационные данные для всех ролей. Повторный запуск безопасен."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Загрузить даже при DEBUG=false (только в базу без рабочих данных).",
        )
        parser.add_argument(
            "--register-scale",
            type=float,
            default=0.03,
            help="Объём синтетического реестра детей (доля от национального; 0 — без реестра).",
        )

    def handle(self, *args, force=False, register_scale=0.03, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Демо-данные не загружаются в рабочую систему (DEBUG=false). Используйте --force."
            )
        if found := non_demo_data():
            described = ", ".join(f"{what}: {count}" for what, count in found.items())
            raise CommandError(
                f"В базе есть рабочие (не демонстрационные) данные ({described}); "
                "демо-данные в неё не загружаются, --force этого не отменяет."
            )
        self.started = time.monotonic()
        self.stdout.write(
            "Загрузка демо-данных: обычно около полуминуты (на загруженной машине — минуты); шаги ниже."
        )
        # The notifications the demo's assignments raise would be «sent» to the demo addresses in the
        # middle of the progress lines (the console mail backend): the demo load sends no letters.
        # DEBUG off: Django would otherwise keep the text of each of its ~16 000 queries (with every
        # parameter quoted by SQLite), a tenth of the load's time.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False):
            accounts, created = self._load(register_scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Демо-данные загружены за {time.monotonic() - self.started:.0f} с "
                f"(новых организаций: {created})."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Демо-входы (пароль у всех: {accounts_demo.DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<26} {account.role:<22} {account.scope}")

    def _load(self, register_scale):
        self._step("справочник территорий", load_territories)
        created = self._step("организации", territories_demo.load)
        if register_scale and not any(generator.existing_generated().values()):
            self._step(
                f"синтетический реестр детей (масштаб {register_scale}) — самый долгий шаг",
                lambda: call_command("generate_national", scale=register_scale, seed=2026, verbosity=0),
            )
        accounts = self._step("демо-входы", accounts_demo.load)
        self._step("мониторинг", lambda: (load_monitoring_reference(), monitoring_demo.load()))
        for title, module in [
            ("консилиумы", consilium_demo),
            ("адресная помощь", ngo_aid_demo),
            ("службы «Дети в семье»", support_demo),
            ("региональные программы", programmes_demo),
            ("конкурсы", contests_demo),
            ("сигналы о детях в опасности", alerts_demo),
        ]:
            self._step(title, module.load)
        return accounts, created

    def _step(self, title: str, load):
        """Run one part of the demo, saying what it is before and how long it took after."""
        self.stdout.write(f"  {title}…", ending="")
        self.stdout.flush()
        step_started = time.monotonic()
        result = load()
        now = time.monotonic()
        self.stdout.write(f" {now - step_started:.0f} с (всего {now - self.started:.0f} с)")
        return result
