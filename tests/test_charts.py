"""The SVG charts, drawn without a browser: escaped, deterministic, well-formed and scalable;
round ticks in the report's number format; gaps drawn as gaps; labels inside the chart's box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from reporter.render import charts
from reporter.render.charts import axis, measure
from reporter.render.charts.heatmap import EMPTY, LIGHTEST, _shade
from reporter.render.formatting import Formatter

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = "<script>alert(1)</script>&\"'"
EN = Formatter("en_US", "America/Los_Angeles")
DE = Formatter("de_DE", "Europe/Berlin")
THEME = charts.Theme(tick=EN.compact, number=EN.number)
LONG = "Santiago de Compostela, Comunidad Autónoma de Galicia, España"


def _tree(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # raises on anything not well-formed


def _texts(svg: Markup) -> list[ET.Element]:
    return _tree(svg).findall(".//s:text", NS)


def _content(element: ET.Element) -> str:
    return element.text or ""


def _line(**kw: object) -> Markup:
    args: dict[str, object] = {
        "label": "Reach, day by day",
        "x_labels": [f"Oct {d}" for d in range(1, 32)],
        "current": [float(100 + d) for d in range(31)],
        "previous": [float(90 + d) for d in range(30)],
        "current_name": "October 2026",
        "previous_name": "September 2026",
        "theme": THEME,
    }
    args.update(kw)
    return charts.line(**args)  # type: ignore[arg-type]


def _heatmap(values: list[list[float | None]] | None = None, **kw: object) -> Markup:
    rows = [EN.weekday(d) for d in range(7)]
    columns = [EN.hour(h) for h in range(24)]
    grid = values or [[float(100 * d + h) for h in range(24)] for d in range(7)]
    return charts.heatmap("When your followers are online", rows, columns, grid, theme=THEME, **kw)  # type: ignore[arg-type]


def _all_charts(name: str) -> list[Markup]:
    return [
        _line(label=name, x_labels=[name] * 31, current_name=name, previous_name=name),
        charts.bars(name, [name, "Reels"], [5.0, 3.0], [name, "3"], theme=THEME),
        charts.grouped(
            name, [name, "25-34"], [(name, [1.0, 2.0]), ("Men", [2.0, 1.0])], theme=THEME
        ),
        charts.heatmap(name, [name], [name], [[1.0]], theme=THEME),
    ]


# --- escaping and structure ----------------------------------------------------------------------


@pytest.mark.parametrize("index", range(4))
def test_every_label_stays_text(index: int) -> None:
    svg = _all_charts(HOSTILE)[index]
    assert "<script" not in svg
    root = _tree(svg)
    assert root.get("aria-label") == HOSTILE and root.get("role") == "img"
    title = root.find("s:title", NS)
    assert title is not None and title.text == HOSTILE
    assert len(root.findall(".//s:script", NS)) == 0
    written = [_content(t) for t in _texts(svg)]
    written += [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert HOSTILE in written  # the characters themselves, whole (in a <title> if shortened)


def test_control_characters_never_reach_the_svg() -> None:
    svg = charts.bars("a\x00b\x1bc", ["x\x07y"], [1.0], ["1"], theme=THEME)
    _tree(svg)
    assert "\x00" not in svg and "\x07" not in svg and "\x1b" not in svg


@pytest.mark.parametrize("index", range(4))
def test_charts_scale_with_a_view_box(index: int) -> None:
    root = _tree(_all_charts("Reach")[index])
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox") or "")


def test_the_same_data_gives_the_same_bytes() -> None:
    first = [str(svg) for svg in _all_charts("Reach")] + [str(_heatmap())]
    second = [str(svg) for svg in _all_charts("Reach")] + [str(_heatmap())]
    assert first == second


def test_grouped_hatch_ids_differ_between_charts_of_one_page() -> None:
    one = charts.grouped(
        "Age and gender", ["18-24"], [("Women", [1.0]), ("Men", [2.0])], theme=THEME
    )
    two = charts.grouped(
        "Age and gender", ["18-24"], [("Women", [3.0]), ("Men", [2.0])], theme=THEME
    )
    ids = [re.findall(r'<pattern id="([^"]+)"', str(svg)) for svg in (one, two)]
    assert len(ids[0]) == 1 and ids[0] != ids[1]
    assert f"url(#{ids[0][0]})" in one  # the hatched group uses its own chart's pattern


# --- labels fit ----------------------------------------------------------------------------------


def _inside(svg: Markup) -> None:
    """Every text's estimated extent lies inside the viewBox."""
    root = _tree(svg)
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    for element in _texts(svg):
        x, y = float(element.get("x") or 0), float(element.get("y") or 0)
        size = float(element.get("font-size") or 0)
        extent = measure.width(_content(element), size)
        start = {"start": x, "middle": x - extent / 2, "end": x - extent}[
            element.get("text-anchor") or "start"
        ]
        assert start >= -0.5 and start + extent <= width + 0.5, (_content(element), start, extent)
        assert size * 0.6 <= y <= height + 0.5, _content(element)


