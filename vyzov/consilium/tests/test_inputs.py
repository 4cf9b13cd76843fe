"""One field list per consilium entity (vyzov/consilium/inputs.py): the page's forms ask for the fields of
the lists, and a key the list does not name never reaches the model."""

import pytest

from conftest import subject
from vyzov.accounts.access import NotInScope
from vyzov.consilium import forms, inputs, services
from vyzov.consilium.models import Level

pytestmark = pytest.mark.django_db

STEPS = [{"agency": "Опека", "action": "Проверить условия", "term": "3 дня"}]


def test_the_forms_ask_for_the_fields_of_the_lists():
    assert forms.ConsiliumForm._meta.fields == inputs.CONSILIUM_FIELDS
    assert forms.MemberForm._meta.fields == inputs.MEMBER_FIELDS
    assert forms.ReviewForm._meta.fields == inputs.REVIEW_FIELDS
    assert forms.FamilyReviewForm._meta.fields == inputs.FAMILY_REVIEW_FIELDS
    assert set(forms.DocumentForm(consilium_id=1).fields) == set(inputs.DOCUMENT_CREATE_FIELDS)
    assert set(forms.DocumentForm(consilium_id=1, editing=True).fields) == set(inputs.DOCUMENT_FIELDS)


def _regional(actor):
    data = {"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")}
    return services.consilium_create(actor=actor, data=data)  # type: ignore[arg-type]


def test_curator_altai_cannot_slip_an_unlisted_field_into_a_consilium_or_a_member(curator_altai):
    consilium = services.consilium_create(
        actor=curator_altai,
        data={"title": "Консилиум", "level": Level.REGIONAL, "subject": subject("22"), "is_active": False},  # type: ignore[typeddict-unknown-key]
    )
    consilium.refresh_from_db()
    assert consilium.is_active
    member = services.member_add(
        actor=curator_altai,
        consilium=consilium,
        data={"full_name": "Иванова А. П.", "agency": "Опека", "role": "member", "is_active": False},  # type: ignore[typeddict-unknown-key]
    )
    member.refresh_from_db()
    assert member.is_active and member.full_name == "Иванова А. П."


def test_curator_perm_is_refused_an_altai_consilium_whatever_keys_it_sends(curator_perm):
    with pytest.raises(NotInScope):
        services.consilium_create(
            actor=curator_perm,
            data={"title": "Чужой", "level": Level.REGIONAL, "subject": subject("22"), "id": 1},  # type: ignore[typeddict-unknown-key]
        )


def test_a_draft_edit_changes_only_its_title_and_review_date(curator_altai):
    document = services.document_create(
        actor=curator_altai,
        consilium=_regional(curator_altai),
        data={"kind": "algorithm", "title": "Алгоритм", "status": "approved"},  # type: ignore[typeddict-unknown-key]
        steps=STEPS,
    )
    assert document.status == "draft"
    services.document_update(
        actor=curator_altai,
        document=document,
        data={"title": "Алгоритм Алтая", "kind": "ipr"},
        steps=STEPS,
        expected_version=document.version,
    )
    document.refresh_from_db()
    assert (document.title, document.kind) == ("Алгоритм Алтая", "algorithm")
