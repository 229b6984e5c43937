"""Tests for the SVG figures of the report (outcomes.report._figures)."""

from __future__ import annotations

import itertools
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.report._figures import (
    NO_DATA,
    PALETTE,
    default_tick,
    funnel_chart,
    rank_chart,
    sparkline,
    trend_chart,
)
from tests.strategies import chart_labels, figure_numbers, figure_series

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = "<script>alert(1)</script>\"&'"
REGENERATE = os.environ.get("OUTCOMES_REGENERATE_GOLDEN") == "1"
GOLDEN = Path(__file__).with_name("golden")
PERIODS = ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]


# --- examples ------------------------------------------------------------------------------


def example_trend(**changes: object) -> str:
    arguments: dict[str, object] = {
        "chart_id": "sw1-fife-trend",
        "title": "Adults who feel safe, Fife",
        "description": "Rose from 70% in 2018-19 to 76% in 2023-24.",
        "periods": PERIODS,
        "values": [70.0, 71.5, None, 73.0, 74.5, 76.0],
        "lower": [66.0, 67.5, None, 69.0, 70.5, 72.0],
        "upper": [74.0, 75.5, None, 77.0, 78.5, 80.0],
        "area_label": "Fife",
        "scotland": [72.0, 72.5, 73.0, 73.5, 74.0, 74.5],
        "family_group": [71.0, 71.0, 72.0, 72.0, 73.0, None],
        "unit": "% of adults",
    }
    arguments.update(changes)
    return trend_chart(**arguments)  # type: ignore[arg-type]


AREAS = ["Angus", "Moray", "Fife", "Highland", "Falkirk"]


def example_rank(**changes: object) -> str:
    arguments: dict[str, object] = {
        "chart_id": "sw1-fife-rank",
        "title": "Adults who feel safe, 2023-24",
        "description": "Fife is 3rd of 5 areas.",
        "areas": AREAS,
        "values": [61.0, 68.0, 74.0, 79.0, 86.0],
        "lower": [55.0, 64.0, 71.0, 75.5, 80.0],
        "upper": [67.0, 72.0, 77.0, 82.5, 92.0],
        "highlight": "Fife",
        "scotland": 75.0,
        "unit": "% of adults",
        "higher_is_better": True,
    }
    arguments.update(changes)
    return rank_chart(**arguments)  # type: ignore[arg-type]


def funnel_limits(z: float) -> tuple[list[float], list[float]]:
    spread = [z * math.sqrt(0.7 * 0.3 / n) * 100 for n in CURVE]
    return [70 - s for s in spread], [70 + s for s in spread]


CURVE = [50.0 * k for k in range(1, 41)]


def example_funnel(**changes: object) -> str:
    arguments: dict[str, object] = {
        "chart_id": "sw1-funnel",
        "title": "Adults who feel safe, 2023-24",
        "description": "Two areas lie outside the 99.8% limits.",
        "denominators": [120.0, 400.0, 800.0, 1500.0, 1900.0],
        "values": [62.0, 55.0, 72.0, 70.5, 75.0],
        "labels": AREAS,
        "target": 70.0,
        "curve_denominators": CURVE,
        "limits": {"95%": funnel_limits(1.96), "99.8%": funnel_limits(3.09)},
        "outside": ["Moray", "Falkirk"],
        "highlight": "Fife",
        "unit": "% of adults",
    }
    arguments.update(changes)
    return funnel_chart(**arguments)  # type: ignore[arg-type]


def example_sparkline(**changes: object) -> str:
    arguments: dict[str, object] = {
        "values": [70.0, 71.5, None, 73.0, 74.5, 76.0],
        "label": "Adults who feel safe: up from 70% to 76%",
    }
    arguments.update(changes)
    return sparkline(**arguments)  # type: ignore[arg-type]