def test_long_labels_are_shortened_and_stay_inside() -> None:
    names = [LONG, "Portland, Oregon", LONG + " (2)"]
    svg = charts.bars("Cities", names, [300.0, 200.0, 100.0], ["300", "200", "100"], theme=THEME)
    shown = [_content(t) for t in _texts(svg)]
    assert "Portland, Oregon" in shown
    shortened = [s for s in shown if s.endswith("…")]
    assert len(shortened) == 2 and all(LONG.startswith(s[:-1]) for s in shortened)
    assert LONG in svg  # the full name kept in the label's <title>
    _inside(svg)


def test_every_chart_keeps_its_labels_inside_its_box() -> None:
    for svg in [*_all_charts(LONG), _line(), _heatmap()]:
        _inside(svg)


def test_grouped_categories_wrap_before_they_are_shortened() -> None:
    categories = ["Under eighteen years", "25-34", "35-44", "45-54", "55-64", "65+"]
    svg = charts.grouped("Age", categories, [("Women", [1.0] * 6), ("Men", [2.0] * 6)], theme=THEME)
    shown = [_content(t) for t in _texts(svg)]
    assert "Under eighteen years" in shown or {"Under eighteen", "years"} <= set(shown)
    _inside(svg)


def test_x_labels_never_touch() -> None:
    svg = _line(x_labels=[f"Wednesday {d}" for d in range(1, 32)], tick_every=1)
    xs = sorted(float(t.get("x") or 0) for t in _texts(svg) if _content(t).startswith("Wednesday"))
    assert len(xs) > 2
    step = xs[1] - xs[0]
    assert step >= measure.width("Wednesday 31", THEME.font_size)


# --- ticks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lo", "hi", "integer", "expected"),
    [
        (0, 14_940, True, [0, 5000, 10_000, 15_000]),
        (3, 23, True, [0, 5, 10, 15, 20, 25]),
        (0, 0, True, [0, 1]),
        (0, 0, False, [0, 1]),
        (0, 3, True, [0, 1, 2, 3]),
        (0, 0.3, False, [0, 0.1, 0.2, 0.3]),
        (-40, 90, True, [-50, 0, 50, 100]),
        (-7, -2, True, [-8, -6, -4, -2, 0]),
    ],
)
def test_ticks_are_round_and_include_zero(
    lo: float, hi: float, integer: bool, expected: list[float]
) -> None:
    assert axis.ticks(lo, hi, integer=integer) == expected


def test_tick_labels_use_the_locale_and_a_true_minus() -> None:
    de = charts.Theme(tick=DE.compact, number=DE.number)
    assert axis.labels([-5000, 0, 5000], de) == ["\u22125.000", "0", "5.000"]
    assert axis.labels([0, 0.5, 1.0], de) == ["0,0", "0,5", "1,0"]
    assert axis.labels([0, 10_000, 20_000], THEME) == ["0", "10K", "20K"]
    assert axis.labels([-20_000, 0], THEME) == ["\u221220K", "0"]


def test_tick_labels_never_read_the_same() -> None:
    texts = axis.labels([1_000_000, 1_000_500, 1_001_000], THEME)
    assert texts == ["1,000,000", "1,000,500", "1,001,000"]  # not 1M, 1M, 1M


# --- values --------------------------------------------------------------------------------------


def _path_points(svg: Markup, colour: str) -> list[list[tuple[float, float]]]:
    paths = [p for p in _tree(svg).findall(".//s:path", NS) if p.get("stroke") == colour]
    series = [p for p in paths if p.get("fill") == "none"]
    assert len(series) <= 1
    if not series:
        return []
    runs = (series[0].get("d") or "").split("M")[1:]
    return [
        [tuple(float(n) for n in point.split()) for point in run.split("L")]  # type: ignore[misc]
        for run in runs
    ]


def test_gaps_are_gaps_never_zeros() -> None:
    values: list[float | None] = [5.0, 6.0, None, None, 7.0, 8.0, None, 9.0]
    svg = _line(x_labels=[str(d) for d in range(8)], current=values, previous=None)
    runs = _path_points(svg, THEME.primary)
    assert [len(r) for r in runs] == [2, 2]  # two pieces of line
    dots = _tree(svg).findall(".//s:circle", NS)
    assert len(dots) == 1  # the day alone after the second gap
    zero = [t for t in _texts(svg) if _content(t) == "0"]
    zero_y = float(zero[0].get("y") or 0) - 0.35 * THEME.font_size
    ys = [y for run in runs for _, y in run] + [float(d.get("cy") or 0) for d in dots]
    assert all(abs(y - zero_y) > 1 for y in ys)  # nothing drawn at zero
    xs = [x for run in runs for x, _ in run]
    assert len(set(xs)) == 4  # days 2, 3 and 6 have no point at all


