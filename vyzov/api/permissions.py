from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from vyzov.accounts.access import Perm, has_perm


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
