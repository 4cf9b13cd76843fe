"""The tile-grid map: the grid covers exactly the 89 subjects, the SVG is well-formed, accessible and escaped.
Pure functions: no database."""

import csv
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from vyzov.monitoring import tilemap

SVG = "{http://www.w3.org/2000/svg}"
SUBJECTS_CSV = Path(__file__).resolve().parents[2] / "territories" / "data" / "subjects.csv"


def subject_names() -> dict[str, str]:
    with SUBJECTS_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def tile(code, *, fill="#3a9d7a", href=None, name=None, title=None, label=None):
    name = name or subject_names()[code]
    return tilemap.Tile(
        code=code, name=name, fill=fill, label=label or name, href=href, title=title or f"{name}: 10 %"
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 — our own output


def cells(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}g[@class='tilemap-cell']")


# ---- the grid ----------------------------------------------------------------------------------


def test_grid_has_exactly_the_89_reference_subjects():
    grid = tilemap.load_grid()
    assert len(grid) == 89
    assert set(grid) == set(subject_names())
    assert all(len(code) == 2 and code.isdigit() for code in grid)  # leading zeros kept: "01", not "1"


def test_grid_abbreviations_are_short_unique_and_cyrillic():
    abbrs = [abbr for abbr, _row, _col in tilemap.load_grid().values()]
    assert len(set(abbrs)) == len(abbrs)
    for abbr in abbrs:
        assert 2 <= len(abbr) <= 4
        assert all("А" <= ch <= "Я" or ch == "Ё" for ch in abbr), abbr


def test_grid_cells_are_unique_and_fit_the_intended_size():
    grid = tilemap.load_grid()
    positions = [(row, col) for _abbr, row, col in grid.values()]
    assert len(set(positions)) == len(positions)
    rows = max(row for row, _col in positions) + 1
    cols = max(col for _row, col in positions) + 1
    assert 10 <= rows <= 12
    assert 17 <= cols <= 19
    assert min(row for row, _col in positions) == 0
    assert min(col for _row, col in positions) == 0


def test_grid_reads_like_the_map_of_russia():
    grid = tilemap.load_grid()

    def at(code):
        _abbr, row, col = grid[code]
        return row, col

    assert at("77")[0] == at("50")[0] and abs(at("77")[1] - at("50")[1]) == 1  # Москва next to the oblast
    assert at("78")[0] == at("47")[0] and abs(at("78")[1] - at("47")[1]) == 1  # Петербург and Ленобласть
    assert at("39")[1] == 0  # Калининград: far west
    assert at("87")[0] == 0 and at("87")[1] >= 16  # Чукотка: top right
    for east in ("41", "25", "65", "49"):  # Камчатка, Приморье, Сахалин, Магадан
        assert at(east)[1] >= 15
    for south in ("05", "20", "91", "92", "93", "94", "90", "95"):  # Caucasus, Crimea, the new regions
        assert at(south)[0] >= 9 and at(south)[1] <= 8
    assert at("51") == (at("10")[0] - 1, at("10")[1])  # Мурманск right above Карелия


def test_load_grid_returns_a_fresh_copy():
    grid = tilemap.load_grid()
    grid.pop("22")
    assert "22" in tilemap.load_grid()


# ---- rendering ---------------------------------------------------------------------------------


def test_render_draws_every_subject_and_is_well_formed_xml():
    svg = tilemap.render_svg([tile("22", href="/monitoring/regions/22/")], title="Карта")
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}rect")) == 89
    assert len(cells(root)) == 89
    assert "style=" not in svg
    assert "<script" not in svg


def test_render_size_follows_the_grid():
    grid = tilemap.load_grid()
    rows = max(row for _a, row, _c in grid.values()) + 1
    cols = max(col for _a, _r, col in grid.values()) + 1
    root = parse(tilemap.render_svg([], cell=30, gap=2))
    width, height = cols * 30 + (cols - 1) * 2, rows * 30 + (rows - 1) * 2
    assert root.get("width") == str(width)
    assert root.get("height") == str(height)
    assert root.get("viewBox") == f"0 0 {width} {height}"
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + 30 <= width and float(rect.get("y")) + 30 <= height


def test_render_is_labelled_by_its_title_and_description():
    root = parse(tilemap.render_svg([], title="Прогресс регионов"))
    assert root.get("role") == "img"  # nothing to click: a picture
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Прогресс регионов"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "89 субъектов" in root.find(f"{SVG}desc").text


