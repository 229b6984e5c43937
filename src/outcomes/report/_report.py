"""The annual CSWO performance improvement report, assembled as typed data.

Building the report (numbers, words, flags, charts) is kept apart from rendering it, as
great_tables does: :meth:`AnnualReport.build` gives a plain frozen object that tests can
inspect without HTML, and :mod:`outcomes.report._render` turns it into HTML, Markdown or PDF
with the Jinja2 templates of ``report_templates/``. The structure follows
docs/contracts.md, "Report".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.assessment._model import Assessment, StatutoryRecord
from outcomes.core._cells import Cells
from outcomes.core._io import slug
from outcomes.core._periods import Period, parse_period
from outcomes.report import _figures
from outcomes.report._claims import Claims, check_claims
from outcomes.report._format import (
    MISSING,
    NOT_APPLICABLE,
    SUPPRESSED,
    format_change,
    format_change_interval,
    format_interval,
    format_number,
    format_value,
)
from outcomes.report._parts import (
    METHODS,
    BurdenAnnex,
    DefinitionRow,
    Linked,
    MethodsAnnex,
    PeerAnnex,
    PlanRow,
    PreviousPlanRow,
    QualityRow,
    RecommendationAssessment,
    burden_annex,
    interval_method,
    linked,
    peer_annex,
    plans,
    plans_missing,
    previous_plans,
    recommendations,
    sampled,
    sign_off_text,
    tick_label,
)
from outcomes.vocabulary import (
    SCOTLAND,
    Branch,
    Comparison,
    Direction,
    Measure,
    PeriodType,
    Polarity,
    ReportStatus,
    ReturnSection,
    StatutoryFunction,
    Trend,
    family_group_area,
)

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Indicator
    from outcomes.results._lookup import ResultLookup, ResultRow
    from outcomes.results._results import Results
    from outcomes.returns._burden import Burden
    from outcomes.returns._tidy import Areas

__all__ = [
    "PUBLIC_PROTECTION",
    "STATUTORY_INDICATORS",
    "VOICE",
    "AnnualReport",
    "annex_name",
    "notable_reasons",
    "report_section",
]

#: Indicators reported under public protection rather than their branch.
PUBLIC_PROTECTION = ("CF01", "CF02", "CHN22", "CC02", "CC03")
#: The catalogue's indicators whose counts (numerators) the statutory functions table shows.
STATUTORY_INDICATORS: Mapping[StatutoryFunction, tuple[str, ...]] = {
    StatutoryFunction.MENTAL_HEALTH_OFFICER: ("CC05",),
    StatutoryFunction.GUARDIANSHIP: ("CC04",),
    StatutoryFunction.ADULT_SUPPORT_PROTECTION: ("CC06", "CC03"),
    StatutoryFunction.SECURE_CARE: ("CF10",),
    StatutoryFunction.FOSTERING_ADOPTION_PERMANENCE: ("CF11",),
    StatutoryFunction.JUSTICE_ORDERS: ("CJ10", "CJ01"),
    StatutoryFunction.MAPPA: ("CJ11",),
}
#: Indicators in the words of people who use services and carers (surveys), listed under
#: "voice" as well as in their own section.
VOICE = ("SW4b", "SW4c", "SW4d", "SW4e", "NI-4", "NI-5", "NI-9")
#: Years shown in trend charts and tables.
YEARS = 5
_WORKFORCE_RECOMMENDATIONS = frozenset({7, 8, 9})


# ---------------------------------------------------------------------------------------
# The report's parts: plain, frozen, typed


@attrs.frozen(kw_only=True)
class HeadlineRow:
    """One row of the summary of performance."""

    indicator: str
    title: str
    anchor: str
    this_year: str
    last_year: str
    change: str
    direction: Direction
    vs_scotland: str
    vs_family_group: str
    rank: str
    trend: str
    sparkline: str
    sparkline_text: str
    suppressed: bool


@attrs.frozen(kw_only=True)
class YearRow:
    """One period of an indicator's trend table: the data the trend chart draws."""

    period: Period
    value: str
    interval: str
    scotland: str
    family_group: str
    note: str


@attrs.frozen(kw_only=True)
class RankRow:
    """One area of the rank chart's data table."""

    rank: str
    area: str
    value: str
    interval: str
    highlighted: bool


@attrs.frozen(kw_only=True)
class IndicatorDetail:
    """Everything the report shows for one indicator."""

    id: str
    anchor: str
    title: str
    description: str
    unit: str
    polarity: str
    source: str
    headline: HeadlineRow
    years: tuple[YearRow, ...]
    trend_chart: str
    trend_text: str
    ranks: tuple[RankRow, ...]
    rank_chart: str
    rank_text: str
    #: The council's comment on the indicator (the assessment's ``[commentary]``).
    commentary: str = ""
    #: Why the report shows it in full (:func:`notable_reasons`); empty: one line only.
    notable: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Part:
    """A section of the report: narrative, linked statements and indicators.

    ``missing`` says plainly what input is missing, so that every section is present.
    """

    key: str
    title: str
    narrative: str
    missing: tuple[str, ...]
    strengths: tuple[Linked, ...] = ()
    priorities: tuple[Linked, ...] = ()
    #: The notable indicators, shown in full.
    indicators: tuple[IndicatorDetail, ...] = ()
    not_provided: str = ""
    #: The section's other indicators, one line each, linking to the data annex.
    compact: tuple[HeadlineRow, ...] = ()
    #: Indicators of other sections that bear on this one (one line each, linked).
    related: tuple[HeadlineRow, ...] = ()


