"""Self-assessment, the annual return, plans and peer assessment, as typed data.

*Changing Lives* asks each council for a self-assessment against the recommendations
(prompt questions), a return in five sections signed off by the Chief Social Work
Officer, and an annual performance improvement report that is peer assessed and
published. :class:`Assessment` holds one area's year of all of that; the report renders
it. Objects are plain frozen data; :func:`check_assessment` applies the rules and
returns every problem, so a file can be fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from outcomes.core._periods import Period, parse_period
from outcomes.core._resources import package_text
from outcomes.core._suggest import did_you_mean
from outcomes.core._toml import TomlFileError, load_toml
from outcomes.errors import AssessmentError, AssessmentProblem, AssessmentProblemRow, PeriodError
from outcomes.vocabulary import (
    RECOMMENDATIONS,
    ReportSection,
    ReportStatus,
    ReturnSection,
    StatutoryFunction,
)

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue


#: Judgements below this grade ("good") need an agreed action.
GOOD = 4


class ProviderType(enum.StrEnum):
    """Councils sign off through their CSWO; independent providers through their head."""

    COUNCIL = "council"
    INDEPENDENT = "independent"


class SignOffRole(enum.StrEnum):
    """Who may sign off a self-assessment return (implementation plan, section 4)."""

    CHIEF_SOCIAL_WORK_OFFICER = "chief_social_work_officer"
    CHIEF_EXECUTIVE = "chief_executive"
    DIRECTOR = "director"


_ROLES = {
    ProviderType.COUNCIL: (SignOffRole.CHIEF_SOCIAL_WORK_OFFICER,),
    ProviderType.INDEPENDENT: (SignOffRole.CHIEF_EXECUTIVE, SignOffRole.DIRECTOR),
}


#: The branches of the return that are also report sections a provider may not provide.
_BRANCH_SECTIONS = {
    ReturnSection.CHILDREN_FAMILIES: ReportSection.CHILDREN_FAMILIES,
    ReturnSection.COMMUNITY_CARE: ReportSection.COMMUNITY_CARE,
    ReturnSection.CRIMINAL_JUSTICE: ReportSection.CRIMINAL_JUSTICE,
}

_GRADES = {6: "excellent", 5: "very good", 4: "good", 3: "adequate", 2: "weak", 1: "unsatisfactory"}


def grade_label(grade: int) -> str:
    """The word for a grade on the six-point scale.

    >>> grade_label(5)
    'very good'
    """
    return _GRADES[grade]


class ExpectedDirection(enum.StrEnum):
    """What a plan expects of its indicators."""

    IMPROVE = "improve"
    MAINTAIN = "maintain"


class PlanProgress(enum.StrEnum):
    """How last year's plan went, in the CSWO's judgement."""

    COMPLETE = "complete"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    DROPPED = "dropped"
    NOT_REPORTED = "not_reported"


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _numbers(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Prompt:
    """A prompt question of the self-assessment for one recommendation."""

    id: str
    recommendation: int
    question: str
    levels: tuple[str, ...] = attrs.field(converter=_texts)
    councils_only: bool


def load_prompts(path: Path | None = None) -> tuple[Prompt, ...]:
    """The prompt questions of ``path`` (default: the bundled ones), in recommendation order.

    The bundled file is read once per process: every assessment check and report uses it.

    >>> load_prompts()[0].id
    '1.1'
    """
    if path is None:
        return _bundled_prompts()
    file = str(path)
    try:
        document = load_toml(path)
        return tuple(Prompt(**raw) for raw in document["prompt"])
    except TomlFileError as error:
        kind = AssessmentProblem.TOML_SYNTAX if error.syntax else AssessmentProblem.UNREADABLE
        problem = AssessmentProblemRow(file=file, problem=kind, message=error.message)
        raise AssessmentError((problem,)) from error
    except (KeyError, TypeError, ValueError) as error:
        problem = AssessmentProblemRow(
            file=file,
            key="prompt",
            problem=AssessmentProblem.BAD_VALUE,
            message=f"not a list of prompt questions: {error}",
            hint="give [[prompt]] tables with id, recommendation, question, levels, councils_only",
        )
        raise AssessmentError((problem,)) from error


@functools.cache
def _bundled_prompts() -> tuple[Prompt, ...]:
    text, _ = package_text("outcomes.assessment", "prompts.toml")
    return _parse_prompts(text)


def _parse_prompts(text: str) -> tuple[Prompt, ...]:
    return tuple(Prompt(**raw) for raw in tomllib.loads(text)["prompt"])


# Typed converters, so that lists given in Python become tuples (and compare equal).
def _statements(values: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(values)


def _sections(values: Iterable[SectionReturn]) -> tuple[SectionReturn, ...]:
    return tuple(values)


def _answers(values: Iterable[PromptAnswer]) -> tuple[PromptAnswer, ...]:
    return tuple(values)


def _plans(values: Iterable[Plan]) -> tuple[Plan, ...]:
    return tuple(values)


def _previous_plans(values: Iterable[PreviousPlan]) -> tuple[PreviousPlan, ...]:
    return tuple(values)


def _judgements(values: Iterable[Judgement]) -> tuple[Judgement, ...]:
    return tuple(values)


def _actions(values: Iterable[AgreedAction]) -> tuple[AgreedAction, ...]:
    return tuple(values)


def _narrative(values: Mapping[str, str]) -> dict[str, str]:
    return dict(values)


def _statutory(values: Iterable[StatutoryRecord]) -> tuple[StatutoryRecord, ...]:
    return tuple(values)


def _case_studies(values: Iterable[CaseStudy]) -> tuple[CaseStudy, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Statement:
    """A strength, priority or achievement: words linked to recommendations and indicators."""

    text: str
    recommendations: tuple[int, ...] = attrs.field(default=(), converter=_numbers)
    indicators: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    #: The authors' answer where the data contradict the claim (docs/assessment.md).
    response: str = ""


@attrs.frozen(kw_only=True)
class StatutoryRecord:
    """The council's year of one statutory function: how many decisions, and what they say.

    >>> StatutoryRecord(function="guardianship", count=41).function.label
    'Guardianship (Adults with Incapacity)'
    """

    function: StatutoryFunction = attrs.field(converter=StatutoryFunction)
    #: Decisions, orders or cases in the year, as the council counts them; None if not given.
    count: int | None = None
    text: str = ""


@attrs.frozen(kw_only=True)
class CaseStudy:
    """A short account of one person's or family's experience, with what it shows."""

    title: str
    text: str
    recommendations: tuple[int, ...] = attrs.field(default=(), converter=_numbers)
    indicators: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen(kw_only=True)
class SectionReturn:
    """One of the five sections of the self-assessment return.

    A provider that does not provide a branch says so with ``provided=False`` and a
    ``reason``; the section is then left out of the return, explicitly.
    """

    section: ReturnSection = attrs.field(converter=ReturnSection)
    provided: bool = True
    reason: str = ""
    strengths: tuple[Statement, ...] = attrs.field(default=(), converter=_statements)
    priorities: tuple[Statement, ...] = attrs.field(default=(), converter=_statements)


@attrs.frozen(kw_only=True)
class PromptAnswer:
    """The answer to one prompt question."""

    prompt: str
    answer: str


@attrs.frozen(kw_only=True)
class SignOff:
    """A named person's sign-off, with their role and the date."""

    name: str
    role: SignOffRole = attrs.field(converter=SignOffRole)
    date: dt.date


