"""Every login, failed login and logout leaves one audit row."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create

from . import access, two_factor
from .middleware import remember_timezone
from .models import Grant, User


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_entry_create(actor=user, action=AuditAction.LOGIN, target=user)
    if request is not None and hasattr(request, "session"):
        remember_timezone(request, user)
        two_factor.remember_state(request, user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_entry_create(
        actor=None, action=AuditAction.LOGIN_FAILED, actor_username=username, object_repr=username
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_entry_create(actor=user, action=AuditAction.LOGOUT, target=user)


@receiver(post_save, sender=Grant)
@receiver(post_delete, sender=Grant)
def grants_changed(sender, instance, **kwargs):
    """Every process holding this user's grants (access.grants_of) sees them stale on the next request."""
    User.objects.filter(pk=instance.user_id).update(grants_version=F("grants_version") + 1)
    access.forget_cached_grants(instance.user_id)
