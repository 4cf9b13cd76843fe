"""Creating an aid request is one use case (services.aid_request_create_for_family): the page and the API
resolve the family through the policy and choose the operator by the same rule, so they reach the same
request — and refuse the same families."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import login, make_user, subject
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.ngo_aid import selectors
from vyzov.ngo_aid.models import AidRequest

from .test_ngo_aid import operator_for, sop_family

pytestmark = pytest.mark.django_db
FIELDS = {"children_count": 2, "channel": "consilium", "justification": "Долг за коммунальные услуги"}


def by_page(client, actor, family, forms):
    login(client, actor)
    data = {**FIELDS, "family": family.pk, "line0-form": forms["utilities"].pk, "line0-amount": "10000.00"}
    return client.post(reverse("ngo_aid:request_create"), data)


def by_api(actor, family, forms):
    api = APIClient()
    api.force_authenticate(actor)
    body = {**FIELDS, "family": family.pk, "lines": [{"form": "utilities", "amount": "10000.00"}]}
    return api.post("/api/v1/aid/requests/", body, format="json")


def made(family) -> tuple:
    aid = AidRequest.objects.get(family=family)
    return (aid.operator_id, aid.subject_id, aid.referred_by_id, aid.children_count, aid.channel)


@pytest.fixture
def curator_irkutsk(db):
    return make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )


@pytest.mark.parametrize("who", ["operator_irkutsk", "curator_irkutsk"])
def test_page_and_api_make_the_same_request(who, irkutsk, forms, client, request):
    actor = request.getfixturevalue(who)
    other = operator_for("38")  # a second active operator in the region: the rule still picks one
    on_page, on_api = sop_family(), sop_family()
    assert by_page(client, actor, on_page, forms).status_code == 302
    assert by_api(actor, on_api, forms).status_code == 201
    assert made(on_page) == made(on_api)
    chosen = AidRequest.objects.get(family=on_page).operator
    assert chosen == selectors.operator_for_family(actor=actor, family=on_page)
    assert chosen in (irkutsk, other) and chosen.is_active
    referred = AidRequest.objects.get(family=on_api).referred_by
    assert referred == (actor if who == "curator_irkutsk" else None)


def test_a_family_outside_the_actor_reach_is_refused_alike(operator_irkutsk, khabarovsk, forms, client):
    family = sop_family("27")  # Khabarovsk: neither the operator's region nor a family it refers
    response = by_page(client, operator_irkutsk, family, forms)
    assert response.status_code == 200
    assert response.context["form"].errors["family"] == ["Семья с таким номером не найдена в вашем регионе."]
    assert by_api(operator_irkutsk, family, forms).status_code == 404
    assert not AidRequest.objects.exists()


def test_the_operator_of_the_other_region_may_create_there(operator_khabarovsk, khabarovsk, forms, client):
    family = sop_family("27")
    assert by_api(operator_khabarovsk, family, forms).status_code == 201
    assert AidRequest.objects.get(family=family).operator == khabarovsk


def test_a_region_without_an_active_operator_is_refused_alike(khabarovsk, forms, client):
    curator = make_user(
        "curator_khab", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("27")
    )
    khabarovsk.is_active = False
    khabarovsk.save()
    family = sop_family("27")
    response = by_page(client, curator, family, forms)
    assert "В регионе семьи нет НКО-оператора." in response.context["form"].errors["family"]
    answer = by_api(curator, family, forms)
    assert answer.status_code == 400 and answer.json()["family"] == ["В регионе семьи нет НКО-оператора."]
    assert not AidRequest.objects.exists()


def test_who_may_not_create_gets_403_from_both(analyst, irkutsk, forms, client):
    family = sop_family()
    login(client, analyst)
    assert client.get(reverse("ngo_aid:request_create")).status_code == 403
    assert by_api(analyst, family, forms).status_code == 403
