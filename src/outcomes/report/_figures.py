"""Small, fast, accessible SVG charts for the annual report, built as strings.

The report embeds three charts per indicator for every council (thousands of charts per
run), so these are plain string builders: no plotting library, no dependencies, well
under a millisecond per chart. Every chart is an ``<svg role="img">`` with a
``<title>`` and ``<desc>`` named by ``aria-labelledby``, every piece of text is
XML-escaped, and the same inputs always give the same bytes (coordinates rounded to one
decimal, no ids except those derived from ``chart_id``, no timestamps).

Colour is never the only difference between series: the area is a solid line with
circles, Scotland a dashed line with squares, the family group a dotted line with
triangles, a highlighted area a larger diamond, and the legend names each in words.
Lines and markers keep a contrast of at least 3:1 against white; text at least 4.5:1.

``None``, NaN and infinite values are gaps: a line stops and restarts around them. A chart
with nothing to draw says "No data to chart".

>>> svg = sparkline(values=[3.0, None, 4.0, 5.0], label="Rising from 3 to 5")
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img"')
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from html import escape

__all__ = [
    "PALETTE",
    "default_tick",
    "funnel_chart",
    "rank_chart",
    "sparkline",
    "spine_chart",
    "trend_chart",
]

#: Colours by role. Lines and markers have contrast of at least 3:1 against white
#: (WCAG 1.4.11), ``text`` at least 4.5:1; ``band`` and ``grid`` are background only.
PALETTE = {
    "area": "#0072b2",  # Okabe-Ito blue, 5.2:1
    "family_group": "#d55e00",  # Okabe-Ito vermillion, 3.9:1
    "scotland": "#4d4d4d",  # 8.5:1
    "other": "#767676",  # 4.5:1
    "outside": "#d55e00",
    "limit": "#4d4d4d",
    "target": "#1a1a1a",
    "text": "#1a1a1a",  # 17:1
    "band": "#c6dbef",
    "grid": "#dedede",
}

NO_DATA = "No data to chart"

_FONT_SIZE = 11
_SMALL_SIZE = 10
#: Average width of a sans-serif glyph in em, to lay out text without measuring fonts.
_GLYPH_EM = 0.56
_LEGEND_ROW = 16
_MAX_LABEL = 40
#: Characters XML 1.0 forbids even when escaped (C0 controls other than tab and newlines,
#: lone surrogates, U+FFFE and U+FFFF); they are dropped from any text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
_LOG10_2 = math.log10(2)
_SVG_NS = "http://www.w3.org/2000/svg"

#: Draws a legend key 20 px wide at ``(x, y)``, ``y`` being the middle of the text.
Swatch = Callable[[float, float], str]
#: A point's formatted coordinates.
Point = tuple[str, str]


# --- Text and numbers ------------------------------------------------------------------


def default_tick(value: float) -> str:
    """A number for an axis or a label: four significant figures (but every digit before
    the point), thousands separated, no trailing zeros; very large or small in e-notation.

    >>> [default_tick(v) for v in (0.0, 0.30000000000000004, 58.7512, 1500.0, 123456.7, 2e10)]
    ['0', '0.3', '58.75', '1,500', '123,457', '2e+10']
    """
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e9 or magnitude < 1e-4:
        return f"{value:.4g}"
    decimals = max(0, 3 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _n(value: float) -> str:
    """A coordinate with one decimal and no ``.0`` or ``-0``; far-off points are pinned
    just outside any viewport so that no ``inf`` or ``nan`` reaches the SVG.

    >>> [_n(v) for v in (12.0, 12.34, -0.04, float("nan"), 1e300)]
    ['12', '12.3', '0', '-100000', '100000']
    """
    if -1e5 < value < 1e5:
        text = f"{value:.1f}"
        if text[-1] == "0":  # the hot path of every chart: cheaper than endswith
            text = text[:-2]
            return "0" if text == "-0" else text
        return text
    return "100000" if value > 0 else "-100000"


def _text(text: str) -> str:
    """Text made safe as XML character data or an attribute value."""
    return escape(_NOT_XML.sub("", text), quote=True)


def _fit(text: str, limit: int = _MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (before escaping, so an
    entity is never cut in half)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _width(text: str, size: float = _FONT_SIZE) -> float:
    return len(text) * size * _GLYPH_EM


def _ident(chart_id: str) -> str:
    return _NOT_ID.sub("-", chart_id) or "chart"


def _finite(values: Iterable[float | None]) -> list[float | None]:
    return [None if v is None or not math.isfinite(v) else float(v) for v in values]


def _check_lengths(expected: int, what: str, **series: Sequence[object] | None) -> None:
    for name, values in series.items():
        if values is not None and len(values) != expected:
            raise ValueError(f"{name} has {len(values)} values but there are {expected} {what}")


# --- Scales ------------------------------------------------------------------------------


def _times_ten_to(value: float, exponent: int) -> float:
    """``value × 10**exponent``, correctly rounded while the power of ten is exact
    (|exponent| ≤ 22), and without overflow in the power for the extremes of float."""
    if exponent >= 0:
        if exponent > 300:
            return value * 1e300 * 10.0 ** (exponent - 300)
        return value * 10.0**exponent
    if exponent < -300:
        return value / 1e300 / 10.0 ** (-exponent - 300)
    return value / 10.0**-exponent


class _Scale:
    """A linear axis from data values to pixels with nice gridlines.

    The step is 1, 2 or 5 × 10^k, the smallest giving at most five intervals, and the
    ends are whole steps beyond the data. Positions are worked out in units of the step,
    so ranges near the limits of float (1e308, 5e-324) neither overflow nor vanish.
    """

    __slots__ = ("_end", "_exponent", "_first", "_last", "_mantissa", "_start")

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        if low == high:
            # A level series: start the axis at zero on its side, as a reader expects.
            low, high = (0.0, high) if low > 0 else (low, 0.0) if low < 0 else (0.0, 1.0)
        span = high - low
        if math.isfinite(span):
            log_span = math.log10(span)
        else:
            log_span = math.log10(high / 2 - low / 2) + _LOG10_2
        finest = math.floor(log_span) - 2
        # From about a hundred intervals up to fewer than two: the loop always stops.
        candidates = [(m, k) for k in range(finest, finest + 4) for m in (1, 2, 5)]
        for mantissa, exponent in candidates:
            first = math.floor(_times_ten_to(low, -exponent) / mantissa + 1e-9)
            last = math.ceil(_times_ten_to(high, -exponent) / mantissa - 1e-9)
            if last - first <= 5:
                break
        if last - first < 3:
            # A step of 5 after a step of 2 proved too fine can leave two intervals (and
            # near 2**53 steps float can't tell the ends apart): pad to three, keeping
            # zero as the start of an axis of positive values.
            if low >= 0 and first == 0:
                last = first + 3
            else:
                first = last - 3
        self._mantissa, self._exponent = mantissa, exponent
        self._first, self._last = first, last
        self._start, self._end = start, end

    def pixel(self, value: float) -> float:
        steps = _times_ten_to(value, -self._exponent) / self._mantissa
        fraction = (steps - self._first) / (self._last - self._first)
        return self._start + fraction * (self._end - self._start)

    def ticks(self) -> list[tuple[float, float]]:
        """``(value, pixel)`` of each gridline; a value beyond float's range is ``inf``."""
        count = self._last - self._first
        return [
            (
                _times_ten_to(float((self._first + i) * self._mantissa), self._exponent),
                self._start + i / count * (self._end - self._start),
            )
            for i in range(count + 1)
        ]


