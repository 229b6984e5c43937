"""Hypothesis strategies shared by the test suite (one place, reused everywhere)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
    .filter(bool)
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


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    """A strength, priority or achievement with valid links (indicators are not checked)."""
    return Statement(
        text=draw(assessment_texts),
        recommendations=draw(_recommendation_lists),
        indicators=draw(_text_lists),
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
            )
            for plan_id in previous_ids
        ],
        sign_off=sign_off,
        peer_assessment=peer,
    )


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
