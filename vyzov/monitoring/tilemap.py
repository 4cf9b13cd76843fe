"""Tile-grid map of the 89 subjects of Russia, drawn as SVG on the server (no scripts, no external assets).

Each subject is one square cell of a grid (data/tile_grid.csv: code, abbr, row, col; rows and columns count
from 0, the North at the top, the West on the left). The layout follows the tile-grid maps of Russia in common
use: Kaliningrad, St Petersburg, Moscow and the Centre on the left, the Far East on the right, the Caucasus,
Crimea and the new regions at the bottom left. Pure module: callers pass the colours, titles and links.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

GRID_CSV = Path(__file__).parent / "data" / "tile_grid.csv"
TEMPLATE = "monitoring/tilemap.svg"

EMPTY_FILL = "#e9ecef"  # a subject without data (or without a tile): light grey, no link
DARK_TEXT = "#212529"
LIGHT_TEXT = "#ffffff"
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"

# «Share of the way to the target», % (0 at the baseline, 100 at the target; may be below 0 or above 100).
# Each stop is (lower bound, colour): the colour of values from this bound up to the next one. A diverging
# warm → cool scale: warm hues for «behind», blue-greens for «ahead», so that the ends differ in hue on the
# blue–yellow axis too (which red–green colour blindness keeps), not only on the red–green one.
PROGRESS_STOPS: list[tuple[float, str]] = [
    (-math.inf, "#9b2226"),  # below 0: worse than the baseline — dark red
    (0.0, "#e26b2f"),  # 0–25 % — red-orange
    (25.0, "#eeb44a"),  # 25–50 % — amber
    (50.0, "#a3d9b1"),  # 50–75 % — light green
    (75.0, "#3a9d7a"),  # 75–100 % — green
    (100.0, "#11645a"),  # 100 % and more: target reached — dark green
]
PROGRESS_LEGEND: list[tuple[str, str]] = [
    *zip(
        [colour for _bound, colour in PROGRESS_STOPS],
        ["хуже исходного уровня", "0–25 % пути", "25–50 %", "50–75 %", "75–100 %", "цель достигнута"],
        strict=True,
    ),
    (EMPTY_FILL, "нет данных"),
]

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Tile:
    """What to draw in one subject's cell.

    code: the subject's two-digit code (as in the grid); name: its full name; fill: background colour
    (#rgb or #rrggbb); label: the accessible name of the cell's link (the full name, read by screen
    readers; `name` when empty); href: where a click leads (None: no link); title: the tooltip, e.g.
    «Алтайский край: −22,4 %» (`name` when empty). The cell shows the grid's short abbreviation.
    """

    code: str
    name: str
    fill: str
    label: str
    href: str | None
    title: str


@dataclass(frozen=True)
class _Cell:
    """One subject's square as the template draws it (numbers already formatted)."""

    code: str
    abbr: str
    tooltip: str
    x: str
    y: str
    fill: str
    text_x: str
    text_y: str
    font_size: str
    text_fill: str
    href: str
    label: str


@dataclass(frozen=True)
class _LegendItem:
    x: str
    y: str
    colour: str
    text_x: str
    text_y: str
    label: str


@cache
def _grid_rows() -> tuple[tuple[str, str, int, int], ...]:
    with GRID_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [
            (row["code"].strip(), row["abbr"].strip(), int(row["row"]), int(row["col"]))
            for row in csv.DictReader(handle)
        ]
    codes = [code for code, _abbr, _row, _col in rows]
    cells = [(row, col) for _code, _abbr, row, col in rows]
    if len(set(codes)) != len(codes) or len(set(cells)) != len(cells):
        raise ValueError(f"{GRID_CSV}: subject codes and cells must be unique")
    if any(row < 0 or col < 0 for row, col in cells):
        raise ValueError(f"{GRID_CSV}: rows and columns count from 0")
    return tuple(rows)


def load_grid() -> dict[str, tuple[str, int, int]]:
    """Subject code → (abbreviation, row, column), from data/tile_grid.csv (read once)."""
    return {code: (abbr, row, col) for code, abbr, row, col in _grid_rows()}


def _rgb(colour: str) -> tuple[int, int, int]:
    if not _HEX.fullmatch(colour or ""):
        raise ValueError(f"not a hex colour: {colour!r}")
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rgb / #rrggbb colour: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(fill: str) -> str:
    """Dark text on light fills, white on dark ones: whichever contrasts more with the fill."""
    return DARK_TEXT if contrast_ratio(fill, DARK_TEXT) >= contrast_ratio(fill, LIGHT_TEXT) else LIGHT_TEXT


def colour_scale(value: float | None, *, stops: list[tuple[float, str]]) -> str:
    """The colour of the interval `value` falls into. `stops` are (lower bound, colour) in ascending
    order; a value equal to a bound takes that bound's colour, one below the first bound the first colour.
    None (or NaN) means «no data»: light grey."""
    if not stops:
        raise ValueError("colour_scale needs at least one stop")
    bounds = [bound for bound, _colour in stops]
    if bounds != sorted(bounds):
        raise ValueError("colour_scale stops must be in ascending order")
    if value is None or math.isnan(value):
        return EMPTY_FILL
    colour = stops[0][1]
    for bound, stop_colour in stops:
        if value >= bound:
            colour = stop_colour
        else:
            break
    return colour


