"""The national overview and the inspectorate view as pages: typed context, then HTML.

:func:`outcomes.overview` and :func:`outcomes.scrutiny` give the tables; this module turns
them into the plain objects the templates ``overview.html.j2`` and ``scrutiny.html.j2``
render, reusing the report's formatting, charts, stylesheet and macros.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from outcomes.core._cells import Cells, Record
from outcomes.core._io import slug
from outcomes.national._overview import ADJUSTED_LIMITS, JUDGEMENT_WORDS, JUDGEMENTS
from outcomes.national._profile import ACTION_WORDS, ACTIONS
from outcomes.report import _figures
from outcomes.report._format import (
    format_change,
    format_change_interval,
    format_interval,
    format_value,
)
from outcomes.report._parts import tick_label
from outcomes.vocabulary import (
    Branch,
    Comparison,
    Direction,
    Measure,
    ReportStatus,
    ReturnSection,
)

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue, Indicator
    from outcomes.core._periods import Period
    from outcomes.national._networks import Networks
    from outcomes.national._overview import Overview, Scrutiny
    from outcomes.national._profile import Profile

__all__ = ["OverviewPage", "ScrutinyPage", "render_overview", "render_scrutiny"]


@attrs.frozen(kw_only=True)
class IndicatorRow:
    """One indicator across Scotland."""

    id: str
    title: str
    anchor: str
    scotland: str
    interval: str
    change: str
    direction: Direction
    spread: str
    quartiles: str
    improved: int
    worsened: int
    no_significant_change: int
    other: int
    outside: str


@attrs.frozen(kw_only=True)
class HeatRow:
    area: str
    family_group: str
    cells: tuple[Direction, ...]
    worsened: int
    improved: int


@attrs.frozen(kw_only=True)
class HeatTable:
    """Areas by the indicators of one branch, each cell a direction by symbol and word."""

    key: str
    title: str
    indicators: tuple[tuple[str, str], ...]
    by_area: tuple[HeatRow, ...]
    by_worsened: tuple[HeatRow, ...]


@attrs.frozen(kw_only=True)
class FunnelPanel:
    """One funnel plot, the areas outside its limits, and the data it draws."""

    id: str
    anchor: str
    title: str
    chart: str
    text: str
    above: str
    below: str
    rows: tuple[tuple[str, str, str, str], ...]


@attrs.frozen(kw_only=True)
class JudgedRow:
    indicator: str
    title: str
    value: str
    scotland: str
    evidence: str
    other_evidence: str


@attrs.frozen(kw_only=True)
class JudgedGroup:
    """The indicators with one judgement (``concern``, ``watch``, ...), and its word."""

    judgement: str
    word: str
    rows: tuple[JudgedRow, ...]


@attrs.frozen(kw_only=True)
class ProfileRow:
    """One indicator of the scrutiny profile that scrutiny could look at or step back from."""

    indicator: str
    title: str
    section: str
    data: str
    sources: str
    evidence: str
    claims: str
    peer: str


@attrs.frozen(kw_only=True)
class QualityRow:
    """One quality indicator of the scrutiny profile."""

    label: str
    peer_grades: str
    judged: str
    claims: str
    action: str


@attrs.frozen(kw_only=True)
class ClaimRow:
    claim: str
    source: str
    indicators: str
    verdict: str
    evidence: str


@attrs.frozen(kw_only=True)
class ProfileView:
    """The scrutiny profile on the page: where to look, where to step back, by QI."""

    look: tuple[ProfileRow, ...]
    step_back: tuple[ProfileRow, ...]
    routine: int
    quality: tuple[QualityRow, ...]
    claims: tuple[ClaimRow, ...]
    claim_counts: str
    framework_source: str

    @classmethod
    def build(cls, profile: Profile) -> ProfileView:
        """The page's view of a :class:`~outcomes.national.Profile`."""
        rows: dict[str, list[ProfileRow]] = {action: [] for action in ACTIONS}
        for r in Cells(profile.table):
            grade = r.number("peer_grade")
            rows[r.text("action")].append(ProfileRow(
                indicator=r.text("indicator"), title=r.text("title"), section=r.text("section"),
                data=JUDGEMENT_WORDS[r.text("data")],
                sources=r.text("concern_sources" if r.text("action") == "look"
                               else "assurance_sources"),
                evidence=r.text("data_evidence"), claims=r.text("claim_evidence"),
                peer=r.text("peer_evidence") if grade is not None else "no peer grade",
            ))  # fmt: skip
        quality = tuple(
            QualityRow(
                label=f"{q.text('framework')} QI {q.text('qi')} {q.text('title')}",
                peer_grades=q.text("peer_grades") or "not graded",
                judged=", ".join(f"{int(q.number(j) or 0)} {JUDGEMENT_WORDS[j].lower()}"
                                 for j in JUDGEMENTS),
                claims=f"{int(q.number('claims_supported') or 0)} supported, "
                       f"{int(q.number('claims_contradicted') or 0)} contradicted",
                action=ACTION_WORDS[q.text("action")],
            )
            for q in Cells(profile.quality)
        )  # fmt: skip
        claims = tuple(
            ClaimRow(claim=c.text("claim"), source=c.text("source"),
                     indicators=c.text("indicators") or "none named",
                     verdict=c.text("verdict").replace("_", " "), evidence=c.text("evidence"))
            for c in Cells(profile.claims)
        )  # fmt: skip
        counts = profile.claims["verdict"].value_counts()
        claim_counts = ", ".join(f"{int(counts.get(v, 0))} {v.replace('_', ' ')}"
                                 for v in ("supported", "contradicted", "not_tested",
                                           "no_data"))  # fmt: skip
        return cls(look=tuple(rows["look"]), step_back=tuple(rows["step_back"]),
                   routine=len(rows["routine"]), quality=quality, claims=claims,
                   claim_counts=claim_counts,
                   framework_source=profile.framework.source)  # fmt: skip


