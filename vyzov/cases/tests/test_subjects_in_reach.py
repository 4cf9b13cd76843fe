"""`subjects_in_reach`: the one query behind the «Субъект РФ» choice of the child, organisation and
organisation API forms — a subject grant gives its subject, a municipal grant gives the municipality's
subject, and nobody is offered a subject where they may not work."""

import pytest

from conftest import subject
from vyzov.accounts.access import Perm
from vyzov.cases.forms import ChildForm
from vyzov.territories.forms import OrganizationForm
from vyzov.territories.selectors import subjects_in_reach

pytestmark = pytest.mark.django_db


def test_curator_altai_may_register_children_in_altai_only(curator_altai):
    assert list(subjects_in_reach(actor=curator_altai, perm=Perm.CASES_EDIT)) == [subject("22")]


def test_municipal_barnaul_reaches_altai_through_barnaul(municipal_barnaul):
    assert list(subjects_in_reach(actor=municipal_barnaul, perm=Perm.CASES_EDIT)) == [subject("22")]


def test_curator_perm_is_offered_no_altai(curator_perm):
    reach = subjects_in_reach(actor=curator_perm, perm=Perm.CASES_EDIT)
    assert subject("22") not in reach
    assert list(reach) == [subject("59")]


def test_analyst_who_may_edit_nothing_reaches_no_subject(fed_analyst):
    assert not subjects_in_reach(actor=fed_analyst, perm=Perm.CASES_EDIT).exists()


def test_fed_admin_reaches_every_subject_in_name_order(fed_admin):
    reach = list(subjects_in_reach(actor=fed_admin, perm=Perm.ORGANIZATIONS_MANAGE))
    assert len(reach) == 89
    assert [s.name for s in reach] == sorted(s.name for s in reach)


def test_the_child_and_organisation_forms_offer_the_same_subjects(curator_altai, municipal_barnaul):
    for user in (curator_altai, municipal_barnaul):
        child_choices = ChildForm(actor=user).fields["subject"].queryset
        assert list(child_choices) == list(subjects_in_reach(actor=user, perm=Perm.CASES_EDIT))
    organisation_choices = OrganizationForm(actor=curator_altai).fields["subject"].queryset
    assert list(organisation_choices) == list(
        subjects_in_reach(actor=curator_altai, perm=Perm.ORGANIZATIONS_MANAGE)
    )