def _extent(*series: Iterable[float | None]) -> tuple[float, float] | None:
    present = [v for values in series for v in values if v is not None]
    return (min(present), max(present)) if present else None


# --- Pieces of SVG -----------------------------------------------------------------------


def _svg(kind: str, chart_id: str, title: str, description: str, size: tuple[int, int]) -> str:
    width, height = size
    ident = _ident(chart_id)
    return (
        f'<svg xmlns="{_SVG_NS}" class="chart {kind}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto" '
        f'font-family="sans-serif" font-size="{_FONT_SIZE}" fill="{PALETTE["text"]}">'
        f'<title id="{ident}-title">{_text(title)}</title>'
        f'<desc id="{ident}-desc">{_text(description)}</desc>'
    )


def _no_data(kind: str, chart_id: str, title: str, description: str, size: tuple[int, int]) -> str:
    width, height = size
    return (
        _svg(kind, chart_id, title, description, size)
        + f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" font-size="13">'
        f"{NO_DATA}</text></svg>"
    )


def _coordinates(
    values: Sequence[float | None], pixel: Callable[[float], float]
) -> list[str | None]:
    """Each value's pixel position, formatted once so lines and markers share it."""
    return [None if value is None else _n(pixel(value)) for value in values]


def _points(xs: Sequence[str], ys: Sequence[str | None]) -> list[Point]:
    return [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]


def _line(xs: Sequence[str], ys: Sequence[str | None]) -> str:
    """Path data through the points, lifting the pen at each gap (a new ``M``)."""
    parts: list[str] = []
    drawing = False
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            drawing = False
            continue
        parts.append(f"L{x},{y}" if drawing else f"M{x},{y}")
        drawing = True
    return "".join(parts)


def _band(xs: Sequence[str], lows: Sequence[str | None], highs: Sequence[str | None]) -> str:
    """Path data of the shaded interval: one closed shape per run of points with both
    ends, and a narrow bar for a point on its own."""
    shapes: list[str] = []
    run: list[tuple[str, str, str]] = []
    for x, low, high in [*zip(xs, lows, highs, strict=True), ("", None, None)]:
        if low is not None and high is not None:
            run.append((x, low, high))
            continue
        if len(run) == 1:
            shapes.append("M{0},{2}m-4,0h8V{1}h-8Z".format(*run[0]))
        elif run:
            upper = "L".join(f"{x},{high}" for x, _, high in run)
            lower = "L".join(f"{x},{low}" for x, low, _ in reversed(run))
            shapes.append(f"M{upper}L{lower}Z")
        run = []
    return "".join(shapes)


# Markers are drawn relative to their centre, so each point is formatted only once.


def _circles(points: Iterable[Point], radius: float) -> str:
    r = _n(radius)
    return "".join(f'<circle cx="{x}" cy="{y}" r="{r}"/>' for x, y in points)


def _squares(points: Iterable[Point], half: float) -> str:
    h, side, back = _n(-half), _n(2 * half), _n(-2 * half)
    return "".join(f"M{x},{y}m{h},{h}h{side}v{side}h{back}z" for x, y in points)


