"""The annual CSWO performance improvement report, assembled as typed data.

Building the report (numbers, words, flags, charts) is kept apart from rendering it, as
great_tables does: :meth:`AnnualReport.build` gives a plain frozen object that tests can
inspect without HTML, and :mod:`outcomes._render` turns it into HTML, Markdown or PDF
with the Jinja2 templates of ``report_templates/``. The structure follows DESIGN.md §4.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from outcomes import _figures
from outcomes._assessment import (
    Assessment,
    PlanProgress,
    ReportStatus,
    grade_label,
    load_prompts,
)
from outcomes._data import SCOTLAND
from outcomes._format import (
    MISSING,
    NOT_APPLICABLE,
    SUPPRESSED,
    comparison_marker,
    direction_marker,
    format_change,
    format_change_interval,
    format_interval,
    format_value,
    trend_marker,
)
from outcomes._io import slug
from outcomes._periods import parse_period
from outcomes._recommendations import load_recommendations
from outcomes._vocabulary import Branch, Measure, PeriodType, Polarity, ReturnSection

if TYPE_CHECKING:
    from outcomes._burden import Burden
    from outcomes._catalogue import Catalogue, Indicator
    from outcomes._data import Areas
    from outcomes._results import Results

__all__ = ["PUBLIC_PROTECTION", "AnnualReport"]

#: Indicators reported under public protection rather than their branch.
PUBLIC_PROTECTION = ("CF01", "CF02", "CHN22", "CC02", "CC03")
#: Years shown in trend charts and tables.
YEARS = 5
_WORKFORCE_RECOMMENDATIONS = frozenset({7, 8, 9})

_SECTION_TITLES = {
    ReturnSection.CHILDREN_FAMILIES: "Children and families",
    ReturnSection.COMMUNITY_CARE: "Community care",
    ReturnSection.CRIMINAL_JUSTICE: "Criminal justice",
    ReturnSection.WHOLE_SERVICE: "The whole service",
    ReturnSection.NATIONAL_PRIORITIES: "Priorities for national change programmes",
}
_PROGRESS_WORDS = {
    PlanProgress.COMPLETE: "complete",
    PlanProgress.ON_TRACK: "on track",
    PlanProgress.DELAYED: "delayed",
    PlanProgress.DROPPED: "dropped",
    PlanProgress.NOT_REPORTED: "not reported",
}
_STATUS_WORDS = {
    ReportStatus.DRAFT: "Draft",
    ReportStatus.PEER_ASSESSED: "Peer assessed",
    ReportStatus.PUBLISHED: "Published",
}


# ---------------------------------------------------------------------------------------
# The report's parts: plain, frozen, typed


@attrs.frozen(kw_only=True)
class Direction:
    """A direction of change as a code, a symbol and a word (never colour alone)."""

    code: str
    symbol: str
    word: str


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

    period: str
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


@attrs.frozen(kw_only=True)
class Linked:
    """A strength, priority or achievement with its links, as words."""

    text: str
    recommendations: str
    indicators: str


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
    indicators: tuple[IndicatorDetail, ...] = ()
    not_provided: str = ""


@attrs.frozen(kw_only=True)
class RecommendationAssessment:
    """The self-assessment against one recommendation."""

    number: int
    title: str
    short_title: str
    evidence: str
    answers: tuple[tuple[str, str, str], ...]
    strengths: tuple[Linked, ...]
    priorities: tuple[Linked, ...]
    indicators: str


@attrs.frozen(kw_only=True)
class PlanRow:
    """A plan for the coming year, with where its indicators stand now."""

    id: str
    action: str
    owner: str
    due: str
    recommendations: str
    expected: str
    #: (indicator id, anchor in the report, its direction this year)
    indicators: tuple[tuple[str, str, Direction], ...]


@attrs.frozen(kw_only=True)
class PreviousPlanRow:
    """Last year's plan: how it went, and whether its indicators moved as expected."""

    id: str
    action: str
    owner: str
    due: str
    progress: str
    comment: str
    expected: str
    moves: tuple[tuple[str, Direction, str], ...]
    verdict: str


