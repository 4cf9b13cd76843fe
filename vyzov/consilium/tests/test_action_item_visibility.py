"""Which action items a person sees is one rule (selectors.action_items_visible) for the page and the
API: those of their territory and those assigned to them personally, wherever they are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import login, make_org, make_user, subject, town
from vyzov.accounts.access import Perm, has_perm
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.consilium import selectors
from vyzov.consilium.models import ActionItem

from .test_consilium import regional  # noqa: F401  (the Altai regional consilium fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(regional, home_barnaul, home_perm, municipal_barnaul):  # noqa: F811
    colleague = make_user(
        "colleague",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=town("22", "Бийск"),
    )
    biysk = make_org("Бийск-опека", kind="guardianship_body", municipality=town("22", "Бийск"))
    make = lambda what, organization, executor, code="22": ActionItem.objects.create(  # noqa: E731
        origin=regional, subject=subject(code), what=what, organization=organization, executor=executor,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )  # fmt: skip
    return {
        "mine": make("Моё", home_barnaul, municipal_barnaul),
        "biysk": make("Бийское", biysk, colleague),
        "perm_for_me": make("В Перми, но мне", home_perm, municipal_barnaul, code="59"),
    }


def seen_on_page(client, actor, items) -> set[str]:
    login(client, actor)
    return {
        name
        for name, item in items.items()
        if client.get(reverse("consilium:action_item", args=[item.pk])).status_code == 200
    }


def seen_in_api(actor, items) -> set[str]:
    api = APIClient()
    api.force_authenticate(actor)
    return {
        name for name, item in items.items() if api.get(f"/api/v1/action-items/{item.pk}/").status_code == 200
    }


@pytest.mark.parametrize("who", ["municipal_barnaul", "curator_altai", "specialist_perm"])
def test_page_and_api_show_the_same_items(who, items, client, request):
    actor = request.getfixturevalue(who)
    rule = {
        name for name, item in items.items() if selectors.action_items_visible(actor=actor).filter(pk=item.pk)
    }
    assert seen_on_page(client, actor, items) == rule
    if has_perm(actor, Perm.API_USE):
        assert seen_in_api(actor, items) == rule
    expected = {
        "municipal_barnaul": {"mine", "perm_for_me"},  # assigned to them, even in another region
        "curator_altai": {"mine", "biysk"},  # the region's items, not Perm's
        "specialist_perm": {"perm_for_me"},
    }[who]
    assert rule == expected
