from rest_framework.permissions import BasePermission

from vyzov.accounts.access import Perm, has_perm


class CanUseApi(BasePermission):
    """Signed in and holding `api.use` somewhere; rows are still narrowed by `scope` in each endpoint."""

    message = "Вам не разрешено использовать API."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and has_perm(request.user, Perm.API_USE))
