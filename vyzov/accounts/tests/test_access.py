"""The access policy itself: scope and require, for every kind of grant, from both sides."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import centre, make_org, subject, town
from vyzov.accounts import access
from vyzov.accounts.access import ActionNotAllowed, NotInScope, Perm, require, scope
from vyzov.accounts.models import Grant, Role, ScopeLevel
from vyzov.territories.models import Municipality, Organization, Subject

pytestmark = pytest.mark.django_db


def visible_orgs(user):
    return set(scope(user, Organization.objects.all(), Perm.TERRITORIES_VIEW))


def test_curator_altai_sees_all_of_altai_and_nothing_of_perm(
    curator_altai, home_barnaul, home_biysk, home_perm
):
    assert visible_orgs(curator_altai) == {home_barnaul, home_biysk}
    require(curator_altai, Perm.ORGANIZATIONS_MANAGE, home_biysk)
    with pytest.raises(NotInScope):
        require(curator_altai, Perm.TERRITORIES_VIEW, home_perm)
    with pytest.raises(NotInScope):
        require(curator_altai, Perm.ORGANIZATIONS_MANAGE, home_perm)


def test_municipal_barnaul_sees_barnaul_not_biysk(
    municipal_barnaul, home_barnaul, home_biysk, ministry_altai
):
    assert visible_orgs(municipal_barnaul) == {home_barnaul}
    with pytest.raises(NotInScope):
        require(municipal_barnaul, Perm.TERRITORIES_VIEW, home_biysk)
    # A regional organisation (no municipality) is above a municipal grant.
    with pytest.raises(NotInScope):
        require(municipal_barnaul, Perm.TERRITORIES_VIEW, ministry_altai)
    assert set(scope(municipal_barnaul, Municipality.objects.all(), Perm.TERRITORIES_VIEW)) == {centre("22")}
    assert not scope(municipal_barnaul, Subject.objects.all(), Perm.TERRITORIES_VIEW).exists()


def test_staff_sees_only_their_own_organization(staff_barnaul_home, home_barnaul):
    other_in_same_city = make_org("Другой центр, Барнаул", municipality=centre("22"))
    assert visible_orgs(staff_barnaul_home) == {home_barnaul}
    with pytest.raises(NotInScope):
        require(staff_barnaul_home, Perm.TERRITORIES_VIEW, other_in_same_city)
    # Visible, but staff may not edit organisations: 403, not 404.
    with pytest.raises(ActionNotAllowed):
        require(staff_barnaul_home, Perm.ORGANIZATIONS_MANAGE, home_barnaul)


def test_district_grant_covers_its_subjects_only(analyst_sfo, home_barnaul, home_perm):
    assert visible_orgs(analyst_sfo) == {home_barnaul}  # Алтайский край is in СФО, Пермский край in ПФО
    assert scope(analyst_sfo, Subject.objects.all(), Perm.TERRITORIES_VIEW).count() == 10


def test_country_grant_sees_everything(fed_admin, home_barnaul, home_perm):
    assert visible_orgs(fed_admin) >= {home_barnaul, home_perm}
    require(fed_admin, Perm.ORGANIZATIONS_MANAGE, home_perm)


def test_analyst_has_no_personal_or_write_permission(analyst, home_barnaul):
    for perm in (Perm.CASES_VIEW_PERSONAL, Perm.CASES_VIEW, Perm.ORGANIZATIONS_MANAGE, Perm.USERS_MANAGE):
        assert not access.has_perm(analyst, perm)
    with pytest.raises(ActionNotAllowed):
        require(analyst, Perm.ORGANIZATIONS_MANAGE, home_barnaul)


def test_expert_sees_no_territory_objects(expert_samara, home_barnaul):
    assert visible_orgs(expert_samara) == set()
    with pytest.raises(NotInScope):
        require(expert_samara, Perm.TERRITORIES_VIEW, home_barnaul)


def test_inactive_user_sees_nothing(curator_altai, home_barnaul):
    curator_altai.is_active = False
    assert visible_orgs(curator_altai) == set()


def test_anonymous_sees_nothing(home_barnaul):
    from django.contrib.auth.models import AnonymousUser

    assert visible_orgs(AnonymousUser()) == set()
    assert visible_orgs(None) == set()


def test_unknown_permission_is_an_error_not_a_silent_denial(curator_altai):
    with pytest.raises(ImproperlyConfigured):
        scope(curator_altai, Organization.objects.all(), "territories.veiw")


def test_model_without_access_paths_cannot_be_scoped(fed_admin):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(ImproperlyConfigured):
        scope(fed_admin, ContentType.objects.all(), Perm.TERRITORIES_VIEW)


def test_new_object_is_checked_where_it_would_be_created(curator_altai, municipal_barnaul):
    in_biysk = Organization(name="Новая", kind="ngo", subject=subject("22"), municipality=town("22", "Бийск"))
    require(curator_altai, Perm.ORGANIZATIONS_MANAGE, in_biysk)
    with pytest.raises(NotInScope):
        require(municipal_barnaul, Perm.ORGANIZATIONS_MANAGE, in_biysk)
    in_barnaul = Organization(name="Новая", kind="ngo", subject=subject("22"), municipality=centre("22"))
    require(municipal_barnaul, Perm.ORGANIZATIONS_MANAGE, in_barnaul)


def test_every_role_has_levels_permissions_and_rank():
    for role in Role.values:
        assert access.ROLE_LEVELS[role]
        assert access.ROLE_PERMISSIONS[role]
        assert role in access.ROLE_RANK


def test_only_roles_with_personal_permission_are_the_expected_ones():
    with_personal = {r for r, perms in access.ROLE_PERMISSIONS.items() if Perm.CASES_VIEW_PERSONAL in perms}
    assert with_personal == {
        Role.FEDERAL_ADMIN,
        Role.REGIONAL_CURATOR,
        Role.REGIONAL_SPECIALIST,
        Role.MUNICIPAL_SPECIALIST,
        Role.INSTITUTION_STAFF,
    }


# scope() works in SQL and require() in Python: they must agree on every grant and every row.
@pytest.fixture
def world(db):
    orgs = [
        make_org("Барнаул-1", municipality=centre("22")),
        make_org("Бийск-1", municipality=town("22", "Бийск")),
        make_org("Пермь-1", municipality=centre("59")),
        make_org("Край-1", kind="regional_authority", subject_=subject("22")),
    ]
    return orgs


GRANT_SHAPES = [
    (Role.FEDERAL_ADMIN, ScopeLevel.COUNTRY, lambda orgs: {}),
    (Role.ANALYST, ScopeLevel.DISTRICT, lambda orgs: {"district": subject("22").district}),
    (Role.REGIONAL_CURATOR, ScopeLevel.SUBJECT, lambda orgs: {"subject": subject("22")}),
    (Role.REGIONAL_CURATOR, ScopeLevel.SUBJECT, lambda orgs: {"subject": subject("59")}),
    (Role.MUNICIPAL_SPECIALIST, ScopeLevel.MUNICIPALITY, lambda orgs: {"municipality": centre("22")}),
    (Role.MUNICIPAL_SPECIALIST, ScopeLevel.MUNICIPALITY, lambda orgs: {"municipality": town("22", "Бийск")}),
    (Role.INSTITUTION_STAFF, ScopeLevel.ORGANIZATION, lambda orgs: {"organization": orgs[0]}),
    (Role.INSTITUTION_STAFF, ScopeLevel.ORGANIZATION, lambda orgs: {"organization": orgs[2]}),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=st.lists(st.integers(min_value=0, max_value=len(GRANT_SHAPES) - 1), min_size=0, max_size=3))
def test_scope_and_require_agree_for_any_combination_of_grants(world, shapes):
    from vyzov.accounts.models import User
    from vyzov.accounts.services import grant_build

    user, _ = User.objects.get_or_create(username="property_user", defaults={"full_name": "P"})
    Grant.objects.filter(user=user).delete()
    access.forget_grants(user)
    for index in shapes:
        role, level, scope_kwargs = GRANT_SHAPES[index]
        grant = grant_build(role=role, level=level, **scope_kwargs(world))
        grant.user = user
        grant.save()
    access.forget_grants(user)
    candidates = {
        Organization: Organization.objects.filter(subject__code__in=["22", "59"]),
        Municipality: Municipality.objects.filter(subject__code__in=["22", "59"]),
        Subject: Subject.objects.filter(code__in=["22", "59", "01"]),
    }
    for model, rows in candidates.items():
        in_scope = set(scope(user, model.objects.all(), Perm.TERRITORIES_VIEW).values_list("pk", flat=True))
        for obj in rows:
            assert access.allows(user, Perm.TERRITORIES_VIEW, obj) == (obj.pk in in_scope), (
                model,
                obj,
                shapes,
            )


def test_grants_are_loaded_once_per_user_object(curator_altai, home_barnaul, django_assert_num_queries):
    access.forget_grants(curator_altai)
    with django_assert_num_queries(1):
        assert access.has_perm(curator_altai, Perm.TERRITORIES_VIEW)
        assert access.has_perm(curator_altai, Perm.USERS_MANAGE)
        assert not access.has_perm(curator_altai, Perm.CONTESTS_SCORE)


def test_make_user_helper_builds_grant_with_all_ancestors(municipal_barnaul):
    grant = municipal_barnaul.grants.get()
    assert grant.municipality == centre("22")
    assert grant.subject == subject("22")
    assert grant.district.code == "СФО"


# Every role against the same small world: exactly its scope, and nothing one step outside.
EXPECTED_ORGS = {
    "fed_admin": {"Барнаул-1", "Бийск-1", "Пермь-1", "Край-1"},
    "fed_analyst": {"Барнаул-1", "Бийск-1", "Пермь-1", "Край-1"},
    "analyst": {"Барнаул-1", "Бийск-1", "Пермь-1", "Край-1"},
    "curator_altai": {"Барнаул-1", "Бийск-1", "Край-1"},
    "specialist_perm": {"Пермь-1"},
    "municipal_barnaul": {"Барнаул-1"},
    "ngo_irkutsk": set(),
    "expert_samara": set(),
    "participant_chelyabinsk": set(),
}


@pytest.mark.parametrize("person", list(EXPECTED_ORGS))
def test_every_role_sees_exactly_its_organizations(request, world, person):
    user = request.getfixturevalue(person)
    names = {
        org.name
        for org in scope(
            user, Organization.objects.filter(pk__in=[o.pk for o in world]), Perm.TERRITORIES_VIEW
        )
    }
    assert names == EXPECTED_ORGS[person]
    for org in world:
        if org.name not in names:
            with pytest.raises(NotInScope):
                require(user, Perm.TERRITORIES_VIEW, org)


def test_institution_and_service_staff_see_only_their_organization(world):
    from conftest import make_user

    staff = make_user("staff", Role.INSTITUTION_STAFF, level=ScopeLevel.ORGANIZATION, organization=world[0])
    service = make_user(
        "service", Role.SERVICE_SPECIALIST, level=ScopeLevel.ORGANIZATION, organization=world[1]
    )
    assert set(scope(staff, Organization.objects.all(), Perm.TERRITORIES_VIEW)) == {world[0]}
    assert set(scope(service, Organization.objects.all(), Perm.TERRITORIES_VIEW)) == {world[1]}
    with pytest.raises(NotInScope):
        require(service, Perm.TERRITORIES_VIEW, world[0])