def _triangles(points: Iterable[Point], half: float) -> str:
    up, rise, across, back = _n(-half * 1.2), _n(half * 1.9), _n(half * 1.1), _n(-half * 2.2)
    return "".join(f"M{x},{y}m0,{up}l{across},{rise}h{back}z" for x, y in points)


def _diamonds(points: Iterable[Point], half: float) -> str:
    h, b = _n(half), _n(-half)
    return "".join(f"M{x},{y}m0,{b}l{h},{h}l{b},{h}l{b},{b}z" for x, y in points)


def _crosses(points: Iterable[Point], half: float) -> str:
    b, d, back = _n(-half), _n(2 * half), _n(-2 * half)
    return "".join(f"M{x},{y}m{b},{b}l{d},{d}m0,{back}l{back},{d}" for x, y in points)


def _swatch(colour: str, marker: str, dash: str | None = "") -> Swatch:
    """A legend key: the series' ``marker`` on a short line, solid when ``dash`` is empty,
    dashed as ``dash`` says, or left out when ``dash`` is None."""
    line = "" if dash is None else f' stroke-dasharray="{dash}"' if dash else ""

    def draw(x: float, y: float) -> str:
        centre = [(_n(x + 10), _n(y))]
        if marker == "circle":
            shape = _circles(centre, 3)
        elif marker == "square":
            shape = f'<path d="{_squares(centre, 3)}"/>'
        elif marker == "triangle":
            shape = f'<path d="{_triangles(centre, 3.2)}"/>'
        elif marker == "diamond":
            shape = f'<path d="{_diamonds(centre, 5)}"/>'
        elif marker == "cross":
            shape = f'<path d="{_crosses(centre, 3.5)}" fill="none" stroke-width="2"/>'
        else:
            shape = ""
        if dash is None:
            if marker == "circle":  # a dot on its own needs no outline
                return f'<g fill="{colour}">{shape}</g>'
        else:
            shape = f'<path d="M{_n(x)},{_n(y)}h20" fill="none" stroke-width="2"{line}/>{shape}'
        return f'<g stroke="{colour}" fill="{colour}">{shape}</g>'

    return draw


def _band_swatch(x: float, y: float) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y - 5)}" width="20" height="10" fill="{PALETTE["band"]}"/>'


def _whisker_swatch(x: float, y: float) -> str:
    return (
        f'<path d="M{_n(x + 10)},{_n(y - 6)}v12M{_n(x + 6)},{_n(y - 6)}h8M{_n(x + 6)},'
        f'{_n(y + 6)}h8" stroke="{PALETTE["other"]}" stroke-width="1.5" fill="none"/>'
    )


def _legend(
    entries: Sequence[tuple[Swatch, str]], left: float, baseline: float, right: float
) -> tuple[str, float]:
    """The legend as rows of key and words, wrapping at ``right``; returns the SVG and
    the baseline of its last row."""
    parts = ['<g class="legend">']
    x = left
    for swatch, label in entries:
        text = _fit(label)
        width = 24 + _width(text)
        if x > left and x + width > right:
            x, baseline = left, baseline + _LEGEND_ROW
        parts.append(swatch(x, baseline - 4))
        parts.append(f'<text x="{_n(x + 24)}" y="{_n(baseline)}">{_text(text)}</text>')
        x += width + 16
    parts.append("</g>")
    return "".join(parts), baseline


def _wrapped(
    lead: str, names: Sequence[str], left: float, baseline: float, right: float
) -> tuple[str, float]:
    """``lead`` then the names, comma separated, wrapped into lines within ``right``."""
    per_line = max(10, int((right - left) / (_FONT_SIZE * _GLYPH_EM)))
    lines = [lead]
    for position, name in enumerate(names):
        word = _fit(name, 30) + ("," if position < len(names) - 1 else "")
        if len(lines[-1]) + 1 + len(word) > per_line:
            lines.append(word)
        else:
            lines[-1] += " " + word
    parts = ['<g class="note">']
    for number, line in enumerate(lines):
        parts.append(
            f'<text x="{_n(left)}" y="{_n(baseline + number * _LEGEND_ROW)}">{_text(line)}</text>'
        )
    parts.append("</g>")
    return "".join(parts), baseline + (len(lines) - 1) * _LEGEND_ROW


def _tick_labels(scale: _Scale, tick_format: Callable[[float], str]) -> list[tuple[str, float]]:
    """``(label, pixel)`` of each gridline; a gridline beyond float's range has no label."""
    return [
        (tick_format(value) if math.isfinite(value) else "", pixel)
        for value, pixel in scale.ticks()
    ]


def _value_axis(ticks: Sequence[tuple[str, float]], left: float, right: float) -> str:
    """Horizontal gridlines with their labels to the left of the plot."""
    grid = "".join(f"M{_n(left)},{_n(y)}H{_n(right)}" for _, y in ticks)
    x = _n(left - 6)
    labels = "".join(
        f'<text x="{x}" y="{_n(y + 3.5)}">{_text(label)}</text>' for label, y in ticks if label
    )
    return (
        f'<path class="grid" d="{grid}" stroke="{PALETTE["grid"]}" fill="none"/>'
        f'<g class="axis y" text-anchor="end" font-size="{_SMALL_SIZE}">{labels}</g>'
    )