EXAMPLES: dict[str, Callable[..., str]] = {
    "trend": example_trend,
    "rank": example_rank,
    "funnel": example_funnel,
    "sparkline": example_sparkline,
}
CHARTS = ["trend", "rank", "funnel"]
#: Each example's arguments with no data at all.
EMPTY: dict[str, dict[str, object]] = {
    "trend": {"values": [None] * 6, "lower": [None] * 6, "upper": [None] * 6,
              "scotland": [math.nan] * 6, "family_group": None},
    "rank": {"values": [None] * 5, "lower": [None] * 5, "upper": [None] * 5, "scotland": None},
    "funnel": {"values": [math.nan] * 5},
    "sparkline": {"values": [None, math.nan]},
}  # fmt: skip


# --- helpers -----------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def group(root: ET.Element, class_name: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("class") == class_name]
    assert len(found) == 1, f"expected one element of class {class_name!r}, found {len(found)}"
    return found[0]


def tick_values(svg: str) -> list[float]:
    """The gridline values of a chart drawn with ``tick_format=repr``."""
    axis = group(parse(svg), "axis y")
    return [float(text) for text in texts(axis)]


def gridlines(svg: str) -> int:
    return group(parse(svg), "grid").get("d", "").count("M")


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


# --- structure and accessibility ---------------------------------------------------------


@pytest.mark.parametrize("kind", CHARTS)
@pytest.mark.parametrize("empty", [False, True])
def test_chart_is_an_image_named_by_its_title_and_desc(kind: str, empty: bool) -> None:
    svg = EXAMPLES[kind](**(EMPTY[kind] if empty else {}))
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = list(root)[:2]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby", "").split() == [title.get("id"), desc.get("id")]
    assert title.text
    assert desc.text
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert "max-width" in root.get("style", "")


def test_sizes_are_as_designed() -> None:
    sizes = {kind: parse(EXAMPLES[kind]()).get("viewBox") for kind in EXAMPLES}
    assert sizes == {"trend": "0 0 480 260", "rank": "0 0 480 240",
                     "funnel": "0 0 560 320", "sparkline": "0 0 100 24"}  # fmt: skip


def test_sparkline_is_labelled_without_ids_so_it_can_repeat() -> None:
    root = parse(example_sparkline())
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Adults who feel safe: up from 70% to 76%"
    assert not [element for element in root.iter() if element.get("id") is not None]


def test_chart_id_is_sanitised() -> None:
    root = parse(example_trend(chart_id='sw1 "fife"<x>'))
    assert root.get("aria-labelledby") == "sw1--fife--x--title sw1--fife--x--desc"


@pytest.mark.parametrize("kind", EXAMPLES)
def test_same_input_gives_same_bytes(kind: str) -> None:
    assert EXAMPLES[kind]() == EXAMPLES[kind]()


@pytest.mark.parametrize("kind", EXAMPLES)
def test_nothing_external_or_executable(kind: str) -> None:
    svg = EXAMPLES[kind]()
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]
    assert "<script" not in svg
    assert "href" not in svg
    assert " on" not in svg.lower().replace(" one", "")  # no event handler attributes
    assert all(url.startswith("url(#") for url in re.findall(r"url\([^)]*\)", svg))


@pytest.mark.parametrize("kind", EXAMPLES)
def test_coordinates_have_one_decimal_at_most(kind: str) -> None:
    svg = EXAMPLES[kind]()
    paths = " ".join(element.get("d", "") for element in parse(svg).iter())
    assert not re.search(r"\d\.\d\d", paths)
    assert not re.search(r"-0(?![.\d])", paths)
    assert not re.search(r"\.0(?!\d)", paths)


