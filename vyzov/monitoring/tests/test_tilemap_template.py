"""The tile map is drawn by a template (monitoring/tilemap.svg) from the layout `render_svg` computes:
every cell's link, title, colours and label, and the legend, as the map always showed them."""

import xml.etree.ElementTree as ET

from django.template.loader import get_template

from vyzov.monitoring import tilemap

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 — our own output


def test_the_map_template_is_a_django_template():
    assert get_template(tilemap.TEMPLATE).template.source.lstrip().startswith("{% spaceless %}")


def test_every_cell_keeps_its_link_title_colours_and_label():
    altai = tilemap.Tile(
        "22", "Алтайский край", "#9b2226", "Алтайский край", "/monitoring/regions/22/", "−22 %"
    )
    perm = tilemap.Tile("59", "Пермский край", "#a3d9b1", "", None, "")
    svg = tilemap.render_svg([altai, perm], cell=40, gap=4, title="Прогресс", legend=tilemap.PROGRESS_LEGEND)
    assert "\n" not in svg and "> <" not in svg  # no whitespace between tags from the template
    root = parse(svg)
    grid = tilemap.load_grid()
    assert root.get("width") == str(grid_width := max(col for _a, _r, col in grid.values()) * 44 + 40)
    assert root.get("viewBox") == f"0 0 {grid_width} {root.get('height')}"
    assert root.get("role") == "group"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text == "Прогресс"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    cells = {g.get("data-code"): g for g in root.iter(f"{SVG}g") if g.get("class") == "tilemap-cell"}
    assert set(cells) == set(grid)
    for code, (abbr, row, col) in grid.items():
        cell = cells[code]
        rect, text = cell.find(f"{SVG}rect"), cell.find(f"{SVG}text")
        assert (rect.get("x"), rect.get("y")) == (str(col * 44), str(row * 44))
        assert rect.get("width") == rect.get("height") == "40"
        assert text.text == abbr
        assert text.get("fill") == tilemap.text_colour(rect.get("fill"))
    assert cells["22"].find(f"{SVG}title").text == "−22 %"
    assert cells["22"].find(f"{SVG}rect").get("fill") == "#9b2226"
    assert cells["59"].find(f"{SVG}title").text == "Пермский край"
    assert cells["77"].find(f"{SVG}title").text == f"{grid['77'][0]}: нет данных"
    assert cells["77"].find(f"{SVG}rect").get("fill") == tilemap.EMPTY_FILL
    links = root.findall(f"{SVG}a")
    assert [(a.get("href"), a.get("aria-label")) for a in links] == [
        ("/monitoring/regions/22/", f"{grid['22'][0]}: Алтайский край")
    ]
    legend = root.find(f"{SVG}g[@class='tilemap-legend']")
    assert [t.text for t in legend.findall(f"{SVG}text")] == [label for _c, label in tilemap.PROGRESS_LEGEND]
    assert [r.get("fill") for r in legend.findall(f"{SVG}rect")] == [c for c, _l in tilemap.PROGRESS_LEGEND]


def test_names_with_markup_are_escaped_by_the_template():
    evil = tilemap.Tile("22", 'Край <script>"x"</script>', "#fff", "", "/r/?a=1&b=2", "")
    svg = tilemap.render_svg([evil], legend=[("#fff", "<b>легенда</b>")])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}a").get("href") == "/r/?a=1&b=2"
    assert root.find(f".//{SVG}g[@data-code='22']/{SVG}title").text == 'Край <script>"x"</script>'