@attrs.frozen(kw_only=True)
class GlanceFinding:
    """One statistically supported statement of the at-a-glance page, naming its indicator."""

    indicator: str
    title: str
    anchor: str
    words: str


@attrs.frozen(kw_only=True)
class AtAGlance:
    """The report's first page of figures: the spine chart and what changed.

    ``improved``, ``worsened`` and ``watch`` hold only statistically supported statements
    (:func:`glance_findings`), in catalogue order; ``more`` says what a list left out.
    """

    chart: str
    chart_text: str
    counts: str
    improved: tuple[GlanceFinding, ...]
    worsened: tuple[GlanceFinding, ...]
    watch: tuple[GlanceFinding, ...]
    more: tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True)
class StatutoryRow:
    """One statutory function's year: the council's count and the catalogue's figures."""

    function: str
    count: str
    text: str
    figures: str
    source: str


@attrs.frozen(kw_only=True)
class CaseStudyView:
    """A case study as the report shows it, its indicators linked."""

    title: str
    text: str
    recommendations: str
    indicators: tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True)
class LearnRow:
    """One area this area could learn from, on one indicator (:func:`outcomes.learn_from`)."""

    indicator: str
    title: str
    anchor: str
    why: str
    value: str
    peer: str
    peer_value: str
    reason: str


@attrs.frozen(kw_only=True)
class AnnualReport:
    """The annual performance improvement report of one area for one period.

    Build it with :meth:`build`; render it with :func:`outcomes.render_report`. ``area``
    is the area's name as people read it (``areas.csv``'s ``name`` when ``areas`` is
    given, the same as the overview and scrutiny pages print); ``code`` is the area as the
    data and the file names know it.
    """

    area: str
    code: str
    slug: str
    period: Period
    previous_period: Period
    status: ReportStatus
    status_label: str
    family_group: str
    introduction: str
    signed_off: str
    headline: tuple[HeadlineRow, ...]
    headline_missing: tuple[str, ...]
    #: How costs are shown: ``real terms (2024-25 prices)`` or ``cash``.
    prices: str
    #: The data annex's file name, beside the report (``<area-slug>-<period>-data.html``).
    annex: str
    glance: AtAGlance
    #: Every indicator in full, in catalogue order: the data annex.
    indicators: tuple[IndicatorDetail, ...]
    learning: tuple[LearnRow, ...]
    learning_missing: tuple[str, ...]
    governance: Part
    landscape: Part
    statutory: Part
    statutory_functions: tuple[StatutoryRow, ...]
    service_delivery: tuple[Part, ...]
    public_protection: Part
    resources: Part
    workforce: Part
    voice: Part
    case_studies: tuple[CaseStudyView, ...]
    case_studies_missing: tuple[str, ...]
    achievements: Part
    self_assessment: tuple[RecommendationAssessment, ...]
    self_assessment_missing: tuple[str, ...]
    returns: tuple[Part, ...]
    plans: tuple[PlanRow, ...]
    previous_plans: tuple[PreviousPlanRow, ...]
    plans_missing: tuple[str, ...]
    peer_assessment: PeerAnnex
    methods: MethodsAnnex
    burden: BurdenAnnex
    symbols: tuple[tuple[str, str], ...]

    @classmethod
    def build(
        cls,
        results: Results,
        area: str,
        period: str | Period,
        *,
        assessment: Assessment | None = None,
        areas: Areas | None = None,
        burden: Burden | None = None,
        suppress_below: int | None = None,
    ) -> AnnualReport:
        """Assemble the report of ``area`` for ``period`` from computed results.

        Figures are taken from ``results.published(suppress_below)``, so small counts are
        suppressed as they would be on publication. Missing inputs (no assessment, no
        burden) leave their sections in place, saying what is missing.

        >>> report = AnnualReport.build(results, "Fife", "2024-25")  # doctest: +SKIP
        >>> report.headline[0].direction.word  # doctest: +SKIP
        'improved'
        """
        year = period if isinstance(period, Period) else parse_period(period)
        lookup = results.published(suppress_below).lookup()
        _check_period(lookup, year)
        if area not in lookup.areas:
            from outcomes.core._suggest import did_you_mean
            from outcomes.errors import DataProblem, DataProblemRow, ValidationError

            raise ValidationError(
                (
                    DataProblemRow(
                        file="results",
                        area=area,
                        period=year.label,
                        problem=DataProblem.UNKNOWN_AREA,
                        hint=did_you_mean(area, lookup.areas),
                    ),
                )
            )
        if assessment is not None and (assessment.area, assessment.period) != (area, year.label):
            from outcomes.errors import AssessmentError, AssessmentProblem, AssessmentProblemRow

            raise AssessmentError(
                (
                    AssessmentProblemRow(
                        file=f"the assessment of {assessment.area} for {assessment.period}",
                        key="period" if assessment.area == area else "area",
                        problem=AssessmentProblem.BAD_VALUE,
                        message=f"the report is {area}'s for {year.label}",
                        hint="give the assessment file of the same area and year",
                    ),
                )
            )
        group = results.family_groups.get(area, "")
        if areas is not None and not group:
            group = areas.family_group_of.get(area, "")
        published = results.published(suppress_below)
        claims = check_claims(assessment, published, year) if assessment is not None else None
        if claims is not None and assessment is not None:
            claims.require_answered(assessment.status)
        names = (dict(zip(areas.frame["area"], areas.frame["name"], strict=True))
                 if areas is not None else {})  # fmt: skip
        comments = dict(assessment.commentary) if assessment else {}
        figures = _AreaFigures(lookup=lookup, area=area, group=group, year=year, names=names,
                               commentary=comments,
                               latest=published.latest_periods(year))  # fmt: skip
        learning = _learning(published, figures, areas)
        shown = learning[:LEARN_INDICATORS]
        more = (
            f"{len(learning) - len(shown)} more indicators have an area to learn from: "
            f"outcomes learn --area {area} --period {year.label} lists them all."
        )
        none = (
            f"No indicator of {area} that worsened, sits in the bottom quartile or is "
            "worse than Scotland has an area that does clearly better."
        )
        return attrs.evolve(
            _Builder(figures, assessment, burden, claims).build(), learning=shown,
            prices=results.prices,
            learning_missing=(none,) if not learning else (more,) if learning[len(shown):]
            else (),
        )  # fmt: skip