def test_negative_and_all_zero_series() -> None:
    svg = _line(current=[-30.0, 10.0, 40.0] * 10 + [0.0], previous=None)
    assert "\u221220" in [_content(t) for t in _texts(svg)]
    flat = _line(current=[0.0] * 31, previous=[0.0] * 30)
    assert [_content(t) for t in _texts(flat)][2:4] == ["0", "1"]  # after the legend: an axis
    assert len(_path_points(flat, THEME.primary)[0]) == 31
    empty = _line(current=[None] * 31, previous=None)
    assert _path_points(empty, THEME.primary) == []


def test_negative_bars_run_left_of_zero() -> None:
    svg = charts.bars("Change", ["Up", "Down"], [40.0, -20.0], ["40", "-20"], theme=THEME)
    rects = _tree(svg).findall(".//s:rect", NS)
    up, down = (float(r.get("x") or 0) for r in rects)
    assert down < up  # the negative bar starts left of the zero line
    assert "\u221220" in [_content(t) for t in _texts(svg)]
    zero = charts.bars("Nothing", ["A", "B"], [0.0, 0.0], ["0", "0"], theme=THEME)
    assert all(float(r.get("width") or 1) == 0 for r in _tree(zero).findall(".//s:rect", NS))
    _inside(svg)


def test_grouped_negative_values_hang_below_zero() -> None:
    svg = charts.grouped("Change", ["A"], [("Women", [-5.0]), ("Men", [5.0])], theme=THEME)
    bars = [
        r
        for r in _tree(svg).findall(".//s:g/s:rect", NS)
        if not (r.get("fill") or "").startswith("url")
    ]
    women, men = bars
    assert float(women.get("y") or 0) == pytest.approx(
        float(men.get("y") or 0) + float(men.get("height") or 0)
    )  # the women's bar starts where the men's ends: at zero


# --- heatmap -------------------------------------------------------------------------------------


def _cells(svg: Markup) -> list[tuple[str, str]]:
    out = []
    for group in _tree(svg).findall(".//s:g", NS):
        rect, title = group.find("s:rect", NS), group.find("s:title", NS)
        assert rect is not None and title is not None
        out.append((rect.get("fill") or "", title.text or ""))
    return out


def test_heatmap_has_a_cell_per_weekday_and_hour() -> None:
    cells = _cells(_heatmap())
    assert len(cells) == 7 * 24
    lightest = _shade(THEME.primary, LIGHTEST)
    assert cells[0] == (lightest, "Monday, 12:00\u202fAM: 0")  # the lowest: lightest
    assert cells[-1] == ("#1F3A5F", "Sunday, 11:00\u202fPM: 623")  # the highest: the colour
    fills = [fill for fill, _ in cells[:24]]
    assert len(set(fills)) > 10  # shades rise with the value


def test_heatmap_leaves_missing_cells_empty_not_zero() -> None:
    grid: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    grid[2][18] = 50.0
    grid[3][18] = 0.0
    cells = _cells(_heatmap(grid))
    by_title = dict((t, f) for f, t in cells)
    assert by_title["Wednesday, 6:00\u202fPM: 50"] == "#1F3A5F"
    assert by_title["Thursday, 6:00\u202fPM: 0"] not in (EMPTY, "#1F3A5F")
    assert by_title["Monday, 6:00\u202fPM: no figure"] == EMPTY
    assert sum(1 for f, _ in cells if f == EMPTY) == 7 * 24 - 2
    assert "no figure" in [_content(t) for t in _texts(_heatmap(grid))]  # the scale says so
    assert "no figure" not in [_content(t) for t in _texts(_heatmap())]


def test_heatmap_hour_labels_fit_their_columns() -> None:
    svg = _heatmap()
    hours = [_content(t) for t in _texts(svg) if "M" in _content(t) and ":" in _content(t)]
    assert 4 <= len(hours) <= 12 and hours[0] == "12:00\u202fAM"
    _inside(svg)


def test_a_wide_chart_is_drawn_for_the_page_and_for_a_phone() -> None:
    both = charts.responsive(lambda width: _line(width=width))
    wide, narrow = re.findall(r'<div class="(chart-\w+)"><svg [^>]*viewBox="0 0 (\d+)', both)
    assert (wide, narrow) == (("chart-wide", "560"), ("chart-narrow", "380"))
    _inside(_line(width=380.0))
    _inside(_heatmap(width=380.0))
