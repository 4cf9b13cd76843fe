"""Safe arithmetic over indicator codes for validation rules: `a + b`, `2 * c - 1`, `(a + b) / 4`.

Parsed with `ast` and walked by hand: only numbers, indicator codes, + − × ÷, unary minus and
parentheses. No names other than indicator codes, no calls, attributes, subscripts, comparisons or
anything else — never `eval`. Expressions are short (500 characters) and shallow (depth limit).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

MAX_LENGTH = 500
MAX_DEPTH = 100

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
COMPARE = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}


class ExpressionError(ValueError):
    """The expression is not allowed; the message is Russian and shown to the federal team."""


class Missing(Exception):
    """A code of the expression has no value: the rule is skipped for that territory."""


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.expr
    codes: frozenset[str]

    def evaluate(self, values: Mapping[str, int | Decimal]) -> Decimal:
        """The value; raises `Missing` when a code has no value or a division is by zero."""
        return _evaluate(self.tree, values)


def parse(text: str, *, known_codes: set[str] | frozenset[str] | None = None) -> Expression:
    """Parse and check an expression; with `known_codes`, every name must be one of them."""
    text = (text or "").strip()
    if not text:
        raise ExpressionError("Выражение пустое.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"Выражение длиннее {MAX_LENGTH} символов.")
    # «×», «÷» and «−» are accepted as typed from the Russian keyboard or copied from a document.
    source = text.replace("×", "*").replace("÷", "/").replace("−", "-")
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ExpressionError(
            "Не удалось разобрать выражение: допустимы коды показателей, числа, + − × ÷ и скобки."
        ) from None
    codes: set[str] = set()
    _check(tree, codes, depth=0)
    if known_codes is not None:
        unknown = sorted(codes - set(known_codes))
        if unknown:
            raise ExpressionError(f"Нет таких показателей: {', '.join(unknown)}.")
    return Expression(text=text, tree=tree, codes=frozenset(codes))


def _check(node: ast.AST, codes: set[str], *, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ExpressionError("Слишком глубокая вложенность скобок.")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, codes, depth=depth + 1)
        _check(node.right, codes, depth=depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, codes, depth=depth + 1)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        pass
    elif isinstance(node, ast.Name):
        codes.add(node.id)
    else:
        raise ExpressionError(
            "Недопустимая часть выражения: допустимы только коды показателей, числа, + − × ÷ и скобки."
        )


def _evaluate(node: ast.expr, values: Mapping[str, int | Decimal]) -> Decimal:
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        try:
            return _BINARY[type(node.op)](left, right)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            raise Missing("division by zero") from None
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise Missing(node.id)
        return Decimal(value)
    raise ExpressionError("Недопустимая часть выражения.")  # unreachable after parse()


def compare(left: Decimal, operator: str, right: Decimal) -> bool:
    return COMPARE[operator](left, right)


def part_total_rules(indicators: list[tuple[str, str, str | None, bool]]) -> list[dict[str, str]]:
    """The rules «part ≤ total» (and «sum of exclusive parts ≤ total») of a catalogue given as
    (code, name, part_of code, parts_are_exclusive). Used by the migration that turned the former
    hard-coded checks into rows and by the reference loader, so both make the same rows."""
    names = {code: name for code, name, _part_of, _exclusive in indicators}
    parts: dict[str, list[str]] = {}
    rules = []
    for code, _name, part_of, _exclusive in indicators:
        if part_of and part_of in names:
            parts.setdefault(part_of, []).append(code)
            rules.append(
                {
                    "code": f"{code}_le_total"[:80],
                    "name": f"Часть не больше итога: {code}",
                    "left": code,
                    "operator": "<=",
                    "right": part_of,
                    "importance": "high",
                    "message": f"Больше итога «{names[part_of]}»."[:500],
                }
            )
    for code, name, _part_of, exclusive in indicators:
        if exclusive and len(parts.get(code, [])) > 1:
            rules.append(
                {
                    "code": f"{code}_parts_sum"[:80],
                    "name": f"Сумма частей не больше итога: {code}",
                    "left": " + ".join(parts[code]),
                    "operator": "<=",
                    "right": code,
                    "importance": "high",
                    "message": f"Итог «{name}» меньше суммы его частей."[:500],
                }
            )
    return rules
