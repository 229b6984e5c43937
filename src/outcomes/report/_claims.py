"""Every claim of an assessment checked against the data.

A self-assessment says what is strong and what needs to improve; a peer grades the
report; last year's plans say how they went. Each of those claims may name the
indicators it rests on (``indicators = [...]`` in ``assessment.toml``).
:func:`check_claims` reads what the results say about each named indicator for the
assessment's year and gives each claim a verdict, so that a claim the data contradict is
seen by its authors before a peer, an inspector or an elected member sees it.

The rules (docs/assessment.md, "Claims checked against the data"):

- A claim *of strength* (a return section's strength, an achievement, a plan reported
  complete or on track, a peer grade of 5 or 6) is **contradicted** when any of its
  indicators worsened significantly since the previous period, shows a significant
  worsening trend, or is significantly worse than Scotland without a significant
  improvement or improving trend; else **supported** when any of its indicators is
  significantly better than Scotland, improved significantly or shows a significant
  improving trend.
- A claim *of need* (a return section's priority, this year's plan, a peer grade of 3 or
  less) is **supported** when any of its indicators is significantly worse than Scotland,
  worsened significantly or shows a significant worsening trend. Choosing to improve
  what already goes well is a choice, not an error: a need is never contradicted.
- Otherwise the claim is **not tested** (no significant evidence either way, a peer
  grade of 4, or no indicator named), or **no data** when none of its indicators has a
  value for the year.

Significance is the results' own: a change counts only when its test found it
significant (costs and counts have no test), comparisons with Scotland use the
intervals, and trends are the five-year test. Each indicator is read in its own kind of
period (``2024`` for a calendar-year indicator in the return year ``2024-25``).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
import pandas as pd

from outcomes.core._io import slug, write_csv
from outcomes.core._markdown import md, md_cell
from outcomes.core._periods import Period, as_period
from outcomes.errors import AssessmentError, AssessmentProblem, AssessmentProblemRow
from outcomes.report._format import format_value
from outcomes.vocabulary import SCOTLAND, Comparison, Direction, ReportStatus, Trend

if TYPE_CHECKING:
    from outcomes.assessment._model import Assessment
    from outcomes.catalogue._catalogue import Indicator
    from outcomes.results._lookup import ResultLookup, ResultRow
    from outcomes.results._results import Results

__all__ = [
    "CLAIM_COLUMNS",
    "Check",
    "Claims",
    "Stance",
    "Verdict",
    "check_claims",
    "describe_row",
    "strength_verdict",
]


class Verdict(enum.StrEnum):
    """What the data say of a claim."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NOT_TESTED = "not_tested"
    NO_DATA = "no_data"


class Stance(enum.StrEnum):
    """Whether a claim says something goes well, or needs to improve."""

    STRENGTH = "strength"
    NEED = "need"
    NEITHER = "neither"


#: :attr:`Claims.table`: one row per claim, in the order of the assessment file.
CLAIM_COLUMNS: Final = (
    "area", "period", "claim_id", "source", "stance", "claim", "indicators", "verdict",
    "indicator_verdicts", "evidence", "response",
)  # fmt: skip
#: Peer grades at or above this are claims of strength; at or below the next, of need.
_STRONG_GRADE, _WEAK_GRADE = 5, 3


@attrs.frozen(kw_only=True)
class _Claim:
    claim_id: str
    source: str
    stance: Stance
    text: str
    indicators: tuple[str, ...]
    #: The statement, plan or judgement the claim is: the report marks it by this.
    subject: object = attrs.field(eq=False)
    response: str = ""


@attrs.frozen(kw_only=True)
class Check:
    """What the data say of one claim, for the report to show beside it."""

    claim_id: str
    verdict: Verdict
    evidence: str
    response: str

    @property
    def unanswered(self) -> bool:
        """Contradicted, and the authors have not answered."""
        return self.verdict is Verdict.CONTRADICTED and not self.response