def _plot_left(ticks: Sequence[tuple[str, float]]) -> float:
    """Room for the longest gridline label to the left of the plot."""
    return max(36.0, 14 + max(_width(label, _SMALL_SIZE) for label, _ in ticks))


def _unit_label(unit: str, left: float, right: float) -> str:
    if not unit:
        return ""
    text = _fit(unit, max(8, int((right - left) / (_FONT_SIZE * _GLYPH_EM))))
    return f'<text class="unit" x="{_n(left)}" y="14">{_text(text)}</text>'


# --- Charts ------------------------------------------------------------------------------


def trend_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    area_label: str,
    scotland: Sequence[float | None] | None = None,
    family_group: Sequence[float | None] | None = None,
    family_group_label: str = "Family group",
    unit: str = "",
    tick_format: Callable[[float], str] = default_tick,
) -> str:
    """An area's values over time with its 95% confidence interval shaded, and Scotland
    and the family group for comparison (480 × 260).

    Every series has one value per period; ``None`` or NaN leaves a gap.

    >>> svg = trend_chart(
    ...     chart_id="sw1-fife", title="Adults who feel safe, Fife",
    ...     description="Rose from 70% in 2021-22 to 76% in 2023-24.",
    ...     periods=["2021-22", "2022-23", "2023-24"], values=[70.0, None, 76.0],
    ...     lower=[66.0, None, 72.5], upper=[74.0, None, 79.5], area_label="Fife",
    ...     scotland=[72.0, 73.0, 74.0], unit="% of adults")
    >>> '<title id="sw1-fife-title">' in svg, 'Scotland</text>' in svg
    (True, True)
    """
    _check_lengths(
        len(periods), "periods", values=values, lower=lower, upper=upper,
        scotland=scotland, family_group=family_group,
    )  # fmt: skip
    area, lows, highs = _finite(values), _finite(lower), _finite(upper)
    national = _finite(scotland) if scotland is not None else []
    family = _finite(family_group) if family_group is not None else []
    extent = _extent(area, lows, highs, national, family)
    if extent is None:
        return _no_data("trend", chart_id, title, description, (480, 260))
    width, top, bottom, right = 480, 26.0, 196.0, 470.0
    scale = _Scale(extent[0], extent[1], bottom, top)
    ticks = _tick_labels(scale, tick_format)
    left = _plot_left(ticks)
    count = len(periods)
    xs = [_n(left + (right - left) * (i + 0.5) / count) for i in range(count)]

    parts = [_unit_label(unit, 8, right), _value_axis(ticks, left, right)]
    pixel = scale.pixel
    legend: list[tuple[Swatch, str]] = [(_swatch(PALETTE["area"], "circle"), area_label)]
    band = _band(xs, _coordinates(lows, pixel), _coordinates(highs, pixel))
    if band:
        parts.append(f'<path class="ci" d="{band}" fill="{PALETTE["band"]}"/>')
    if any(v is not None for v in family):
        ys = _coordinates(family, pixel)
        colour = PALETTE["family_group"]
        parts.append(
            f'<g class="series family-group" stroke="{colour}" fill="{colour}">'
            f'<path d="{_line(xs, ys)}" fill="none" stroke-width="2" '
            f'stroke-dasharray="1.5 3.5" stroke-linecap="round"/>'
            f'<path d="{_triangles(_points(xs, ys), 3.6)}" stroke="none"/></g>'
        )
        legend.append((_swatch(colour, "triangle", "1.5 3.5"), family_group_label))
    if any(v is not None for v in national):
        ys = _coordinates(national, pixel)
        colour = PALETTE["scotland"]
        parts.append(
            f'<g class="series scotland" stroke="{colour}" fill="{colour}">'
            f'<path d="{_line(xs, ys)}" fill="none" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<path d="{_squares(_points(xs, ys), 3)}" stroke="none"/></g>'
        )
        legend.append((_swatch(colour, "square", "6 3"), "Scotland"))
    ys = _coordinates(area, pixel)
    colour = PALETTE["area"]
    parts.append(
        f'<g class="series area" stroke="{colour}" fill="{colour}">'
        f'<path d="{_line(xs, ys)}" fill="none" stroke-width="2.5"/>'
        f'<g stroke="#fff">{_circles(_points(xs, ys), 3.8)}</g></g>'
    )
    if band:
        legend.append((_band_swatch, "shaded: 95% confidence interval"))

    # Thin the period labels so they never overlap; the latest period is always shown.
    labels = [_fit(period, 12) for period in periods]
    widest = max(_width(label, _SMALL_SIZE) for label in labels) if labels else 0.0
    every = max(1, math.ceil((widest + 6) / ((right - left) / max(count, 1))))
    period_labels = "".join(
        f'<text x="{x}" y="{_n(bottom + 15)}">{_text(label)}</text>'
        for i, (x, label) in enumerate(zip(xs, labels, strict=True))
        if (count - 1 - i) % every == 0
    )
    parts.append(
        f'<path class="axis-line" d="M{_n(left)},{_n(bottom)}H{_n(right)}" '
        f'stroke="{PALETTE["other"]}"/>'
        f'<g class="axis x" text-anchor="middle" font-size="{_SMALL_SIZE}">{period_labels}</g>'
    )
    legend_svg, last = _legend(legend, 8, 234, width - 8)
    parts.append(legend_svg)
    height = max(260, math.ceil(last + 8))
    return _svg("trend", chart_id, title, description, (width, height)) + "".join(parts) + "</svg>"