#: Areas suggested per indicator, and indicators shown, in the report's "whom to learn
#: from" (``outcomes learn`` lists them all).
LEARN_PER_INDICATOR, LEARN_INDICATORS = 1, 10
#: Why an indicator is flagged, most pressing first: the order of the report's list.
_LEARN_ORDER = ("worsened and bottom quartile", "worsened", "bottom quartile",
                "worse than Scotland")  # fmt: skip


def _learning(
    published: Results, figures: _AreaFigures, areas: Areas | None
) -> tuple[LearnRow, ...]:
    """Whom the area could learn from, from the published figures: the indicators with
    someone to suggest, each with up to :data:`LEARN_PER_INDICATOR` areas."""
    from outcomes.errors import NoResultsError
    from outcomes.results._learning import learn_from

    try:
        suggestions = learn_from(published, figures.area, figures.year, areas=areas,
                                 limit=LEARN_PER_INDICATOR)  # fmt: skip
    except NoResultsError:  # only calendar-year figures for the year: nothing to compare
        return ()
    catalogue = figures.lookup.catalogue
    rows = []
    for row in Cells(suggestions.frame):
        peer = row.text("learn_from_area")
        if not peer or row.text("indicator") not in catalogue:
            continue
        indicator = catalogue[row.text("indicator")]
        rows.append(LearnRow(
            indicator=indicator.id, title=indicator.title,
            anchor=figures.detail(indicator).anchor, why=row.text("why"),
            value=format_value(row.number("area_value"), indicator), peer=figures.name(peer),
            peer_value=format_value(row.number("learn_from_value"), indicator),
            reason=row.text("learn_from_reason"),
        ))  # fmt: skip
    # Most pressing first, then in catalogue order.
    position = {indicator: k for k, indicator in enumerate(catalogue.ids)}
    rows.sort(key=lambda row: (_LEARN_ORDER.index(row.why) if row.why in _LEARN_ORDER
                               else len(_LEARN_ORDER), position[row.indicator]))  # fmt: skip
    return tuple(rows)


def annex_name(slug: str, period: Period | str) -> str:
    """The data annex's file name, beside the report: ``<area-slug>-<period>-data.html``."""
    return f"{slug}-{period}-data.html"


def _check_period(lookup: ResultLookup, year: Period) -> None:
    """Fail early when the results hold nothing for the report's year."""
    present = {period.label for period in lookup.periods()}
    if not {year.label, str(year.first_year)} & present:
        from outcomes.errors import NoResultsError

        split_years = [p for p in lookup.periods() if p.type is not PeriodType.CALENDAR_YEAR]
        raise NoResultsError(
            f"the results hold no data for {year.label}"
            + (f"; the latest year is {max(split_years).label}" if split_years else "")
        )


# ---------------------------------------------------------------------------------------
# One area's figures, indicator by indicator


def _number(row: ResultRow | None) -> float | None:
    return None if row is None else row.value


def _ranked_figures(
    entries: Sequence[ResultRow], indicator: Indicator
) -> tuple[tuple[str, str, str], ...]:
    """Rank, value and interval of each ranked area as the report prints them: the same in
    every area's report, so made once per batch (:meth:`ResultLookup.shared`)."""
    return tuple(
        (
            str(row.rank) if row.rank is not None else str(position),
            format_value(row.value, indicator),
            format_interval(row.lower, row.upper, indicator),
        )
        for position, row in enumerate(entries, start=1)
    )


