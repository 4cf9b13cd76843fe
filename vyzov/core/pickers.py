"""Pickers: a field that links a record (a family, a child, a user…) is chosen by typing part of its
name, never by typing a database number.

Each domain app registers, for a kind of record and a form context, one resolver that answers a typed
query with at most `LIMIT` choices from the actor's scope — the same scope its form validates the
submitted id against. `lookup` applies the limit; the view in core renders the choices and audits those
that carry personal data. The submitted id itself is still resolved through the policy on POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vyzov.accounts.models import User


LIMIT = 20
MIN_QUERY = 2


@dataclass(frozen=True)
class Choice:
    pk: int
    label: str
    detail: str = ""
    personal: bool = False  # the label names a person or a family (personal data)
    subject_id: int | None = None


Resolver = Callable[..., list[Choice]]
_REGISTRY: dict[tuple[str, str], Resolver] = {}


def register(kind: str, context: str) -> Callable[[Resolver], Resolver]:
    """Register `resolver(*, actor, query, params) -> list[Choice]` for a kind of record and a form."""

    def decorator(resolver: Resolver) -> Resolver:
        _REGISTRY[(kind, context)] = resolver
        return resolver

    return decorator


class UnknownPicker(LookupError):
    pass


def lookup(*, actor: User, kind: str, context: str, query: str, params) -> list[Choice]:
    try:
        resolver = _REGISTRY[(kind, context)]
    except KeyError:
        raise UnknownPicker(f"{kind}/{context}") from None
    query = (query or "").strip()
    if len(query) < MIN_QUERY and not query.isdigit():
        return []
    return list(resolver(actor=actor, query=query, params=params))[:LIMIT]


def query_number(query: str) -> int | None:
    """A query that is a register number («31309», «№ 31309»)."""
    digits = query.replace("№", "").strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None