def test_markup_in_any_text_is_inert() -> None:
    svgs = [
        example_trend(title=PAYLOAD, description=PAYLOAD, area_label=PAYLOAD,
                      family_group_label=PAYLOAD, unit=PAYLOAD, periods=[PAYLOAD] * 6),
        example_rank(title=PAYLOAD, description=PAYLOAD, unit=PAYLOAD,
                     areas=[PAYLOAD, *AREAS[1:]], highlight=PAYLOAD),
        example_funnel(title=PAYLOAD, description=PAYLOAD, unit=PAYLOAD,
                       labels=[PAYLOAD, *AREAS[1:]], outside=[PAYLOAD], highlight=PAYLOAD,
                       limits={PAYLOAD: funnel_limits(3.09)}),
        example_sparkline(label=PAYLOAD),
        example_trend(tick_format=lambda value: PAYLOAD),
    ]  # fmt: skip
    for svg in svgs:
        assert "<script" not in svg
        root = parse(svg)
        assert all(element.tag.partition("}")[2] != "script" for element in root.iter())
        words = [*texts(root), *(e.text or "" for e in root.iter() if e.tag.endswith("title"))]
        assert any("<script>alert(1)</script>" in word for word in words) or (
            root.get("aria-label") == PAYLOAD
        )


@given(title=chart_labels, area=chart_labels)
def test_any_text_gives_valid_xml(title: str, area: str) -> None:
    svgs = [
        example_trend(title=title, area_label=area, periods=[area] * 6),
        example_rank(description=title, areas=[area, *AREAS[1:]], highlight=area),
        example_funnel(unit=title, labels=[area, *AREAS[1:]], outside=[area], highlight=area),
        example_sparkline(label=title),
    ]
    for svg in svgs:
        parse(svg)


# --- empty and missing data ----------------------------------------------------------------


@pytest.mark.parametrize("kind", EXAMPLES)
def test_no_data_says_so(kind: str) -> None:
    root = parse(EXAMPLES[kind](**EMPTY[kind]))
    assert texts(root) == [NO_DATA]


def test_no_periods_says_no_data() -> None:
    svg = example_trend(periods=[], values=[], lower=[], upper=[], scotland=[], family_group=[])
    assert texts(parse(svg)) == [NO_DATA]


def test_gaps_lift_the_pen() -> None:
    svg = example_trend(
        periods=[str(year) for year in range(2016, 2024)],
        values=[1.0, 2.0, None, 4.0, 5.0, math.nan, None, 8.0],
        lower=[None] * 8, upper=[None] * 8, scotland=None, family_group=None,
    )  # fmt: skip
    area = group(parse(svg), "series area")
    line = area.find(f"{SVG}path")
    assert line is not None
    assert line.get("d", "").count("M") == 3
    assert len(list(area.iter(f"{SVG}circle"))) == 5


def test_a_point_between_gaps_is_a_marker_without_a_line() -> None:
    svg = example_trend(
        periods=PERIODS[:4], values=[None, 3.0, None, None], lower=[None, 2.0, None, None],
        upper=[None, 4.0, None, None], scotland=None, family_group=None,
    )  # fmt: skip
    root = parse(svg)
    area = group(root, "series area")
    line = area.find(f"{SVG}path")
    assert line is not None
    assert re.fullmatch(r"M[\d.]+,[\d.]+", line.get("d", ""))
    assert len(list(area.iter(f"{SVG}circle"))) == 1
    assert group(root, "ci").get("d", "").count("M") == 1


def test_the_band_breaks_where_an_end_is_missing() -> None:
    svg = example_trend(lower=[66.0, 67.5, 68.0, None, 70.5, 72.0])
    assert group(parse(svg), "ci").get("d", "").count("M") == 2


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="values has 5 values but there are 6 periods"):
        example_trend(values=[1.0] * 5)
    with pytest.raises(ValueError, match="lower"):
        example_rank(lower=[1.0])
    with pytest.raises(ValueError, match="upper limits 95%"):
        example_funnel(limits={"95%": ([1.0] * 40, [2.0])})


# --- encodings and labels ------------------------------------------------------------------