@attrs.define
class _AreaFigures:
    """What the report shows of one indicator for one area: headline, trend and ranks.

    Each indicator's detail is made once, however many sections and plans refer to it. One
    class because the headline, the trend, the ranking and the methods annex all read the
    same rows (the area's, Scotland's and its family group's) over the same five periods.
    """

    lookup: ResultLookup
    area: str
    group: str
    year: Period
    #: Each area's name as people read it (``areas.csv``'s ``name``); the code otherwise.
    names: Mapping[str, str] = attrs.field(factory=dict)
    #: The council's comments by indicator id (the assessment's ``[commentary]``).
    commentary: Mapping[str, str] = attrs.field(factory=dict)
    #: Each indicator's latest published period as of ``year`` (Results.latest_periods):
    #: a two-yearly survey's last survey year, a lagged figure's year.
    latest: Mapping[str, Period | None] = attrs.field(factory=dict)
    details: dict[str, IndicatorDetail] = attrs.field(factory=dict)
    shown_periods: dict[str, tuple[Period, ...]] = attrs.field(factory=dict)

    def name(self, area: str | None = None) -> str:
        """The name of ``area`` (default: the report's), as the overview prints it."""
        code = self.area if area is None else area
        return self.names.get(code) or code

    def periods(self, indicator: Indicator) -> tuple[Period, ...]:
        """The indicator's five periods up to its latest published one, in its own kind of
        year and rhythm: the report's year for most; for a two-yearly survey its last five
        survey years, for a lagged figure the five years up to ``year`` less its lag.

        A calendar-year indicator reports the calendar year in which the year starts.
        """
        if indicator.id not in self.shown_periods:
            last = self.latest.get(indicator.id) or self.year.in_type(
                indicator.period_type
            ).shifted(-indicator.lag)
            step = indicator.frequency.step
            self.shown_periods[indicator.id] = tuple(
                last.shifted(step * k) for k in range(1 - YEARS, 1)
            )
        return self.shown_periods[indicator.id]

    def latest_note(self, indicator: Indicator) -> str:
        """``latest published: 2023-24`` when the indicator's latest period is not the
        report's year (two-yearly or lagged), else empty."""
        shown = self.periods(indicator)[-1]
        if shown == self.year.in_type(indicator.period_type):
            return ""
        return f"latest published: {shown}"

    def row(self, indicator: Indicator, area: str | None = None) -> ResultRow | None:
        """The row of ``area`` (default: the report's) in the indicator's latest period."""
        return self.lookup.row(indicator.id, area or self.area, self.periods(indicator)[-1])

    def series(
        self, indicator: Indicator, area: str, value: Callable[[ResultRow], float | None]
    ) -> list[float | None]:
        rows = self.lookup.series(indicator.id, area, self.periods(indicator))
        return [None if row is None else value(row) for row in rows]

    def direction_of(self, indicator_id: str) -> Direction:
        catalogue = self.lookup.catalogue
        if indicator_id not in catalogue:
            return Direction.NOT_COMPARABLE
        row = self.row(catalogue[indicator_id])
        return Direction.NOT_COMPARABLE if row is None else row.direction

    def detail(self, indicator: Indicator) -> IndicatorDetail:
        if indicator.id not in self.details:
            anchor = f"indicator-{slug(indicator.id)}"
            values = self.series(indicator, self.area, _value)
            comment = self.commentary.get(indicator.id, "")
            self.details[indicator.id] = IndicatorDetail(
                id=indicator.id,
                anchor=anchor,
                title=indicator.title,
                description=indicator.description,
                unit=indicator.unit,
                polarity=indicator.polarity.label,
                source=indicator.source,
                headline=self.headline(indicator, anchor, values),
                **self.trend(indicator, anchor, values),
                **self.ranking(indicator, anchor),
                commentary=comment,
                notable=notable_reasons(self.row(indicator), comment),
            )
        return self.details[indicator.id]

    def headline(
        self, indicator: Indicator, anchor: str, values: list[float | None]
    ) -> HeadlineRow:
        periods = self.periods(indicator)
        row = self.lookup.row(indicator.id, self.area, periods[-1])
        previous = self.lookup.row(indicator.id, self.area, periods[-2])
        suppressed = row is not None and row.suppressed
        shown = _number(row)
        change = format_change(
            None if row is None else row.change, indicator, suppressed=suppressed, value=shown
        )
        low = None if row is None or suppressed else row.change_lower
        high = None if row is None or suppressed else row.change_upper
        if low is not None and high is not None:
            change += f" ({format_change_interval(low, high, indicator, value=shown)})"
        spark_text = f"{indicator.title}: five-year values " + ", ".join(
            format_value(v, indicator) for v in values
        )
        ranked = row is not None and row.rank is not None and row.rank_of is not None
        this_year, last_year = _shown(row, indicator), _shown(previous, indicator)
        note = self.latest_note(indicator)
        if note:
            # Not the report's year: say which figures these are and what the change is since.
            this_year += f" ({note})"
            last_year += f" ({periods[-2]})"
            if row is not None and row.change is not None:
                change += f" since {periods[-2]}"
        return HeadlineRow(
            indicator=indicator.id,
            title=indicator.title,
            anchor=anchor,
            this_year=this_year,
            last_year=last_year,
            change=change,
            direction=Direction.NOT_COMPARABLE if row is None else row.direction,
            vs_scotland=(Comparison.NOT_COMPARED if row is None else row.vs_scotland).word,
            vs_family_group=(Comparison.NOT_COMPARED if row is None else row.vs_family_group).word,
            rank=f"{row.rank} of {row.rank_of}" if row is not None and ranked else "",
            trend=self.trend_words(indicator, row),
            sparkline=_figures.sparkline(values=values, label=spark_text),
            sparkline_text=spark_text,
            suppressed=suppressed,
        )

    def trend_words(self, indicator: Indicator, row: ResultRow | None) -> str:
        """The five-year trend in words, saying why when there is no test."""
        if row is not None and row.suppressed:
            return "suppressed"
        if indicator.measure is Measure.ESTIMATE:
            return "not tested (published estimates)"
        if not sampled(indicator, self.lookup.catalogue.items):
            return "not tested (not a sample)"
        trend = None if row is None else row.trend
        return (trend or Trend.NOT_ENOUGH_DATA).word

    def trend(
        self, indicator: Indicator, anchor: str, values: list[float | None]
    ) -> dict[str, Any]:
        group_area = family_group_area(self.group) if self.group else ""
        scotland = self.series(indicator, SCOTLAND, _value)
        family = self.series(indicator, group_area, _value) if group_area else None
        lower = self.series(indicator, self.area, _lower)
        upper = self.series(indicator, self.area, _upper)
        periods = self.periods(indicator)
        rows = self.lookup.series(indicator.id, self.area, periods)
        # Scotland's and the family group's figures are the same in every member's report.
        scotland_shown = self.lookup.shared(
            ("shown", indicator, SCOTLAND, periods),
            lambda: [format_value(value, indicator) for value in scotland],
        )
        family_shown = (
            self.lookup.shared(
                ("shown", indicator, group_area, periods),
                lambda: [format_value(value, indicator) for value in family or ()],
            )
            if family
            else [""] * len(periods)
        )
        years = tuple(
            YearRow(
                period=period,
                value=format_value(
                    values[k], indicator, suppressed=row is not None and row.suppressed
                ),
                interval=format_interval(lower[k], upper[k], indicator),
                scotland=scotland_shown[k],
                family_group=family_shown[k],
                note="" if row is None else row.note,
            )
            for k, (period, row) in enumerate(zip(periods, rows, strict=True))
        )
        text = (
            f"{indicator.title} in {self.name()}, {periods[0]} to {periods[-1]}, with Scotland"
            + (f" and the {self.group} family group" if family else "")
            + ". The table below gives the values."
        )
        chart = _figures.trend_chart(
            chart_id=f"{anchor}-trend",
            title=f"{indicator.title}: {self.name()}, five years",
            description=text,
            periods=[period.label for period in periods],
            values=values,
            lower=lower,
            upper=upper,
            area_label=self.name(),
            scotland=scotland,
            family_group=family,
            family_group_label=self.group or "Family group",
            unit=indicator.unit,
            tick_format=functools.partial(tick_label, indicator=indicator),
        )
        return {"years": years, "trend_chart": chart, "trend_text": text}

    def ranking(self, indicator: Indicator, anchor: str) -> dict[str, Any]:
        period = self.periods(indicator)[-1]
        entries = self.lookup.ranked(indicator, period)
        scotland = _number(self.lookup.row(indicator.id, SCOTLAND, period))
        ranks = tuple(
            RankRow(rank=rank, area=self.name(row.area), value=value, interval=interval,
                    highlighted=row.area == self.area)
            for row, (rank, value, interval) in zip(
                entries, self.lookup.shared(("ranks", indicator, period),
                                            lambda: _ranked_figures(entries, indicator)),
                strict=True,
            )
        )  # fmt: skip
        this = next((r for r in ranks if r.highlighted), None)
        neutral = indicator.polarity is Polarity.NEUTRAL
        if this is None:
            text = f"{indicator.title}, {period}: {self.name()} has no published value to rank."
        else:
            text = (
                f"{indicator.title}, {period}: {len(ranks)} areas ordered "
                + ("best first" if not neutral else "from highest")
                + f"; {self.name()} is {this.value}"
                + (f", ranked {this.rank} of {len(ranks)}" if not neutral else "")
                + f"; Scotland is {format_value(scotland, indicator)}."
            )
        chart = _figures.rank_chart(
            chart_id=f"{anchor}-rank",
            title=f"{indicator.title}: all areas, {period}",
            description=text,
            areas=[self.name(row.area) for row in entries],
            values=[row.value for row in entries],
            lower=[row.lower for row in entries],
            upper=[row.upper for row in entries],
            highlight=self.name(),
            scotland=scotland,
            unit=indicator.unit,
            tick_format=functools.partial(tick_label, indicator=indicator),
            higher_is_better=None if neutral else indicator.polarity is Polarity.HIGHER_IS_BETTER,
        )
        return {"ranks": ranks, "rank_chart": chart, "rank_text": text}

    def glance(self, indicators: Sequence[Indicator]) -> AtAGlance:
        """The spine chart of ``indicators`` and the statements of what changed."""
        labels, values, scotland, ranges, better, texts, words = [], [], [], [], [], [], []
        improved: list[GlanceFinding] = []
        worsened: list[GlanceFinding] = []
        watch: list[GlanceFinding] = []
        compared: dict[Comparison, int] = {}
        for indicator in indicators:
            row = self.row(indicator)
            period = self.periods(indicator)[-1]
            scotland_row = self.lookup.row(indicator.id, SCOTLAND, period)
            comparison = Comparison.NOT_COMPARED if row is None else row.vs_scotland
            compared[comparison] = compared.get(comparison, 0) + 1
            labels.append(f"{indicator.id} {indicator.title}")
            values.append(None if row is None or row.suppressed else row.value)
            # A count's Scotland figure is the national total, not on the areas' scale.
            scotland.append(None if indicator.measure is Measure.COUNT else _number(scotland_row))
            ranked = self.lookup.ranked(indicator, period)
            ranges.append(self.lookup.shared(("quartiles", indicator, period),
                                             functools.partial(_quartiles, ranked)))  # fmt: skip
            better.append(None if indicator.polarity is Polarity.NEUTRAL
                          else indicator.polarity is Polarity.HIGHER_IS_BETTER)  # fmt: skip
            texts.append(_shown(row, indicator))
            words.append(f"{comparison.symbol} {comparison.word}")
            for target, words_of in ((improved, _improved), (worsened, _worsened),
                                     (watch, _watch)):  # fmt: skip
                said = words_of(row, indicator) if row is not None and not row.suppressed else ""
                if said:
                    detail = self.detail(indicator)
                    target.append(GlanceFinding(indicator=indicator.id, title=indicator.title,
                                                anchor=detail.anchor, words=said))  # fmt: skip
        order = (Comparison.BETTER, Comparison.SIMILAR, Comparison.WORSE, Comparison.HIGHER,
                 Comparison.LOWER, Comparison.NOT_COMPARED)  # fmt: skip
        counts = "; ".join(f"{compared[c]} {c.word}" for c in order if compared.get(c))
        text = (
            f"{len(labels)} headline indicators of {self.name()}, {self.year}, each against "
            f"the range of all areas, turned so that right is better. Compared with "
            f"Scotland: {counts}."
        )
        chart = _figures.spine_chart(
            chart_id="glance-spine", title=f"{self.name()} at a glance, {self.year}",
            description=text, labels=labels, values=values, scotland=scotland, ranges=ranges,
            higher_is_better=better, value_texts=texts, words=words,
        )  # fmt: skip
        more = tuple(
            (name, ", ".join(f.indicator for f in found[GLANCE_LIST:]))
            for name, found in (("improved", improved), ("worsened", worsened), ("watch", watch))
            if len(found) > GLANCE_LIST
        )
        return AtAGlance(chart=chart, chart_text=text, counts=counts,
                         improved=tuple(improved[:GLANCE_LIST]),
                         worsened=tuple(worsened[:GLANCE_LIST]),
                         watch=tuple(watch[:GLANCE_LIST]), more=more)  # fmt: skip

    def statutory(self, records: Mapping[StatutoryFunction, StatutoryRecord]) -> tuple[
            StatutoryRow, ...]:  # fmt: skip
        """One row per statutory function: the council's count, and the catalogue's counts
        (the numerators of :data:`STATUTORY_INDICATORS`) where it has any."""
        catalogue = self.lookup.catalogue
        rows = []
        for function in StatutoryFunction:
            record = records.get(function)
            figures, sources = [], []
            if record is not None and record.count is not None:
                sources.append("the council's assessment")
            for indicator_id in STATUTORY_INDICATORS.get(function, ()):
                if indicator_id not in catalogue:
                    continue
                indicator = catalogue[indicator_id]
                row = self.row(indicator)
                if row is None:
                    continue
                item = catalogue.items.get(indicator.numerator)
                what = item.title if item is not None else indicator.numerator
                count = (
                    "[c]"
                    if row.suppressed
                    else (
                        format_number(row.numerator)
                        if row.numerator is not None
                        else MISSING.symbol
                    )
                )
                figures.append(f"{count}: {what} ({indicator.id}, {row.period})")
                national = item is not None and not item.from_council and item.publication
                sources.append(
                    item.publication
                    if national and item is not None
                    else f"the council's return ({indicator.id})"
                )
            rows.append(StatutoryRow(
                function=function.label,
                count="not given" if record is None or record.count is None
                else f"{record.count:,}",
                text="" if record is None else record.text,
                figures="; ".join(figures) or "none in the catalogue",
                source="; ".join(sources) or "none given",
            ))  # fmt: skip
        return tuple(rows)

    def methods(self, indicators: Sequence[Indicator]) -> MethodsAnnex:
        items = self.lookup.catalogue.items
        definitions = tuple(
            DefinitionRow(
                id=i.id,
                title=i.title,
                numerator=items[i.numerator].title if i.numerator in items else i.numerator,
                denominator=(
                    items[i.denominator].title if i.denominator in items else i.denominator
                )
                if i.denominator
                else "",
                multiplier=i.multiplier_text,
                interval=interval_method(i, items),
                source=i.source,
            )
            for i in indicators
        )
        suppressed, missing, notes = [], [], []
        for i in indicators:
            for period in self.periods(i):
                row = self.lookup.row(i.id, self.area, period)
                if row is None:
                    missing.append(QualityRow(indicator=i.id, period=period, issue="no data"))
                    continue
                if row.suppressed:
                    suppressed.append(
                        QualityRow(indicator=i.id, period=period, issue="suppressed (small count)")
                    )
                elif row.value is None:
                    missing.append(
                        QualityRow(
                            indicator=i.id,
                            period=period,
                            issue="no value: " + (row.note or "not available"),
                        )
                    )
                if row.note:
                    notes.append(QualityRow(indicator=i.id, period=period, issue=row.note))
        return MethodsAnnex(
            definitions=definitions,
            methods=METHODS,
            suppressed=tuple(suppressed),
            missing=tuple(missing),
            notes=tuple(notes),
        )


