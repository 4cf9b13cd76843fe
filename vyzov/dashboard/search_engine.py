"""How a typed query matches names: PostgreSQL full text + trigrams, or a normalised fallback on SQLite.

`parse_query` reads what the person typed (a number, a СНИЛС, a birth certificate, words of a name);
`name_condition` is the one function that chooses the engine. Both engines share the normalised
word-prefix match on the stored `search_name` (case, ё/е and spaces do not matter) with a light
Russian stemmer («Смирнова» → «смирнов», «Ивановых» → «иванов»); on top of that

* PostgreSQL adds the `russian` full-text configuration and pg_trgm similarity of the surname
  (GIN indexes from the dashboard's migration), so a typo («Иванво») still finds «Иванова»;
* SQLite adds a typo-tolerant step in Python: surnames that share the first letter with the typed
  word, within an edit distance of 1–2 (transpositions count as one edit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorField,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value

from vyzov.core.text import normalize_for_search
from vyzov.core.validators import (
    BIRTH_CERTIFICATE_FORMAT,
    normalize_birth_certificate,
    normalize_snils,
)

MAX_QUERY_LENGTH = 200  # longer input is cut: no name, number or document is that long
MAX_WORDS = 4
MIN_WORD = 2
TYPO_CANDIDATES = 5000  # surnames read for the SQLite typo step (distinct, sharing the first letter)
TRIGRAM_SURNAME_SIMILARITY = 0.3  # pg_trgm's default `%` threshold

_NUMBER = re.compile(r"^(?:№|n|no|#)?\.?\s*(\d{1,9})$")
_SNILS = re.compile(r"^\d{3}[\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{2}$")
_WORD = re.compile(r"[а-яa-z]+(?:-[а-яa-z]+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Case and number endings of Russian surnames and names, longest first; the stem keeps ≥ 3 letters.
_ENDINGS = (
    "ыми", "ими", "ого", "его", "ому", "ему",
    "ых", "их", "ой", "ей", "ая", "яя", "ую", "юю", "ый", "ий", "ым", "им", "ом", "ем", "ою",
    "а", "я", "ы", "и", "у", "ю", "е", "о",
)  # fmt: skip


@dataclass
class ParsedQuery:
    text: str = ""  # the query as kept for the audit (stripped, cut to MAX_QUERY_LENGTH)
    number: int | None = None
    snils: str = ""
    certificate: str = ""
    words: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.number or self.snils or self.certificate or self.words)


def parse_query(raw: str | None) -> ParsedQuery:
    """What the person typed: a record number («№ 123», «123»), a СНИЛС with or without dashes and
    spaces, a birth certificate, or words of a name (at most MAX_WORDS, each of MIN_WORD+ letters)."""
    text = _CONTROL.sub(" ", (raw or "")[: MAX_QUERY_LENGTH * 2]).strip()[:MAX_QUERY_LENGTH]
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    compact = normalize_for_search(text)
    if _SNILS.match(compact):
        parsed.snils = normalize_snils(re.sub(r"\D", "", compact))
        return parsed
    number = _NUMBER.match(compact)
    if number:
        parsed.number = int(number.group(1))
        return parsed
    certificate = normalize_birth_certificate(text)
    if BIRTH_CERTIFICATE_FORMAT.match(certificate):
        parsed.certificate = certificate
        return parsed
    words = [word for word in _WORD.findall(compact) if len(word) >= MIN_WORD]
    parsed.words = words[:MAX_WORDS]
    return parsed


def stem(word: str) -> str:
    """A light stemmer for names: drop one case/number ending while at least 3 letters remain."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def edit_distance(a: str, b: str, *, limit: int = 2) -> int:
    """Optimal string alignment distance (a transposition is one edit); stops early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_limit(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def is_typo_of(typed: str, candidate: str) -> bool:
    """Whether `candidate` (a normalised surname) is what was meant by `typed`, up to a typo or an ending."""
    limit = typo_limit(typed)
    if limit == 0:
        return False
    return (
        min(edit_distance(typed, candidate, limit=limit), edit_distance(typed, stem(candidate), limit=limit))
        <= limit
    )


# ---- the engines -----------------------------------------------------------------------------------


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _prefix_condition(name_field: str, word: str) -> Q:
    """A word of the stored normalised name starts with the word's stem."""
    root = stem(word)
    return Q(**{f"{name_field}__startswith": root}) | Q(**{f"{name_field}__contains": f" {root}"})