@attrs.frozen(kw_only=True)
class ScrutinyPage:
    """The inspectorate's view of one area: each indicator judged from the data, and, with
    an assessment, the scrutiny profile."""

    area: str
    slug: str
    period: Period
    prices: str
    groups: tuple[JudgedGroup, ...]
    no_evidence: tuple[JudgedRow, ...]
    counts: tuple[tuple[str, int], ...]
    profile: ProfileView | None = None

    @property
    def concerns(self) -> tuple[JudgedRow, ...]:
        """The indicators judged ``concern``."""
        return self.groups[0].rows

    @property
    def assurances(self) -> tuple[JudgedRow, ...]:
        """The indicators judged ``assurance``."""
        return self.groups[-1].rows

    @classmethod
    def build(
        cls, scrutiny: Scrutiny, catalogue: Catalogue, profile: Profile | None = None
    ) -> ScrutinyPage:
        """The page of one :class:`~outcomes.Scrutiny` (and its profile, when given)."""
        judged: dict[str, list[JudgedRow]] = {judgement: [] for judgement in JUDGEMENTS}
        for row in Cells(scrutiny.table):
            indicator = catalogue[row.text("indicator")]
            judged[row.text("judgement")].append(
                JudgedRow(
                    indicator=indicator.id,
                    title=indicator.title,
                    value=format_value(row.number("value"), indicator),
                    scotland=format_value(row.number("scotland_value"), indicator),
                    evidence=row.text("evidence"),
                    other_evidence=row.text("other_evidence"),
                )
            )
        return cls(
            area=scrutiny.name or scrutiny.area,
            slug=slug(scrutiny.area),
            period=scrutiny.period,
            prices=scrutiny.prices,
            groups=tuple(
                JudgedGroup(judgement=j, word=JUDGEMENT_WORDS[j], rows=tuple(judged[j]))
                for j in ("concern", "watch", "assurance")
            ),
            no_evidence=tuple(judged["no_evidence"]),
            counts=tuple((JUDGEMENT_WORDS[j], len(judged[j])) for j in JUDGEMENTS),
            profile=ProfileView.build(profile) if profile is not None else None,
        )