def _value(row: ResultRow) -> float | None:
    return row.value


_MOVES = frozenset({Direction.IMPROVED, Direction.WORSENED, Direction.INCREASED,
                    Direction.DECREASED})  # fmt: skip
_TRENDS = frozenset({Trend.IMPROVING, Trend.WORSENING, Trend.INCREASING, Trend.DECREASING})
_DIFFERENT = frozenset({Comparison.BETTER, Comparison.WORSE, Comparison.HIGHER,
                        Comparison.LOWER})  # fmt: skip


def notable_reasons(row: ResultRow | None, commentary: str = "") -> tuple[str, ...]:
    """Why an indicator is shown in full in the report, in words; empty when it is not.

    Notable: a significant change since last year, a significant five-year trend, a value
    significantly different from Scotland's, or a comment of the council's. An untested
    change (a cost, a count: not a sample) is not significant, so it alone is not notable.
    """
    reasons = []
    if row is not None and not row.suppressed:
        if row.change_significant is True and row.direction in _MOVES:
            since = f" since {row.previous_period}" if row.previous_period else ""
            reasons.append(f"{row.direction.word} significantly{since}")
        if row.trend in _TRENDS:
            reasons.append(f"{row.trend.word} over five years")
        if row.vs_scotland in _DIFFERENT:
            reasons.append(f"{row.vs_scotland.word} than Scotland")
    if commentary:
        reasons.append("commented on by the council")
    return tuple(reasons)


