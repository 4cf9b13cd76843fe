"""Numbers that arrive in query strings and form lists: one parser, so that no text a user types can
reach the database as a number it cannot hold."""

from __future__ import annotations

# The range of the primary keys (BigAutoField) on every supported database.
MAX_ID = 2**63 - 1
NO_ROW = 0  # no row has this id: an out-of-range number filters to nothing instead of failing


def parse_id(value) -> int | None:
    """An id from a query string: None when absent or not a number (the filter is not applied); a number
    outside the range of ids becomes NO_ROW. Only ASCII digits count: «²» or «٣» is not an id."""
    text = str(value if value is not None else "").strip()
    if not text or not (text.isascii() and text.isdecimal()):
        return None
    number = int(text[:30])
    return number if len(text) <= 19 and 0 < number <= MAX_ID else NO_ROW
