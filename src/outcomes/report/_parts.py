"""The parts of the annual report that stand apart from the results index.

The sections that come from the area's assessment (the
self-assessment by recommendation, plans, the peer assessment), and the annexes' tables.
:mod:`outcomes.report._report` assembles them with the indicators into an :class:`AnnualReport`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.assessment._model import (
    Assessment,
    PlanProgress,
    grade_label,
    load_prompts,
)
from outcomes.catalogue._recommendations import load_recommendations
from outcomes.core._io import slug
from outcomes.report._claims import Claims, Verdict
from outcomes.report._format import format_value
from outcomes.vocabulary import Direction, ItemKind, Measure

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue, DataItem, Indicator
    from outcomes.core._periods import Period
    from outcomes.returns._burden import Burden

_PROGRESS_WORDS = {
    PlanProgress.COMPLETE: "complete",
    PlanProgress.ON_TRACK: "on track",
    PlanProgress.DELAYED: "delayed",
    PlanProgress.DROPPED: "dropped",
    PlanProgress.NOT_REPORTED: "not reported",
}


@attrs.frozen(kw_only=True)
class Linked:
    """A strength, priority or achievement with its links, as words."""

    text: str
    recommendations: str
    indicators: str
    #: The return section a statement comes from, where shown outside it.
    section: str = ""
    #: Whether the data contradict the claim, what they say, and the authors' answer.
    contradicted: bool = False
    data_say: str = ""
    response: str = ""


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
    #: A task for the Scottish Government (recommendation 13): not assessed locally.
    national: bool = False


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
    contradicted: bool = False
    data_say: str = ""
    response: str = ""


@attrs.frozen(kw_only=True)
class PeerJudgementRow:
    section: str
    grade: int
    label: str
    evidence: str
    contradicted: bool = False
    data_say: str = ""
    response: str = ""


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
    period: Period
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


def link_words(recommendations: Iterable[int], indicators: Iterable[str]) -> tuple[str, str]:
    return (
        ", ".join(str(number) for number in recommendations),
        ", ".join(indicators),
    )


def checked(claims: Claims | None, subject: object) -> dict[str, Any]:
    """What the claim check says of ``subject`` (a statement, plan or judgement), as the
    ``contradicted``, ``data_say`` and ``response`` of its row: only a contradiction is
    shown beside a claim."""
    check = claims.check_of(subject) if claims is not None else None
    if check is None or check.verdict is not Verdict.CONTRADICTED:
        return {}
    return {"contradicted": True, "data_say": check.evidence, "response": check.response}


def linked(statements: Iterable[Any], claims: Claims | None = None) -> tuple[Linked, ...]:
    return tuple(
        Linked(text=s.text, recommendations=r, indicators=i, **checked(claims, s))
        for s in statements
        for r, i in [link_words(s.recommendations, s.indicators)]
    )


def tick_label(value: float, *, indicator: Indicator) -> str:
    return format_value(value, indicator)


def recommendations(
    assessment: Assessment | None, catalogue: Catalogue
) -> tuple[RecommendationAssessment, ...]:
    """The self-assessment against each of the 13 recommendations."""
    prompts = {prompt.id: prompt for prompt in load_prompts()}
    by_recommendation = catalogue.by_recommendation()
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
                title = given.section.label
                for kind, target in (("strengths", strengths), ("priorities", priorities)):
                    for statement in getattr(given, kind):
                        if number in statement.recommendations:
                            _, indicators = link_words((), statement.indicators)
                            target.append(
                                Linked(
                                    text=statement.text,
                                    recommendations="",
                                    indicators=indicators,
                                    section=title,
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
                national=str(recommendation.evidence) == "national",
            )
        )
    return tuple(rows)


def plans(
    assessment: Assessment | None, direction_of: Callable[[str], Direction]
) -> tuple[PlanRow, ...]:
    """This year's plans, with where their indicators stand now."""
    if assessment is None:
        return ()
    rows = []
    for plan in assessment.plans:
        recommendations, _ = link_words(plan.recommendations, ())
        rows.append(
            PlanRow(
                id=plan.id,
                action=plan.action,
                owner=plan.owner,
                due=plan.due.isoformat(),
                recommendations=recommendations,
                expected=str(plan.expected),
                indicators=tuple(
                    (i, f"indicator-{slug(i)}", direction_of(i)) for i in plan.indicators
                ),
            )
        )
    return tuple(rows)


def previous_plans(
    assessment: Assessment | None,
    direction_of: Callable[[str], Direction],
    claims: Claims | None = None,
) -> tuple[PreviousPlanRow, ...]:
    """Last year's plans, and whether their indicators moved as expected."""
    if assessment is None:
        return ()
    rows = []
    for previous in assessment.previous_plans:
        plan = previous.plan
        moves = []
        for indicator in plan.indicators:
            direction = direction_of(indicator)
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
                **checked(claims, previous),
            )
        )
    return tuple(rows)