@attrs.frozen(kw_only=True)
class PeerJudgementRow:
    section: str
    grade: int
    label: str
    evidence: str


@attrs.frozen(kw_only=True)
class PeerActionRow:
    action: str
    owner: str
    due: str
    section: str
    recommendations: str


@attrs.frozen(kw_only=True)
class PeerAnnex:
    """The peer assessment annex; ``missing`` says what is absent."""

    missing: tuple[str, ...]
    peer_area: str = ""
    peer_name: str = ""
    dates: str = ""
    documents: tuple[str, ...] = ()
    people_met: tuple[str, ...] = ()
    data_examined: tuple[str, ...] = ()
    judgements: tuple[PeerJudgementRow, ...] = ()
    strengths: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    actions: tuple[PeerActionRow, ...] = ()
    area_sign_off: str = ""
    peer_sign_off: str = ""


@attrs.frozen(kw_only=True)
class DefinitionRow:
    id: str
    title: str
    numerator: str
    denominator: str
    multiplier: str
    interval: str
    source: str


@attrs.frozen(kw_only=True)
class QualityRow:
    indicator: str
    period: str
    issue: str


@attrs.frozen(kw_only=True)
class MethodsAnnex:
    """Definitions, methods, and the data quality of this area's figures."""

    definitions: tuple[DefinitionRow, ...]
    methods: tuple[tuple[str, str], ...]
    suppressed: tuple[QualityRow, ...]
    missing: tuple[QualityRow, ...]
    notes: tuple[QualityRow, ...]


@attrs.frozen(kw_only=True)
class BurdenAnnex:
    """What the minimal dataset asked of this area."""

    missing: tuple[str, ...]
    item_count: int = 0
    indicator_count: int = 0
    cells: tuple[tuple[str, int, int, int], ...] = ()
    unused_items: tuple[str, ...] = ()
    single_use_items: tuple[tuple[str, str], ...] = ()
    duplicate_indicators: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class AnnualReport:
    """The annual performance improvement report of one area for one period.

    Build it with :meth:`build`; render it with :func:`outcomes.render_report`.
    """

    area: str
    slug: str
    period: str
    previous_period: str
    status: ReportStatus
    status_label: str
    family_group: str
    introduction: str
    signed_off: str
    headline: tuple[HeadlineRow, ...]
    headline_missing: tuple[str, ...]
    governance: Part
    service_delivery: tuple[Part, ...]
    public_protection: Part
    resources: Part
    workforce: Part
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
        period: str,
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
        index = _index(results, period, suppress_below)
        if area not in index.areas:
            from outcomes._errors import ValidationError
            from outcomes._problems import DataProblem, DataProblemRow
            from outcomes._suggest import did_you_mean

            raise ValidationError(
                (
                    DataProblemRow(
                        file="results",
                        area=area,
                        period=period,
                        problem=DataProblem.UNKNOWN_AREA,
                        hint=did_you_mean(area, index.areas),
                    ),
                )
            )
        return _Builder(index, area, assessment, areas, burden).build()


# ---------------------------------------------------------------------------------------
# Indexing the results once, for every report of a period


Row = Mapping[str, Any]


@attrs.frozen(kw_only=True)
class _Index:
    results: Results
    period: str
    catalogue: Catalogue
    rows: Mapping[tuple[str, str], Mapping[str, Row]]
    areas: tuple[str, ...]
    family_groups: Mapping[str, str]
    #: Rankings by (indicator, period), filled as reports are built.
    rankings: dict[tuple[str, str], _Ranking] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class _Ranking:
    entries: tuple[tuple[str, Row], ...]
    rows: tuple[RankRow, ...]


_LAST: list[tuple[Results, str, int | None, _Index]] = []


