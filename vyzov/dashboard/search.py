"""Global search: one query typed in the top bar, answered from every area the user may read.

Reads through the domain apps' selectors (and the access policy where an app has no list selector),
so every kind of record is found strictly within the user's scope. Personal data is a separate right:
a child or a family is matched by name, СНИЛС or birth certificate only within the scope where the
user may see personal data — for everyone else those fields are not even part of the query, so the
search cannot be used as an oracle («is there a child with this СНИЛС?»). Numbers and organisation
names are found by anyone who may see the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from vyzov.accounts import selectors as account_selectors
from vyzov.accounts.access import Perm, allows, has_perm, scope
from vyzov.accounts.models import User
from vyzov.cases import selectors as case_selectors
from vyzov.consilium.models import Meeting
from vyzov.ngo_aid import selectors as aid_selectors
from vyzov.support import selectors as support_selectors
from vyzov.territories import selectors as territory_selectors

from .search_engine import ParsedQuery, name_search, parse_query, stem

PER_KIND = 10
# «семья» in every case and number (normalised: ё → е) — in nearly every family's title.
FAMILY_GENERIC_WORDS = frozenset(
    {"семья", "семьи", "семье", "семью", "семьей", "семьею", "семей", "семьям", "семьями", "семьях"}
)


@dataclass
class Hit:
    title: str
    detail: str
    url: str
    personal: bool = False  # the hit shows a child's or a family's personal data


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit]


@dataclass
class SearchResult:
    query: ParsedQuery
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    @property
    def personal_count(self) -> int:
        """How many people or families whose personal data the answer shows (for the audit row)."""
        return sum(hit.personal for group in self.groups for hit in group.hits)


def _words_condition(name_field: str, words: list[str]) -> Q:
    """Every word's stem occurs in the normalised text (organisations, users, family titles)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{name_field}__contains": stem(word)})
    return condition


def _municipality(obj) -> str:
    municipality = getattr(obj, "municipality", None)
    return municipality.name if municipality else obj.subject.name


# ---- each kind ------------------------------------------------------------------------------------


def _children(actor: User, query: ParsedQuery) -> list[Hit]:
    base = case_selectors.child_list(actor=actor)
    personal = scope(actor, base, Perm.CASES_VIEW_PERSONAL)  # never matched on personal fields otherwise
    if query.number:
        qs = base.filter(pk=query.number)
    elif query.snils:
        qs = personal.filter(snils=query.snils)
    elif query.certificate:
        qs = personal.filter(birth_certificate=query.certificate)
    elif query.words and has_perm(actor, Perm.CASES_VIEW_PERSONAL):
        qs = name_search(personal, words=query.words, surname_field="last_name")
    else:
        return []
    hits = []
    for child in qs[:PER_KIND]:
        if child.personal:
            title = child.full_name
            detail = f"{child.birth_date.year} г. р., {_municipality(child)}"
        else:
            title, detail = str(child), _municipality(child)
        if child.current_organization:
            detail += f"; {child.current_organization}"
        hits.append(Hit(title, detail, reverse("cases:child_detail", args=[child.pk]), child.personal))
    return hits


def family_name_words(words: list[str]) -> list[str]:
    """The words that tell one family from another: «семья» (any case) is in nearly every family's
    title, so it narrows nothing — alone it would rank all families of the country (a second on the
    national data set); with a surname it is simply not needed."""
    return [word for word in words if word not in FAMILY_GENERIC_WORDS]


def _families(actor: User, query: ParsedQuery) -> list[Hit]:
    base = case_selectors.family_list(actor=actor)
    words = family_name_words(query.words)
    if query.number:
        qs = base.filter(pk=query.number)
    elif words and has_perm(actor, Perm.CASES_VIEW_PERSONAL):
        qs = name_search(scope(actor, base, Perm.CASES_VIEW_PERSONAL), words=words)
    else:
        return []
    hits = []
    for family in qs[:PER_KIND]:
        personal = allows(actor, Perm.CASES_VIEW_PERSONAL, family)
        title = family.title if personal else str(family)
        detail = f"{_municipality(family)}; детей: {family.child_count}"
        hits.append(Hit(title, detail, reverse("cases:family_detail", args=[family.pk]), personal))
    return hits


