"""Fixtures shared by every app's tests: reference territories and people named by their role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel, User
from vyzov.accounts.services import grant_build
from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
from vyzov.territories.reference import load_territories

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 — test users only


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The 89 subjects and the reference municipalities, loaded once into the test database."""
    with django_db_blocker.unblock():
        load_territories()


@pytest.fixture(autouse=True)
def todays_date_per_test(request, monkeypatch):
    """Test modules name the day as a constant `TODAY`; one computed at import is yesterday's for a
    test that runs after midnight (Moscow) in a run collected before it. Each test gets its own day."""
    if request.module is not None and hasattr(request.module, "TODAY"):
        monkeypatch.setattr(request.module, "TODAY", timezone.localdate())


@pytest.fixture(autouse=True)
def reference_territories(request):
    """Transactional tests (browser, concurrency) flush the database; reload what they removed."""
    names = set(request.fixturenames)
    if not names & {"db", "transactional_db", "live_server"} and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("transactional_db" if names & {"transactional_db", "live_server"} else "db")
    if Subject.objects.count() != 89:
        load_territories()


def make_user(username: str, role: str, *, level: str, home_subject: Subject | None = None, **scope) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=username.replace("_", " ").title(),
        email=f"{username}@example.test",
        home_subject=home_subject or scope.get("subject"),
    )
    grant = grant_build(role=role, level=level, **scope)
    grant.user = user
    grant.save()
    return user


def subject(code: str) -> Subject:
    return Subject.objects.get(code=code)


def centre(code: str) -> Municipality:
    return Municipality.objects.get(subject__code=code, is_regional_centre=True)


def town(code: str, name: str) -> Municipality:
    return Municipality.objects.get(subject__code=code, name=name)


def make_org(name: str, *, kind: str = OrganizationKind.ORPHAN_INSTITUTION, municipality=None, subject_=None):
    organization = Organization(
        name=name,
        kind=kind,
        subject=subject_ or municipality.subject,
        municipality=municipality,
    )
    organization.full_clean()
    organization.save()
    return organization


# ---- organisations ------------------------------------------------------------------------------


@pytest.fixture
def home_barnaul(db):
    return make_org("Центр содействия № 1, Барнаул", municipality=centre("22"))


@pytest.fixture
def home_biysk(db):
    return make_org("Центр содействия № 2, Бийск", municipality=town("22", "Бийск"))


@pytest.fixture
def home_perm(db):
    return make_org("Центр содействия № 1, Пермь", municipality=centre("59"))


@pytest.fixture
def ministry_altai(db):
    return make_org(
        "Министерство социальной защиты Алтайского края",
        kind=OrganizationKind.REGIONAL_AUTHORITY,
        subject_=subject("22"),
    )


# ---- people -------------------------------------------------------------------------------------


@pytest.fixture
def fed_admin(db):
    return make_user("fed_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)


@pytest.fixture
def fed_analyst(db):
    return make_user("fed_analyst", Role.FEDERAL_ANALYST, level=ScopeLevel.COUNTRY)


@pytest.fixture
def analyst_sfo(db):
    from vyzov.territories.models import FederalDistrict

    return make_user(
        "analyst_sfo",
        Role.ANALYST,
        level=ScopeLevel.DISTRICT,
        district=FederalDistrict.objects.get(code="СФО"),
    )


@pytest.fixture
def analyst(db):
    return make_user("analyst", Role.ANALYST, level=ScopeLevel.COUNTRY)


@pytest.fixture
def curator_altai(db):
    return make_user("curator_altai", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("22"))


@pytest.fixture
def curator_perm(db):
    return make_user("curator_perm", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("59"))


@pytest.fixture
def specialist_perm(db):
    return make_user(
        "specialist_perm", Role.REGIONAL_SPECIALIST, level=ScopeLevel.SUBJECT, subject=subject("59")
    )


@pytest.fixture
def specialist_altai(db):
    return make_user(
        "specialist_altai", Role.REGIONAL_SPECIALIST, level=ScopeLevel.SUBJECT, subject=subject("22")
    )


@pytest.fixture
def municipal_barnaul(db):
    return make_user(
        "municipal_barnaul",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=centre("22"),
    )


@pytest.fixture
def staff_barnaul_home(home_barnaul):
    return make_user(
        "staff_barnaul_home", Role.INSTITUTION_STAFF, level=ScopeLevel.ORGANIZATION, organization=home_barnaul
    )


@pytest.fixture
def ngo_irkutsk(db):
    return make_user("ngo_irkutsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38"))


@pytest.fixture
def expert_samara(db):
    return make_user(
        "expert_samara", Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY, home_subject=subject("63")
    )


@pytest.fixture
def participant_chelyabinsk(db):
    return make_user(
        "participant_chelyabinsk",
        Role.CONTEST_PARTICIPANT,
        level=ScopeLevel.MUNICIPALITY,
        municipality=centre("74"),
    )


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


def login(client, user):
    client.force_login(user)
    return client


def queries_for(client, url, **params) -> int:
    """How many SQL queries one GET of `url` runs (the page must answer 200), after a first one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # the session's first request loads the grants once: count a steady request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


@pytest.fixture(autouse=True)
def _fresh_grant_caches():
    """The process caches of grants and menus start empty in every test (ids are reused after rollback)."""
    from vyzov.accounts.access import clear_grants_cache
    from vyzov.accounts.context_processors import clear_menus

    clear_grants_cache()
    clear_menus()
    yield


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """Uploaded test files go to a per-process folder that is removed afterwards."""
    yield
    import shutil

    from django.conf import settings

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