def _index(results: Results, period: str, suppress_below: int | None) -> _Index:
    """Rows by (indicator, area) then period; the last index is reused for a batch."""
    for cached, cached_period, cached_below, index in _LAST:
        if cached is results and cached_period == period and cached_below == suppress_below:
            return index
    parse_period(period)  # a bad label fails here, before any work
    frame = results.published(suppress_below).frame
    rows: dict[tuple[str, str], dict[str, Row]] = {}
    records: list[Row] = frame.to_dict("records")  # type: ignore[assignment]
    for row in records:
        rows.setdefault((row["indicator"], row["area"]), {})[row["period"]] = row
    names = sorted({a for (_, a) in rows if a != SCOTLAND and not a.startswith("family_group:")})
    index = _Index(
        results=results,
        period=period,
        catalogue=results.catalogue,
        rows=rows,
        areas=tuple(names),
        family_groups=dict(results.family_groups),
    )
    _LAST[:] = [(results, period, suppress_below, index)]
    return index


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _links(recommendations: Iterable[int], indicators: Iterable[str]) -> tuple[str, str]:
    return (
        ", ".join(str(number) for number in recommendations),
        ", ".join(indicators),
    )


def _linked(statements: Iterable[Any]) -> tuple[Linked, ...]:
    return tuple(
        Linked(text=s.text, recommendations=r, indicators=i)
        for s in statements
        for r, i in [_links(s.recommendations, s.indicators)]
    )


