"""The annual CSWO performance improvement report, assembled as typed data.

Building the report (numbers, words, flags, charts) is kept apart from rendering it, as
great_tables does: :meth:`AnnualReport.build` gives a plain frozen object that tests can
inspect without HTML, and :mod:`outcomes.report._render` turns it into HTML, Markdown or PDF
with the Jinja2 templates of ``report_templates/``. The structure follows DESIGN.md §4.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.assessment._model import Assessment
from outcomes.core._io import slug
from outcomes.core._periods import parse_period
from outcomes.report import _figures
from outcomes.report._format import (
    MISSING,
    NOT_APPLICABLE,
    SUPPRESSED,
    comparison_marker,
    format_change,
    format_change_interval,
    format_interval,
    format_value,
    trend_marker,
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
    to_direction,
    to_number,
    to_text,
)
from outcomes.vocabulary import (
    SCOTLAND,
    Branch,
    Direction,
    Measure,
    Polarity,
    ReportStatus,
    ReturnSection,
    family_group_area,
    is_computed_area,
)

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue, Indicator
    from outcomes.results._results import Results
    from outcomes.returns._burden import Burden
    from outcomes.returns._tidy import Areas

__all__ = ["PUBLIC_PROTECTION", "AnnualReport"]

#: Indicators reported under public protection rather than their branch.
PUBLIC_PROTECTION = ("CF01", "CF02", "CHN22", "CC02", "CC03")
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
            from outcomes.core._suggest import did_you_mean
            from outcomes.errors import DataProblem, DataProblemRow, ValidationError

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
        if assessment is not None and (assessment.area, assessment.period) != (area, period):
            from outcomes.errors import AssessmentError, AssessmentProblem, AssessmentProblemRow

            raise AssessmentError(
                (
                    AssessmentProblemRow(
                        file=f"the assessment of {assessment.area} for {assessment.period}",
                        key="period" if assessment.area == area else "area",
                        problem=AssessmentProblem.BAD_VALUE,
                        message=f"the report is {area}'s for {period}",
                        hint="give the assessment file of the same area and year",
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
    wanted = parse_period(period)  # a bad label fails here, before any work
    present = set(results.frame["period"].unique())
    if not {wanted.label, str(wanted.first_year)} & present:
        from outcomes.errors import NoResultsError

        latest = max((parse_period(p) for p in present if "-" in p), default=None)
        raise NoResultsError(
            f"the results hold no data for {period}"
            + (f"; the latest year is {latest.label}" if latest is not None else "")
        )
    frame = results.published(suppress_below).frame
    rows: dict[tuple[str, str], dict[str, Row]] = {}
    records: list[Row] = frame.to_dict("records")  # type: ignore[assignment]
    for row in records:
        rows.setdefault((row["indicator"], row["area"]), {})[row["period"]] = row
    names = sorted({a for (_, a) in rows if not is_computed_area(a)})
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
        last = parse_period(self.index.period).in_type(indicator.period_type)
        return tuple(last.shifted(years).label for years in range(1 - YEARS, 1))

    def series(self, indicator: Indicator, area: str, column: str = "value") -> list[float | None]:
        by_period = self.index.rows.get((indicator.id, area), {})
        return [
            to_number(by_period[p][column]) if p in by_period else None
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
                to_number(r.get("value")), indicator, suppressed=bool(r.get("suppressed"))
            )

        previous = self.row(indicator.id, self.area, periods[-2])
        direction = to_direction(to_text(row.get("direction")))
        shown = to_number(row.get("value"))
        change = format_change(
            to_number(row.get("change")), indicator, suppressed=suppressed, value=shown
        )
        low, high = to_number(row.get("change_lower")), to_number(row.get("change_upper"))
        if low is not None and high is not None and not suppressed:
            change += f" ({format_change_interval(low, high, indicator, value=shown)})"
        rank = to_number(row.get("rank"))
        rank_of = to_number(row.get("rank_of"))
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
            vs_scotland=comparison_marker(to_text(row.get("vs_scotland")) or "not_compared").words,
            vs_family_group=comparison_marker(
                to_text(row.get("vs_family_group")) or "not_compared"
            ).words,
            rank="" if rank is None or rank_of is None else f"{rank:.0f} of {rank_of:.0f}",
            trend=self.trend_words(indicator, row),
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
            polarity=indicator.polarity.label,
            source=indicator.source,
            headline=headline,
            **self.trend(indicator, anchor, values),
            **self.ranking(indicator, anchor),
        )
        self.details[indicator.id] = detail
        return detail

    def trend_words(self, indicator: Indicator, row: Row) -> str:
        """The five-year trend in words, saying why when there is no test."""
        if row.get("suppressed"):
            return "suppressed"
        if not sampled(indicator, self.index.catalogue.items):
            return "not tested (not a sample)"
        return trend_marker(to_text(row.get("trend")) or "not_enough_data").words

    def trend(
        self, indicator: Indicator, anchor: str, values: list[float | None]
    ) -> dict[str, Any]:
        group_area = family_group_area(self.group) if self.group else ""
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
                    note=to_text(row.get("note")),
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
            tick_format=functools.partial(tick_label, indicator=indicator),
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
                + f"; Scotland is {format_value(to_number(scotland_row.get('value')), indicator)}."
            )
        chart = _figures.rank_chart(
            chart_id=f"{anchor}-rank",
            title=f"{indicator.title}: all areas, {period}",
            description=text,
            areas=[name for name, _ in entries],
            values=[to_number(row.get("value")) for _, row in entries],
            lower=[to_number(row.get("lower")) for _, row in entries],
            upper=[to_number(row.get("upper")) for _, row in entries],
            highlight=self.area,
            scotland=to_number(scotland_row.get("value")),
            unit=indicator.unit,
            tick_format=functools.partial(tick_label, indicator=indicator),
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
            if row is None or to_number(row.get("value")) is None:
                continue
            entries.append((name, row))
        descending = indicator.polarity is not Polarity.LOWER_IS_BETTER
        # Best first where a direction is better; otherwise from the highest value.
        entries.sort(
            key=lambda e: ((-1 if descending else 1) * (to_number(e[1]["value"]) or 0.0), e[0])
        )
        rows = tuple(
            RankRow(
                rank=to_text(row.get("rank")) or str(position),
                area=name,
                value=format_value(to_number(row.get("value")), indicator),
                interval=format_interval(
                    to_number(row.get("lower")), to_number(row.get("upper")), indicator
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
                    strengths, priorities = linked(given.strengths), linked(given.priorities)
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
                ReturnSection(str(branch)).label,
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
            status_label=(assessment.status if assessment else ReportStatus.DRAFT).label,
            family_group=self.group,
            introduction=narrative.get("introduction", ""),
            signed_off=sign_off_text(assessment.sign_off)
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
                strengths=linked(assessment.achievements) if assessment else (),
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
            plans=plans(assessment, self.direction_of),
            previous_plans=previous_plans(assessment, self.direction_of),
            plans_missing=plans_missing(assessment),
            peer_assessment=peer_annex(assessment),
            methods=self.methods(indicators),
            burden=burden_annex(self.burden, self.area),
            symbols=tuple(
                (marker.symbol, marker.words) for marker in (SUPPRESSED, MISSING, NOT_APPLICABLE)
            ),
        )

    def direction_of(self, indicator_id: str) -> Direction:
        catalogue = self.index.catalogue
        if indicator_id not in catalogue:
            return to_direction("not_comparable")
        indicator = catalogue[indicator_id]
        row = self.row(indicator_id, self.area, self.periods(indicator)[-1]) or {}
        return to_direction(to_text(row.get("direction")))

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
                interval=interval_method(i, self.index.catalogue.items),
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
                elif to_number(row.get("value")) is None:
                    missing.append(
                        QualityRow(
                            indicator=i.id,
                            period=period,
                            issue="no value: " + (to_text(row.get("note")) or "not available"),
                        )
                    )
                note = to_text(row.get("note"))
                if note:
                    notes.append(QualityRow(indicator=i.id, period=period, issue=note))
        return MethodsAnnex(
            definitions=definitions,
            methods=METHODS,
            suppressed=tuple(suppressed),
            missing=tuple(missing),
            notes=tuple(notes),
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