@attrs.frozen(kw_only=True)
class NetworkRow:
    """A priority two or more areas share, and who could help."""

    priority: str
    count: int
    names: str
    offers: str


@attrs.frozen(kw_only=True)
class NationalAsk:
    """A priority for national change programmes, and the areas asking for it."""

    priority: str
    count: int
    names: str
    texts: tuple[str, ...]


@attrs.frozen(kw_only=True)
class NetworksView:
    """Networks of shared interest on the overview page."""

    shared: tuple[NetworkRow, ...]
    national: tuple[NationalAsk, ...]
    members: str

    @classmethod
    def build(cls, networks: Networks) -> NetworksView:
        """The page's view of :func:`outcomes.national.networks`."""
        offers: dict[tuple[str, str], list[str]] = {}
        for o in Cells(networks.offers):
            verdict = o.text("verdict").replace("_", " ")
            offers.setdefault((o.text("kind"), o.text("key")), []).append(
                f"{o.text('name') or o.text('area')} ({verdict})"
            )
        shared = tuple(
            NetworkRow(priority=_priority(r.text("kind"), r.text("key"), r.text("label")),
                       count=int(r.number("areas") or 0), names=r.text("names"),
                       offers="; ".join(dict.fromkeys(offers.get((r.text("kind"), r.text("key")),
                                                                 []))) or "no one yet")
            for r in Cells(networks.shared_priorities)
        )  # fmt: skip
        national = tuple(
            NationalAsk(priority=_priority(r.text("kind"), r.text("key"), r.text("label")),
                        count=int(r.number("areas") or 0), names=r.text("names"),
                        texts=tuple(t for t in r.text("texts").split("\n") if t))
            for r in Cells(networks.national_priorities)
        )  # fmt: skip
        members = "; ".join(r.text("name") or r.text("area") for r in Cells(networks.members))
        return cls(shared=shared, national=national, members=members)


def _priority(kind: str, key: str, label: str) -> str:
    """A shared priority's key in words: ``Recommendation 8: Learning culture``."""
    if kind == "recommendation":
        return f"Recommendation {key}: {label}"
    if kind == "indicator":
        return f"{key} {label}".strip()
    return label or key


@attrs.frozen(kw_only=True)
class OverviewPage:
    """Everything the national overview page shows, for one period."""

    period: Period
    prices: str
    area_count: int
    indicators: tuple[IndicatorRow, ...]
    heat: tuple[HeatTable, ...]
    funnels: tuple[FunnelPanel, ...]
    family_groups: tuple[tuple[str, str, str, str, Direction], ...]
    reports: tuple[tuple[str, str, str, str], ...]
    reports_missing: tuple[str, ...]
    burden: tuple[tuple[str, str, str, str], ...]
    burden_missing: tuple[str, ...]
    scrutiny: tuple[tuple[ScrutinyPage, str], ...]
    #: The judgements' words, in order: the columns of the scrutiny table.
    judgement_words: tuple[str, ...] = tuple(JUDGEMENT_WORDS[j] for j in JUDGEMENTS)
    networks: NetworksView | None = None

    @classmethod
    def build(
        cls, overview: Overview, catalogue: Catalogue, networks: Networks | None = None
    ) -> OverviewPage:
        """The page of an :class:`~outcomes.Overview` (and the networks of shared interest
        among the areas' assessments, when given), formatted for people to read."""
        heat = Cells(overview.heat)
        areas = list(dict.fromkeys(heat.texts("area")))
        scrutiny = tuple(
            (ScrutinyPage.build(overview.scrutiny_of(area), catalogue), area) for area in areas
        )
        reports = tuple(
            (r.text("name"), r.text("family_group"),
             ReportStatus(r.text("status")).label if r.text("status") else
             "no assessment file", r.text("peer_area"))
            for r in Cells(overview.reports)
        )  # fmt: skip
        burden = tuple(tuple(str(v) for v in row) for row in overview.burden.to_numpy())
        return cls(
            period=overview.period,
            prices=overview.prices,
            area_count=len(areas),
            indicators=tuple(_indicator_rows(overview, catalogue)),
            heat=tuple(_heat_tables(heat, catalogue)),
            funnels=tuple(_funnels(overview, catalogue)),
            family_groups=tuple(_family_groups(overview, catalogue)),
            reports=reports,
            reports_missing=()
            if reports
            else ("No assessments or peer pairs were given, so report statuses are unknown.",),
            burden=burden,  # type: ignore[arg-type]
            burden_missing=() if burden else ("No dataset burden was measured.",),
            scrutiny=scrutiny,
            networks=NetworksView.build(networks) if networks is not None else None,
        )