def rank_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    areas: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    highlight: str,
    scotland: float | None = None,
    unit: str = "",
    tick_format: Callable[[float], str] = default_tick,
    higher_is_better: bool | None = None,
) -> str:
    """Every area's value with its confidence interval, in the order given (a caterpillar
    chart), the ``highlight`` area marked and named, Scotland as a reference line
    (480 × 240). The caller sorts the areas.

    >>> svg = rank_chart(
    ...     chart_id="sw1-rank", title="Adults who feel safe, 2023-24",
    ...     description="Fife is 2nd of 3 areas.", areas=["Angus", "Fife", "Moray"],
    ...     values=[70.0, 74.0, 80.0], lower=[65.0, 71.0, 76.0], upper=[75.0, 77.0, 84.0],
    ...     highlight="Fife", scotland=75.0, higher_is_better=True)
    >>> 'Fife: 74</text>' in svg, 'Areas, ranked</text>' in svg
    (True, True)
    """
    _check_lengths(len(areas), "areas", values=values, lower=lower, upper=upper)
    points, lows, highs = _finite(values), _finite(lower), _finite(upper)
    reference = _finite([scotland])[0]
    extent = _extent(points, lows, highs, [reference])
    if all(v is None for v in points) or extent is None:
        return _no_data("rank", chart_id, title, description, (480, 240))
    width, top, bottom, right = 480, 28.0, 178.0, 470.0
    scale = _Scale(extent[0], extent[1], bottom, top)
    ticks = _tick_labels(scale, tick_format)
    left = _plot_left(ticks)
    count = len(areas)
    spacing = (right - left) / count
    centres = [left + spacing * (i + 0.5) for i in range(count)]
    xs = [_n(x) for x in centres]
    pixel = scale.pixel
    ys, low_ys, high_ys = (_coordinates(series, pixel) for series in (points, lows, highs))
    highlighted = {i for i, name in enumerate(areas) if name == highlight}

    parts = [_unit_label(unit, 8, right - 120), _value_axis(ticks, left, right)]
    if higher_is_better is not None:
        note = "Higher is better" if higher_is_better else "Lower is better"
        parts.append(
            f'<text class="polarity" x="{_n(right)}" y="14" text-anchor="end">{note}</text>'
        )
    whiskers = "".join(
        f"M{x},{low}V{high}"
        for i, (x, low, high) in enumerate(zip(xs, low_ys, high_ys, strict=True))
        if low is not None and high is not None and i not in highlighted
    )
    radius = max(1.2, min(3.2, spacing * 0.3))
    others = [
        (x, y)
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        if y is not None and i not in highlighted
    ]
    colour = PALETTE["other"]
    parts.append(
        f'<g class="series areas" stroke="{colour}" fill="{colour}">'
        f'<path class="ci" d="{whiskers}" fill="none" stroke-width="{_n(min(2.0, radius))}"/>'
        f"{_circles(others, radius)}</g>"
    )
    if reference is not None:
        y = pixel(reference)
        parts.append(
            f'<g class="series scotland" stroke="{PALETTE["scotland"]}">'
            f'<path d="M{_n(left)},{_n(y)}H{_n(right)}" stroke-width="1.5" '
            f'stroke-dasharray="6 3" fill="none"/></g>'
            f'<text class="reference" x="{_n(right - 2)}" y="{_n(y - 4)}" '
            f'text-anchor="end">Scotland</text>'
        )
    colour = PALETTE["area"]
    for i in sorted(highlighted):
        x, value, low, high = centres[i], points[i], lows[i], highs[i]
        label = _fit(highlight) + (": no data" if value is None else f": {tick_format(value)}")
        ends = [pixel(v) for v in (value, low, high) if v is not None]
        above = min(ends, default=bottom) - 9
        y = above if above >= top + 2 else max(ends, default=top) + 17
        anchor = "start" if x < left + 0.3 * (right - left) else "middle"
        anchor = "end" if x > right - 0.3 * (right - left) else anchor
        shift = {"start": -6, "middle": 0, "end": 6}[anchor]
        mark = "" if value is None else f'<path d="{_diamonds(_points([xs[i]], [ys[i]]), 6.5)}"/>'
        whisker = (
            f'<path d="M{xs[i]},{low_ys[i]}V{high_ys[i]}" stroke-width="2.5" fill="none"/>'
            if low is not None and high is not None
            else ""
        )
        parts.append(
            f'<g class="series highlight" stroke="{colour}" fill="{colour}">{whisker}{mark}</g>'
            f'<text class="highlight-label" x="{_n(x + shift)}" y="{_n(min(y, bottom - 3))}" '
            f'text-anchor="{anchor}" font-weight="bold">{_text(label)}</text>'
        )
    parts.append(
        f'<path class="axis-line" d="M{_n(left)},{_n(bottom)}H{_n(right)}" '
        f'stroke="{PALETTE["other"]}"/>'
        f'<text class="axis x" x="{_n((left + right) / 2)}" y="{_n(bottom + 16)}" '
        f'text-anchor="middle">Areas, ranked</text>'
    )
    legend: list[tuple[Swatch, str]] = []
    if highlighted:
        legend.append((_swatch(PALETTE["area"], "diamond", None), highlight))
    legend.append((_swatch(PALETTE["other"], "circle", None), "Other areas"))
    if whiskers or any(lows[i] is not None and highs[i] is not None for i in highlighted):
        legend.append((_whisker_swatch, "bars: 95% confidence interval"))
    legend_svg, last = _legend(legend, 8, 216, width - 8)
    parts.append(legend_svg)
    height = max(240, math.ceil(last + 8))
    return _svg("rank", chart_id, title, description, (width, height)) + "".join(parts) + "</svg>"