@attrs.frozen(kw_only=True)
class Claims:
    """The claims of one assessment, each with its verdict (:data:`CLAIM_COLUMNS`).

    ``claim_id`` is where the claim sits in ``assessment.toml`` (``sections[0].strengths[1]``,
    ``peer_assessment.judgements[2]``); ``indicators`` are its ids joined by ``"; "``;
    ``indicator_verdicts`` the verdict each indicator alone would give (``CHN9
    contradicted; CF02 supported``); ``evidence`` says, per indicator, what the data show,
    with the figures; ``response`` is the authors' answer, where they gave one.
    """

    area: str
    period: Period
    table: pd.DataFrame = attrs.field(eq=False, repr=False)
    #: Each claim's :class:`Check`, by the object (statement, plan, judgement) it is.
    checks: tuple[tuple[object, Check], ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def unanswered(self) -> pd.DataFrame:
        """The contradicted claims with no response: they keep a report in draft."""
        table = self.table
        return table[(table["verdict"] == Verdict.CONTRADICTED.value) & (table["response"] == "")]

    def require_answered(self, status: ReportStatus, file: str = "") -> None:
        """Raise :class:`~outcomes.errors.AssessmentError` (``UNANSWERED_CONTRADICTION``, one
        row per claim) when a report of ``status`` past draft would carry a claim the data
        contradict with no response: the rule of the report and of ``outcomes check``."""
        if status is ReportStatus.DRAFT or self.unanswered.empty:
            return
        raise AssessmentError(tuple(
            AssessmentProblemRow(
                file=file or f"the assessment of {self.area} for {self.period}",
                key=str(row["claim_id"]),
                problem=AssessmentProblem.UNANSWERED_CONTRADICTION,
                message=f"the report is {status.label.lower()}, but the data contradict "
                        f"{row['claim']!r}: {row['evidence']}",
                hint="answer it with response = \"...\" on that claim (shown in the "
                     "report), correct the claim, or keep the report a draft",
            )
            for row in self.unanswered.to_dict("records")
        ))  # fmt: skip

    def check_of(self, subject: object) -> Check | None:
        """The :class:`Check` of a statement, plan or judgement of the assessment."""
        return next((check for claimed, check in self.checks if claimed is subject), None)

    @property
    def contradicted(self) -> pd.DataFrame:
        """The claims the data contradict."""
        return self.table[self.table["verdict"] == Verdict.CONTRADICTED.value]

    def counts(self) -> dict[str, int]:
        """How many claims had each verdict, in the order of :class:`Verdict`."""
        found = self.table["verdict"].value_counts()
        return {verdict.value: int(found.get(verdict.value, 0)) for verdict in Verdict}

    def to_markdown(self) -> str:
        """The claims as a Markdown table, for a note to the authors."""
        lines = [
            f"# Claims of {md(self.area)}'s assessment checked against the data, {self.period}",
            "",
            "| Claim | Where | Indicators | Verdict | What the data say | Response |",
            "|---|---|---|---|---|---|",
        ]
        for row in self.table.to_dict("records"):
            verdict = str(row["verdict"]).replace("_", " ")
            cells = (row["claim"], f"{row['source']} ({row['claim_id']})", row["indicators"],
                     verdict, row["evidence"], row["response"])  # fmt: skip
            lines.append("| " + " | ".join(md_cell(cell) for cell in cells) + " |")
        return "\n".join(lines) + "\n"

    def to_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write ``DIRECTORY/claims-<area-slug>-<period>.csv`` atomically; return its path."""
        path = Path(directory) / f"claims-{slug(self.area)}-{self.period}.csv"
        return [write_csv(path, self.table)[0]]


def _claims(assessment: Assessment) -> Iterator[_Claim]:
    """Every claim of ``assessment`` that can rest on indicators, in file order."""
    for number, section in enumerate(assessment.sections):
        for kind, word, stance, statements in (
            ("strengths", "strength", Stance.STRENGTH, section.strengths),
            ("priorities", "priority", Stance.NEED, section.priorities),
        ):
            for k, statement in enumerate(statements):
                yield _Claim(claim_id=f"sections[{number}].{kind}[{k}]",
                             source=f"{section.section.label}: {word}",
                             stance=stance, text=statement.text,
                             indicators=statement.indicators, subject=statement,
                             response=statement.response)  # fmt: skip
    for k, statement in enumerate(assessment.achievements):
        yield _Claim(claim_id=f"achievements[{k}]", source="achievement",
                     stance=Stance.STRENGTH, text=statement.text,
                     indicators=statement.indicators, subject=statement,
                     response=statement.response)  # fmt: skip
    for k, plan in enumerate(assessment.plans):
        yield _Claim(claim_id=f"plans[{k}]", source=f"plan {plan.id}", stance=Stance.NEED,
                     text=plan.action, indicators=plan.indicators, subject=plan)  # fmt: skip
    for k, previous in enumerate(assessment.previous_plans):
        done = previous.progress.value in ("complete", "on_track")
        yield _Claim(claim_id=f"previous_plans[{k}]",
                     source=f"last year's plan {previous.plan.id}: {previous.progress.value}",
                     stance=Stance.STRENGTH if done else Stance.NEITHER,
                     text=previous.plan.action, indicators=previous.plan.indicators,
                     subject=previous, response=previous.response)  # fmt: skip
    peer = assessment.peer_assessment
    for k, judgement in enumerate(peer.judgements if peer is not None else ()):
        stance = (Stance.STRENGTH if judgement.grade >= _STRONG_GRADE
                  else Stance.NEED if judgement.grade <= _WEAK_GRADE
                  else Stance.NEITHER)  # fmt: skip
        yield _Claim(claim_id=f"peer_assessment.judgements[{k}]",
                     source=f"peer grade {judgement.grade} ({judgement.label}): "
                            f"{judgement.section.label}",
                     stance=stance, text=judgement.evidence,
                     indicators=judgement.indicators, subject=judgement,
                     response=judgement.response)  # fmt: skip


def _signals(row: ResultRow) -> tuple[bool, bool]:
    """Whether ``row`` shows significant evidence of going wrong, and of going well."""
    tested = row.change_significant is True
    worsened = tested and row.direction is Direction.WORSENED
    improved = tested and row.direction is Direction.IMPROVED
    worse = row.vs_scotland is Comparison.WORSE
    improving = improved or row.trend is Trend.IMPROVING
    wrong = worsened or row.trend is Trend.WORSENING or (worse and not improving)
    well = improving or row.vs_scotland is Comparison.BETTER
    return wrong, well


def strength_verdict(row: ResultRow) -> Verdict:
    """The verdict that ``row`` alone gives a claim of strength (the module's rules): the
    one rule for every claim of strength, here and in the networks of shared interest."""
    wrong, well = _signals(row)
    return Verdict.CONTRADICTED if wrong else Verdict.SUPPORTED if well else Verdict.NOT_TESTED


def _need_signal(row: ResultRow) -> bool:
    tested = row.change_significant is True
    return (
        (tested and row.direction is Direction.WORSENED)
        or row.trend is Trend.WORSENING
        or row.vs_scotland is Comparison.WORSE
    )


_COMPARED = {
    Comparison.BETTER: "significantly better than Scotland",
    Comparison.WORSE: "significantly worse than Scotland",
    Comparison.SIMILAR: "similar to Scotland",
    Comparison.HIGHER: "significantly higher than Scotland",
    Comparison.LOWER: "significantly lower than Scotland",
}
_MOVED = {
    Direction.IMPROVED: "improved",
    Direction.WORSENED: "worsened",
    Direction.INCREASED: "increased",
    Direction.DECREASED: "decreased",
    Direction.NO_SIGNIFICANT_CHANGE: "no significant change",
    Direction.NO_CHANGE: "no material change",
}


def describe_row(row: ResultRow, indicator: Indicator, scotland: float | None) -> str:
    """What one area's figures say, in words, with the values as a report shows them:
    against Scotland (``scotland``, its value), since the previous period, and the trend.
    The claim check and the networks' offers both say it this way."""
    value = format_value(row.value, indicator)
    parts = []
    if row.vs_scotland in _COMPARED:
        versus = format_value(scotland, indicator)
        parts.append(f"{_COMPARED[row.vs_scotland]} ({value} vs {versus})")
    if row.direction in _MOVED and row.previous_period is not None:
        significantly = " significantly" if row.change_significant is True else ""
        before = format_value(row.previous_value, indicator)
        parts.append(f"{_MOVED[row.direction]}{significantly} since {row.previous_period} "
                     f"({before} to {value})")  # fmt: skip
    if row.trend is not None and row.trend is not Trend.NOT_ENOUGH_DATA:
        word = row.trend.word
        parts.append(word if word.endswith("trend") else f"{word} trend")
    return ", ".join(parts) or f"{value}; no comparison is available"


def _verdict(claim: _Claim, rows: list[ResultRow]) -> Verdict:
    if claim.stance is Stance.NEITHER or not claim.indicators:
        return Verdict.NOT_TESTED
    if not rows:
        return Verdict.NO_DATA
    if claim.stance is Stance.NEED:
        return Verdict.SUPPORTED if any(map(_need_signal, rows)) else Verdict.NOT_TESTED
    verdicts = {strength_verdict(row) for row in rows}
    for verdict in (Verdict.CONTRADICTED, Verdict.SUPPORTED):
        if verdict in verdicts:
            return verdict
    return Verdict.NOT_TESTED


def _scotland(lookup: ResultLookup, row: ResultRow) -> float | None:
    national = lookup.row(row.indicator, SCOTLAND, row.period)
    return None if national is None else national.value


def _rows(claim: _Claim, lookup: ResultLookup, area: str, period: Period) -> list[ResultRow]:
    rows = []
    for indicator_id in claim.indicators:
        if indicator_id not in lookup.catalogue:
            continue
        indicator = lookup.catalogue[indicator_id]
        row = lookup.row(indicator_id, area, period.in_type(indicator.period_type))
        if row is not None and row.value is not None and not row.suppressed:
            rows.append(row)
    return rows


def check_claims(
    assessment: Assessment, results: Results, period: str | Period | None = None
) -> Claims:
    """Each claim of ``assessment`` with what ``results`` say of its indicators, for
    ``period`` (default: the assessment's own year). The rules are this module's.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...                            outcomes.load_catalogue())
    >>> fife = outcomes.read_assessment(example / "assessments" / "fife.toml")
    >>> claims = check_claims(fife, results)
    >>> set(claims.table["verdict"]) <= {v.value for v in Verdict}
    True
    """
    when = as_period(period if period is not None else assessment.period)
    lookup = results.lookup()
    records = []
    checks: list[tuple[object, Check]] = []
    for claim in _claims(assessment):
        rows = _rows(claim, lookup, assessment.area, when)
        verdict = _verdict(claim, rows)
        by_row = {row.indicator: _verdict(claim, [row]) for row in rows}
        alone = "; ".join(f"{indicator} {by_row.get(indicator, Verdict.NO_DATA).value}"
                          for indicator in claim.indicators)  # fmt: skip
        described = "; ".join(
            f"{row.indicator} ({row.period}): "
            + describe_row(row, lookup.catalogue[row.indicator], _scotland(lookup, row))
            for row in rows
        )
        missing = [i for i in claim.indicators if i not in {row.indicator for row in rows}]
        evidence = "; ".join(
            part
            for part in (
                described,
                f"no value for {', '.join(missing)}" if missing else "",
                "" if claim.indicators else "cites no indicator",
            )
            if part
        )
        records.append({
            "area": assessment.area, "period": str(when), "claim_id": claim.claim_id,
            "source": claim.source, "stance": claim.stance.value, "claim": claim.text,
            "indicators": "; ".join(claim.indicators), "verdict": verdict.value,
            "indicator_verdicts": alone,
            "evidence": evidence, "response": claim.response,
        })  # fmt: skip
        check = Check(claim_id=claim.claim_id, verdict=verdict, evidence=evidence,
                      response=claim.response)  # fmt: skip
        checks.append((claim.subject, check))
    table = pd.DataFrame.from_records(records, columns=list(CLAIM_COLUMNS))
    return Claims(area=assessment.area, period=when, table=table.astype(object),
                  checks=tuple(checks))  # fmt: skip
