"""Types for who acts: the signed-in user on a page, in the API and in every service and selector.

Services and selectors take `actor: User`. A page behind `login_required` receives an
`AuthenticatedHttpRequest` (its `user` is a `User`, never anonymous); an API view behind `CanUseApi`
reads the actor with `api_actor(request)`. The policy functions (access.py) also accept an anonymous
user, who holds no grants (fail closed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User

if TYPE_CHECKING:
    from rest_framework.request import Request

AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """A page request behind `login_required`: `request.user` is a signed-in `User`."""

    user: User
    htmx: HtmxDetails


def api_actor(request: Request | HttpRequest) -> User:
    """The signed-in user of an API request (the permission classes refused anonymous ones)."""
    return cast(User, request.user)