#: Statements per list on the at-a-glance page; the rest are named in one line.
GLANCE_LIST = 3


def _quartiles(ranked: Sequence[ResultRow]) -> tuple[float, float, float, float] | None:
    """Lowest, lower quartile, upper quartile and highest of the areas' published values
    (numpy's linear rule)."""
    values = [row.value for row in ranked if row.value is not None and not row.suppressed]
    if not values:
        return None
    import numpy as np

    low, first, third, high = np.percentile(np.asarray(values, dtype=float), [0, 25, 75, 100])
    return float(low), float(first), float(third), float(high)


def _moved(row: ResultRow, direction: Direction, trend: Trend) -> str:
    said = []
    if row.change_significant is True and row.direction is direction:
        since = f" since {row.previous_period}" if row.previous_period else ""
        said.append(f"{direction.word} significantly{since}")
    if row.trend is trend:
        said.append(f"{trend.word} over five years")
    return " and ".join(said)


def _improved(row: ResultRow, indicator: Indicator) -> str:
    return _moved(row, Direction.IMPROVED, Trend.IMPROVING)


def _worsened(row: ResultRow, indicator: Indicator) -> str:
    return _moved(row, Direction.WORSENED, Trend.WORSENING)


def _watch(row: ResultRow, indicator: Indicator) -> str:
    """Significantly worse than Scotland without having worsened, or a significant move of
    an indicator with no better direction."""
    if row.vs_scotland is Comparison.WORSE and not _worsened(row, indicator):
        return "significantly worse than Scotland"
    if indicator.polarity is Polarity.NEUTRAL:
        return _moved(row, Direction.INCREASED, Trend.INCREASING) or _moved(
            row, Direction.DECREASED, Trend.DECREASING
        )
    return ""