def _support_cases(actor: User, query: ParsedQuery) -> list[Hit]:
    base = support_selectors.case_list(actor=actor).select_related("service__organization__subject")
    if query.number:
        qs = base.filter(pk=query.number)
    elif query.words and has_perm(actor, Perm.SUPPORT_MANAGE):
        # Caseworkers see the family's name: only they find a case by it.
        qs = scope(actor, base, Perm.SUPPORT_MANAGE).filter(
            _words_condition("family__search_name", query.words)
        )
    else:
        return []
    hits = []
    for case in qs[:PER_KIND]:
        personal = allows(actor, Perm.SUPPORT_MANAGE, case)
        detail = f"{case.service.organization}, {case.get_status_display()}"
        if personal:
            detail = f"{case.family.title}; {detail}"
        hits.append(Hit(str(case), detail, reverse("support:case_detail", args=[case.pk]), personal))
    return hits


def _aid_requests(actor: User, query: ParsedQuery) -> list[Hit]:
    base = aid_selectors.request_list(actor=actor)
    if query.number:
        qs = base.filter(pk=query.number)
    elif query.words and has_perm(actor, Perm.NGO_AID_VIEW):
        operated = scope(actor, base.model.objects.all(), Perm.NGO_AID_VIEW).values("pk")
        qs = base.filter(pk__in=operated).filter(_words_condition("family__search_name", query.words))
    else:
        return []
    hits = []
    for request in qs[:PER_KIND]:
        detail = f"{request.operator.organization}, {request.get_status_display()}"
        hits.append(Hit(str(request), detail, reverse("ngo_aid:request_detail", args=[request.pk])))
    return hits


def _meetings(actor: User, query: ParsedQuery) -> list[Hit]:
    if not query.number:
        return []
    qs = scope(actor, Meeting.objects.select_related("consilium"), Perm.CONSILIUM_VIEW).filter(
        pk=query.number
    )
    return [
        Hit(
            f"Заседание № {meeting.pk} от {meeting.date:%d.%m.%Y}",
            f"{meeting.consilium}, {meeting.get_status_display()}",
            reverse("consilium:meeting_detail", args=[meeting.pk]),
        )
        for meeting in qs[:PER_KIND]
    ]


def _organizations(actor: User, query: ParsedQuery) -> list[Hit]:
    if not query.words:
        return []
    qs = territory_selectors.organization_list(actor=actor).filter(
        _words_condition("search_name", query.words)
    )
    return [
        Hit(
            organization.name,
            f"{organization.get_kind_display()}, {_municipality(organization)}",
            reverse("territories:organization_detail", args=[organization.pk]),
        )
        for organization in qs[:PER_KIND]
    ]


def _users(actor: User, query: ParsedQuery) -> list[Hit]:
    if not query.words or not has_perm(actor, Perm.USERS_MANAGE):
        return []
    qs = account_selectors.user_list(actor=actor).filter(_words_condition("search_name", query.words))
    return [
        Hit(
            user.full_name or user.username,
            user.username + (f", {user.home_subject.name}" if user.home_subject else ""),
            reverse("accounts:user_detail", args=[user.pk]),
        )
        for user in qs[:PER_KIND]
    ]


KINDS = (
    ("children", "Дети", _children),
    ("families", "Семьи", _families),
    ("support_cases", "Сопровождение семей", _support_cases),
    ("aid_requests", "Заявки на помощь", _aid_requests),
    ("meetings", "Заседания консилиумов", _meetings),
    ("organizations", "Организации", _organizations),
    ("users", "Пользователи", _users),
)


def global_search(*, actor: User, q: str | None) -> SearchResult:
    """Records of every kind matching `q` that `actor` may see, grouped by kind (up to PER_KIND each)."""
    result = SearchResult(query=parse_query(q))
    if result.query.is_empty:
        return result
    for kind, label, find in KINDS:
        hits = find(actor, result.query)
        if hits:
            result.groups.append(Group(kind, label, hits))
    return result