def _safe_href(href: str) -> str:
    if urlsplit(href.strip()).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"tile link must be relative or http(s): {href!r}")
    return href


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _label_size(text: str, cell: int) -> float:
    # Uppercase Cyrillic in a sans-serif face is about 0.72 em wide; keep the label within ~85 % of the cell.
    return min(cell * 0.3, cell * 0.85 / (0.72 * max(len(text), 1)))


def render_svg(
    tiles: list[Tile],
    *,
    cell: int = 44,
    gap: int = 4,
    legend: list[tuple[str, str]] | None = None,
    title: str = "",
) -> SafeString:
    """The whole map as one accessible <svg> element, safe to put in a template as is.

    Every subject of the grid gets a cell; subjects without a tile are grey and not linked. A tile for a
    code that is not in the grid, a duplicate tile, a fill that is not a hex colour or a link that is not
    relative or http(s) raise ValueError. `legend` is a list of (colour, label), drawn under the grid.
    """
    if cell <= 0 or gap < 0:
        raise ValueError("cell must be positive and gap not negative")
    grid = load_grid()
    by_code: dict[str, Tile] = {}
    for tile in tiles:
        if tile.code not in grid:
            raise ValueError(f"no subject with code {tile.code!r} in the tile grid")
        if tile.code in by_code:
            raise ValueError(f"two tiles for subject {tile.code!r}")
        _rgb(tile.fill)
        if tile.href:
            _safe_href(tile.href)
        by_code[tile.code] = tile
    legend = list(legend or [])
    for colour, _label in legend:
        _rgb(colour)

    rows = max(row for _abbr, row, _col in grid.values()) + 1
    cols = max(col for _abbr, _row, col in grid.values()) + 1
    step = cell + gap
    width = cols * cell + (cols - 1) * gap
    grid_height = rows * cell + (rows - 1) * gap

    # The legend flows left to right under the grid and wraps at the grid's width (label widths estimated).
    swatch, legend_font, line_height = 14, 12, 22
    legend_items: list[_LegendItem] = []
    x, y = 0.0, grid_height + 12.0
    for colour, label in legend:
        item_width = swatch + 6 + len(label) * legend_font * 0.6
        if x > 0 and x + item_width > width:
            x, y = 0.0, y + line_height
        legend_items.append(
            _LegendItem(_num(x), _num(y), colour, _num(x + swatch + 6), _num(y + swatch / 2), label)
        )
        x += item_width + 16
    height = (y + line_height - 4) if legend_items else grid_height

    linked = any(tile.href for tile in by_code.values())
    title_text = title or "Карта субъектов Российской Федерации"
    with_data = sum(1 for tile in by_code.values() if tile.fill.lower() != EMPTY_FILL)
    desc_text = (
        f"Плиточная карта: {len(grid)} субъектов Российской Федерации, каждый — квадрат с кратким "
        f"названием; запад слева, Дальний Восток справа. Окрашено по данным: {with_data}."
    )
    if legend:
        desc_text += " Легенда: " + "; ".join(label for _colour, label in legend) + "."
    if linked:
        desc_text += " Квадрат со ссылкой открывает страницу субъекта."
    # Ids for aria-labelledby: the same for the same map, different for different maps on one page.
    key = repr((title_text, sorted(by_code.items()), legend, cell, gap)).encode()
    uid = "tilemap-" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:8]

    cells = []
    for code, (abbr, row, col) in sorted(grid.items(), key=lambda item: (item[1][1], item[1][2])):
        tile = by_code.get(code)
        fill = tile.fill if tile else EMPTY_FILL
        left, top = col * step, row * step
        cells.append(
            _Cell(
                code=code,
                abbr=abbr,
                tooltip=(tile.title or tile.name) if tile else f"{abbr}: нет данных",
                x=_num(left),
                y=_num(top),
                fill=fill,
                text_x=_num(left + cell / 2),
                text_y=_num(top + cell / 2),
                font_size=_num(_label_size(abbr, cell)),
                text_fill=text_colour(fill),
                href=tile.href if tile and tile.href else "",
                # The accessible name starts with the visible abbreviation (WCAG 2.5.3 «label in name»).
                label=f"{abbr}: {tile.label or tile.name}" if tile and tile.href else "",
            )
        )
    context = {
        "width": _num(width),
        "height": _num(height),
        # With links inside, role="img" would hide them from assistive technology (its children are
        # presentational), so a linked map is a labelled group of links instead.
        "role": "group" if linked else "img",
        "uid": uid,
        "font_family": FONT_FAMILY,
        "title": title_text,
        "desc": desc_text,
        "cell": cell,
        "radius": _num(cell * 0.12),
        "cells": cells,
        "legend_items": legend_items,
        "swatch": swatch,
        "legend_font": legend_font,
        "legend_text_fill": DARK_TEXT,
    }
    # Every text and attribute is escaped by the template engine; whitespace between tags is dropped.
    return mark_safe(render_to_string(TEMPLATE, context).strip())  # noqa: S308