def test_trend_series_differ_by_more_than_colour() -> None:
    root = parse(example_trend())
    area, national, family = (
        group(root, name) for name in ("series area", "series scotland", "series family-group")
    )
    dashes = [
        element.find(f"{SVG}path").get("stroke-dasharray")  # type: ignore[union-attr]
        for element in (area, national, family)
    ]
    assert dashes[0] is None
    assert None not in dashes[1:]
    assert dashes[1] != dashes[2]
    assert len(list(area.iter(f"{SVG}circle"))) == 5
    squares = national.findall(f"{SVG}path")[1].get("d", "")
    triangles = family.findall(f"{SVG}path")[1].get("d", "")
    assert squares.count("M") == 6
    assert "v" in squares
    assert triangles.count("M") == 5
    assert "v" not in triangles
    legend = texts(group(root, "legend"))
    assert legend == ["Fife", "Family group", "Scotland", "shaded: 95% confidence interval"]


def test_trend_legend_names_only_what_is_drawn() -> None:
    svg = example_trend(lower=[None] * 6, scotland=None, family_group=None)
    assert texts(group(parse(svg), "legend")) == ["Fife"]


def test_family_group_label_is_used() -> None:
    svg = example_trend(family_group_label="Family group B")
    assert "Family group B" in texts(group(parse(svg), "legend"))


def test_many_periods_are_thinned_but_the_latest_is_shown() -> None:
    periods = [f"{year}-{(year + 1) % 100:02d}" for year in range(2004, 2024)]
    svg = example_trend(
        periods=periods, values=[float(v) for v in range(20)], lower=[None] * 20,
        upper=[None] * 20, scotland=None, family_group=None,
    )  # fmt: skip
    shown = texts(group(parse(svg), "axis x"))
    assert shown[-1] == "2023-24"
    assert 3 <= len(shown) < 20


def test_rank_chart_names_and_marks_the_highlighted_area() -> None:
    root = parse(example_rank())
    assert "Fife: 74" in texts(root)
    highlight = group(root, "series highlight")
    assert highlight.get("fill") == PALETTE["area"]
    diamond = highlight.findall(f"{SVG}path")[-1].get("d", "")
    assert diamond.count("M") == 1
    assert diamond.endswith("z")
    others = group(root, "series areas")
    assert len(list(others.iter(f"{SVG}circle"))) == 4
    assert others.get("fill") != highlight.get("fill")
    assert texts(group(root, "legend"))[:2] == ["Fife", "Other areas"]
    assert "Areas, ranked" in texts(root)
    assert "Higher is better" in texts(root)


def test_rank_chart_has_a_labelled_scotland_line_and_whiskers() -> None:
    root = parse(example_rank())
    scotland = group(root, "series scotland").find(f"{SVG}path")
    assert scotland is not None
    assert scotland.get("stroke-dasharray")
    assert "Scotland" in texts(root)
    assert group(root, "ci").get("d", "").count("M") == 4  # the highlight has its own
    assert "bars: 95% confidence interval" in texts(group(root, "legend"))


def test_rank_chart_without_the_highlighted_value_says_so() -> None:
    svg = example_rank(values=[61.0, 68.0, None, 79.0, 86.0])
    assert "Fife: no data" in texts(parse(svg))


def test_rank_chart_has_no_labels_for_other_areas() -> None:
    words = " ".join(texts(parse(example_rank())))
    for name in ("Angus", "Moray", "Highland", "Falkirk"):
        assert name not in words


def test_funnel_names_the_few_areas_outside() -> None:
    root = parse(example_funnel())
    assert "Outside the limits: Moray, Falkirk" in texts(root)
    crosses = group(root, "series outside").get("d", "")
    assert crosses.count("M") == 2
    assert "Fife: 72" in texts(root)
    limits = [element for element in root.iter() if element.get("class") == "limit"]
    assert [element.get("stroke-dasharray") for element in limits] == ["5 3", None]
    assert texts(group(root, "legend")) == [
        "Areas", "Fife", "Outside the limits", "Target", "95% limits", "99.8% limits",
    ]  # fmt: skip
    assert "Denominator" in texts(root)