def test_linked_map_is_a_group_so_that_links_stay_reachable():
    root = parse(tilemap.render_svg([tile("22", href="/monitoring/regions/22/")]))
    # role="img" makes children presentational and would hide the links from screen readers.
    assert root.get("role") == "group"
    assert root.get("aria-labelledby")


def test_tile_with_href_is_a_link_with_title_and_label():
    svg = tilemap.render_svg(
        [
            tile("22", href="/monitoring/regions/22/", title="Алтайский край: −22,4 %"),
            tile("59", fill="#eeb44a"),
        ]
    )
    root = parse(svg)
    links = root.findall(f".//{SVG}a")
    assert len(links) == 1
    link = links[0]
    assert link.get("href") == "/monitoring/regions/22/"
    assert link.get("aria-label") == "АЛТ: Алтайский край"  # the visible abbreviation first
    group = link.find(f"{SVG}g")
    assert group.get("data-code") == "22"
    assert group.find(f"{SVG}title").text == "Алтайский край: −22,4 %"
    assert group.find(f"{SVG}rect").get("fill") == "#3a9d7a"
    assert group.find(f"{SVG}text").text == "АЛТ"
    perm = next(g for g in cells(root) if g.get("data-code") == "59")
    assert perm.find(f"{SVG}rect").get("fill") == "#eeb44a"
    assert perm.find(f"{SVG}text").text == "ПРМ"


def test_subjects_without_a_tile_are_grey_and_not_linked():
    root = parse(tilemap.render_svg([tile("22", href="/x/")]))
    others = [g for g in cells(root) if g.get("data-code") != "22"]
    assert len(others) == 88
    assert {g.find(f"{SVG}rect").get("fill") for g in others} == {tilemap.EMPTY_FILL}
    assert len(root.findall(f".//{SVG}a")) == 1


def test_text_is_escaped():
    evil = '<script>alert("x")</script> & "quotes"'
    svg = tilemap.render_svg(
        [tile("22", name=evil, label=evil, title=evil, href='/r/22/?a=1&b="2"')], title=evil
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == evil
    link = root.find(f".//{SVG}a")
    assert link.get("aria-label") == f"АЛТ: {evil}"
    assert link.get("href") == '/r/22/?a=1&b="2"'
    assert link.find(f"{SVG}g/{SVG}title").text == evil


def test_legend_is_drawn_under_the_grid():
    legend = [("#9b2226", "хуже исходного уровня"), ("#11645a", "цель <достигнута>")]
    root = parse(tilemap.render_svg([], legend=legend))
    assert len(root.findall(f".//{SVG}rect")) == 89 + 2
    legend_group = root.find(f"{SVG}g[@class='tilemap-legend']")
    assert [rect.get("fill") for rect in legend_group.iter(f"{SVG}rect")] == ["#9b2226", "#11645a"]
    assert [text.text for text in legend_group.iter(f"{SVG}text")] == [label for _c, label in legend]
    grid_bottom = max(float(g.find(f"{SVG}rect").get("y")) + 44 for g in cells(root))
    assert all(float(rect.get("y")) > grid_bottom for rect in legend_group.iter(f"{SVG}rect"))
    assert float(root.get("height")) > grid_bottom


def test_long_legend_wraps_within_the_width():
    legend = [
        (colour, f"подпись номер {i} довольно длинная")
        for i, (colour, _l) in enumerate(tilemap.PROGRESS_LEGEND)
    ]
    root = parse(tilemap.render_svg([], cell=20, gap=2, legend=legend))
    width = float(root.get("width"))
    legend_rects = list(root.find(f"{SVG}g[@class='tilemap-legend']").iter(f"{SVG}rect"))
    assert len({rect.get("y") for rect in legend_rects}) > 1
    assert all(float(rect.get("x")) < width for rect in legend_rects)
    assert max(float(rect.get("y")) for rect in legend_rects) < float(root.get("height"))


def test_unknown_or_duplicate_tiles_and_bad_values_are_refused():
    with pytest.raises(ValueError, match="88"):
        tilemap.render_svg([tile("22", name="x"), tilemap.Tile("88", "Нет такого", "#fff", "", None, "")])
    with pytest.raises(ValueError, match="two tiles"):
        tilemap.render_svg([tile("22"), tile("22")])
    with pytest.raises(ValueError, match="hex colour"):
        tilemap.render_svg([tile("22", fill='red" onload="x')])
    with pytest.raises(ValueError, match="relative or http"):
        tilemap.render_svg([tile("22", href="javascript:alert(1)")])


def test_same_map_gets_same_ids_and_different_maps_different_ones():
    first = parse(tilemap.render_svg([tile("22")], title="A"))
    again = parse(tilemap.render_svg([tile("22")], title="A"))
    other = parse(tilemap.render_svg([tile("22")], title="B"))
    assert first.get("aria-labelledby") == again.get("aria-labelledby")
    assert first.get("aria-labelledby") != other.get("aria-labelledby")


# ---- colours -----------------------------------------------------------------------------------

STOPS = [(-math.inf, "#000001"), (0.0, "#000002"), (25.0, "#000003"), (100.0, "#000004")]


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (-1000.0, "#000001"),
        (-0.01, "#000001"),
        (0.0, "#000002"),  # a bound belongs to the interval above it
        (24.99, "#000002"),
        (25.0, "#000003"),
        (99.9, "#000003"),
        (100.0, "#000004"),
        (250.0, "#000004"),
    ],
)
def test_colour_scale_boundaries(value, colour):
    assert tilemap.colour_scale(value, stops=STOPS) == colour


