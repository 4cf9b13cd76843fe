"""The synthetic national data set: sizes, invariants of the register, documents, determinism, duplicates."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from vyzov.bench import generator
from vyzov.bench.generator import FAMILY_NOTE, SYNTHETIC_MARK, generated_child_ids, targets_for
from vyzov.cases.models import Case, CaseStatus, Child, Event, EventKind, Family, Placement, name_key
from vyzov.cases.selectors import duplicate_candidates, overdue_review_q
from vyzov.core.text import normalize_for_search
from vyzov.core.validators import validate_birth_certificate, validate_snils
from vyzov.territories.models import Municipality, Organization, OrganizationKind
from vyzov.territories.reference import read_csv

pytestmark = pytest.mark.django_db

SCALE, SEED = 0.01, 7


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_national", scale=SCALE, seed=SEED, stdout=out, **options)
    return out.getvalue()


def near(actual: int, target: int, tolerance: float = 0.15) -> bool:
    return abs(actual - target) <= tolerance * target


def checksum() -> str:
    ids = generated_child_ids()
    rows = (
        Child.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "search_name",
            "birth_date",
            "snils",
            "birth_certificate",
            "subject__code",
            "current_organization__name",
        )[:200]
    )
    sizes = (
        Child.objects.filter(pk__in=ids).count(),
        Placement.objects.filter(child__in=ids).count(),
        Event.objects.filter(child__in=ids).count(),
        Family.objects.filter(notes=FAMILY_NOTE).count(),
    )
    return hashlib.sha256(repr((list(rows), sizes)).encode()).hexdigest()


def test_scaled_data_set_is_consistent():
    output = generate()
    targets = targets_for(SCALE)
    ids = generated_child_ids()
    generated = Child.objects.filter(pk__in=ids)

    # Sizes: within ±15 % of the scaled national targets.
    reference = len(read_csv("municipalities.csv"))
    assert (
        Municipality.objects.count()
        == reference + Municipality.objects.filter(name__contains=SYNTHETIC_MARK).count()
    )
    assert near(
        Municipality.objects.filter(name__contains=SYNTHETIC_MARK).count(), targets.synthetic_municipalities
    )
    synthetic_orgs = Organization.objects.filter(name__contains=SYNTHETIC_MARK)
    for kind, target in targets.organizations.items():
        assert near(synthetic_orgs.filter(kind=kind).count(), target), kind
    assert near(Family.objects.filter(notes=FAMILY_NOTE).count(), targets.families)
    placed = generated.filter(current_organization__isnull=False)
    assert near(placed.count(), targets.placed)
    assert near(generated.count(), targets.children)
    rows = Placement.objects.filter(child__in=ids).count() + Event.objects.filter(child__in=ids).count()
    assert near(rows, round(1_000_000 * SCALE))
    assert Case.objects.filter(child__in=ids).count() == generated.count()

    # Every subject has an orphan institution; organisations sit in a municipality of their subject.
    assert (
        synthetic_orgs.filter(kind=OrganizationKind.ORPHAN_INSTITUTION).values("subject").distinct().count()
        == 89
    )
    assert not synthetic_orgs.exclude(municipality__subject=F("subject")).exists()
    assert not synthetic_orgs.filter(
        kind__in=["orphan_institution", "social_institution"], capacity__isnull=True
    ).exists()

    # Placements: one open placement per placed child, matching current_organization and placed_since.
    open_placements = Placement.objects.filter(child__in=ids, end_date__isnull=True)
    assert not open_placements.values("child").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert open_placements.count() == placed.count()
    assert not open_placements.filter(child__current_organization__isnull=True).exists()
    assert not open_placements.exclude(organization=F("child__current_organization")).exists()
    assert not open_placements.exclude(start_date=F("child__placed_since")).exists()
    all_placements = Placement.objects.filter(child__in=ids)
    assert not all_placements.exclude(
        organization__kind__in=["orphan_institution", "social_institution"]
    ).exists()
    assert not all_placements.exclude(organization__subject=F("child__subject")).exists()
    assert not all_placements.filter(start_date__lt=F("child__birth_date")).exists()
    assert not all_placements.filter(end_date__isnull=False, outcome="").exists()
    assert not all_placements.filter(kind="temporary_request", planned_end_date__isnull=True).exists()
    assert not placed.filter(placed_since__lt=F("birth_date")).exists()

    # Timeline: one «registered» event per child, one per placement, one per closed placement.
    assert Event.objects.filter(child__in=ids, kind=EventKind.REGISTERED).count() == len(ids)
    assert Event.objects.filter(child__in=ids, kind=EventKind.PLACEMENT).count() == all_placements.count()
    closed = all_placements.filter(end_date__isnull=False)
    ends = Event.objects.filter(child__in=ids, kind__in=["return_home", "family_placement", "placement_end"])
    assert ends.count() == closed.count()
    assert ends.filter(kind="return_home").count() == closed.filter(outcome="returned_home").count()
    assert closed.filter(outcome="returned_home").count() > closed.count() / 2  # most went home

    # Cases: open for placed children, mostly closed for the others; ~10–15 % of open ones overdue.
    assert not Case.objects.filter(child__in=placed).exclude(status=CaseStatus.OPEN).exists()
    others = Case.objects.filter(child__in=ids, child__current_organization__isnull=True)
    assert others.filter(status=CaseStatus.CLOSED).count() > others.count() / 2
    open_cases = Child.objects.filter(pk__in=ids, case__status=CaseStatus.OPEN).count()
    overdue = Child.objects.filter(Q(pk__in=ids) & overdue_review_q(timezone.localdate())).count()
    assert 0.10 <= overdue / open_cases <= 0.15

    # Pilot regions hold about 35 % of the children now in institutions.
    assert 0.30 <= placed.filter(subject__is_pilot=True).count() / placed.count() <= 0.40

    # Derived search keys as compute_derived() would set them; documents valid and unique.
    for child in generated.only(
        "last_name", "first_name", "middle_name", "search_name", "snils", "birth_certificate"
    ):
        assert child.search_name == name_key(child.last_name, child.first_name, child.middle_name)
        if child.snils:
            validate_snils(child.snils)
        if child.birth_certificate:
            validate_birth_certificate(child.birth_certificate)
    with_snils = generated.exclude(snils="").count()
    assert 0.7 <= with_snils / generated.count() <= 0.9
    assert 0.6 <= generated.exclude(birth_certificate="").count() / generated.count() <= 0.8
    for field in ("snils", "birth_certificate"):
        repeated = generated.exclude(**{field: ""}).values(field).annotate(n=Count("id")).filter(n__gt=1)
        for row in repeated:  # only the seeded duplicates share a document
            assert (
                generated.filter(**{field: row[field]}).values("search_name", "birth_date").distinct().count()
                == 1
            )
    for family in Family.objects.filter(notes=FAMILY_NOTE)[:50]:
        assert family.search_name == normalize_for_search(family.title)
    for organization in synthetic_orgs[:50]:
        assert organization.search_name == normalize_for_search(
            f"{organization.name} {organization.short_name}"
        )

    # Seeded duplicates: reported, and found by the duplicate rule.
    seeded = int(re.search(r"Дублей заведено намеренно: (\d+)", output).group(1))
    assert seeded == targets.duplicates >= 3
    groups = generated.values("subject", "search_name", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
    assert len(groups) >= seeded
    found = 0
    for group in groups:
        first, second = generated.filter(
            subject=group["subject"], search_name=group["search_name"], birth_date=group["birth_date"]
        ).order_by("pk")[:2]
        candidates = duplicate_candidates(
            snils=first.snils,
            birth_certificate=first.birth_certificate,
            last_name=first.last_name,
            first_name=first.first_name,
            middle_name=first.middle_name,
            birth_date=first.birth_date,
            exclude_pk=first.pk,
        )
        found += second in candidates
    assert found == len(groups)


def test_refuses_to_run_twice_and_reset_is_deterministic():
    generate()
    first = checksum()
    with pytest.raises(CommandError, match="--reset"):
        generate()
    generate(reset=True)
    assert checksum() == first
    generate(reset=True)
    assert checksum() == first
    assert (
        Municipality.objects.filter(name__contains=SYNTHETIC_MARK).count()
        == targets_for(SCALE).synthetic_municipalities
    )
    assert Child.objects.count() == len(generated_child_ids())  # nothing left over from earlier runs


def test_other_seed_gives_other_data_and_reset_works_through_the_collector_too(monkeypatch):
    generate()
    first = checksum()
    # Another table referencing children or families: the reset falls back to Django's collector.
    monkeypatch.setattr(generator, "CHILD_REFERENCES", set())
    monkeypatch.setattr(generator, "FAMILY_REFERENCES", set())
    call_command("generate_national", scale=SCALE, seed=SEED + 1, reset=True, stdout=StringIO())
    assert checksum() != first
    assert Child.objects.count() == len(generated_child_ids())


def test_reset_refuses_when_real_records_use_generated_ones():
    generate()
    municipality = Municipality.objects.filter(name__contains=SYNTHETIC_MARK).first()
    real = Child.objects.create(
        last_name="Тестов", first_name="Тест", birth_date=dt.date(2015, 1, 1), sex="m",
        legal_status="has_parents", subject=municipality.subject, municipality=municipality,
    )  # fmt: skip
    children = Child.objects.count()
    with pytest.raises(CommandError, match="настоящие записи"):
        generate(reset=True)  # synthetic data must not be mixed into a real register by accident
    with pytest.raises(CommandError, match="используются"):
        generate(reset=True, force=True)
    assert Child.objects.count() == children  # nothing deleted
    real.delete()


def test_page_query_counts_are_the_same_on_a_tiny_register_and_at_scale_001(
    client, curator_altai, home_barnaul
):
    from django.urls import reverse

    from conftest import centre, login, queries_for
    from vyzov.cases.tests.factories import make_child, make_family, place

    family = make_family(centre("22"))
    child = make_child(centre("22"), family=family)
    place(child, home_barnaul)
    Case.objects.filter(child=child).update(
        next_review_date=dt.date(2024, 1, 1)
    )  # a row for the overdue list
    login(client, curator_altai)
    pages = lambda child, family: [  # noqa: E731
        reverse("cases:child_list"),
        reverse("cases:child_list") + "?overdue_review=on&placed=yes",
        reverse("cases:child_detail", args=[child.pk]),
        reverse("cases:family_detail", args=[family.pk]),
    ]
    tiny = [queries_for(client, url) for url in pages(child, family)]
    generate(force=True)
    big_child = (
        Child.objects.filter(
            subject__code="22",
            family__isnull=False,
            current_organization__isnull=False,
            placements__end_date__isnull=False,
        )
        .distinct()
        .first()
    )
    assert Child.objects.filter(subject__code="22").count() > 50
    assert [queries_for(client, url) for url in pages(big_child, big_child.family)] == tiny