def test_funnel_marks_many_areas_outside_without_naming_them() -> None:
    names = [f"Area {n}" for n in range(12)]
    svg = example_funnel(
        denominators=[100.0 + 100 * n for n in range(12)], values=[50.0] * 12, labels=names,
        outside=names, highlight=None,
    )  # fmt: skip
    root = parse(svg)
    assert group(root, "series outside").get("d", "").count("M") == 12
    assert "12 areas outside the limits, marked \u00d7" in texts(root)
    assert not any("Area 3" in text for text in texts(root))


def test_funnel_clips_the_mouth_of_the_funnel_to_the_plot() -> None:
    root = parse(example_funnel())
    clip = root.find(f"{SVG}clipPath")
    assert clip is not None
    assert clip.get("id") == "sw1-funnel-plot"
    clipped = [e for e in root.iter() if e.get("clip-path") == "url(#sw1-funnel-plot)"]
    assert len(clipped) == 1


@pytest.mark.parametrize("role", ["area", "family_group", "scotland", "other", "limit"])
def test_lines_and_markers_stand_out_from_white(role: str) -> None:
    assert contrast_with_white(PALETTE[role]) >= 3


def test_text_is_dark_enough_to_read() -> None:
    assert contrast_with_white(PALETTE["text"]) >= 4.5
    assert contrast_with_white(PALETTE["target"]) >= 4.5


# --- axes --------------------------------------------------------------------------------


def test_rank_ticks_cover_values_intervals_and_scotland() -> None:
    values = [12.5, 20.0, 33.0]
    lower, upper = [3.2, 15.0, 30.0], [18.0, 26.0, 47.5]
    for scotland in (None, 51.0, -2.0):
        svg = example_rank(areas=AREAS[:3], values=values, lower=lower, upper=upper,
                           scotland=scotland, tick_format=repr)  # fmt: skip
        ticks = tick_values(svg)
        everything = [*values, *lower, *upper, *([scotland] if scotland is not None else [])]
        assert min(ticks) <= min(everything)
        assert max(ticks) >= max(everything)
        assert 4 <= len(ticks) <= 6


def test_trend_ticks_cover_every_series_and_the_band() -> None:
    svg = example_trend(tick_format=repr)
    ticks = tick_values(svg)
    assert min(ticks) <= 66.0
    assert max(ticks) >= 80.0
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in {1, 2, 5}


@given(
    low=st.floats(min_value=-1e12, max_value=1e12),
    high=st.floats(min_value=-1e12, max_value=1e12),
)
def test_ticks_are_nice_and_cover_any_range(low: float, high: float) -> None:
    svg = example_rank(areas=["A", "B"], values=[low, high], lower=[None, None],
                       upper=[None, None], scotland=None, tick_format=repr)  # fmt: skip
    ticks = tick_values(svg)
    tolerance = 1e-9 * (max(ticks) - min(ticks))
    assert min(ticks) <= min(low, high) + tolerance
    assert max(ticks) >= max(low, high) - tolerance
    assert 4 <= len(ticks) <= 6


def test_a_level_series_starts_its_axis_at_zero() -> None:
    svg = example_rank(values=[50.0] * 5, lower=[None] * 5, upper=[None] * 5, scotland=50.0,
                       tick_format=repr)  # fmt: skip
    ticks = tick_values(svg)
    assert min(ticks) == 0
    assert max(ticks) >= 50


def test_gridline_labels_use_the_tick_format() -> None:
    svg = example_trend(tick_format=lambda value: f"{value:.0f}%")
    assert all(text.endswith("%") for text in texts(group(parse(svg), "axis y")))


def test_default_tick_never_writes_minus_zero_or_non_numbers() -> None:
    assert default_tick(-0.0) == "0"
    assert default_tick(-1e-20) == "-1e-20"
    assert default_tick(math.nan) == ""
    assert default_tick(1234567.0) == "1,234,567"


# --- any numbers -------------------------------------------------------------------------


