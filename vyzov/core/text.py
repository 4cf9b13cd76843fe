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


# Visible spacing only: tab, CR/LF, no-break and typographic spaces (Zs), line/paragraph separators.
# Other control characters (\v, \f, \x1c…\x1f, U+0085) are not collapsed: the validator refuses them.
_TEXT_SPACES = re.compile(r"[ \t\r\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_HORIZONTAL_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(value: str | None, *, multiline: bool = False) -> str:
    """The one normaliser of names and free text typed by people: NFC, stripped, spaces collapsed.

    Nothing that changes the meaning is removed: invisible and control characters stay in the text
    so that the validator (`vyzov.core.validators.validate_person_name` / `validate_free_text`)
    refuses them with a message instead of the system silently dropping them. Multi-line text keeps
    its line breaks (CR LF → LF) and collapses spaces within each line only.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if not multiline:
        # Only ASCII-like whitespace collapses; an invisible format character is not whitespace.
        return _TEXT_SPACES.sub(" ", text).strip(" ")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = [_HORIZONTAL_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
