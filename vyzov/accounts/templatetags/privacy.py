"""Template side of vyzov.accounts.privacy: `{% pdate value obj %}`, `{% ptext value obj %}`.

`obj` is the record the value belongs to (a child, a placement, a case…) or a ready bool from the view.
"""

from django import template

from vyzov.accounts import privacy

register = template.Library()


def _actor(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _sees(context, obj) -> bool:
    return obj if isinstance(obj, bool) else privacy.sees_personal(_actor(context), obj)


@register.simple_tag(takes_context=True)
def pdate(context, value, obj=None, empty="—"):
    """A date of a record: «d.m.Y» for those who see personal data, «m.Y» for everyone else."""
    if not value:
        return empty
    if _sees(context, obj):
        return value.strftime("%d.%m.%Y")
    return privacy.coarse_date(value)


@register.simple_tag(takes_context=True)
def ptext(context, value, obj=None):
    """Free text of a record, or «скрыто: нет доступа к персональным данным»."""
    if not value or _sees(context, obj):
        return value or ""
    return privacy.HIDDEN_TEXT


@register.simple_tag(takes_context=True)
def sees_personal(context, obj=None) -> bool:
    return _sees(context, obj)
