"""The API's JSON parser: a body carrying characters no text field may hold is refused as a whole (400)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from vyzov.core.middleware import forbidden_character, forbidden_character_message


def _first_forbidden(data, path: str = "") -> tuple[str, str] | None:
    """(character, path) of the first key or string value with a forbidden character, depth first."""
    if isinstance(data, str):
        char = forbidden_character(data, allow_line_breaks=True)
        return (char, path) if char else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            char = forbidden_character(str(key))
            if char:
                return char, path or "ключ"
            found = _first_forbidden(value, here)
            if found:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _first_forbidden(value, f"{path}[{index}]")
            if found:
                return found
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        found = _first_forbidden(data)
        if found:
            char, path = found
            shown = "".join(c for c in path if c.isprintable())[:80] or "?"
            raise ParseError(forbidden_character_message(char, f"поле «{shown}»"))
        return data
