"""The navigation shows each role only what it may use, grouped so that it fits one line."""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse

from .access import Perm, grants_key, grants_of, has_perm


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
            Link("Сигналы о детях в опасности", "alerts:alert_list", Perm.CASES_VIEW),
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
            Link("Утверждение значений", "monitoring:municipal_approvals", Perm.MONITORING_MUNICIPAL_APPROVE),
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


# The menu a user may see, built once per (user, grants version, script prefix) in this process: it
# depends only on the grants. Only the «active» marks are computed per request.
_MENUS: dict[tuple, list] = {}
_MENUS_SIZE = 2000


def _menu(user) -> list:
    key = (*grants_key(user), get_script_prefix())
    menu = _MENUS.get(key) if key[1] is not None else None
    if menu is None:
        menu = []
        for entry in NAVIGATION:
            if isinstance(entry, Group):
                children = tuple(
                    (link.label, reverse(link.url_name), link.url_name == "core:home")
                    for link in entry.links
                    if _allowed(user, link)
                )
                if children:
                    menu.append((entry.label, children))
            elif _allowed(user, entry):
                menu.append((None, ((entry.label, reverse(entry.url_name), entry.url_name == "core:home"),)))
        if key[1] is not None:
            if len(_MENUS) >= _MENUS_SIZE:
                _MENUS.clear()
            _MENUS[key] = menu
    return menu


def clear_menus() -> None:
    _MENUS.clear()


def _entry(path: str, label: str, url: str, exact: bool) -> dict:
    active = path == url if exact else path.startswith(url)
    return {"label": label, "url": url, "active": active}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_grants": []}
    items = []
    for group_label, links in _menu(user):
        children = [_entry(request.path, *link) for link in links]
        if group_label is None:
            items.extend(children)
        else:
            items.append(
                {
                    "label": group_label,
                    "children": children,
                    "active": any(child["active"] for child in children),
                }
            )
    return {
        "nav_items": items,
        # Every user may have assignments (a school or hospital worker too): the link is always there.
        "my_items_url": _my_items_url(),
        "user_grants": grants_of(user),
        "can_use_api": has_perm(user, Perm.API_USE),
    }


def _my_items_url() -> str:
    return reverse("consilium:my_items")