class _Surname(Func):
    """The first word of the normalised name (the surname), as the trigram index is built on it."""

    function = "split_part"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, template="split_part(%(expressions)s, ' ', 1)")


class _RussianVector(Func):
    """`to_tsvector('russian', name)`, written exactly as the expression index of the migration."""

    output_field = SearchVectorField()
    template = "to_tsvector('russian', %(expressions)s)"


def _sqlite_typo_surnames(queryset: QuerySet, *, name_field: str, surname_field: str, word: str) -> set[str]:
    """Normalised surnames of `queryset` within a typo of `word` (one query; SQLite fallback)."""
    if typo_limit(word) == 0:
        return set()
    candidates = (
        queryset.filter(**{f"{name_field}__startswith": word[:1]})
        .order_by()
        .values_list(surname_field, flat=True)
        .distinct()[:TYPO_CANDIDATES]
    )
    return {surname for surname in map(normalize_for_search, candidates) if is_typo_of(word, surname)}


def name_condition(
    queryset: QuerySet,
    *,
    words: list[str],
    name_field: str = "search_name",
    surname_field: str | None = None,
) -> Q:
    """The condition «the record's name matches these words» — THE choice of the search engine.

    Every word must match some word of the name (a prefix of its stem); on PostgreSQL the whole query
    may instead match in the `russian` full-text configuration, and a word may instead be
    trigram-similar to the surname; on SQLite a word may instead be a typo of a surname found in the
    (already scoped) `queryset`. `surname_field` names the raw surname column when the stored
    normalised name starts with the surname (children); without it there is no surname typo step.
    """
    if not words:
        return Q(pk__in=[])
    postgres = uses_postgres()
    condition = Q()
    for index, word in enumerate(words):
        word_condition = _prefix_condition(name_field, word)
        if surname_field and index == 0 and typo_limit(word):
            if postgres:
                word_condition |= Q(**{"_surname__trigram_similar": word})
            else:
                surnames = _sqlite_typo_surnames(
                    queryset, name_field=name_field, surname_field=surname_field, word=word
                )
                for surname in sorted(surnames):
                    word_condition |= Q(**{f"{name_field}__startswith": f"{surname} "})
        condition &= word_condition
    if postgres:
        condition |= Q(_russian=SearchQuery(" ".join(words), config="russian", search_type="plain"))
    return condition


def name_search(
    queryset: QuerySet,
    *,
    words: list[str],
    name_field: str = "search_name",
    surname_field: str | None = None,
) -> QuerySet:
    """`queryset` narrowed to the names matching `words` (see `name_condition`)."""
    postgres = uses_postgres()
    if postgres:
        queryset = queryset.alias(_russian=_RussianVector(F(name_field)))
        if surname_field:
            queryset = queryset.alias(_surname=_Surname(F(name_field)))
    matched = queryset.filter(
        name_condition(queryset, words=words, name_field=name_field, surname_field=surname_field)
    )
    if postgres and words:
        # The closest names first (a typo ranks below the exact name), then the usual order. Ranking by
        # an expression also keeps the planner off the list's ordering index: walking a 220 000-row
        # table in title order and filtering each row cost a second when nothing matched (bench
        # `search`); ranked, the matches come from the GIN indexes and only they are sorted.
        closeness = (
            TrigramSimilarity(_Surname(F(name_field)), Value(words[0]))
            if surname_field
            else TrigramWordSimilarity(Value(" ".join(words)), F(name_field))
        )
        ordering = matched.query.order_by or matched.model._meta.ordering
        matched = matched.alias(_closeness=closeness).order_by("-_closeness", *ordering)
    return matched