def test_colour_scale_without_data_is_grey():
    assert tilemap.colour_scale(None, stops=STOPS) == tilemap.EMPTY_FILL == "#e9ecef"
    assert tilemap.colour_scale(math.nan, stops=STOPS) == tilemap.EMPTY_FILL


def test_colour_scale_below_a_finite_first_stop_takes_the_first_colour():
    assert tilemap.colour_scale(-5.0, stops=[(0.0, "#111111"), (50.0, "#222222")]) == "#111111"


def test_colour_scale_refuses_bad_stops():
    with pytest.raises(ValueError):
        tilemap.colour_scale(1.0, stops=[])
    with pytest.raises(ValueError):
        tilemap.colour_scale(1.0, stops=[(50.0, "#111111"), (0.0, "#222222")])


def test_progress_stops_cover_the_whole_range_and_match_the_legend():
    bounds = [bound for bound, _colour in tilemap.PROGRESS_STOPS]
    assert bounds == sorted(bounds)
    assert bounds[0] == -math.inf
    assert {0.0, 25.0, 50.0, 75.0, 100.0} <= set(bounds)
    stop_colours = [colour for _bound, colour in tilemap.PROGRESS_STOPS]
    assert len(set(stop_colours)) == len(stop_colours)
    assert tilemap.EMPTY_FILL not in stop_colours
    legend_colours = [colour for colour, _label in tilemap.PROGRESS_LEGEND]
    assert legend_colours == [*stop_colours, tilemap.EMPTY_FILL]
    assert tilemap.colour_scale(-3, stops=tilemap.PROGRESS_STOPS) == "#9b2226"
    assert tilemap.colour_scale(120, stops=tilemap.PROGRESS_STOPS) == "#11645a"


@pytest.mark.parametrize(
    ("fill", "expected"), [("#000000", tilemap.LIGHT_TEXT), ("#ffffff", tilemap.DARK_TEXT)]
)
def test_text_colour_extremes(fill, expected):
    assert tilemap.text_colour(fill) == expected


def test_label_is_white_on_dark_fills_and_dark_on_light_ones():
    root = parse(
        tilemap.render_svg([tile("22", fill="#9b2226"), tile("59", fill="#fff3bf"), tile("54", fill="#abc")])
    )
    by_code = {g.get("data-code"): g.find(f"{SVG}text").get("fill") for g in cells(root)}
    assert by_code["22"] == tilemap.LIGHT_TEXT
    assert by_code["59"] == tilemap.DARK_TEXT
    assert by_code["54"] == tilemap.DARK_TEXT  # short #rgb form
    assert by_code["77"] == tilemap.DARK_TEXT  # grey «no data» cell


def test_every_progress_colour_keeps_its_label_readable():
    for _bound, colour in tilemap.PROGRESS_STOPS:
        assert tilemap.contrast_ratio(colour, tilemap.text_colour(colour)) >= 4.5, colour
    assert tilemap.contrast_ratio(tilemap.EMPTY_FILL, tilemap.text_colour(tilemap.EMPTY_FILL)) >= 4.5


def test_relative_luminance_reference_values():
    assert tilemap.relative_luminance("#000") == 0
    assert tilemap.relative_luminance("#FFFFFF") == pytest.approx(1)
    assert tilemap.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