class _Builder:
    def __init__(
        self,
        index: _Index,
        area: str,
        assessment: Assessment | None,
        areas: Areas | None,
        burden: Burden | None,
    ) -> None:
        self.index = index
        self.area = area
        self.assessment = assessment
        self.burden = burden
        self.group = index.family_groups.get(area, "")
        if areas is not None and not self.group:
            self.group = areas.family_group_of.get(area, "")
        self.details: dict[str, IndicatorDetail] = {}

    # --- lookups ------------------------------------------------------------------------

    def row(self, indicator: str, area: str, period: str) -> Row | None:
        return self.index.rows.get((indicator, area), {}).get(period)

    def periods(self, indicator: Indicator) -> tuple[str, ...]:
        """The five years up to the report's period, labelled in the indicator's own years.

        A calendar-year indicator reports the calendar year in which the period starts.
        """
        first = parse_period(self.index.period).first_year
        kind = indicator.period_type
        return tuple(
            parse_period(f"{year}" if kind is PeriodType.CALENDAR_YEAR else
                         f"{year}-{(year + 1) % 100:02d}", kind).label
            for year in range(first - YEARS + 1, first + 1)
        )  # fmt: skip

    def series(self, indicator: Indicator, area: str, column: str = "value") -> list[float | None]:
        by_period = self.index.rows.get((indicator.id, area), {})
        return [
            _number(by_period[p][column]) if p in by_period else None
            for p in self.periods(indicator)
        ]

    # --- one indicator --------------------------------------------------------------------

    def detail(self, indicator: Indicator) -> IndicatorDetail:
        if indicator.id in self.details:
            return self.details[indicator.id]
        periods = self.periods(indicator)
        row = self.row(indicator.id, self.area, periods[-1]) or {}
        suppressed = bool(row.get("suppressed"))

        def value(r: Row | None) -> str:
            if r is None:
                return format_value(None, indicator)
            return format_value(
                _number(r.get("value")), indicator, suppressed=bool(r.get("suppressed"))
            )

        previous = self.row(indicator.id, self.area, periods[-2])
        direction = _direction(_text(row.get("direction")))
        change = format_change(_number(row.get("change")), indicator, suppressed=suppressed)
        low, high = _number(row.get("change_lower")), _number(row.get("change_upper"))
        if low is not None and high is not None and not suppressed:
            change += f" ({format_change_interval(low, high, indicator)})"
        rank = _number(row.get("rank"))
        rank_of = _number(row.get("rank_of"))
        anchor = f"indicator-{slug(indicator.id)}"
        values = self.series(indicator, self.area)
        spark_text = f"{indicator.title}: five-year values " + ", ".join(
            format_value(v, indicator) for v in values
        )
        headline = HeadlineRow(
            indicator=indicator.id,
            title=indicator.title,
            anchor=anchor,
            this_year=value(row or None),
            last_year=value(previous),
            change=change,
            direction=direction,
            vs_scotland=comparison_marker(_text(row.get("vs_scotland")) or "not_compared").words,
            vs_family_group=comparison_marker(
                _text(row.get("vs_family_group")) or "not_compared"
            ).words,
            rank="" if rank is None or rank_of is None else f"{rank:.0f} of {rank_of:.0f}",
            trend=trend_marker(_text(row.get("trend")) or "not_enough_data").words,
            sparkline=_figures.sparkline(values=values, label=spark_text),
            sparkline_text=spark_text,
            suppressed=suppressed,
        )
        detail = IndicatorDetail(
            id=indicator.id,
            anchor=anchor,
            title=indicator.title,
            description=indicator.description,
            unit=indicator.unit,
            polarity={
                Polarity.HIGHER_IS_BETTER: "higher is better",
                Polarity.LOWER_IS_BETTER: "lower is better",
                Polarity.NEUTRAL: "neither direction is better",
            }[indicator.polarity],
            source=indicator.source,
            headline=headline,
            **self.trend(indicator, anchor, values),
            **self.ranking(indicator, anchor),
        )
        self.details[indicator.id] = detail
        return detail

    def trend(
        self, indicator: Indicator, anchor: str, values: list[float | None]
    ) -> dict[str, Any]:
        group_area = f"family_group:{self.group}" if self.group else ""
        scotland = self.series(indicator, SCOTLAND)
        family = self.series(indicator, group_area) if group_area else None
        lower = self.series(indicator, self.area, "lower")
        upper = self.series(indicator, self.area, "upper")
        years = []
        periods = self.periods(indicator)
        for position, period in enumerate(periods):
            row = self.row(indicator.id, self.area, period) or {}
            hidden = bool(row.get("suppressed"))
            years.append(
                YearRow(
                    period=period,
                    value=format_value(values[position], indicator, suppressed=hidden),
                    interval=format_interval(lower[position], upper[position], indicator),
                    scotland=format_value(scotland[position], indicator),
                    family_group=format_value(family[position], indicator) if family else "",
                    note=_text(row.get("note")),
                )
            )
        text = (
            f"{indicator.title} in {self.area}, {periods[0]} to {periods[-1]}, with Scotland"
            + (f" and the {self.group} family group" if family else "")
            + ". The table below gives the values."
        )
        chart = _figures.trend_chart(
            chart_id=f"{anchor}-trend",
            title=f"{indicator.title}: {self.area}, five years",
            description=text,
            periods=periods,
            values=values,
            lower=lower,
            upper=upper,
            area_label=self.area,
            scotland=scotland,
            family_group=family,
            family_group_label=self.group or "Family group",
            unit=indicator.unit,
            tick_format=functools.partial(_tick, indicator=indicator),
        )
        return {"years": tuple(years), "trend_chart": chart, "trend_text": text}

    def ranking(self, indicator: Indicator, anchor: str) -> dict[str, Any]:
        period = self.periods(indicator)[-1]
        key = (indicator.id, period)
        if key not in self.index.rankings:
            self.index.rankings[key] = self.all_areas(indicator, period)
        ranking = self.index.rankings[key]
        entries = ranking.entries
        scotland_row = self.row(indicator.id, SCOTLAND, period) or {}
        ranks = tuple(
            attrs.evolve(row, highlighted=True) if row.area == self.area else row
            for row in ranking.rows
        )
        this = next((r for r in ranks if r.highlighted), None)
        if this is None:
            text = f"{indicator.title}, {period}: {self.area} has no published value to rank."
        else:
            text = (
                f"{indicator.title}, {period}: {len(ranks)} areas ordered "
                + ("best first" if indicator.polarity is not Polarity.NEUTRAL else "from highest")
                + f"; {self.area} is {this.value}"
                + (
                    f", ranked {this.rank} of {len(ranks)}"
                    if indicator.polarity is not Polarity.NEUTRAL
                    else ""
                )
                + f"; Scotland is {format_value(_number(scotland_row.get('value')), indicator)}."
            )
        chart = _figures.rank_chart(
            chart_id=f"{anchor}-rank",
            title=f"{indicator.title}: all areas, {period}",
            description=text,
            areas=[name for name, _ in entries],
            values=[_number(row.get("value")) for _, row in entries],
            lower=[_number(row.get("lower")) for _, row in entries],
            upper=[_number(row.get("upper")) for _, row in entries],
            highlight=self.area,
            scotland=_number(scotland_row.get("value")),
            unit=indicator.unit,
            tick_format=functools.partial(_tick, indicator=indicator),
            higher_is_better=None
            if indicator.polarity is Polarity.NEUTRAL
            else indicator.polarity is Polarity.HIGHER_IS_BETTER,
        )
        return {"ranks": ranks, "rank_chart": chart, "rank_text": text}

    def all_areas(self, indicator: Indicator, period: str) -> _Ranking:
        """Every area's value, best first: the same for every report of the period."""
        entries = []
        for name in self.index.areas:
            row = self.row(indicator.id, name, period)
            if row is None or _number(row.get("value")) is None:
                continue
            entries.append((name, row))
        descending = indicator.polarity is not Polarity.LOWER_IS_BETTER
        # Best first where a direction is better; otherwise from the highest value.
        entries.sort(
            key=lambda e: ((-1 if descending else 1) * (_number(e[1]["value"]) or 0.0), e[0])
        )
        rows = tuple(
            RankRow(
                rank=_text(row.get("rank")) or str(position),
                area=name,
                value=format_value(_number(row.get("value")), indicator),
                interval=format_interval(
                    _number(row.get("lower")), _number(row.get("upper")), indicator
                ),
                highlighted=False,
            )
            for position, (name, row) in enumerate(entries, start=1)
        )
        return _Ranking(entries=tuple(entries), rows=rows)

    # --- the report -----------------------------------------------------------------------

    def build(self) -> AnnualReport:
        catalogue = self.index.catalogue
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
                    strengths, priorities = _linked(given.strengths), _linked(given.priorities)
            return Part(
                key=key,
                title=title,
                narrative=narrative.get(narrative_key or "", ""),
                missing=tuple(missing),
                strengths=strengths,
                priorities=priorities,
                indicators=tuple(self.detail(i) for i in members),
                not_provided=not_provided,
            )

        delivery = tuple(
            part(
                str(branch),
                _SECTION_TITLES[ReturnSection(str(branch))],
                groups[str(branch)],
                section=ReturnSection(str(branch)),
            )
            for branch in (Branch.CHILDREN_FAMILIES, Branch.COMMUNITY_CARE, Branch.CRIMINAL_JUSTICE)
        )
        headline = tuple(self.detail(i).headline for i in indicators)
        return AnnualReport(
            area=self.area,
            slug=slug(self.area),
            period=self.index.period,
            previous_period=parse_period(self.index.period).previous().label,
            status=assessment.status if assessment else ReportStatus.DRAFT,
            status_label=_STATUS_WORDS[assessment.status if assessment else ReportStatus.DRAFT],
            family_group=self.group,
            introduction=narrative.get("introduction", ""),
            signed_off=_sign_off_text(assessment.sign_off)
            if assessment and assessment.sign_off
            else "",
            headline=headline,
            headline_missing=() if headline else ("The catalogue has no indicators.",),
            governance=part(
                "governance",
                "Governance and accountability",
                groups["governance"],
                narrative_key="governance",
            ),
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
            achievements=Part(
                key="achievements",
                title="Achievements",
                narrative="",
                missing=(no_assessment,)
                if assessment is None
                else (
                    () if assessment.achievements else ("The assessment lists no achievements.",)
                ),
                strengths=_linked(assessment.achievements) if assessment else (),
            ),
            self_assessment=self.recommendations(),
            self_assessment_missing=(no_assessment,)
            if assessment is None
            else (
                ()
                if assessment.self_assessment or assessment.sections
                else ("The assessment has no self-assessment answers or return sections.",)
            ),
            returns=tuple(
                part(f"return-{section}", _SECTION_TITLES[section], (), section=section)
                for section in ReturnSection
            ),
            plans=self.plans(),
            previous_plans=self.previous_plans(),
            plans_missing=self.plans_missing(),
            peer_assessment=self.peer(),
            methods=self.methods(indicators),
            burden=self.burden_annex(),
            symbols=tuple(
                (marker.symbol, marker.words) for marker in (SUPPRESSED, MISSING, NOT_APPLICABLE)
            ),
        )

    def recommendations(self) -> tuple[RecommendationAssessment, ...]:
        assessment = self.assessment
        prompts = {prompt.id: prompt for prompt in load_prompts()}
        by_recommendation = self.index.catalogue.by_recommendation()
        rows = []
        for recommendation in load_recommendations():
            number = recommendation.number
            answers: list[tuple[str, str, str]] = []
            strengths: list[Linked] = []
            priorities: list[Linked] = []
            if assessment is not None:
                answers = [
                    (answer.prompt, prompts[answer.prompt].question, answer.answer)
                    for answer in assessment.self_assessment
                    if answer.prompt in prompts and prompts[answer.prompt].recommendation == number
                ]
                for given in assessment.sections:
                    title = _SECTION_TITLES[given.section]
                    for kind, target in (("strengths", strengths), ("priorities", priorities)):
                        for statement in getattr(given, kind):
                            if number in statement.recommendations:
                                _, indicators = _links((), statement.indicators)
                                target.append(
                                    Linked(
                                        text=statement.text,
                                        recommendations=title,
                                        indicators=indicators,
                                    )
                                )
            rows.append(
                RecommendationAssessment(
                    number=number,
                    title=recommendation.title,
                    short_title=recommendation.short_title,
                    evidence={
                        "indicators": "indicators and self-assessment",
                        "self_assessment": "self-assessment only: no indicator measures it",
                        "national": "a national task, not assessed locally",
                    }[str(recommendation.evidence)],
                    answers=tuple(answers),
                    strengths=tuple(strengths),
                    priorities=tuple(priorities),
                    indicators=", ".join(i.id for i in by_recommendation.get(number, ())),
                )
            )
        return tuple(rows)

    def direction_of(self, indicator_id: str) -> Direction:
        catalogue = self.index.catalogue
        if indicator_id not in catalogue:
            return _direction("not_comparable")
        indicator = catalogue[indicator_id]
        row = self.row(indicator_id, self.area, self.periods(indicator)[-1]) or {}
        return _direction(_text(row.get("direction")))

    def plans(self) -> tuple[PlanRow, ...]:
        if self.assessment is None:
            return ()
        rows = []
        for plan in self.assessment.plans:
            recommendations, _ = _links(plan.recommendations, ())
            rows.append(
                PlanRow(
                    id=plan.id,
                    action=plan.action,
                    owner=plan.owner,
                    due=plan.due.isoformat(),
                    recommendations=recommendations,
                    expected=str(plan.expected),
                    indicators=tuple(
                        (i, f"indicator-{slug(i)}", self.direction_of(i)) for i in plan.indicators
                    ),
                )
            )
        return tuple(rows)

    def previous_plans(self) -> tuple[PreviousPlanRow, ...]:
        if self.assessment is None:
            return ()
        rows = []
        for previous in self.assessment.previous_plans:
            plan = previous.plan
            moves = []
            for indicator in plan.indicators:
                direction = self.direction_of(indicator)
                moves.append(
                    (indicator, direction, _moved_as_expected(direction.code, str(plan.expected)))
                )
            answers = {verdict for _, _, verdict in moves}
            verdict = (
                "no indicators linked"
                if not moves
                else "yes"
                if answers == {"yes"}
                else "no"
                if answers == {"no"}
                else "not known"
                if answers == {"not known"}
                else "partly"
            )
            rows.append(
                PreviousPlanRow(
                    id=plan.id,
                    action=plan.action,
                    owner=plan.owner,
                    due=plan.due.isoformat(),
                    progress=_PROGRESS_WORDS[previous.progress],
                    comment=previous.comment,
                    expected=str(plan.expected),
                    moves=tuple(moves),
                    verdict=verdict,
                )
            )
        return tuple(rows)

    def plans_missing(self) -> tuple[str, ...]:
        if self.assessment is None:
            return ("No assessment file was given, so there are no plans to show.",)
        missing = []
        if not self.assessment.plans:
            missing.append("The assessment gives no plans for the coming year.")
        if not self.assessment.previous_plans:
            missing.append("The assessment does not review last year's plans ([[previous_plans]]).")
        return tuple(missing)

    def peer(self) -> PeerAnnex:
        if self.assessment is None:
            return PeerAnnex(
                missing=("No assessment file was given, so there is no peer assessment.",)
            )
        peer = self.assessment.peer_assessment
        if peer is None:
            return PeerAnnex(missing=("This report has not been peer assessed yet.",))
        missing = []
        if not peer.signed:
            missing.append(
                "The peer assessment is not yet signed by both Chief Social Work Officers."
            )
        return PeerAnnex(
            missing=tuple(missing),
            peer_area=peer.peer_area,
            peer_name=peer.peer_name,
            dates=f"{peer.started.isoformat()} to {peer.finished.isoformat()}",
            documents=peer.method.documents,
            people_met=peer.method.people_met,
            data_examined=peer.method.data_examined,
            judgements=tuple(
                PeerJudgementRow(
                    section=_REPORT_SECTION_TITLES.get(str(j.section), str(j.section)),
                    grade=j.grade,
                    label=grade_label(j.grade) if 1 <= j.grade <= 6 else "",
                    evidence=j.evidence,
                )
                for j in peer.judgements
            ),
            strengths=peer.strengths,
            improvements=peer.improvements,
            actions=tuple(
                PeerActionRow(
                    action=a.action,
                    owner=a.owner,
                    due=a.due.isoformat(),
                    section=_REPORT_SECTION_TITLES.get(str(a.section), str(a.section)),
                    recommendations=_links(a.recommendations, ())[0],
                )
                for a in peer.actions
            ),
            area_sign_off=_sign_off_text(peer.area_sign_off) if peer.area_sign_off else "",
            peer_sign_off=_sign_off_text(peer.peer_sign_off) if peer.peer_sign_off else "",
        )

    def methods(self, indicators: Sequence[Indicator]) -> MethodsAnnex:
        items = self.index.catalogue.items
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
                interval=_INTERVALS[i.measure],
                source=i.source,
            )
            for i in indicators
        )
        suppressed, missing, notes = [], [], []
        for i in indicators:
            for period in self.periods(i):
                row = self.row(i.id, self.area, period)
                if row is None:
                    missing.append(QualityRow(indicator=i.id, period=period, issue="no data"))
                    continue
                if row.get("suppressed"):
                    suppressed.append(
                        QualityRow(indicator=i.id, period=period, issue="suppressed (small count)")
                    )
                elif _number(row.get("value")) is None:
                    missing.append(
                        QualityRow(
                            indicator=i.id,
                            period=period,
                            issue="no value: " + (_text(row.get("note")) or "not available"),
                        )
                    )
                note = _text(row.get("note"))
                if note:
                    notes.append(QualityRow(indicator=i.id, period=period, issue=note))
        return MethodsAnnex(
            definitions=definitions,
            methods=_METHODS,
            suppressed=tuple(suppressed),
            missing=tuple(missing),
            notes=tuple(notes),
        )

    def burden_annex(self) -> BurdenAnnex:
        burden = self.burden
        if burden is None:
            return BurdenAnnex(
                missing=("No dataset was given to measure the burden of the return.",)
            )
        cells = burden.cells
        mine = cells[cells["area"] == self.area]
        return BurdenAnnex(
            missing=(),
            item_count=burden.item_count,
            indicator_count=burden.indicator_count,
            cells=tuple(
                (str(period), int(filled), int(not_collected), int(cells))
                for period, filled, not_collected, cells in zip(
                    mine["period"],
                    mine["filled"],
                    mine["not_collected"],
                    mine["cells"],
                    strict=True,
                )
            ),
            unused_items=tuple(str(item) for item in burden.unused_items["item"]),
            single_use_items=tuple(
                (str(r.item), str(r.indicator)) for r in burden.single_use_items.itertuples()
            ),
            duplicate_indicators=tuple(
                (str(r.indicator), str(r.duplicate_of))
                for r in burden.duplicate_indicators.itertuples()
            ),
        )


