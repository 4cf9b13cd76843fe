"""The API's side of the policy: who may use the API at all (`CanUseApi`), who may send a body
(`require_somewhere`), and how output serializers hide personal data (`PersonalFieldsMixin`, the API side
of vyzov.accounts.privacy). Each app's api.py uses these; the API layer (vyzov.api) only routes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .access import Perm, has_perm, scope
from .privacy import HIDDEN_TEXT, date_for, sees_personal


class CanUseApi(BasePermission):
    """Signed in and holding `api.use` somewhere; rows are still narrowed by `scope` in each endpoint."""

    message = "Вам не разрешено использовать API."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and has_perm(request.user, Perm.API_USE))


def require_somewhere(user, *perms: str, action: str) -> None:
    """Before a body is read: a caller holding none of `perms` anywhere gets 403, whatever it sent.
    Objects named in the body are still checked by the service through the policy."""
    if not any(has_perm(user, perm) for perm in perms):
        raise PermissionDenied(f"Вам не разрешено {action}.")


def scoped_for_api(view: Any, queryset: QuerySet[Any], perm: str, *, order_by: str = "id") -> QuerySet[Any]:
    """A read endpoint's rows: those of `queryset` the caller holds `perm` on, in a stable order (none
    while the schema is generated, which has no caller)."""
    if getattr(view, "swagger_fake_view", False):
        return queryset.none()
    return scope(view.request.user, queryset, perm).order_by(order_by)


class PersonalFieldsMixin:
    personal_dates: tuple[str, ...] = ()
    personal_texts: tuple[str, ...] = ()

    def personal_object(self, instance):
        """The record whose personal-data rights decide (the instance itself unless said otherwise)."""
        return instance

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        obj = self.personal_object(instance)
        if sees_personal(actor, obj):
            return data
        for name in self.personal_dates:
            if data.get(name):
                data[name] = date_for(actor, getattr(instance, name), obj, iso=True)
        for name in self.personal_texts:
            if data.get(name):
                data[name] = HIDDEN_TEXT
        return data