@attrs.frozen(kw_only=True)
class Plan:
    """A plan for the coming year: who, by when, and which indicators it should move."""

    id: str
    action: str
    owner: str
    due: dt.date
    recommendations: tuple[int, ...] = attrs.field(default=(), converter=_numbers)
    indicators: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    expected: ExpectedDirection = attrs.field(
        default=ExpectedDirection.IMPROVE, converter=ExpectedDirection
    )


@attrs.frozen(kw_only=True)
class PreviousPlan:
    """Last year's plan, carried into this year's report with how it went."""

    plan: Plan
    progress: PlanProgress = attrs.field(default=PlanProgress.NOT_REPORTED, converter=PlanProgress)
    comment: str = ""
    #: The authors' answer where the data contradict the progress claimed.
    response: str = ""


@attrs.frozen(kw_only=True)
class PeerMethod:
    """How the peer assessment was done."""

    documents: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    people_met: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    data_examined: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen(kw_only=True)
class Judgement:
    """The peer's grade for one report section (6 excellent ... 1 unsatisfactory)."""

    section: ReportSection = attrs.field(converter=ReportSection)
    grade: int
    evidence: str
    #: The indicators the evidence rests on (checked against the data, like a strength's).
    indicators: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    #: The peer's answer where the data contradict the grade.
    response: str = ""

    @property
    def label(self) -> str:
        """The grade in words, e.g. ``"good"``; empty for a grade off the scale."""
        return _GRADES.get(self.grade, "")


