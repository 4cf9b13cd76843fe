"""Search of the practice library: PostgreSQL full text in the `russian` configuration (word forms,
ranking by title > description > results, highlighted fragments); a simpler prefix match on SQLite."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vyzov.accounts.access import NotInScope, Perm, has_perm
from vyzov.accounts.models import User
from vyzov.core.text import normalize_for_search

from .models import LibraryDocument, Practice

START, STOP = "\x02", "\x03"  # markers no user text contains; replaced after escaping
RUSSIAN_ENDINGS = re.compile(
    r"(ами|ями|ого|его|ому|ему|ыми|ими|ая|яя|ое|ее|ые|ие|ой|ей|ий|ый|ам|ям|ах|ях|ов|ев"
    r"|ом|ем|а|я|о|е|ы|и|у|ю|ь)$"
)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    theme: int | None = None
    subject: int | None = None
    category: str = ""
    year: int | None = None


def practices_visible(*, actor: User) -> QuerySet[Practice]:
    """Practices are shared knowledge: everyone with `practices.view` reads the whole library."""
    if not has_perm(actor, Perm.PRACTICES_VIEW):
        return Practice.objects.none()
    return Practice.objects.select_related("theme", "subject")


def practice_get(*, actor: User, pk: int | str) -> Practice:
    try:
        return practices_visible(actor=actor).get(pk=pk)
    except (Practice.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def _stem(word: str) -> str:
    """A crude Russian stem for SQLite: «семьи» and «семья» share «семь»."""
    stem = RUSSIAN_ENDINGS.sub("", word)
    return stem if len(stem) >= 3 else word


def search(*, actor: User, filters: Filters) -> QuerySet[Practice]:
    practices = practices_visible(actor=actor)
    if filters.theme:
        practices = practices.filter(theme_id=filters.theme)
    if filters.subject:
        practices = practices.filter(subject_id=filters.subject)
    if filters.category:
        practices = practices.filter(category=filters.category)
    if filters.year:
        practices = practices.filter(year=filters.year)
    q = filters.q.strip()[:200]
    if not q:
        return practices.order_by("-year", "title")
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config="russian", search_type="websearch")
        return (
            practices.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                headline=SearchHeadline(
                    "description",
                    query,
                    config="russian",
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                ),
            )
            .order_by("-rank", "-year", "title")
        )
    for word in normalize_for_search(q).split():
        practices = practices.filter(search_text__contains=_stem(word))
    return practices.order_by("-year", "title")


def highlighted(text: str | None) -> SafeString:
    """The search fragment with matches marked; everything else escaped."""
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def documents_visible(*, actor: User) -> QuerySet[LibraryDocument]:
    """The programme's documents in the library: shared like the practices, for everyone with
    `practices.view`; the regions' examples first by region, then the materials of the whole programme."""
    if not has_perm(actor, Perm.PRACTICES_VIEW):
        return LibraryDocument.objects.none()
    return LibraryDocument.objects.select_related("subject", "theme").order_by(
        F("subject__name").asc(nulls_last=True), "id"
    )
