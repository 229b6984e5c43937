"""Networks of shared interest: councils that named the same priority, and who can help
(issue 19; rec 11's tools to share learning).

Each council's assessment says where it wants to improve (the priorities of its return and
its plans) and where it is strong (the strengths of its return and its achievements), each
linked to recommendations and indicators. :func:`networks` lays those links side by side
across councils: which priorities two or more councils share, which councils claim a strength
where others seek to improve (and whether their figures bear the claim out), and what the
councils ask of national change programmes (section 5 of the return). The result is a typed
:class:`Networks` holding pandas tables with fixed columns (the ``*_COLUMNS`` constants),
written as CSV with the same bytes for the same inputs.

Text cells are never missing: an absent text is ``""``. Numbers (``value``,
``scotland_value``) are NaN where there is none, written as empty CSV cells.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np
import pandas as pd

from outcomes.assessment._model import Assessment, ExpectedDirection, Statement
from outcomes.catalogue._recommendations import load_recommendations
from outcomes.core._io import write_csv
from outcomes.core._periods import Period, as_period, parse_period
from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    AssessmentProblemRow,
    NoResultsError,
)
from outcomes.report._claims import Verdict, describe_row, strength_verdict
from outcomes.returns._tidy import Areas
from outcomes.vocabulary import SCOTLAND, ReturnSection

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue
    from outcomes.results._lookup import ResultLookup, ResultRow
    from outcomes.results._results import Results

__all__ = [
    "KINDS",
    "NATIONAL_KINDS",
    "NATIONAL_PRIORITY_COLUMNS",
    "NETWORK_MEMBER_COLUMNS",
    "OFFER_COLUMNS",
    "SHARED_PRIORITY_COLUMNS",
    "VERDICTS",
    "Networks",
    "networks",
]

#: What a priority is keyed by, in the order rows of equal size are listed.
KINDS: Final = ("recommendation", "section", "indicator")
#: What a national priority is keyed by; ``unlinked`` holds those naming neither.
NATIONAL_KINDS: Final = ("recommendation", "indicator", "unlinked")
#: Whether the figures bear out a claimed strength (the words of the reserved
#: ``outcomes check``, docs/contracts.md).
VERDICTS: Final = tuple(verdict.value for verdict in Verdict)
SUPPORTED, CONTRADICTED, NOT_TESTED, NO_DATA = VERDICTS
#: Joins area identifiers and names in one cell, in alphabetical order of identifier.
SEPARATOR: Final = "; "
#: Joins the distinct texts of national priorities in one cell (one text a line).
TEXT_SEPARATOR: Final = "\n"

#: :attr:`Networks.shared_priorities`: one row per key named a priority by two or more areas.
SHARED_PRIORITY_COLUMNS: Final = (
    "kind", "key", "label", "areas", "members", "names", "offering",
)  # fmt: skip
#: :attr:`Networks.offers`: one row per strength claimed where other areas seek to improve.
OFFER_COLUMNS: Final = (
    "kind", "key", "label", "area", "name", "seeking", "seeking_names", "source", "claim",
    "indicators", "period", "value", "scotland_value", "direction", "vs_scotland", "trend",
    "verdict", "evidence",
)  # fmt: skip
#: :attr:`Networks.national_priorities`: one row per key of section 5's priorities.
NATIONAL_PRIORITY_COLUMNS: Final = (
    "kind", "key", "label", "areas", "members", "names", "texts",
)  # fmt: skip
#: :attr:`Networks.members`: one row per area whose assessment was given.
NETWORK_MEMBER_COLUMNS: Final = (
    "area", "name", "family_group", "status", "priorities", "plans", "strengths",
    "achievements", "national_priorities", "shared", "offers",
)  # fmt: skip

_NUMBER_COLUMNS: Final = ("value", "scotland_value")
_COUNT_COLUMNS: Final = (
    "areas", "offering", "priorities", "plans", "strengths", "achievements",
    "national_priorities", "shared", "offers",
)  # fmt: skip
_NATIONAL = ReturnSection.NATIONAL_PRIORITIES
_UNLINKED_LABEL = "not linked to a recommendation or indicator"


# --- the object -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Networks:
    """Networks of shared interest among the areas whose assessments were given.

    - ``shared_priorities``: :data:`SHARED_PRIORITY_COLUMNS`, each recommendation, return
      section or indicator named a priority by at least two areas;
    - ``offers``: :data:`OFFER_COLUMNS`, strengths claimed on an indicator or recommendation
      that other areas name a priority, with the figures behind the claim;
    - ``national_priorities``: :data:`NATIONAL_PRIORITY_COLUMNS`, what section 5 of the
      returns asks of national change programmes, by recommendation and indicator;
    - ``members``: :data:`NETWORK_MEMBER_COLUMNS`, who is in.

    See :func:`networks` for the rules and the order of rows.
    """

    #: The return year, or None when no assessment and no period was given.
    period: Period | None
    shared_priorities: pd.DataFrame = attrs.field(eq=False, repr=False)
    offers: pd.DataFrame = attrs.field(eq=False, repr=False)
    national_priorities: pd.DataFrame = attrs.field(eq=False, repr=False)
    members: pd.DataFrame = attrs.field(eq=False, repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its CSV file's stem, in the order :meth:`to_csv` writes them."""
        return {
            "networks_shared_priorities": self.shared_priorities,
            "networks_offers": self.offers,
            "networks_national_priorities": self.national_priorities,
            "networks_members": self.members,
        }

    def to_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write each table to ``DIRECTORY/<stem>.csv`` atomically (the same bytes for the
        same inputs) and return the paths: ``networks_shared_priorities``,
        ``networks_offers``, ``networks_national_priorities`` and ``networks_members``."""
        folder = Path(directory)
        return [
            write_csv(folder / f"{stem}.csv", table)[0] for stem, table in self.tables().items()
        ]


# --- what each assessment says ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Claim:
    """A statement of one area: a strength, an achievement or a national priority."""

    area: str
    #: Where it is in the assessment file, as a dotted key: ``achievements[0]``.
    source: str
    statement: Statement

    def links(self) -> list[tuple[str, str]]:
        """The recommendations, then the indicators, it names."""
        return _links(self.statement.recommendations, self.statement.indicators)


def _links(recommendations: Iterable[int], indicators: Iterable[str]) -> list[tuple[str, str]]:
    found = [("recommendation", str(n)) for n in recommendations]
    found += [("indicator", indicator) for indicator in indicators]
    return list(dict.fromkeys(found))


@attrs.frozen(kw_only=True)
class _Said:
    """Everything the networks read from the assessments, by area."""

    #: (kind, key) -> the areas naming it a priority.
    seeking: Mapping[tuple[str, str], frozenset[str]]
    strengths: Sequence[_Claim]
    national: Sequence[_Claim]
    #: area -> (priorities, plans, strengths, achievements, national priorities)
    counts: Mapping[str, tuple[int, int, int, int, int]]

    @classmethod
    def of(cls, assessments: Sequence[Assessment]) -> _Said:
        seeking: dict[tuple[str, str], set[str]] = {}
        strengths: list[_Claim] = []
        national: list[_Claim] = []
        counts: dict[str, tuple[int, int, int, int, int]] = {}
        for assessment in assessments:
            area = assessment.area
            named: list[tuple[str, str]] = []
            priorities = plans = achievements = 0
            own_strengths: list[_Claim] = []
            own_national: list[_Claim] = []
            for given in assessment.sections:
                if not given.provided:
                    continue
                where = f"sections.{given.section}"
                if given.section is _NATIONAL:
                    own_national += [
                        _Claim(area=area, source=f"{where}.priorities[{n}]", statement=s)
                        for n, s in enumerate(given.priorities)
                    ]
                    continue
                for statement in given.priorities:
                    priorities += 1
                    named.append(("section", given.section.value))
                    named += _links(statement.recommendations, statement.indicators)
                own_strengths += [
                    _Claim(area=area, source=f"{where}.strengths[{n}]", statement=s)
                    for n, s in enumerate(given.strengths)
                ]
            for number, achievement in enumerate(assessment.achievements):
                achievements += 1
                own_strengths.append(
                    _Claim(area=area, source=f"achievements[{number}]", statement=achievement)
                )
            for plan in assessment.plans:
                if plan.expected is ExpectedDirection.IMPROVE:
                    plans += 1
                    named += _links(plan.recommendations, plan.indicators)
            for key in named:
                seeking.setdefault(key, set()).add(area)
            strengths += own_strengths
            national += own_national
            strengths_given = len(own_strengths) - achievements  # the rest are achievements
            counts[area] = (priorities, plans, strengths_given, achievements, len(own_national))
        return cls(
            seeking={key: frozenset(areas) for key, areas in seeking.items()},
            strengths=strengths,
            national=national,
            counts=counts,
        )


# --- labels, names and order ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Words:
    """How keys and areas read, and the natural order of keys."""

    catalogue: Catalogue = attrs.field(repr=False)
    names: Mapping[str, str]
    groups: Mapping[str, str]
    recommendations: Mapping[str, str]
    order: Mapping[str, int]

    @classmethod
    def of(cls, catalogue: Catalogue, areas: Areas | None, results: Results | None) -> _Words:
        names: dict[str, str] = {}
        groups: dict[str, str] = dict(results.family_groups) if results is not None else {}
        if areas is not None:
            frame = areas.frame
            names = {str(a): str(n) for a, n in zip(frame["area"], frame["name"], strict=True)}
            groups = {str(a): str(g) for a, g in areas.family_group_of.items()}
        return cls(
            catalogue=catalogue,
            names=names,
            groups=groups,
            recommendations={str(r.number): r.short_title for r in load_recommendations()},
            order={indicator: position for position, indicator in enumerate(catalogue.ids)},
        )

    def name(self, area: str) -> str:
        return self.names.get(area) or area

    def group(self, area: str) -> str:
        group = self.groups.get(area, "")
        return group if isinstance(group, str) else ""

    def label(self, kind: str, key: str) -> str:
        if kind == "recommendation":
            return self.recommendations.get(key, "")
        if kind == "section":
            known = {section.value: section.label for section in ReturnSection}
            return known.get(key, "")
        if kind == "indicator":
            return self.catalogue[key].title if key in self.order else ""
        return _UNLINKED_LABEL

    def rank(self, kind: str, key: str) -> tuple[int, int, str]:
        """The natural order of a key: recommendations by number, sections as the return
        lists them, indicators in catalogue order (unknown ids after, by id)."""
        kinds = (*KINDS, *(k for k in NATIONAL_KINDS if k not in KINDS))
        if kind == "recommendation":
            position = int(key) if key.isdigit() else 1_000_000
        elif kind == "section":
            sections = [section.value for section in ReturnSection]
            position = sections.index(key) if key in sections else len(sections)
        else:
            position = self.order.get(key, len(self.order))
        return kinds.index(kind), position, key

    def members(self, areas: Iterable[str]) -> tuple[str, str]:
        """Area identifiers in alphabetical order, and their names in the same order."""
        ordered = sorted(set(areas))
        return SEPARATOR.join(ordered), SEPARATOR.join(self.name(a) for a in ordered)


# --- the figures behind a claim ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Figures:
    """An indicator's row for one area, judged: the cells of an offer's figure columns."""

    period: str = ""
    value: float = np.nan
    scotland_value: float = np.nan
    direction: str = ""
    vs_scotland: str = ""
    trend: str = ""
    verdict: str = NOT_TESTED
    evidence: str = ""


@attrs.frozen(kw_only=True)
class _Evidence:
    """The results of one return year, read once, judging claims of strength."""

    lookup: ResultLookup | None = attrs.field(repr=False)
    period: Period | None
    catalogue: Catalogue = attrs.field(repr=False)

    def figures(self, indicator_id: str, area: str) -> _Figures:
        if self.lookup is None or self.period is None:
            return _Figures(evidence="no results were given")
        if indicator_id not in self.catalogue:
            return _Figures(verdict=NO_DATA, evidence=f"{indicator_id} is not in the catalogue")
        indicator = self.catalogue[indicator_id]
        year = self.period.in_type(indicator.period_type)
        row = self.lookup.row(indicator_id, area, year)
        national = self.lookup.row(indicator_id, SCOTLAND, year)
        scotland = np.nan if national is None or national.value is None else national.value
        if row is None or row.value is None:
            why = (
                "suppressed to protect confidentiality"
                if row is not None and row.suppressed
                else f"no value for {year}"
            )
            return _Figures(period=year.label, scotland_value=scotland, verdict=NO_DATA,
                            evidence=why)  # fmt: skip
        return _Figures(
            period=year.label,
            value=row.value,
            scotland_value=scotland,
            direction=row.direction.value,
            vs_scotland=row.vs_scotland.value,
            trend="" if row.trend is None else row.trend.value,
            verdict=_verdict(row),
            evidence=describe_row(row, indicator, scotland),
        )

    def combined(self, indicators: Sequence[str], area: str) -> _Figures:
        """A recommendation's claim judged by the indicators the claim names: contradicted
        if any is, else supported if any is, else no data if none has a value."""
        if self.lookup is None or self.period is None:
            return _Figures(evidence="no results were given")
        if not indicators:
            return _Figures(evidence="the claim names no indicator")
        judged = [(indicator, self.figures(indicator, area)) for indicator in indicators]
        verdicts = {figures.verdict for _, figures in judged}
        verdict = next(
            (word for word in (CONTRADICTED, SUPPORTED) if word in verdicts),
            NO_DATA if verdicts == {NO_DATA} else NOT_TESTED,
        )
        evidence = SEPARATOR.join(
            f"{indicator} ({figures.verdict.replace('_', ' ')}): {figures.evidence}"
            for indicator, figures in judged
        )
        return _Figures(verdict=verdict, evidence=evidence)


def _verdict(row: ResultRow) -> str:
    """What ``row`` says of a claimed strength: the rule of every claim of strength
    (:func:`outcomes.report.strength_verdict`, docs/assessment.md)."""
    return strength_verdict(row).value


# --- the tables -------------------------------------------------------------------------------


def _frame(records: list[dict[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    """A table of ``columns``: counts as whole numbers, figures as floats, the rest text."""
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    types: dict[str, object] = {}
    for column in columns:
        if column in _COUNT_COLUMNS:
            types[column] = np.int64
        elif column in _NUMBER_COLUMNS:
            types[column] = np.float64
        else:
            types[column] = object
    return frame.astype(types)  # type: ignore[arg-type]


def _offers(said: _Said, words: _Words, evidence: _Evidence) -> pd.DataFrame:
    records: list[tuple[tuple[object, ...], dict[str, object]]] = []
    for position, claim in enumerate(said.strengths):
        for kind, key in claim.links():
            seekers = said.seeking.get((kind, key), frozenset())
            if not seekers or claim.area in seekers:
                continue
            statement = claim.statement
            if kind == "indicator":
                figures = evidence.figures(key, claim.area)
            else:
                figures = evidence.combined(statement.indicators, claim.area)
            seeking, seeking_names = words.members(seekers)
            record: dict[str, object] = {
                "kind": kind, "key": key, "label": words.label(kind, key),
                "area": claim.area, "name": words.name(claim.area), "seeking": seeking,
                "seeking_names": seeking_names, "source": claim.source,
                "claim": statement.text, "indicators": SEPARATOR.join(statement.indicators),
                **attrs.asdict(figures),
            }  # fmt: skip
            order = (-len(seekers), *words.rank(kind, key), claim.area, position)
            records.append((order, record))
    records.sort(key=lambda pair: pair[0])
    return _frame([record for _, record in records], OFFER_COLUMNS)


def _shared(said: _Said, words: _Words, offers: pd.DataFrame) -> pd.DataFrame:
    offering = offers.groupby(["kind", "key"])["area"].nunique()
    records: list[tuple[tuple[object, ...], dict[str, object]]] = []
    for (kind, key), areas in said.seeking.items():
        if len(areas) < 2:
            continue
        members, names = words.members(areas)
        record: dict[str, object] = {
            "kind": kind, "key": key, "label": words.label(kind, key), "areas": len(areas),
            "members": members, "names": names,
            "offering": int(offering.get((kind, key), 0)),
        }  # fmt: skip
        records.append(((-len(areas), *words.rank(kind, key)), record))
    records.sort(key=lambda pair: pair[0])
    return _frame([record for _, record in records], SHARED_PRIORITY_COLUMNS)


def _national(said: _Said, words: _Words) -> pd.DataFrame:
    areas: dict[tuple[str, str], set[str]] = {}
    texts: dict[tuple[str, str], dict[str, None]] = {}
    for claim in sorted(said.national, key=lambda claim: claim.area):
        for link in claim.links() or [("unlinked", "")]:
            areas.setdefault(link, set()).add(claim.area)
            texts.setdefault(link, {})[claim.statement.text] = None
    records: list[tuple[tuple[object, ...], dict[str, object]]] = []
    for (kind, key), named_by in areas.items():
        members, names = words.members(named_by)
        record: dict[str, object] = {
            "kind": kind, "key": key, "label": words.label(kind, key),
            "areas": len(named_by), "members": members, "names": names,
            "texts": TEXT_SEPARATOR.join(texts[kind, key]),
        }  # fmt: skip
        records.append(((-len(named_by), *words.rank(kind, key)), record))
    records.sort(key=lambda pair: pair[0])
    return _frame([record for _, record in records], NATIONAL_PRIORITY_COLUMNS)


def _members(
    assessments: Sequence[Assessment], said: _Said, words: _Words, offers: pd.DataFrame
) -> pd.DataFrame:
    in_networks: dict[str, int] = {}
    for named_by in said.seeking.values():
        for area in named_by if len(named_by) >= 2 else ():
            in_networks[area] = in_networks.get(area, 0) + 1
    offered = offers.drop_duplicates(["kind", "key", "area"])["area"].value_counts()
    records: list[dict[str, object]] = []
    for assessment in sorted(assessments, key=lambda given: given.area):
        area = assessment.area
        priorities, plans, strengths, achievements, national = said.counts[area]
        records.append({
            "area": area, "name": words.name(area), "family_group": words.group(area),
            "status": assessment.status.value, "priorities": priorities, "plans": plans,
            "strengths": strengths, "achievements": achievements,
            "national_priorities": national, "shared": in_networks.get(area, 0),
            "offers": int(offered.get(area, 0)),
        })  # fmt: skip
    return _frame(records, NETWORK_MEMBER_COLUMNS)


# --- the entry point --------------------------------------------------------------------------


def _year(assessments: Sequence[Assessment], period: str | Period | None) -> Period | None:
    """The return year: ``period``, else the one the assessments share. An assessment of
    another year, or two of one area, is an :class:`AssessmentError` naming each."""
    year = None if period is None else as_period(period)
    labels = sorted({given.period for given in assessments},
                    key=lambda label: parse_period(label).start)  # fmt: skip
    if year is None and labels:
        year = parse_period(labels[-1])
    problems = [
        AssessmentProblemRow(
            file=f"{given.area} {given.period}", key="period",
            problem=AssessmentProblem.BAD_VALUE,
            message=f"the networks are for {year}; {given.area}'s assessment is for "
                    f"{given.period}",
            hint="give the assessments of one year",
        )
        for given in assessments if year is not None and given.period != year.label
    ]  # fmt: skip
    seen: set[str] = set()
    for given in assessments:
        if given.area in seen:
            problems.append(AssessmentProblemRow(
                file=f"{given.area} {given.period}", key="area",
                problem=AssessmentProblem.DUPLICATE,
                message=f"{given.area} has two assessments", hint="give one per area",
            ))  # fmt: skip
        seen.add(given.area)
    if problems:
        raise AssessmentError(tuple(problems))
    return year


def networks(
    assessments: Mapping[str, Assessment],
    catalogue: Catalogue,
    *,
    results: Results | None = None,
    period: str | Period | None = None,
    areas: Areas | None = None,
) -> Networks:
    """Networks of shared interest among the areas of ``assessments`` (keyed by area, as
    :func:`outcomes.read_assessments` gives them, without its errors).

    **Priorities.** An area names a key a priority through the priorities of sections 1-4
    of its return (each gives its section, its recommendations and its indicators) and
    through its plans that expect to *improve* (their recommendations and indicators).
    Sections marked not provided are left out; section 5 (priorities for national change
    programmes) is counted apart, in ``national_priorities``.

    - ``shared_priorities``: one row per key (``kind`` ``recommendation``, ``section`` or
      ``indicator``; ``key`` the number, the section's code or the indicator id) named a
      priority by at least two areas. ``label`` is the recommendation's short title, the
      section's label or the indicator's title (``""`` for an id not in the catalogue);
      ``areas`` how many; ``members`` their identifiers in alphabetical order and ``names``
      their names (from ``areas``) in the same order, each joined by ``"; "``;
      ``offering`` how many areas offer a strength there (always 0 for sections).
    - ``offers``: one row per strength (sections 1-4) or achievement (``source``, its
      dotted key in the assessment file, and ``claim``, its text) that names an indicator
      or a recommendation which another area names a priority and the claiming area does
      not; ``seeking`` and ``seeking_names`` list the areas naming it a priority. With
      ``results``, the claim is judged on the area's figures for the return year (the
      indicator's period of ``period``): ``verdict`` is that of every claim of strength
      (:func:`outcomes.report.strength_verdict`, docs/assessment.md): ``contradicted`` (a
      significant worsening, a worsening trend, or worse than Scotland without a
      significant improvement or improving trend), else ``supported`` (significantly
      better than Scotland, a significant improvement or an improving trend),
      ``no_data`` (no value, or an id not in the catalogue) or ``not_tested`` (anything
      else, or no results given), and
      ``evidence`` says why in words. An indicator row carries the figures (``period``,
      ``value``, ``scotland_value``, ``direction``, ``vs_scotland``, ``trend``); a
      recommendation row is judged by the indicators the claim names (``indicators``):
      contradicted if any is, else supported if any is, else no data if none has a value,
      else not tested; its figure columns are empty.
    - ``national_priorities``: section 5's priorities by recommendation and by indicator
      (``kind``, ``key``, ``label`` as above; one naming neither is counted under
      ``unlinked``), with the areas naming each and their distinct ``texts``, one a line,
      in order of area.
    - ``members``: one row per assessment, by area: ``name``, ``family_group``, ``status``,
      and how many priorities (sections 1-4), plans expecting improvement, strengths,
      achievements and national priorities it gives; ``shared``, the shared priorities it
      is a member of, and ``offers``, the keys on which it offers a strength.

    **Order.** Shared and national priorities: most areas first, then by kind (in the order
    of :data:`KINDS` and :data:`NATIONAL_KINDS`), then by key in its natural order
    (recommendations by number, sections in the return's order, indicators in catalogue
    order, ids not in the catalogue after them by id). Offers: most areas seeking first,
    then kind and key as above, then the offering area's identifier and the claim's place
    in its assessment. Members: by identifier. No order rests on a sort being stable.

    ``period`` is the return year (``2024-25``); it defaults to the assessments' own. An
    assessment of another year, or two assessments of one area, raise
    :class:`AssessmentError`; results holding nothing for the year raise
    :class:`NoResultsError`. Pass ``results.published()`` when the tables are to be
    published, so that suppressed figures are not shown.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> read = outcomes.read_assessments(example / "assessments")
    >>> given = {area: a for area, a in read.items() if isinstance(a, outcomes.Assessment)}
    >>> found = networks(given, outcomes.load_catalogue())
    >>> str(found.period), int(found.shared_priorities["areas"].max()) >= 3
    ('2024-25', True)
    """
    given = list(assessments.values())
    year = _year(given, period)
    lookup = None
    if results is not None and year is not None:
        lookup = results.lookup()
        labels = {year.in_type(indicator.period_type) for indicator in results.catalogue}
        if not labels.intersection(lookup.periods()):
            held = ", ".join(p.label for p in lookup.periods()) or "none"
            raise NoResultsError(f"the results hold nothing for {year}; they hold {held}")
    said = _Said.of(given)
    words = _Words.of(catalogue, areas, results)
    evidence = _Evidence(lookup=lookup, period=year, catalogue=catalogue)
    offers = _offers(said, words, evidence)
    shared = _shared(said, words, offers)
    return Networks(
        period=year,
        shared_priorities=shared,
        offers=offers,
        national_priorities=_national(said, words),
        members=_members(given, said, words, offers),
    )