@attrs.frozen(kw_only=True)
class AgreedAction:
    """An action agreed between the area and its peer."""

    action: str
    owner: str
    due: dt.date
    section: ReportSection = attrs.field(converter=ReportSection)
    recommendations: tuple[int, ...] = attrs.field(default=(), converter=_numbers)


@attrs.frozen(kw_only=True)
class PeerAssessment:
    """A peer area's CSWO's assessment of this area's annual report."""

    peer_area: str
    peer_name: str
    started: dt.date
    finished: dt.date
    method: PeerMethod = attrs.field(factory=PeerMethod)
    judgements: tuple[Judgement, ...] = attrs.field(default=(), converter=_judgements)
    strengths: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    improvements: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    actions: tuple[AgreedAction, ...] = attrs.field(default=(), converter=_actions)
    #: The assessed area's CSWO, accepting the assessment.
    area_sign_off: SignOff | None = None
    #: The peer CSWO.
    peer_sign_off: SignOff | None = None

    @property
    def signed(self) -> bool:
        """True when both CSWOs have signed."""
        return self.area_sign_off is not None and self.peer_sign_off is not None


@attrs.frozen(kw_only=True)
class Assessment:
    """One area's self-assessment, return, plans and peer assessment for one year.

    Read it with :func:`outcomes.read_assessment`; write it with
    :func:`outcomes.write_assessment`.
    """

    area: str
    period: str
    provider: ProviderType = attrs.field(default=ProviderType.COUNCIL, converter=ProviderType)
    status: ReportStatus = attrs.field(default=ReportStatus.DRAFT, converter=ReportStatus)
    #: The CSWO's own words for the narrative sections of the report, by section name:
    #: ``introduction``, ``governance``, ``landscape``, ``statutory_functions``,
    #: ``public_protection``, ``resources``, ``workforce``, ``voice``.
    narrative: Mapping[str, str] = attrs.field(factory=dict, converter=_narrative, hash=False)
    #: The council's comment on an indicator, by indicator id, shown beside its figure.
    commentary: Mapping[str, str] = attrs.field(factory=dict, converter=_narrative, hash=False)
    #: The year's decisions by statutory function (one record per function at most).
    statutory_functions: tuple[StatutoryRecord, ...] = attrs.field(default=(), converter=_statutory)
    case_studies: tuple[CaseStudy, ...] = attrs.field(default=(), converter=_case_studies)
    self_assessment: tuple[PromptAnswer, ...] = attrs.field(default=(), converter=_answers)
    sections: tuple[SectionReturn, ...] = attrs.field(default=(), converter=_sections)
    achievements: tuple[Statement, ...] = attrs.field(default=(), converter=_statements)
    plans: tuple[Plan, ...] = attrs.field(default=(), converter=_plans)
    previous_plans: tuple[PreviousPlan, ...] = attrs.field(default=(), converter=_previous_plans)
    sign_off: SignOff | None = None
    peer_assessment: PeerAssessment | None = None

    def section(self, section: ReturnSection | str) -> SectionReturn | None:
        """The return's section, or None when the file does not give it."""
        wanted = ReturnSection(section)
        return next((given for given in self.sections if given.section is wanted), None)

    def advance(
        self, status: ReportStatus | str, *, catalogue: Catalogue | None = None
    ) -> Assessment:
        """A copy moved forward to ``status``, if the rules allow it.

        Status only moves forward (draft, peer_assessed, published); each step needs
        the peer assessment signed by both CSWOs, and publishing also needs the
        return's sign-off. Raises :class:`AssessmentError` listing what is missing.
        """
        target = ReportStatus(status)
        order = list(ReportStatus)
        if order.index(target) < order.index(self.status):
            raise AssessmentError(
                (
                    AssessmentProblemRow(
                        file=f"{self.area} {self.period}",
                        key="status",
                        problem=AssessmentProblem.BAD_VALUE,
                        message=f"a {self.status} report cannot go back to {target}",
                    ),
                )
            )
        moved = attrs.evolve(self, status=target)
        problems = check_assessment(moved, catalogue=catalogue, file=f"{self.area} {self.period}")
        if problems:
            raise AssessmentError(problems)
        return moved


