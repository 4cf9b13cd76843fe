"""One demo account per role, each with its scope (printed by `make run` and listed in the README)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from vyzov.accounts.models import Role, ScopeLevel, User
from vyzov.accounts.services import grant_build
from vyzov.cases.models import Child
from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject

DEMO_PASSWORD = "vyzov-demo-2026"  # noqa: S105 — demo data only; load_demo refuses to run in production


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str  # human-readable, for the README and the console


def _subject(code: str) -> Subject:
    return Subject.objects.get(code=code)


def _centre(code: str) -> Municipality:
    return Municipality.objects.get(subject__code=code, is_regional_centre=True)


def _org(code: str, kind: str) -> Organization:
    """The subject's organisation of this kind with the most children placed (the demo register's
    busiest), or the one in the regional centre when the register is empty."""
    candidates = Organization.objects.filter(subject__code=code, kind=kind)
    busiest = (
        Child.objects.filter(current_organization__in=candidates)
        .values("current_organization")
        .annotate(n=Count("id"))
        .order_by("-n", "current_organization")
        .first()
    )
    if busiest:
        return Organization.objects.get(pk=busiest["current_organization"])
    return candidates.filter(municipality__is_regional_centre=True).order_by("name").first()


def _accounts():
    """(account, grant kwargs, home subject code)."""
    altai_home = _org("22", OrganizationKind.ORPHAN_INSTITUTION)
    altai_service = _org("22", OrganizationKind.FAMILY_SERVICE)
    return [
        (
            DemoAccount("fed_admin", "Администратор Фонда (демо)", Role.FEDERAL_ADMIN, "вся Россия"),
            {"level": ScopeLevel.COUNTRY},
            None,
        ),
        (
            DemoAccount(
                "fed_analyst", "Аналитик федеральной команды (демо)", Role.FEDERAL_ANALYST, "вся Россия"
            ),
            {"level": ScopeLevel.COUNTRY},
            None,
        ),
        (
            DemoAccount(
                "curator_altai", "Куратор Алтайского края (демо)", Role.REGIONAL_CURATOR, "Алтайский край"
            ),
            {"level": ScopeLevel.SUBJECT, "subject": _subject("22")},
            "22",
        ),
        (
            DemoAccount(
                "specialist_perm",
                "Специалист министерства Пермского края (демо)",
                Role.REGIONAL_SPECIALIST,
                "Пермский край",
            ),
            {"level": ScopeLevel.SUBJECT, "subject": _subject("59")},
            "59",
        ),
        (
            DemoAccount(
                "municipal_barnaul",
                "Специалист опеки г. Барнаула (демо)",
                Role.MUNICIPAL_SPECIALIST,
                "г. Барнаул (Алтайский край)",
            ),
            {"level": ScopeLevel.MUNICIPALITY, "municipality": _centre("22")},
            "22",
        ),
        (
            DemoAccount(
                "staff_altai_home",
                "Воспитатель центра содействия (демо)",
                Role.INSTITUTION_STAFF,
                f"{altai_home.name}",
            ),
            {"level": ScopeLevel.ORGANIZATION, "organization": altai_home},
            "22",
        ),
        (
            DemoAccount(
                "service_altai",
                "Специалист службы «Дети в семье» (демо)",
                Role.SERVICE_SPECIALIST,
                f"{altai_service.name}",
            ),
            {"level": ScopeLevel.ORGANIZATION, "organization": altai_service},
            "22",
        ),
        (
            DemoAccount(
                "ngo_irkutsk",
                "Сотрудник НКО-оператора Иркутской области (демо)",
                Role.NGO_OPERATOR,
                "Иркутская область",
            ),
            {"level": ScopeLevel.SUBJECT, "subject": _subject("38")},
            "38",
        ),
        (
            DemoAccount(
                "participant_chelyabinsk",
                "Участник конкурса от г. Челябинска (демо)",
                Role.CONTEST_PARTICIPANT,
                "г. Челябинск (Челябинская область)",
            ),
            {"level": ScopeLevel.MUNICIPALITY, "municipality": _centre("74")},
            "74",
        ),
        (
            DemoAccount(
                "expert_samara",
                "Эксперт конкурса из Самарской области (демо)",
                Role.CONTEST_EXPERT,
                "назначенные заявки (кроме Самарской области)",
            ),
            {"level": ScopeLevel.COUNTRY},
            "63",
        ),
        (
            DemoAccount(
                "analyst",
                "Аналитик информационного партнёра (демо)",
                Role.ANALYST,
                "вся Россия, только агрегаты",
            ),
            {"level": ScopeLevel.COUNTRY},
            None,
        ),
    ]


@transaction.atomic
def load() -> list[DemoAccount]:
    accounts = []
    # One hash for every demo account: the password is printed for all to see, and each argon2 hash
    # takes about half a second.
    password = make_password(DEMO_PASSWORD)
    for account, grant_kwargs, home_code in _accounts():
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "email": f"{account.username}@demo.vyzov.invalid",
                "home_subject": _subject(home_code) if home_code else None,
            },
        )
        if created:
            user.password = password
            user.save()
        if not user.grants.filter(role=account.role).exists():
            grant = grant_build(role=account.role, **grant_kwargs)
            grant.user = user
            grant.save()
        accounts.append(account)
    return accounts


def demo_accounts() -> list[DemoAccount]:
    return [account for account, _grant, _home in _accounts()]
