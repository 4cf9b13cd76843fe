"""A criterion added on the contest page goes to its criteria set through the service: the set is made
there (audited) only when the addition is allowed — never by the view before the checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from vyzov.contests import services
from vyzov.contests.models import CriteriaSet, Criterion
from vyzov.contests.tests.test_contests import make_contest
from vyzov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def criterion_post(client, contest, settlement_type="rural", number="1"):
    data = {
        "criterion-settlement_type": settlement_type,
        "criterion-number": number,
        "criterion-title": "Семейные клубы",
        "criterion-max_points": "5",
    }
    return client.post(reverse("contests:setup_add", args=[contest.pk, "criterion"]), data)


def test_a_criterion_of_a_new_set_makes_the_set_with_an_audit_row(fed_admin, client):
    contest = services.contest_create(
        actor=fed_admin,
        data={
            "year": 2026,
            "title": "Город детей",
            "submission_deadline": timezone.localdate() + dt.timedelta(9),
        },
    )
    login(client, fed_admin)
    assert criterion_post(client, contest).status_code == 302
    assert criterion_post(client, contest, number="2").status_code == 302
    criteria_set = CriteriaSet.objects.get(contest=contest)
    assert criteria_set.settlement_type == "rural"
    assert list(criteria_set.criteria.values_list("number", flat=True)) == [1, 2]
    added = [entry.details.get("added") for entry in AuditEntry.objects.filter(object_id=str(contest.pk))]
    assert added.count("набор критериев") == 1 and added.count("критерий") == 2


def test_an_open_contest_gets_no_new_set(fed_admin, client):
    contest = make_contest(fed_admin)  # open: criteria no longer change
    CriteriaSet.objects.filter(contest=contest, settlement_type="rural").delete()
    login(client, fed_admin)
    criterion_post(client, contest)
    assert not CriteriaSet.objects.filter(contest=contest, settlement_type="rural").exists()
    assert not Criterion.objects.filter(title="Семейные клубы").exists()


def test_a_participant_cannot_add_a_set(fed_admin, participant_chelyabinsk, client):
    contest = make_contest(fed_admin)
    CriteriaSet.objects.filter(contest=contest, settlement_type="rural").delete()
    login(client, participant_chelyabinsk)
    assert criterion_post(client, contest).status_code == 403
    assert not CriteriaSet.objects.filter(contest=contest, settlement_type="rural").exists()