def assert_clean(svg: str) -> None:
    parse(svg)
    lowered = svg.lower()
    assert "nan" not in lowered
    assert "inf" not in lowered


@given(series=figure_series(), scotland=figure_numbers, target=figure_numbers)
def test_any_numbers_give_valid_svg_without_nan_or_inf(
    series: dict[str, list[float | None]], scotland: float | None, target: float | None
) -> None:
    size = len(series["values"])
    names = [f"Area {n}" for n in range(size)]
    assert_clean(
        trend_chart(
            chart_id="t", title="Trend", description="Any numbers", periods=names,
            values=series["values"], lower=series["lower"], upper=series["upper"],
            area_label="Area", scotland=series["scotland"], family_group=series["family_group"],
        )
    )  # fmt: skip
    assert_clean(
        rank_chart(
            chart_id="r", title="Rank", description="Any numbers", areas=names,
            values=series["values"], lower=series["lower"], upper=series["upper"],
            highlight="Area 0", scotland=scotland,
        )
    )  # fmt: skip
    assert_clean(sparkline(values=series["values"], label="Any numbers"))
    as_floats = {name: [math.nan if v is None else v for v in s] for name, s in series.items()}
    assert_clean(
        funnel_chart(
            chart_id="f", title="Funnel", description="Any numbers",
            denominators=as_floats["scotland"], values=series["values"], labels=names,
            target=math.nan if target is None else target,
            curve_denominators=as_floats["family_group"],
            limits={"95%": (as_floats["lower"], as_floats["upper"]),
                    "99.8%": (as_floats["upper"], as_floats["lower"])},
            outside=names[::2], highlight="Area 1",
        )
    )  # fmt: skip


# --- size and golden files -----------------------------------------------------------------


def test_charts_are_compact() -> None:
    assert len(example_trend().encode()) < 4_500
    assert len(example_rank().encode()) < 3_500
    assert len(example_sparkline().encode()) < 600


@pytest.mark.parametrize("kind", EXAMPLES)
def test_golden_file(kind: str) -> None:
    """Each example chart, compared with a reviewed copy.

    Regenerate deliberately with OUTCOMES_REGENERATE_GOLDEN=1 and review the diff (open the
    files in a browser).
    """
    rendered = EXAMPLES[kind]()
    golden = GOLDEN / f"figure-{kind}.svg"
    if REGENERATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.exists(), "run with OUTCOMES_REGENERATE_GOLDEN=1 to create the golden file"
    assert rendered == golden.read_text(encoding="utf-8")


# --- spine chart -----------------------------------------------------------------------


def _spine(higher_is_better: bool | None, value: float) -> str:
    from outcomes.report._figures import spine_chart

    return spine_chart(chart_id="s", title="At a glance", description="One row",
                       labels=["X1 <b>an indicator</b>"], values=[value], scotland=[50.0],
                       ranges=[(0.0, 25.0, 75.0, 100.0)], higher_is_better=[higher_is_better],
                       value_texts=["v"], words=["▲ better"])  # fmt: skip


def _circle_x(svg: str) -> float:
    import re

    found = re.search(r'<circle cx="([0-9.]+)"', svg)
    assert found is not None
    return float(found.group(1))


def test_spine_chart_puts_better_to_the_right() -> None:
    # The highest value is best when higher is better, worst when lower is better.
    assert _circle_x(_spine(True, 100.0)) > _circle_x(_spine(True, 0.0))
    assert _circle_x(_spine(False, 100.0)) < _circle_x(_spine(False, 0.0))
    assert _circle_x(_spine(None, 100.0)) > _circle_x(_spine(None, 0.0))
    # Scotland is in the middle of this range whichever way it is turned.
    assert _circle_x(_spine(True, 50.0)) == _circle_x(_spine(False, 50.0))


def test_spine_chart_escapes_text_and_repeats_its_bytes() -> None:
    svg = _spine(True, 40.0)
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    assert "▲ better" in svg
    assert svg == _spine(True, 40.0)