def sparkline(*, values: Sequence[float | None], label: str) -> str:
    """A word-sized line of the values (100 × 24), the latest marked with a dot.

    ``label`` is the whole accessible text (there are no ids, so a sparkline can repeat
    on a page); say in it what the line shows.

    >>> sparkline(values=[1.0, 2.0], label="Up from 1 to 2")  # doctest: +ELLIPSIS
    '<svg ... aria-label="Up from 1 to 2" ...><path d="M3,21L97,3" .../><circle .../></svg>'
    """
    ys = _finite(values)
    present = [v for v in ys if v is not None]
    head = (
        f'<svg xmlns="{_SVG_NS}" class="sparkline" role="img" aria-label="{_text(label)}" '
        f'viewBox="0 0 100 24" width="100" height="24" style="max-width:100%;height:auto">'
    )
    if not present:
        return (
            f'{head}<text x="50" y="15" text-anchor="middle" font-family="sans-serif" '
            f'font-size="8" fill="{PALETTE["text"]}">{NO_DATA}</text></svg>'
        )
    low, high = min(present), max(present)
    count = len(ys)
    xs = [_n(3 + 94 * i / (count - 1)) for i in range(count)] if count > 1 else ["50"]
    if low == high:
        pixels: list[float | None] = [None if v is None else 12.0 for v in ys]
    else:
        span = high - low
        if math.isfinite(span):
            pixels = [None if v is None else 21 - 18 * (v - low) / span for v in ys]
        else:
            # Halves keep the span finite when the values are huge and of opposite signs.
            half = high / 2 - low / 2
            pixels = [None if v is None else 21 - 18 * (v / 2 - low / 2) / half for v in ys]
    coordinates = [None if y is None else _n(y) for y in pixels]
    x, y = _points(xs, coordinates)[-1]
    colour = PALETTE["area"]
    return (
        f'{head}<path d="{_line(xs, coordinates)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5" stroke-linejoin="round"/><circle cx="{x}" cy="{y}" r="2.2" '
        f'fill="{colour}"/></svg>'
    )


