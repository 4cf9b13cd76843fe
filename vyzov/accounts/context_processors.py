"""The navigation shows each role only what it may use."""

from django.urls import reverse

from .access import Perm, grants_of, has_perm

# (label, url name, permission or None for every signed-in user)
NAVIGATION = [
    ("Главная", "core:home", None),
    ("Ситуационный центр", "monitoring:overview", Perm.MONITORING_VIEW),
    ("Территории", "territories:tree", Perm.TERRITORIES_VIEW),
    ("Организации", "territories:organization_list", Perm.TERRITORIES_VIEW),
    ("Реестр детей", "cases:child_list", Perm.CASES_VIEW),
    ("Семьи", "cases:family_list", Perm.CASES_VIEW),
    ("Пользователи", "accounts:user_list", Perm.USERS_MANAGE),
    ("Журнал аудита", "core:audit_list", Perm.AUDIT_VIEW),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_grants": []}
    items = [
        {"label": label, "url": reverse(name), "active": request.path.startswith(reverse(name))}
        for label, name, perm in NAVIGATION
        if perm is None or has_perm(user, perm)
    ]
    # "Главная" is a prefix of everything: mark it active only on the home page itself.
    items[0]["active"] = request.path == items[0]["url"]
    return {
        "nav_items": items,
        "user_grants": grants_of(user),
        "can_use_api": has_perm(user, Perm.API_USE),
    }
