"""Register objects for tests, created through the services like a user would."""

from __future__ import annotations

import datetime as dt
import itertools

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases import services
from vyzov.cases.models import Child, Family, LegalStatus, Placement, PlacementKind, Sex
from vyzov.core.validators import snils_checksum

_counter = itertools.count(1)


def valid_snils(number: int) -> str:
    digits = f"{number:09d}"
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {snils_checksum(digits):02d}"


def letters(number: int) -> str:
    """A number written with letters (names may not contain digits): 12 → «бв»."""
    return "".join("абвгдежзик"[int(digit)] for digit in str(number))


def admin():
    from conftest import make_user
    from vyzov.accounts.models import User

    existing = User.objects.filter(username="factory_admin").first()
    return existing or make_user("factory_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)


def child_data(municipality, **overrides) -> dict:
    n = next(_counter)
    data = {
        "last_name": f"Тестов{letters(n)}",
        "first_name": "Иван",
        "middle_name": "Петрович",
        "birth_date": dt.date(2015, 3, 1),
        "sex": Sex.MALE,
        "snils": valid_snils(200_000_000 + n),
        "birth_certificate": "",
        "legal_status": LegalStatus.HAS_PARENTS,
        "has_living_parents": True,
        "disability": False,
        "subject": municipality.subject,
        "municipality": municipality,
    }
    data.update(overrides)
    return data


def make_child(municipality, *, actor=None, **overrides) -> Child:
    return services.child_create(
        actor=actor or admin(), data=child_data(municipality, **overrides), confirm_not_duplicate=True
    )


def place(
    child: Child,
    organization,
    *,
    start=dt.date(2025, 1, 10),
    kind=PlacementKind.TEMPORARY_PARENTS_REQUEST,
    actor=None,
) -> Placement:
    return services.placement_open(
        actor=actor or admin(),
        child=child,
        data={"organization": organization, "kind": kind, "start_date": start, "basis": "Заявление матери"},
    )


def make_family(municipality, *, actor=None, title="Семья Тестовых") -> Family:
    return services.family_create(actor=actor or admin(), data={"municipality": municipality, "title": title})