def funnel_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    denominators: Sequence[float],
    values: Sequence[float | None],
    labels: Sequence[str],
    target: float,
    curve_denominators: Sequence[float],
    limits: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    outside: Collection[str] = (),
    highlight: str | None = None,
    unit: str = "",
    tick_format: Callable[[float], str] = default_tick,
) -> str:
    """Each area's value against its denominator, with the target and control limits
    around it (560 × 320).

    ``limits`` maps a name (``"95%"``) to lower and upper limits at each of
    ``curve_denominators``; they are drawn in the order given, the last solid and the
    others dashed. Areas named in ``outside`` are marked with a cross and, when there are
    eight or fewer, named below the chart. The y axis covers the values, the target and
    the limits from the smallest denominator plotted; the wide mouth of the funnel is cut
    off at the plot edge.

    >>> svg = funnel_chart(
    ...     chart_id="sw1-funnel", title="Adults who feel safe", description="Angus is low.",
    ...     denominators=[100.0, 400.0], values=[50.0, 74.0], labels=["Angus", "Fife"],
    ...     target=75.0, curve_denominators=[100.0, 400.0],
    ...     limits={"95%": ([66.5, 70.7], [83.5, 79.3])}, outside=["Angus"])
    >>> 'Outside the limits: Angus' in svg
    True
    """
    _check_lengths(len(labels), "labels", denominators=denominators, values=values)
    for name, (low, high) in limits.items():
        _check_lengths(
            len(curve_denominators), "curve denominators",
            **{f"lower limits {name}": low, f"upper limits {name}": high},
        )  # fmt: skip
    sizes, points = _finite(denominators), _finite(values)
    plotted = [
        (size, value, name)
        for size, value, name in zip(sizes, points, labels, strict=True)
        if size is not None and value is not None
    ]
    if not plotted:
        return _no_data("funnel", chart_id, title, description, (560, 320))
    width, top, bottom, right = 560, 28.0, 226.0, 548.0
    x_extent = _extent([size for size, _, _ in plotted])
    assert x_extent is not None
    curve_sizes = _finite(curve_denominators)
    curves = {name: (_finite(low), _finite(high)) for name, (low, high) in limits.items()}
    target_value = _finite([target])[0]
    in_view = [
        i
        for i, size in enumerate(curve_sizes)
        if size is not None and x_extent[0] <= size <= x_extent[1]
    ]
    y_extent = _extent(
        [value for _, value, _ in plotted],
        [target_value],
        *([low[i] for i in in_view] for low, _ in curves.values()),
        *([high[i] for i in in_view] for _, high in curves.values()),
    )
    assert y_extent is not None
    y_scale = _Scale(y_extent[0], y_extent[1], bottom, top)
    ticks = _tick_labels(y_scale, tick_format)
    left = _plot_left(ticks)
    x_scale = _Scale(x_extent[0], x_extent[1], left, right)
    ident = _ident(chart_id)
    x_pixel, y_pixel = x_scale.pixel, y_scale.pixel

    parts = [_unit_label(unit, 8, right), _value_axis(ticks, left, right)]
    x_labels = "".join(
        f'<text x="{_n(x)}" y="{_n(bottom + 15)}">{_text(default_tick(value))}</text>'
        for value, x in x_scale.ticks()
        if math.isfinite(value)
    )
    parts.append(
        f'<path class="axis-line" d="M{_n(left)},{_n(bottom)}H{_n(right)}" '
        f'stroke="{PALETTE["other"]}"/>'
        f'<g class="axis x" text-anchor="middle" font-size="{_SMALL_SIZE}">{x_labels}</g>'
        f'<text class="axis-title" x="{_n((left + right) / 2)}" y="{_n(bottom + 32)}" '
        f'text-anchor="middle">Denominator</text>'
        f'<clipPath id="{ident}-plot"><rect x="{_n(left)}" y="{_n(top)}" '
        f'width="{_n(right - left)}" height="{_n(bottom - top)}"/></clipPath>'
    )
    legend: list[tuple[Swatch, str]] = []
    curve_parts: list[str] = []
    xs = ["" if size is None else _n(x_pixel(size)) for size in curve_sizes]
    for number, (name, (lows, highs)) in enumerate(curves.items()):
        dash = "" if number == len(curves) - 1 else "5 3"
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        path = "".join(
            _line(
                xs,
                [
                    None if size is None or value is None else _n(y_pixel(value))
                    for size, value in zip(curve_sizes, side, strict=True)
                ],
            )
            for side in (lows, highs)
        )
        curve_parts.append(f'<path class="limit" d="{path}" stroke-width="1.5"{dash_attribute}/>')
        legend.append((_swatch(PALETTE["limit"], "", dash), f"{name} limits"))
    if target_value is not None:
        y = y_pixel(target_value)
        curve_parts.append(
            f'<path class="target" d="M{_n(left)},{_n(y)}H{_n(right)}" '
            f'stroke="{PALETTE["target"]}" stroke-width="1.5"/>'
        )
        legend.insert(0, (_swatch(PALETTE["target"], ""), "Target"))
    parts.append(
        f'<g clip-path="url(#{ident}-plot)" fill="none" stroke="{PALETTE["limit"]}">'
        f"{''.join(curve_parts)}</g>"
    )

    flagged = set(outside)
    inside = [
        (_n(x_pixel(size)), _n(y_pixel(value)))
        for size, value, name in plotted
        if name not in flagged and name != highlight
    ]
    beyond = [
        (_n(x_pixel(size)), _n(y_pixel(value)))
        for size, value, name in plotted
        if name in flagged and name != highlight
    ]
    colour = PALETTE["other"]
    parts.append(
        f'<g class="series areas" fill="{colour}" stroke="#fff">{_circles(inside, 3.5)}</g>'
    )
    legend.insert(0, (_swatch(colour, "circle", None), "Areas"))
    if beyond:
        colour = PALETTE["outside"]
        parts.append(
            f'<path class="series outside" d="{_crosses(beyond, 4)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        legend.insert(1, (_swatch(colour, "cross", None), "Outside the limits"))
    chosen = [(size, value) for size, value, name in plotted if name == highlight]
    if highlight is not None and chosen:
        colour = PALETTE["area"]
        marks = [(_n(x_pixel(size)), _n(y_pixel(value))) for size, value in chosen]
        x, y = x_pixel(chosen[0][0]), y_pixel(chosen[0][1])
        anchor = "end" if x > right - 0.3 * (right - left) else "start"
        shift = -9 if anchor == "end" else 9
        label = f"{_fit(highlight)}: {tick_format(chosen[0][1])}"
        parts.append(
            f'<path class="series highlight" d="{_diamonds(marks, 6.5)}" fill="{colour}" '
            f'stroke="#fff"/><text class="highlight-label" x="{_n(x + shift)}" '
            f'y="{_n(max(top + 10, y - 6))}" text-anchor="{anchor}" font-weight="bold">'
            f"{_text(label)}</text>"
        )
        legend.insert(1, (_swatch(colour, "diamond", None), highlight))
    legend_svg, last = _legend(legend, 8, 276, width - 8)
    parts.append(legend_svg)
    named = list(dict.fromkeys(name for _, _, name in plotted if name in flagged))
    if named:
        if len(named) <= 8:
            note, last = _wrapped("Outside the limits:", named, 8, last + 20, width - 8)
        else:
            note = (
                f'<text class="note" x="8" y="{_n(last + 20)}">{len(named)} areas outside '
                f"the limits, marked \u00d7</text>"
            )
            last += 20
        parts.append(note)
    height = max(320, math.ceil(last + 8))
    return _svg("funnel", chart_id, title, description, (width, height)) + "".join(parts) + "</svg>"


# --- Spine chart -------------------------------------------------------------------------

#: Height of one indicator's row in the spine chart, and the columns' left edges.
_SPINE_ROW = 10
_SPINE_LABEL, _SPINE_LEFT, _SPINE_RIGHT, _SPINE_VALUE, _SPINE_WORD = 4, 322, 548, 662, 668
_SPINE_WIDTH = 760
_SPINE_HEAD = 30


def spine_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    scotland: Sequence[float | None],
    ranges: Sequence[tuple[float, float, float, float] | None],
    higher_is_better: Sequence[bool | None],
    value_texts: Sequence[str],
    words: Sequence[str],
) -> str:
    """Every indicator on one line: this area against the range of all areas.

    Each row is scaled to its own range (``ranges``: lowest, lower quartile, upper quartile,
    highest of all areas) and turned so that right is better (``higher_is_better`` False
    flips it; None, a neutral indicator, keeps higher to the right). The light bar is the
    range, the darker band the middle half, the black tick Scotland, the circle this area;
    ``words`` (symbol and word, e.g. ``"▲ better"``) say how it compares, so no colour
    carries meaning alone.

    >>> svg = spine_chart(chart_id="s", title="At a glance", description="One row",
    ...                   labels=["CF05 Attendance"], values=[90.0], scotland=[88.0],
    ...                   ranges=[(80.0, 85.0, 91.0, 95.0)], higher_is_better=[True],
    ...                   value_texts=["90%"], words=["▲ better"])
    >>> "▲ better" in svg and svg.endswith("</svg>")
    True
    """
    count = len(labels)
    _check_lengths(count, "labels", values=values, scotland=scotland, ranges=ranges,
                   higher_is_better=higher_is_better, value_texts=value_texts,
                   words=words)  # fmt: skip
    height = _SPINE_HEAD + count * _SPINE_ROW + 6
    size = (_SPINE_WIDTH, height)
    if not count:
        return _no_data("spine", chart_id, title, description, size)
    span = _SPINE_RIGHT - _SPINE_LEFT
    middle = _SPINE_LEFT + span / 2
    # The page's width, its height following (WeasyPrint needs width without max-width).
    head = _svg("spine", chart_id, title, description, size).replace(
        'style="max-width:100%;height:auto"', 'style="width:100%;height:auto"', 1
    )
    parts = [
        head,
        f'<text x="{_SPINE_LEFT}" y="12" font-size="{_SMALL_SIZE}">\u25c0 worse</text>'
        f'<text x="{_SPINE_RIGHT}" y="12" font-size="{_SMALL_SIZE}" text-anchor="end">'
        "better \u25b6</text>"
        f'<text x="{_n(middle)}" y="24" font-size="9" text-anchor="middle">'
        "range of all areas; band: middle half; | Scotland; \u25cf this area</text>"
        f'<text x="{_SPINE_VALUE}" y="24" font-size="9" text-anchor="end">value</text>'
        f'<text x="{_SPINE_WORD}" y="24" font-size="9">vs Scotland</text>',
    ]
    for k in range(count):
        top = _SPINE_HEAD + k * _SPINE_ROW
        centre = top + _SPINE_ROW / 2
        baseline = _n(centre + 3)
        if k % 2 == 0:
            parts.append(f'<rect x="0" y="{_n(top)}" width="{_SPINE_WIDTH}" '
                         f'height="{_SPINE_ROW}" fill="#f4f6f8"/>')  # fmt: skip
        parts.append(f'<text x="{_SPINE_LABEL}" y="{baseline}" font-size="9">'
                     f"{_text(_fit(labels[k], 62))}</text>")  # fmt: skip
        parts.append(f'<text x="{_SPINE_VALUE}" y="{baseline}" font-size="9" '
                     f'text-anchor="end">{_text(value_texts[k])}</text>'
                     f'<text x="{_SPINE_WORD}" y="{baseline}" font-size="9">'
                     f"{_text(words[k])}</text>")  # fmt: skip
        extent = ranges[k]
        if extent is None or not all(math.isfinite(v) for v in extent):
            continue
        low, first, third, high = extent
        flip = higher_is_better[k] is False

        def x(value: float, low: float = low, high: float = high, flip: bool = flip) -> float:
            if high == low:
                return middle
            share = (value - low) / (high - low)
            return _SPINE_LEFT + span * ((1 - share) if flip else share)

        left, right = sorted((x(low), x(high)))
        band_left, band_right = sorted((x(first), x(third)))
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(top + 2.5)}" width="{_n(right - left)}" '
            f'height="{_SPINE_ROW - 5}" fill="{PALETTE["grid"]}"/>'
            f'<rect x="{_n(band_left)}" y="{_n(top + 2.5)}" width="{_n(band_right - band_left)}" '
            f'height="{_SPINE_ROW - 5}" fill="{PALETTE["band"]}"/>'
        )
        given = scotland[k]
        if given is not None and math.isfinite(given):
            at = _n(x(min(max(given, low), high)))
            parts.append(f'<line x1="{at}" x2="{at}" y1="{_n(top + 1)}" '
                         f'y2="{_n(top + _SPINE_ROW - 1)}" stroke="{PALETTE["target"]}" '
                         'stroke-width="2"/>')  # fmt: skip
        value = values[k]
        if value is not None and math.isfinite(value):
            at = _n(x(min(max(value, low), high)))
            parts.append(f'<circle cx="{at}" cy="{_n(centre)}" r="3.3" '
                         f'fill="{PALETTE["area"]}" stroke="#fff" stroke-width="1"/>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