def _lower(row: ResultRow) -> float | None:
    return row.lower


def _upper(row: ResultRow) -> float | None:
    return row.upper


def _shown(row: ResultRow | None, indicator: Indicator) -> str:
    """A value as shown in the headline: ``[x]`` when there is no row, ``[c]`` when hidden."""
    if row is None:
        return format_value(None, indicator)
    return format_value(row.value, indicator, suppressed=row.suppressed)


# ---------------------------------------------------------------------------------------
# The report's sections


class _Builder:
    """Assembles the report's sections around one area's figures.

    One class because every section reads the same assessment (narrative, return sections,
    plans, peer assessment) and says the same thing when it is missing.
    """

    def __init__(
        self,
        figures: _AreaFigures,
        assessment: Assessment | None,
        burden: Burden | None,
        claims: Claims | None = None,
    ) -> None:
        self.figures = figures
        self.assessment = assessment
        self.burden = burden
        self.claims = claims

    def build(self) -> AnnualReport:
        catalogue = self.figures.lookup.catalogue
        indicators = list(catalogue)
        groups = _group_indicators(indicators)
        assessment = self.assessment
        narrative = dict(assessment.narrative) if assessment else {}
        no_assessment = (
            "No assessment file was given, so the CSWO's narrative, the self-assessment, "
            "plans and peer assessment are missing from this report."
        )

        def part(
            key: str,
            title: str,
            members: Sequence[Indicator],
            *,
            section: ReturnSection | None = None,
            narrative_key: str | None = None,
        ) -> Part:
            missing: list[str] = []
            if assessment is None:
                missing.append(no_assessment)
            elif narrative_key and not narrative.get(narrative_key):
                missing.append(f"The assessment gives no narrative for {title.lower()}.")
            if not members and not key.startswith("return-"):
                missing.append(f"The indicator catalogue has no indicators for {title.lower()}.")
            strengths: tuple[Linked, ...] = ()
            priorities: tuple[Linked, ...] = ()
            not_provided = ""
            if section is not None and assessment is not None:
                given = assessment.section(section)
                if given is None:
                    missing.append(f"The self-assessment return has no {title.lower()} section.")
                elif not given.provided:
                    not_provided = given.reason
                else:
                    strengths = linked(given.strengths, self.claims)
                    priorities = linked(given.priorities, self.claims)
            details = [self.figures.detail(i) for i in members]
            return Part(
                key=key,
                title=title,
                narrative=narrative.get(narrative_key or "", ""),
                missing=tuple(missing),
                strengths=strengths,
                priorities=priorities,
                indicators=tuple(d for d in details if d.notable),
                not_provided=not_provided,
                compact=tuple(d.headline for d in details if not d.notable),
            )

        def told(key: str, title: str, what: str) -> Part:
            """A section of the CSWO's words only."""
            missing = (
                (no_assessment,)
                if assessment is None
                else (
                    ()
                    if narrative.get(key)
                    else (f"The assessment gives no narrative for {what}.",)
                )
            )
            return Part(key=key, title=title, narrative=narrative.get(key, ""),
                        missing=missing)  # fmt: skip

        delivery = tuple(
            part(
                str(branch),
                ReturnSection(str(branch)).label,
                groups[str(branch)],
                section=ReturnSection(str(branch)),
            )
            for branch in (Branch.CHILDREN_FAMILIES, Branch.COMMUNITY_CARE, Branch.CRIMINAL_JUSTICE)
        )
        headline = tuple(self.figures.detail(i).headline for i in indicators)
        records = {r.function: r for r in assessment.statutory_functions} if assessment else {}
        studies = assessment.case_studies if assessment else ()
        voice = told("voice", "The voice of people who use services and carers",
                     "the voice of people who use services and carers")  # fmt: skip
        return AnnualReport(
            area=self.figures.name(),
            code=self.figures.area,
            slug=slug(self.figures.area),
            period=self.figures.year,
            previous_period=self.figures.year.previous(),
            status=assessment.status if assessment else ReportStatus.DRAFT,
            status_label=(assessment.status if assessment else ReportStatus.DRAFT).label,
            family_group=self.figures.group,
            introduction=narrative.get("introduction", ""),
            signed_off=sign_off_text(assessment.sign_off)
            if assessment and assessment.sign_off
            else "",
            headline=headline,
            headline_missing=() if headline else ("The catalogue has no indicators.",),
            prices="cash",  # set by AnnualReport.build, from the results
            annex=annex_name(slug(self.figures.area), self.figures.year),
            glance=self.figures.glance(indicators),
            indicators=tuple(self.figures.detail(i) for i in indicators),
            learning=(),  # filled in by AnnualReport.build, from the published figures
            learning_missing=(),
            governance=part(
                "governance",
                "Governance and accountability",
                groups["governance"],
                narrative_key="governance",
            ),
            landscape=told(
                "landscape", "Service delivery landscape", "the service delivery landscape"
            ),
            statutory=told(
                "statutory_functions", "Statutory functions and decisions", "statutory functions"
            ),
            statutory_functions=self.figures.statutory(records),
            service_delivery=delivery,
            public_protection=part(
                "public_protection",
                "Public protection",
                groups["public_protection"],
                narrative_key="public_protection",
            ),
            resources=part(
                "resources", "Resources", groups["resources"], narrative_key="resources"
            ),
            workforce=part(
                "workforce",
                "Workforce",
                groups["workforce"],
                section=ReturnSection.WHOLE_SERVICE,
                narrative_key="workforce",
            ),
            voice=attrs.evolve(
                voice,
                related=tuple(
                    self.figures.detail(catalogue[i]).headline for i in VOICE if i in catalogue
                ),
            ),
            case_studies=tuple(
                CaseStudyView(
                    title=study.title,
                    text=study.text,
                    recommendations=", ".join(map(str, study.recommendations)),
                    indicators=tuple((i, f"indicator-{slug(i)}") for i in study.indicators),
                )
                for study in studies
            ),
            case_studies_missing=(no_assessment,)
            if assessment is None
            else ()
            if studies
            else ("The assessment gives no case studies.",),
            achievements=Part(
                key="achievements",
                title="Achievements",
                narrative="",
                missing=(no_assessment,)
                if assessment is None
                else (
                    () if assessment.achievements else ("The assessment lists no achievements.",)
                ),
                strengths=linked(assessment.achievements, self.claims) if assessment else (),
            ),
            self_assessment=recommendations(assessment, catalogue),
            self_assessment_missing=(no_assessment,)
            if assessment is None
            else (
                ()
                if assessment.self_assessment or assessment.sections
                else ("The assessment has no self-assessment answers or return sections.",)
            ),
            returns=tuple(
                part(f"return-{section}", section.label, (), section=section)
                for section in ReturnSection
            ),
            plans=plans(assessment, self.figures.direction_of),
            previous_plans=previous_plans(assessment, self.figures.direction_of, self.claims),
            plans_missing=plans_missing(assessment),
            peer_assessment=peer_annex(assessment, self.claims),
            methods=self.figures.methods(indicators),
            burden=burden_annex(self.burden, self.figures.area),
            symbols=tuple(
                (marker.symbol, marker.words) for marker in (SUPPRESSED, MISSING, NOT_APPLICABLE)
            ),
        )


def _group_indicators(indicators: Sequence[Indicator]) -> dict[str, list[Indicator]]:
    """Which report section shows each indicator (each indicator appears once)."""
    groups: dict[str, list[Indicator]] = {
        key: []
        for key in (
            "governance",
            "public_protection",
            "resources",
            "workforce",
            *(str(b) for b in Branch),
        )
    }
    for indicator in indicators:
        groups[report_section(indicator)].append(indicator)
    return groups


def report_section(indicator: Indicator) -> str:
    """The part of the annual report that shows ``indicator``: its branch, or public
    protection (:data:`PUBLIC_PROTECTION`), resources (costs), workforce or governance (the
    whole service's indicators, by their recommendations)."""
    if indicator.id in PUBLIC_PROTECTION:
        return "public_protection"
    if indicator.measure is Measure.COST:
        return "resources"
    if indicator.branch is Branch.WHOLE_SERVICE:
        workforce = _WORKFORCE_RECOMMENDATIONS & set(indicator.recommendations)
        return "workforce" if workforce else "governance"
    return str(indicator.branch)