# ---------------------------------------------------------------------------------------
# Rules


def check_assessment(
    assessment: Assessment,
    *,
    catalogue: Catalogue | None = None,
    areas: Iterable[str] | None = None,
    file: str = "",
) -> tuple[AssessmentProblemRow, ...]:
    """Every rule the assessment breaks, as problem rows with dotted keys.

    Without ``catalogue`` indicator ids are not checked; without ``areas`` the peer
    area is not checked against the areas file.
    """
    checker = _Checker(file, catalogue, None if areas is None else set(areas))
    checker.check(assessment)
    return tuple(checker.problems)


@attrs.define
class _Checker:
    """Checks one assessment against every rule of ``docs/assessment.md``, adding each rule
    broken to ``problems`` instead of stopping at the first, so all are reported at once.

    One class because every check shares the problems list, the file name, the catalogue,
    the areas and the prompt ids, and the checks call one another (achievements, sections,
    plans and peer actions all check their links with :meth:`_links`); as functions each
    would take all five and hand the problems back.
    """

    file: str
    catalogue: Catalogue | None
    areas: set[str] | None
    problems: list[AssessmentProblemRow] = attrs.field(factory=list)
    prompts: frozenset[str] = attrs.field(
        factory=lambda: frozenset(prompt.id for prompt in load_prompts())
    )

    def add(self, key: str, problem: AssessmentProblem, message: str, hint: str = "") -> None:
        self.problems.append(
            AssessmentProblemRow(
                file=self.file, key=key, problem=problem, message=message, hint=hint
            )
        )

    def check(self, assessment: Assessment) -> None:
        period = self._period(assessment.period)
        if self.areas is not None and assessment.area not in self.areas:
            self.add(
                "area",
                AssessmentProblem.UNKNOWN_AREA,
                f"{assessment.area!r} is not an area",
                did_you_mean(assessment.area, self.areas),
            )
        self._answers(assessment.self_assessment)
        self._sections(assessment)
        for number, achievement in enumerate(assessment.achievements):
            self._links(
                f"achievements[{number}]", achievement.recommendations, achievement.indicators
            )
        self._plans(assessment, period)
        self._report_extras(assessment)
        if assessment.sign_off is not None:
            self._sign_off("sign_off", assessment.sign_off, assessment.provider)
        if assessment.peer_assessment is not None:
            self._peer(assessment, assessment.peer_assessment, period)
        self._status(assessment)

    def _period(self, label: str) -> Period | None:
        try:
            return parse_period(label)
        except PeriodError as error:
            self.add("period", AssessmentProblem.BAD_VALUE, str(error))
            return None

    def _links(self, key: str, recommendations: Iterable[int], indicators: Iterable[str]) -> None:
        for number in recommendations:
            if number not in RECOMMENDATIONS:
                self.add(
                    f"{key}.recommendations",
                    AssessmentProblem.UNKNOWN_RECOMMENDATION,
                    f"there is no recommendation {number}",
                    "use 1 to 13",
                )
        if self.catalogue is None:
            return
        for indicator in indicators:
            if indicator in self.catalogue:
                continue
            known = [i.id for i in self.catalogue if indicator in i.aliases.values()]
            hint = (
                f"{indicator!r} is an alias of {known[0]!r}; use the id"
                if known
                else did_you_mean(indicator, self.catalogue.ids)
            )
            self.add(
                f"{key}.indicators",
                AssessmentProblem.UNKNOWN_INDICATOR,
                f"{indicator!r} is not an indicator of the catalogue",
                hint,
            )

    def _answers(self, answers: Iterable[PromptAnswer]) -> None:
        seen: set[str] = set()
        for number, answer in enumerate(answers):
            key = f"self_assessment[{number}].prompt"
            if answer.prompt not in self.prompts:
                self.add(
                    key,
                    AssessmentProblem.UNKNOWN_PROMPT,
                    f"there is no prompt question {answer.prompt!r}",
                    did_you_mean(answer.prompt, self.prompts),
                )
            elif answer.prompt in seen:
                self.add(
                    key, AssessmentProblem.DUPLICATE, f"prompt {answer.prompt!r} is answered twice"
                )
            seen.add(answer.prompt)

    def _sections(self, assessment: Assessment) -> None:
        seen: set[ReturnSection] = set()
        for given in assessment.sections:
            key = f"sections.{given.section}"
            if given.section in seen:
                self.add(key, AssessmentProblem.DUPLICATE, f"section {given.section} given twice")
            seen.add(given.section)
            if not given.provided and not given.reason.strip():
                self.add(
                    f"{key}.reason",
                    AssessmentProblem.NO_REASON,
                    f"section {given.section} is not provided but gives no reason",
                    'e.g. reason = "We do not provide criminal justice services."',
                )
            for kind in ("strengths", "priorities"):
                for number, statement in enumerate(getattr(given, kind)):
                    self._links(
                        f"{key}.{kind}[{number}]", statement.recommendations, statement.indicators
                    )
        for section in ReturnSection:
            if section not in seen:
                self.add(
                    f"sections.{section}",
                    AssessmentProblem.MISSING_KEY,
                    f"section {section} is missing",
                    "give it, or say provided = false with the reason",
                )

    def _plans(self, assessment: Assessment, period: Period | None) -> None:
        ids: set[str] = set()
        for number, plan in enumerate(assessment.plans):
            key = f"plans[{number}]"
            if plan.id in ids:
                self.add(f"{key}.id", AssessmentProblem.DUPLICATE, f"plan id {plan.id!r} twice")
            ids.add(plan.id)
            self._links(key, plan.recommendations, plan.indicators)
            if period is not None and plan.due < period.start:
                self.add(
                    f"{key}.due",
                    AssessmentProblem.DATE_ORDER,
                    f"plan {plan.id!r} is due {plan.due}, before {period} began ({period.start})",
                )
        for number, previous in enumerate(assessment.previous_plans):
            self._links(
                f"previous_plans[{number}]", previous.plan.recommendations, previous.plan.indicators
            )

    def _report_extras(self, assessment: Assessment) -> None:
        """Commentary on known indicators, one record per statutory function, counts >= 0."""
        for indicator in sorted(assessment.commentary):
            self._links(f"commentary.{indicator}", (), (indicator,))
        seen: set[StatutoryFunction] = set()
        for number, record in enumerate(assessment.statutory_functions):
            key = f"statutory_functions[{number}]"
            if record.function in seen:
                self.add(f"{key}.function", AssessmentProblem.DUPLICATE,
                         f"statutory function {record.function} is given twice")  # fmt: skip
            seen.add(record.function)
            if record.count is not None and record.count < 0:
                self.add(f"{key}.count", AssessmentProblem.BAD_VALUE,
                         f"a count cannot be negative ({record.count})")  # fmt: skip
        for number, study in enumerate(assessment.case_studies):
            self._links(f"case_studies[{number}]", study.recommendations, study.indicators)

    def _sign_off(self, key: str, sign_off: SignOff, provider: ProviderType) -> None:
        allowed = _ROLES[provider]
        if sign_off.role not in allowed:
            self.add(
                f"{key}.role",
                AssessmentProblem.WRONG_ROLE,
                f"a {provider} return is signed off by "
                + " or ".join(str(role) for role in allowed)
                + f", not {sign_off.role}",
            )

    def _peer(self, assessment: Assessment, peer: PeerAssessment, period: Period | None) -> None:
        key = "peer_assessment"
        if peer.peer_area == assessment.area:
            self.add(
                f"{key}.peer_area",
                AssessmentProblem.OWN_AREA,
                f"{assessment.area} cannot be its own peer",
            )
        elif self.areas is not None and peer.peer_area not in self.areas:
            self.add(
                f"{key}.peer_area",
                AssessmentProblem.UNKNOWN_AREA,
                f"{peer.peer_area!r} is not an area",
                did_you_mean(peer.peer_area, self.areas),
            )
        if peer.finished < peer.started:
            self.add(
                f"{key}.finished",
                AssessmentProblem.DATE_ORDER,
                f"finished {peer.finished} is before started {peer.started}",
            )
        if period is not None and peer.started < period.start:
            self.add(
                f"{key}.started",
                AssessmentProblem.DATE_ORDER,
                f"started {peer.started} is before {period} began ({period.start})",
            )
        for name in ("area_sign_off", "peer_sign_off"):
            signed: SignOff | None = getattr(peer, name)
            if signed is not None:
                self._sign_off(f"{key}.{name}", signed, ProviderType.COUNCIL)
                if signed.date < peer.finished:
                    self.add(
                        f"{key}.{name}.date",
                        AssessmentProblem.DATE_ORDER,
                        f"signed {signed.date}, before the assessment finished ({peer.finished})",
                    )
        self._judgements(assessment, peer)
        for number, action in enumerate(peer.actions):
            self._links(f"{key}.actions[{number}]", action.recommendations, ())
            if action.due < peer.finished:
                self.add(
                    f"{key}.actions[{number}].due",
                    AssessmentProblem.DATE_ORDER,
                    f"due {action.due}, before the assessment finished ({peer.finished})",
                )

    def _judgements(self, assessment: Assessment, peer: PeerAssessment) -> None:
        key = "peer_assessment"
        judged: set[ReportSection] = set()
        acted = {action.section for action in peer.actions}
        for number, judgement in enumerate(peer.judgements):
            where = f"{key}.judgements[{number}]"
            if judgement.section in judged:
                self.add(
                    f"{where}.section",
                    AssessmentProblem.DUPLICATE,
                    f"section {judgement.section} is judged twice",
                )
            judged.add(judgement.section)
            self._links(where, (), judgement.indicators)
            if judgement.grade not in _GRADES:
                self.add(
                    f"{where}.grade",
                    AssessmentProblem.BAD_GRADE,
                    f"grade {judgement.grade} is off the six-point scale",
                    "6 excellent, 5 very good, 4 good, 3 adequate, 2 weak, 1 unsatisfactory",
                )
            elif judgement.grade < GOOD and judgement.section not in acted:
                self.add(
                    f"{where}.grade",
                    AssessmentProblem.NO_AGREED_ACTION,
                    f"{judgement.section} is graded {judgement.grade} "
                    f"({grade_label(judgement.grade)}) with no agreed action for it",
                    f'add [[peer_assessment.actions]] with section = "{judgement.section}"',
                )
        if peer.signed:
            missing = [s for s in _judged_sections(assessment) if s not in judged]
            if missing:
                self.add(
                    f"{key}.judgements",
                    AssessmentProblem.MISSING_JUDGEMENT,
                    "signed without a judgement for: " + ", ".join(missing),
                )

    def _status(self, assessment: Assessment) -> None:
        if assessment.status is ReportStatus.DRAFT:
            return
        peer = assessment.peer_assessment
        if peer is None or not peer.signed:
            self.add(
                "status",
                AssessmentProblem.MISSING_SIGN_OFF,
                f"a {assessment.status} report needs a peer assessment signed by both CSWOs",
                "sign [peer_assessment.area_sign_off] and "
                '[peer_assessment.peer_sign_off], or set status = "draft"',
            )
        if assessment.status is ReportStatus.PUBLISHED and assessment.sign_off is None:
            self.add(
                "status",
                AssessmentProblem.MISSING_SIGN_OFF,
                "a published report needs the return's [sign_off]",
                'or set status = "peer_assessed"',
            )


def _judged_sections(assessment: Assessment) -> list[ReportSection]:
    """Report sections a signed peer assessment must judge: all, less branches not provided."""
    not_provided = {
        _BRANCH_SECTIONS[given.section]
        for given in assessment.sections
        if not given.provided and given.section in _BRANCH_SECTIONS
    }
    return [section for section in ReportSection if section not in not_provided]
