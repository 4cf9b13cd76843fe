"""Blind review: the applicant's territory is masked in every text an expert reads.

Participants write their town into practice titles, answers and file captions («Школа ответственного
родительства (Барнаул)»). In blind mode `mask_territory` replaces the names of the applicant's
municipality and subject — and their usual Russian forms: cases (Барнаула, Барнауле), adjectives
(барнаульский, Алтайского края) — with «[территория скрыта]».

The forms are matched by stem: a name's word loses its ending (вowel, й/ь, or an adjective ending) and
may take up to a few letters after it. Generic words (край, область, район…) are masked only as part of
the whole name, never alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

MASK = "[территория скрыта]"
NOTICE = (
    "Слепая экспертиза: названия муниципалитета и субъекта РФ участника в текстах заявки заменены на "
    f"«{MASK}»."
)

GENERIC_WORDS = frozenset(
    """г город городской городское городского округ округа муниципальный муниципальное муниципального
    район района сельское сельский поселение поселения посёлок поселок пгт рп село деревня станица край
    края крае краю область области республика республики автономный автономная автономного ао
    внутригородская территория образование федерального значения типа рабочий и на де""".split()  # noqa: SIM905 — a word list reads best as text
)
_ADJECTIVE_ENDINGS = (
    "ского",
    "скому",
    "ским",
    "ском",
    "ская",
    "ской",
    "ское",
    "ские",
    "ский",
    "ских",
    "скую",
)
_LETTERS = "[а-яёa-z]"
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+")


def _stem(word: str) -> str:
    """The part of a name's word that its forms share, in lower case with ё as е."""
    word = word.lower().replace("ё", "е")
    for ending in _ADJECTIVE_ENDINGS:  # Алтайский → алтай, Пермского → перм
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    if len(word) > 3 and word[-1] in "йь":  # Пермь → перм, Алтай → алта, край → кра
        word = word[:-1]
    if len(word) > 4 and word[-1] in "аеиоуыэюя":  # Москва → москв, Алтай → алта
        word = word[:-1]
    return word


def _word_pattern(word: str) -> str:
    stem = _stem(word)
    letters = "".join("[её]" if char == "е" else re.escape(char) for char in stem)
    # Short stems take only the short endings, so that they do not swallow other words.
    tail = 7 if len(stem) >= 5 else 6 if len(stem) == 4 else 4
    return f"{letters}{_LETTERS}{{0,{tail}}}"


@lru_cache(maxsize=512)
def _pattern(names: tuple[str, ...]) -> re.Pattern | None:
    phrases = []
    singles = set()
    for name in names:
        words = _WORD.findall(name or "")
        if not words:
            continue
        significant = [word for word in words if word.lower() not in GENERIC_WORDS and len(word) >= 3]
        if not significant:
            continue
        phrases.append(r"[\s-]+".join(_word_pattern(word) for word in words))
        singles.update(_word_pattern(word) for word in significant)
    if not phrases:
        return None
    alternatives = sorted(phrases, key=len, reverse=True) + sorted(singles, key=len, reverse=True)
    return re.compile(r"(?<![а-яёa-z])(?:" + "|".join(alternatives) + r")(?![а-яёa-z])", re.IGNORECASE)


def territory_names(application) -> tuple[str, ...]:
    """The names that give the applicant away: its municipality, its settlement as written, its subject."""
    names = [application.settlement_name]
    if application.municipality_id:
        names.append(application.municipality.name)
    if application.subject_id:
        names.append(application.subject.name)
    return tuple(sorted({name for name in names if name}))


def mask_territory(text: str, application) -> str:
    """The text with every form of the applicant's municipality and subject names replaced by MASK."""
    if not text:
        return text
    pattern = _pattern(territory_names(application))
    return pattern.sub(MASK, text) if pattern else text


def masked_application_texts(application, *, answers: dict, practices, files) -> tuple[dict, list, list]:
    """Answers, practices and file captions of an application as a blind expert may read them. Practice
    and file objects are copied in memory (never saved)."""
    masked_answers = {key: mask_territory(value, application) for key, value in answers.items()}
    masked_practices = []
    for practice in practices:
        for name in ("title", "organization", "description", "results"):
            setattr(practice, name, mask_territory(getattr(practice, name), application))
        masked_practices.append(practice)
    masked_files = []
    for file in files:
        file.original_name = mask_territory(file.original_name, application)
        masked_files.append(file)
    return masked_answers, masked_practices, masked_files