def _indicator_rows(overview: Overview, catalogue: Catalogue) -> Iterable[IndicatorRow]:
    for row in Cells(overview.indicators):
        indicator = catalogue[row.text("indicator")]

        def value(column: str, indicator: Indicator = indicator, row: Record = row) -> str:
            return format_value(row.number(column), indicator)

        change = format_change(row.number("scotland_change"), indicator)
        low, high = row.number("scotland_change_lower"), row.number("scotland_change_upper")
        if low is not None and high is not None:
            change += f" ({format_change_interval(low, high, indicator)})"
        counted = ("improved", "worsened", "no_significant_change")
        yield IndicatorRow(
            id=indicator.id,
            title=indicator.title,
            anchor=f"funnel-{slug(indicator.id)}",
            scotland=value("scotland_value"),
            interval=format_interval(
                row.number("scotland_lower"), row.number("scotland_upper"), indicator
            ),
            change=change,
            direction=row.word("scotland_direction", Direction, Direction.NOT_COMPARABLE),
            spread=f"{value('min')} to {value('max')}",
            quartiles=f"{value('q1')} / {value('median')} / {value('q3')}",
            improved=row.count("improved"),
            worsened=row.count("worsened"),
            no_significant_change=row.count("no_significant_change"),
            other=row.count("areas_reported") - sum(row.count(c) for c in counted),
            outside=str(row.count("outside_998")) if row.flag("funnel") else "",
        )


def _heat_tables(heat: Cells, catalogue: Catalogue) -> Iterable[HeatTable]:
    names: dict[str, tuple[str, str]] = {}
    directions: dict[tuple[str, str], Direction] = {}
    for record in heat:
        area = record.text("area")
        names.setdefault(area, (record.text("name"), record.text("family_group")))
        directions[area, record.text("indicator")] = record.word(
            "direction", Direction, Direction.NOT_COMPARABLE
        )
    for branch in Branch:
        members = [i for i in catalogue if i.branch is branch]
        if not members:
            continue
        rows = []
        for area, (name, group) in names.items():
            cells = tuple(directions.get((area, i.id), Direction.NOT_COMPARABLE) for i in members)
            rows.append(
                HeatRow(
                    area=name,
                    family_group=group,
                    cells=cells,
                    worsened=sum(c.code == "worsened" for c in cells),
                    improved=sum(c.code == "improved" for c in cells),
                )
            )
        yield HeatTable(
            key=f"heat-{branch}",
            title=ReturnSection(str(branch)).label,
            indicators=tuple((i.id, i.title) for i in members),
            by_area=tuple(sorted(rows, key=lambda r: r.area)),
            by_worsened=tuple(sorted(rows, key=lambda r: (-r.worsened, r.improved, r.area))),
        )