def plans_missing(assessment: Assessment | None) -> tuple[str, ...]:
    """What the plans section lacks, in words."""
    if assessment is None:
        return ("No assessment file was given, so there are no plans to show.",)
    missing = []
    if not assessment.plans:
        missing.append("The assessment gives no plans for the coming year.")
    if not assessment.previous_plans:
        missing.append("The assessment does not review last year's plans ([[previous_plans]]).")
    return tuple(missing)


def peer_annex(assessment: Assessment | None, claims: Claims | None = None) -> PeerAnnex:
    """Annex A: the peer assessment, or what is missing of it."""
    if assessment is None:
        return PeerAnnex(missing=("No assessment file was given, so there is no peer assessment.",))
    peer = assessment.peer_assessment
    if peer is None:
        return PeerAnnex(missing=("This report has not been peer assessed yet.",))
    missing = []
    if not peer.signed:
        missing.append("The peer assessment is not yet signed by both Chief Social Work Officers.")
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
                section=j.section.label,
                grade=j.grade,
                label=grade_label(j.grade) if 1 <= j.grade <= 6 else "",
                evidence=j.evidence,
                **checked(claims, j),
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
                section=a.section.label,
                recommendations=link_words(a.recommendations, ())[0],
            )
            for a in peer.actions
        ),
        area_sign_off=sign_off_text(peer.area_sign_off) if peer.area_sign_off else "",
        peer_sign_off=sign_off_text(peer.peer_sign_off) if peer.peer_sign_off else "",
    )


def burden_annex(burden: Burden | None, area: str) -> BurdenAnnex:
    """Annex C: what the minimal dataset asked of ``area``."""
    if burden is None:
        return BurdenAnnex(missing=("No dataset was given to measure the burden of the return.",))
    cells = burden.cells
    mine = cells[cells["area"] == area]
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


_INTERVALS = {
    Measure.PROPORTION: "Wilson score interval",
    Measure.RATE: "Poisson interval (exact below 10 events, Byar's method from 10)",
    Measure.MEAN: "Student t interval",
    Measure.COST: "none: a cost is not a sample",
    Measure.COUNT: "none: a count is not a sample",
    Measure.ESTIMATE: "the publisher's own interval (a weighted survey estimate), used as given",
}
METHODS = (
    (
        "Confidence intervals",
        "95% intervals: Wilson score for proportions; exact Poisson (below 10 events) or "
        "Byar's method for rates; Student t for means. The normal quantile is taken at the "
        "exact confidence level, not rounded to 1.96. Costs, counts, and shares of days or "
        "money are not samples: they have no interval, and their changes and trends are "
        "not tested. A published survey estimate keeps the interval its publisher gives "
        "(which allows for the survey's weighting).",
    ),
    (
        "Change on last year",
        "Change is this year's value minus last year's. Its interval is "
        "Newcombe's hybrid score method for proportions, MOVER from the Poisson limits for rates "
        "and Welch's method for means, and for published estimates MOVER-D, which combines "
        "the two published intervals; a change is significant when its interval excludes "
        "zero. A two-yearly indicator's change is since its previous survey, and a figure "
        "published late (a reconviction rate) is shown for its latest published year, "
        "labelled as such. A gap in the series makes the change not comparable.",
    ),
    (
        "Direction",
        "Where a change can be tested, improved or worsened means the change is significant "
        "and the indicator has a better direction. Where it cannot (costs, counts, shares of "
        "days or money), improved or worsened means any change beyond the indicator's "
        "materiality threshold, and the change is shown without an interval. Neutral "
        "indicators show increased or decreased. The symbol always comes with the word.",
    ),
    (
        "Scotland and family group",
        "Scotland and family-group values are the sum of the "
        "reporting areas' numerators over the sum of their denominators, not an average of rates; "
        "a published estimate's Scotland value is the published national one.",
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


def sign_off_text(sign_off: Any) -> str:
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


def sampled(indicator: Indicator, items: Mapping[str, DataItem]) -> bool:
    """Whether a sampling model (an interval, a test of change and trend) applies.

    As in the statistics engine: proportions and rates of counted people or events, and
    means with a standard deviation; not costs, counts, or shares of days or money.
    """
    if indicator.measure is Measure.MEAN:
        return indicator.sd is not None
    numerator = items.get(indicator.numerator)
    counted = numerator is not None and numerator.kind is ItemKind.COUNT
    return counted and indicator.measure in (Measure.PROPORTION, Measure.RATE)


def interval_method(indicator: Indicator, items: Mapping[str, DataItem]) -> str:
    """How the confidence interval of ``indicator``'s values is made, in words."""
    if indicator.measure in (Measure.COST, Measure.COUNT) or sampled(indicator, items):
        return _INTERVALS[indicator.measure]
    numerator = items.get(indicator.numerator)
    kind = numerator.kind if numerator is not None else "not known"
    return f"none: the numerator is measured in {kind}, not a count of people or events"
