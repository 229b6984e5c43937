"""Hypothesis strategies shared by the test suite (one place, reused everywhere)."""

from __future__ import annotations

from hypothesis import strategies as st

# --- Statistics (outcomes.stats) ---------------------------------------------------------

#: Confidence levels from barely-there to very strict, away from the open ends 0 and 1.
confidence_levels = st.floats(min_value=0.01, max_value=0.9999)


@st.composite
def proportion_counts(draw: st.DrawFn, max_n: int = 100_000) -> tuple[int, int]:
    """``(x, n)`` with ``0 ≤ x ≤ n`` and ``n ≥ 1``, biased towards the edges 0 and n."""
    n = draw(st.integers(min_value=1, max_value=max_n))
    x = draw(st.one_of(st.just(0), st.just(n), st.integers(min_value=0, max_value=n)))
    return x, n


#: Event counts for Poisson intervals, covering both sides of the exact/Byar boundary.
event_counts = st.one_of(
    st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=1_000_000)
)


@st.composite
def mean_summaries(draw: st.DrawFn) -> tuple[float, float, int]:
    """``(mean, sd, n)`` summaries of a sample with at least two observations."""
    mean = draw(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
    sd = draw(st.floats(min_value=0, max_value=1e4, allow_nan=False))
    n = draw(st.integers(min_value=2, max_value=100_000))
    return mean, sd, n


# --- Catalogue TOML ----------------------------------------------------------------------

TomlValue = str | int | float | bool | list["TomlValue"] | dict[str, "TomlValue"]


def toml_value(value: object) -> str:
    """Write one value as TOML (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(element) for element in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_value(key)} = {toml_value(element)}" for key, element in value.items())
        return "{ " + ", ".join(pairs) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def toml_document(tables: dict[str, list[dict[str, object]]]) -> str:
    """Write ``{"indicator": [...], "item": [...]}`` as arrays of tables."""
    lines: list[str] = []
    for name, entries in tables.items():
        for entry in entries:
            lines.append(f"[[{name}]]")
            lines += [f"{toml_value(key)} = {toml_value(value)}" for key, value in entry.items()]
            lines.append("")
    return "\n".join(lines)


def valid_indicator(**changes: object) -> dict[str, object]:
    """A well-formed proportion indicator using the items of :func:`valid_items`."""
    indicator: dict[str, object] = {
        "id": "CC99",
        "title": "Adults supported at home who feel safe",
        "measure": "proportion",
        "numerator": "adults_feeling_safe",
        "denominator": "adults_surveyed",
        "multiplier": 100,
        "unit": "% of adults supported at home",
        "polarity": "higher_is_better",
        "branch": "community_care",
        "recommendations": [1, 11],
        "outcome_for": ["people_who_use_services"],
        "period_type": "financial_year",
        "source": "A test source, https://example.org/survey",
    }
    indicator.update(changes)
    return indicator


def valid_items() -> list[dict[str, object]]:
    """The two data items :func:`valid_indicator` uses."""
    return [
        {"name": "adults_feeling_safe", "title": "Adults who feel safe", "unit": "people",
         "kind": "count"},
        {"name": "adults_surveyed", "title": "Adults who answered", "unit": "people",
         "kind": "count"},
    ]  # fmt: skip


_text = st.text(st.characters(codec="utf-8"), max_size=12)
_scalars = st.one_of(
    _text,
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(["proportion", "rate", "count", "neutral", "1000/52", "1000/0", "SW6"]),
)
_values: st.SearchStrategy[object] = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(_text, children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def faulty_catalogue_documents(draw: st.DrawFn) -> str:
    """TOML text for a catalogue file with random faults: keys dropped, added or retyped,
    tables duplicated, or the text itself broken."""
    indicators = [valid_indicator(), valid_indicator(id="CC98", measure="rate", multiplier=1000)]
    items = valid_items()
    for entry in draw(st.lists(st.sampled_from([*indicators, *items]), max_size=4)):
        fault = draw(st.sampled_from(["drop", "add", "retype"]))
        key = draw(st.sampled_from(sorted(entry)))
        if fault == "drop":
            entry.pop(key, None)
        elif fault == "add":
            entry[draw(_text.filter(bool))] = draw(_values)
        else:
            entry[key] = draw(_values)
    if draw(st.booleans()):
        indicators.append(dict(draw(st.sampled_from(indicators))))
    text = toml_document({"indicator": indicators, "item": items})
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(_text) + text[cut:]
    return text


# --- Changes, trends and control charts (outcomes.stats) ---------------------------------


@st.composite
def rate_counts(draw: st.DrawFn, max_events: int = 1_000_000) -> tuple[int, int]:
    """``(x, n)``: a count of events and a positive denominator, for a rate."""
    x = draw(st.one_of(st.integers(min_value=0, max_value=30), st.integers(0, max_events)))
    n = draw(st.integers(min_value=1, max_value=10_000_000))
    return x, n


@st.composite
def trend_series(
    draw: st.DrawFn, kind: str = "proportion", max_series: int = 10, max_periods: int = 8
) -> tuple[list[list[int]], list[list[int]]]:
    """``(x, n)`` as (series, periods) nested lists of counts, for the trend tests.

    ``kind`` is ``"proportion"`` (0 ≤ x ≤ n) or ``"rate"`` (any x ≥ 0). Some series
    are level or empty, and some drift, so both significant and flat trends appear.
    """
    series = draw(st.integers(min_value=1, max_value=max_series))
    periods = draw(st.integers(min_value=2, max_value=max_periods))
    events: list[list[int]] = []
    denominators: list[list[int]] = []
    for _ in range(series):
        sizes = draw(st.lists(st.integers(1, 5_000), min_size=periods, max_size=periods))
        if kind == "proportion":
            row = [draw(st.one_of(st.just(0), st.just(n), st.integers(0, n))) for n in sizes]
        else:
            row = draw(st.lists(st.integers(0, 3_000), min_size=periods, max_size=periods))
        events.append(row)
        denominators.append(sizes)
    return events, denominators


@st.composite
def spc_series(
    draw: st.DrawFn, max_series: int = 6, min_periods: int = 1, max_periods: int = 30
) -> list[list[float]]:
    """(series, periods) values for control charts: small whole numbers, so ties, runs
    and points on the centre line are common, or floats with a planted level shift."""
    series = draw(st.integers(min_value=1, max_value=max_series))
    periods = draw(st.integers(min_value=min_periods, max_value=max_periods))
    rows: list[list[float]] = []
    for _ in range(series):
        if draw(st.booleans()):
            top = draw(st.integers(min_value=0, max_value=6))
            values = st.integers(0, top).map(float)
        else:
            values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
        row = draw(st.lists(values, min_size=periods, max_size=periods))
        shift_at = draw(st.integers(min_value=0, max_value=periods))
        shift = draw(st.sampled_from([0.0, 5.0, -40.0]))
        rows.append([v + (shift if t >= shift_at else 0.0) for t, v in enumerate(row)])
    return rows


# --- Datasets for the statistics engine ----------------------------------------------------


@st.composite
def proportion_panels(
    draw: st.DrawFn, max_areas: int = 8, periods: tuple[str, ...] = ("2023-24", "2024-25")
) -> list[tuple[str, str, int, int]]:
    """Rows ``(area, period, numerator, denominator)`` for one proportion indicator, with
    small counts often enough to exercise suppression."""
    areas = [f"Area {n}" for n in range(draw(st.integers(min_value=2, max_value=max_areas)))]
    rows = []
    for area in areas:
        for period in periods:
            denominator = draw(st.integers(min_value=1, max_value=400))
            numerator = draw(
                st.one_of(
                    st.integers(min_value=0, max_value=min(6, denominator)),
                    st.integers(min_value=0, max_value=denominator),
                )
            )
            rows.append((area, period, numerator, denominator))
    return rows