def _funnels(overview: Overview, catalogue: Catalogue) -> Iterable[FunnelPanel]:
    points = overview.funnel
    lines = overview.funnel_lines
    outliers = {r.text("indicator"): r for r in Cells(overview.funnel_outliers)}
    for indicator in catalogue:
        if indicator.measure not in (Measure.PROPORTION, Measure.RATE):
            continue
        mine = points[points["indicator"] == indicator.id]
        curve = lines[lines["indicator"] == indicator.id]
        if mine.empty or curve.empty:
            continue
        outlier = outliers.get(indicator.id)
        above = outlier.text("areas_above") if outlier else ""
        below = outlier.text("areas_below") if outlier else ""
        outside = {name for name in (above + "; " + below).split("; ") if name}
        target = Cells(curve).numbers("target")[0] or 0.0
        anchor = f"funnel-{slug(indicator.id)}"
        text = (
            f"{indicator.title}, {overview.period}: each area's value against its denominator, "
            f"with 95% and 99.8% control limits around Scotland "
            f"({format_value(target, indicator)}), {_limits_words(outlier)}. "
            + (f"Above the 99.8% limit: {above}. " if above else "")
            + (f"Below the 99.8% limit: {below}. " if below else "")
            + ("No area is outside the 99.8% limits. " if not outside else "")
            + "The table below gives the values."
        )
        records = Cells(mine)
        yield FunnelPanel(
            id=indicator.id,
            anchor=anchor,
            title=indicator.title,
            chart=_figures.funnel_chart(
                chart_id=anchor,
                title=f"{indicator.title}: funnel plot, {overview.period}",
                description=text,
                denominators=[r.number("denominator") or 0.0 for r in records],
                values=records.numbers("value"),
                labels=records.texts("name"),
                target=target,
                curve_denominators=[float(d) for d in curve["denominator"]],
                limits={
                    "95%": (list(curve["lower95"]), list(curve["upper95"])),
                    "99.8%": (list(curve["lower998"]), list(curve["upper998"])),
                },
                outside=outside,
                unit=indicator.unit,
                tick_format=functools.partial(tick_label, indicator=indicator),
            ),
            text=text,
            above=above,
            below=below,
            rows=tuple(
                (
                    r.text("name"),
                    f"{r.number('denominator') or 0:,.0f}",
                    format_value(r.number("value"), indicator),
                    r.text("position").replace("_", " "),
                )
                for r in records
            ),
        )


def _family_groups(
    overview: Overview, catalogue: Catalogue
) -> Iterable[tuple[str, str, str, str, Direction]]:
    for row in Cells(overview.family_groups):
        indicator = catalogue[row.text("indicator")]
        yield (
            indicator.id,
            row.text("family_group"),
            format_value(row.number("value"), indicator),
            row.word("vs_scotland", Comparison, Comparison.NOT_COMPARED).word,
            row.word("direction", Direction, Direction.NOT_COMPARABLE),
        )


def render_overview(
    overview: Overview,
    catalogue: Catalogue,
    *,
    networks: Networks | None = None,
    templates: str | os.PathLike[str] | None = None,
) -> str:
    """The national overview (with the networks of shared interest, when given) as one
    self-contained, accessible HTML page."""
    from outcomes.report._render import render

    page = OverviewPage.build(overview, catalogue, networks)
    return render(page, "html", template="overview.html.j2", templates=templates)


def render_scrutiny(
    scrutiny: Scrutiny,
    catalogue: Catalogue,
    *,
    profile: Profile | None = None,
    templates: str | os.PathLike[str] | None = None,
) -> str:
    """One area's scrutiny view, with its profile when given, as one self-contained,
    accessible HTML page."""
    from outcomes.report._render import render

    page = ScrutinyPage.build(scrutiny, catalogue, profile)
    return render(page, "html", template="scrutiny.html.j2", templates=templates)


def _limits_words(outlier: Record | None) -> str:
    """Which limits a funnel draws, in words for its description."""
    if outlier is None or outlier.text("limits") != ADJUSTED_LIMITS:
        return "exact limits"
    return (
        "limits widened for overdispersion (the areas differ more than chance alone would "
        f"make them: phi {outlier.number('phi') or 0:.1f})"
    )
