"""Text normalisation shared by search and duplicate detection."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_for_search(value: str | None) -> str:
    """Lower case, ё→е, one space between words.

    Stored next to names so that search is case-insensitive for Cyrillic on SQLite too
    (SQLite's LIKE folds only ASCII).
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value).casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()