_REPORT_SECTION_TITLES = {
    "summary": "Summary of performance",
    "governance": "Governance and accountability",
    "children_families": "Children and families",
    "community_care": "Community care",
    "criminal_justice": "Criminal justice",
    "public_protection": "Public protection",
    "resources": "Resources",
    "workforce": "Workforce",
    "achievements": "Achievements",
    "self_assessment": "Self-assessment",
    "future_plans": "Future plans",
}
_INTERVALS = {
    Measure.PROPORTION: "Wilson score interval",
    Measure.RATE: "Poisson interval (exact below 10 events, Byar's method from 10)",
    Measure.MEAN: "Student t interval",
    Measure.COST: "none: a cost is not a sample",
    Measure.COUNT: "none: a count is not a sample",
}
_METHODS = (
    (
        "Confidence intervals",
        "95% intervals: Wilson score for proportions; exact Poisson "
        "(below 10 events) or Byar's method for rates; Student t for means. z is the normal "
        "quantile of the exact confidence level.",
    ),
    (
        "Change on last year",
        "Change is this year's value minus last year's. Its interval is "
        "Newcombe's hybrid score method for proportions, MOVER from the Poisson limits for rates "
        "and Welch's method for means; a change is significant when its interval excludes zero. "
        "A gap in the series makes the change not comparable.",
    ),
    (
        "Direction",
        "Improved or worsened only when the change is significant and the indicator "
        "has a better direction; neutral indicators show increased or decreased. The symbol "
        "always comes with the word.",
    ),
    (
        "Scotland and family group",
        "Scotland and family-group values are the sum of the "
        "reporting areas' numerators over the sum of their denominators, not an average of rates.",
    ),
    (
        "Trend",
        "The trend over five years is tested with the Cochran-Armitage test for "
        "proportions and a Poisson score test for rates, at 99.8% confidence.",
    ),
    (
        "Disclosure control",
        "Counts from 1 to 4 are suppressed, as is any other count that "
        "would let a suppressed one be worked out from a total.",
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
        if indicator.id in PUBLIC_PROTECTION:
            groups["public_protection"].append(indicator)
        elif indicator.measure is Measure.COST:
            groups["resources"].append(indicator)
        elif indicator.branch is Branch.WHOLE_SERVICE:
            key = (
                "workforce"
                if _WORKFORCE_RECOMMENDATIONS & set(indicator.recommendations)
                else "governance"
            )
            groups[key].append(indicator)
        else:
            groups[str(indicator.branch)].append(indicator)
    return groups


def _sign_off_text(sign_off: Any) -> str:
    role = str(sign_off.role).replace("_", " ")
    return f"{sign_off.name}, {role}, {sign_off.date.isoformat()}"


def _moved_as_expected(direction: str, expected: str) -> str:
    """Whether an indicator moved as its plan expected: yes, no or not known."""
    if expected == "maintain":
        return {
            "worsened": "no",
            "improved": "yes",
            "no_significant_change": "yes",
            "no_change": "yes",
        }.get(direction, "not known")
    return {
        "improved": "yes",
        "worsened": "no",
        "no_significant_change": "no",
        "no_change": "no",
    }.get(direction, "not known")


def _direction(code: str) -> Direction:
    marker = direction_marker(code or "not_comparable")
    return Direction(code=code or "not_comparable", symbol=marker.symbol, word=marker.words)


def _tick(value: float, *, indicator: Indicator) -> str:
    return format_value(value, indicator)
