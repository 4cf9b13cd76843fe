"""The navigation shows each role only what it may use, grouped so that it fits one line."""

from dataclasses import dataclass

from django.urls import reverse

from .access import Perm, grants_of, has_perm


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    perm: str | tuple[str, ...] | None = None  # None: every signed-in user; a tuple: any of them


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]


NAVIGATION = [
    Link("Главная", "core:home"),
    Link("Ситуационный центр", "monitoring:overview", Perm.MONITORING_VIEW),
    Group(
        "Дети и семьи",
        (
            Link("Реестр детей", "cases:child_list", Perm.CASES_VIEW),
            Link("Семьи", "cases:family_list", Perm.CASES_VIEW),
            Link("Консилиумы", "consilium:consilium_list", Perm.CONSILIUM_VIEW),
            Link("Поддержка семей", "support:home", Perm.SUPPORT_VIEW),
            Link("Адресная помощь", "ngo_aid:request_list", (Perm.NGO_AID_VIEW, Perm.NGO_AID_REFER)),
            Link("Отчёт НКО-операторов", "ngo_aid:report", Perm.NGO_AID_REPORTS),
        ),
    ),
    Group(
        "Регион",
        (
            Link("Территории", "territories:tree", Perm.TERRITORIES_VIEW),
            Link("Организации", "territories:organization_list", Perm.TERRITORIES_VIEW),
            Link("Региональные программы", "programmes:programme_list", Perm.PROGRAMMES_VIEW),
        ),
    ),
    Group(
        "Конкурсы",
        (
            Link(
                "Конкурсы «Город детей – город семей»",
                "contests:contest_list",
                (Perm.CONTESTS_MANAGE, Perm.CONTESTS_PARTICIPATE, Perm.CONTESTS_SCORE),
            ),
            Link("Библиотека практик", "practices:practice_list", Perm.PRACTICES_VIEW),
        ),
    ),
    Group(
        "Администрирование",
        (
            Link("Пользователи", "accounts:user_list", Perm.USERS_MANAGE),
            Link("Журнал аудита", "audit:list", Perm.AUDIT_VIEW),
        ),
    ),
]


def _allowed(user, link: Link) -> bool:
    if link.perm is None:
        return True
    perms = link.perm if isinstance(link.perm, tuple) else (link.perm,)
    return any(has_perm(user, perm) for perm in perms)


def _entry(request, link: Link) -> dict:
    url = reverse(link.url_name)
    active = request.path == url if link.url_name == "core:home" else request.path.startswith(url)
    return {"label": link.label, "url": url, "active": active}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_grants": []}
    items = []
    for entry in NAVIGATION:
        if isinstance(entry, Group):
            children = [_entry(request, link) for link in entry.links if _allowed(user, link)]
            if children:
                items.append(
                    {
                        "label": entry.label,
                        "children": children,
                        "active": any(child["active"] for child in children),
                    }
                )
        elif _allowed(user, entry):
            items.append(_entry(request, entry))
    return {
        "nav_items": items,
        # Every user may have assignments (a school or hospital worker too): the link is always there.
        "my_items_url": reverse("consilium:my_items"),
        "user_grants": grants_of(user),
        "can_use_api": has_perm(user, Perm.API_USE),
    }
