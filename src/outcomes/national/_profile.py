"""The scrutiny profile of one area: where an inspector could step back, and where to look.

Recommendation 11 of *Changing Lives* asks inspectorates to use the performance
framework to reduce the burden of regulation. :func:`scrutiny_profile` brings three
sources of evidence together for each indicator of one area:

- **data**: the judgement of :func:`outcomes.national.scrutiny` (concern, watch, no
  evidence, assurance; assurance needs positive evidence);
- **claims**: what the area's own assessment claims of the indicator, checked against the
  data (:func:`outcomes.report.check_claims`): a contradicted claim, or a need the data
  bear out, is a concern; a supported strength is assurance;
- **peer**: the peer's grade for the report section that shows the indicator, or for a
  judgement that names it: 3 (adequate) or less is a concern, 4 (good) or more assurance.

An indicator is one to **look** at when two or more sources raise concern (corroborated),
and one where scrutiny could **step back** when the data give assurance, at least one
other source agrees and no source raises concern; everything else is **routine**.

The peer grades, the judgements and the claims are also read against the quality
indicators (QIs) of the Care Inspectorate's self-evaluation frameworks, through a bundled
mapping (``quality_indicators.toml``, documented in docs/scrutiny.md), so that an
inspector can build on them in the framework they already use.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import pandas as pd

from outcomes.core._io import slug, write_csv
from outcomes.core._resources import package_text
from outcomes.core._toml import (
    Parsers,
    TomlFileError,
    choices,
    load_toml,
    parse_table,
    problem_rows,
    text,
    whole_numbers,
)
from outcomes.errors import CatalogueError, CatalogueProblem, CatalogueProblemRow
from outcomes.national._overview import JUDGEMENTS, Scrutiny
from outcomes.report._claims import CLAIM_COLUMNS, Claims, Stance, Verdict, check_claims
from outcomes.report._report import report_section
from outcomes.vocabulary import ReportSection

if TYPE_CHECKING:
    from outcomes.assessment._model import Assessment
    from outcomes.catalogue._catalogue import Catalogue, Indicator
    from outcomes.results._results import Results

__all__ = [
    "ACTIONS",
    "PROFILE_COLUMNS",
    "QUALITY_COLUMNS",
    "Profile",
    "QualityFramework",
    "QualityIndicator",
    "load_quality_framework",
    "scrutiny_profile",
]

#: What scrutiny could do about an indicator or a QI, from the most to the least.
ACTIONS: Final = ("look", "routine", "step_back")
#: Each action in words, for pages.
ACTION_WORDS: Final = {"look": "Look closer", "routine": "Routine", "step_back": "Step back"}
#: The sources of evidence, in the order the profile names them.
SOURCES: Final = ("data", "claims", "peer")
#: :attr:`Profile.table`: one row per indicator of the scrutiny view, in its order.
PROFILE_COLUMNS: Final = (
    "area", "name", "period", "indicator", "title", "section", "quality_indicators", "data",
    "data_evidence", "claims", "claim_evidence", "peer_grade", "peer_evidence",
    "concern_sources", "assurance_sources", "action",
)  # fmt: skip
#: :attr:`Profile.quality`: one row per quality indicator that any row maps to, in the
#: mapping file's order.
QUALITY_COLUMNS: Final = (
    "area", "period", "framework", "qi", "title", "peer_grades", "indicators",
    *JUDGEMENTS, "claims_supported", "claims_contradicted", "action",
)  # fmt: skip
#: Peer grades at or below this raise concern; above it, give assurance.
_WEAK_GRADE: Final = 3
#: How many sources make a concern corroborated, or an assurance consistent.
_CORROBORATED: Final = 2


@attrs.frozen(kw_only=True)
class QualityIndicator:
    """One quality indicator of a framework, and the evidence that bears on it."""

    framework: str
    id: str
    title: str
    sections: tuple[ReportSection, ...]
    recommendations: tuple[int, ...]

    @property
    def label(self) -> str:
        """The QI as an inspector writes it, e.g. ``children 5.2 Assessing and ...``."""
        return f"{self.framework} QI {self.id} {self.title}"


@attrs.frozen(kw_only=True)
class QualityFramework:
    """The frameworks' quality indicators and where they were read from."""

    source: str
    frameworks: Mapping[str, str]
    indicators: tuple[QualityIndicator, ...]
    file: str = ""

    def of_section(self, section: str) -> tuple[QualityIndicator, ...]:
        """The QIs that a report section gives evidence on."""
        return tuple(qi for qi in self.indicators if section in qi.sections)

    def of_indicator(self, indicator: Indicator) -> tuple[QualityIndicator, ...]:
        """The QIs that ``indicator`` gives evidence on: those of the report section that
        shows it which share one of its recommendations, or all of that section's QIs
        when none does."""
        section = self.of_section(report_section(indicator))
        shared = tuple(qi for qi in section
                       if set(qi.recommendations) & set(indicator.recommendations))  # fmt: skip
        return shared or section


_FRAMEWORK_KEYS: Parsers = {"id": (text, True), "title": (text, True)}
_QI_KEYS: Parsers = {
    "framework": (text, True),
    "id": (text, True),
    "title": (text, True),
    "sections": (choices(ReportSection), True),
    "recommendations": (whole_numbers, False),
}


def load_quality_framework(path: str | os.PathLike[str] | None = None) -> QualityFramework:
    """The QI mapping of ``path`` (default: the bundled ``quality_indicators.toml``).

    Every problem is raised at once as a :class:`~outcomes.errors.CatalogueError` naming
    the file and the table: an unknown key, a report section that does not exist, a QI of a
    framework the file does not declare, a QI listed twice.
    """
    if path is None:
        return _bundled()
    try:
        document = load_toml(Path(path))
    except TomlFileError as error:
        kind = CatalogueProblem.TOML_SYNTAX if error.syntax else CatalogueProblem.UNREADABLE
        problem = CatalogueProblemRow(file=str(path), problem=kind, message=error.message,
                                      hint=error.hint)  # fmt: skip
        raise CatalogueError((problem,)) from error
    return _parse(document, str(path))


@functools.cache
def _bundled() -> QualityFramework:
    text_, file = package_text("outcomes.national", "quality_indicators.toml")
    return _parse(tomllib.loads(text_), file)


def _parse(document: dict[str, Any], file: str) -> QualityFramework:
    problems: list[CatalogueProblemRow] = []
    frameworks: dict[str, str] = {}
    for position, raw in enumerate(document.get("framework", []), start=1):
        fields, found = parse_table(raw, _FRAMEWORK_KEYS, f"[[framework]] #{position}")
        problems += problem_rows(file, found, item=f"framework {position}")
        if not found:
            frameworks[fields["id"]] = fields["title"]
    indicators: list[QualityIndicator] = []
    seen: set[tuple[str, str]] = set()
    for position, raw in enumerate(document.get("quality_indicator", []), start=1):
        label = f"[[quality_indicator]] #{position}"
        fields, found = parse_table(raw, _QI_KEYS, label)
        problems += problem_rows(file, found, item=label)
        if found:
            continue
        key = (fields["framework"], fields["id"])
        message = (
            f"framework {key[0]!r} is not declared in a [[framework]] table"
            if key[0] not in frameworks
            else f"QI {key[1]} of {key[0]} is listed twice"
            if key in seen
            else ""
        )
        if message:
            problems.append(CatalogueProblemRow(file=file, item=label, key="framework",
                                                problem=CatalogueProblem.BAD_VALUE,
                                                message=message))  # fmt: skip
            continue
        seen.add(key)
        indicators.append(QualityIndicator(**fields))
    if problems:
        raise CatalogueError(tuple(problems))
    source = document.get("source", "")
    return QualityFramework(source=source if isinstance(source, str) else "",
                            frameworks=frameworks, indicators=tuple(indicators),
                            file=file)  # fmt: skip


@attrs.frozen(kw_only=True)
class Profile:
    """One area's scrutiny profile for one period.

    - ``table``: :data:`PROFILE_COLUMNS`, each indicator with its three sources, the
      sources raising concern and giving assurance (names joined by ``"; "``) and the
      ``action`` (:data:`ACTIONS`);
    - ``quality``: :data:`QUALITY_COLUMNS`, the same evidence gathered by quality
      indicator, with the peer's grades of the sections mapped to it;
    - ``claims``: the claim check (:data:`outcomes.report.CLAIM_COLUMNS`), empty without
      an assessment.
    """

    area: str
    name: str
    period: str
    framework: QualityFramework = attrs.field(eq=False, repr=False)
    table: pd.DataFrame = attrs.field(eq=False, repr=False)
    quality: pd.DataFrame = attrs.field(eq=False, repr=False)
    claims: pd.DataFrame = attrs.field(eq=False, repr=False)

    def actions(self) -> dict[str, int]:
        """How many indicators had each action, in the order of :data:`ACTIONS`."""
        found = self.table["action"].value_counts()
        return {action: int(found.get(action, 0)) for action in ACTIONS}

    def to_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write ``profile-``, ``quality-`` and ``claims-<area-slug>-<period>.csv``
        atomically into ``directory``; return their paths."""
        stem = f"{slug(self.area)}-{self.period}.csv"
        folder = Path(directory)
        return [write_csv(folder / f"{kind}-{stem}", table)[0]
                for kind, table in (("profile", self.table), ("quality", self.quality),
                                    ("claims", self.claims))]  # fmt: skip


def _peer_grades(
    assessment: Assessment | None,
) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    """The peer's grades by report section, and by the indicators a judgement names."""
    by_section: dict[str, tuple[int, str]] = {}
    by_indicator: dict[str, tuple[int, str]] = {}
    peer = assessment.peer_assessment if assessment is not None else None
    for judgement in peer.judgements if peer is not None else ():
        said = f"{judgement.grade} ({judgement.label}) for {judgement.section.label}"
        by_section[str(judgement.section)] = (judgement.grade, said)
        for indicator in judgement.indicators:
            if indicator not in by_indicator or judgement.grade < by_indicator[indicator][0]:
                by_indicator[indicator] = (judgement.grade, said)
    return by_section, by_indicator


def _claims_of(claims: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """The claims naming each indicator, each with the verdict of that indicator alone."""
    found: dict[str, list[dict[str, str]]] = {}
    for record in claims.to_dict("records"):
        for pair in str(record["indicator_verdicts"]).split("; "):
            if pair:
                indicator, verdict = pair.rsplit(" ", 1)
                claim = {str(k): str(v) for k, v in record.items()} | {"verdict": verdict}
                found.setdefault(indicator, []).append(claim)
    return found


def _claim_sides(claims: Sequence[Mapping[str, str]]) -> tuple[bool, bool]:
    """Whether the claims about one indicator raise concern, and whether they assure."""
    concern = any(c["verdict"] == Verdict.CONTRADICTED
                  or (c["stance"] == Stance.NEED and c["verdict"] == Verdict.SUPPORTED)
                  for c in claims)  # fmt: skip
    assure = any(c["stance"] == Stance.STRENGTH and c["verdict"] == Verdict.SUPPORTED
                 for c in claims)  # fmt: skip
    return concern, assure and not concern


def _action(concern: Sequence[str], assurance: Sequence[str], data: str) -> str:
    if len(concern) >= _CORROBORATED:
        return "look"
    if data == "assurance" and not concern and len(assurance) >= _CORROBORATED:
        return "step_back"
    return "routine"


def scrutiny_profile(
    scrutiny: Scrutiny,
    catalogue: Catalogue,
    *,
    assessment: Assessment | None = None,
    results: Results | None = None,
    framework: QualityFramework | None = None,
) -> Profile:
    """The scrutiny profile of the area of ``scrutiny`` (rules in this module's docstring).

    ``assessment`` is the area's ``assessment.toml`` (its claims and its peer's grades);
    its claims are checked against ``results``, which must then be given (the results
    that ``scrutiny`` was built from). ``framework`` defaults to the bundled QI mapping.
    Without an assessment only the data speak, so nothing can be corroborated or
    consistent: every action is ``routine``.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> from outcomes.national import scrutiny
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...                            outcomes.load_catalogue())
    >>> fife = outcomes.read_assessment(example / "assessments" / "fife.toml")
    >>> profile = scrutiny_profile(scrutiny(results, "Fife", "2024-25"),
    ...     results.catalogue, assessment=fife, results=results)
    >>> sum(profile.actions().values()) == len(profile.table)
    True
    """
    framework = framework or load_quality_framework()
    if assessment is not None and results is None:
        raise ValueError("checking an assessment's claims needs the results")
    checked = (check_claims(assessment, results, scrutiny.period)
               if assessment is not None and results is not None
               else Claims(area=scrutiny.area, period=scrutiny.period,
                           table=pd.DataFrame(columns=list(CLAIM_COLUMNS))))  # fmt: skip
    claims_by = _claims_of(checked.table)
    by_section, by_indicator = _peer_grades(assessment)
    records: list[dict[str, object]] = []
    for row in scrutiny.table.to_dict("records"):
        indicator = catalogue[str(row["indicator"])]
        section = report_section(indicator)
        claims = claims_by.get(indicator.id, [])
        claim_concern, claim_assure = _claim_sides(claims)
        grade, peer_said = by_indicator.get(indicator.id) or by_section.get(section) or (0, "")
        data = str(row["judgement"])
        sides = {
            "data": (data in ("concern", "watch"), data == "assurance"),
            "claims": (claim_concern, claim_assure),
            "peer": (0 < grade <= _WEAK_GRADE, grade > _WEAK_GRADE),
        }
        concern = [source for source in SOURCES if sides[source][0]]
        assurance = [source for source in SOURCES if sides[source][1]]
        records.append({
            "area": scrutiny.area, "name": scrutiny.name, "period": str(scrutiny.period),
            "indicator": indicator.id, "title": indicator.title,
            "section": ReportSection(section).label,
            "quality_indicators": "; ".join(f"{qi.framework} {qi.id}"
                                            for qi in framework.of_indicator(indicator)),
            "data": data, "data_evidence": str(row["evidence"]),
            "claims": "; ".join(f"{c['stance']} {c['verdict'].replace('_', ' ')}"
                                for c in claims),
            "claim_evidence": "; ".join(
                f"{c['claim']} ({c['source']}: {c['verdict'].replace('_', ' ')})" for c in claims
            ),
            "peer_grade": grade or None, "peer_evidence": peer_said,
            "concern_sources": "; ".join(concern), "assurance_sources": "; ".join(assurance),
            "action": _action(concern, assurance, data),
        })  # fmt: skip
    table = pd.DataFrame.from_records(records, columns=list(PROFILE_COLUMNS))
    table["peer_grade"] = table["peer_grade"].astype("Int64")
    return Profile(area=scrutiny.area, name=scrutiny.name, period=str(scrutiny.period),
                   framework=framework, table=table,
                   quality=_quality(table, checked.table, framework, by_section, catalogue),
                   claims=checked.table)  # fmt: skip


def _quality(
    table: pd.DataFrame,
    claims: pd.DataFrame,
    framework: QualityFramework,
    by_section: Mapping[str, tuple[int, str]],
    catalogue: Catalogue,
) -> pd.DataFrame:
    """:data:`QUALITY_COLUMNS`: the profile's rows gathered by quality indicator."""
    rows_of: dict[tuple[str, str], list[Mapping[Any, Any]]] = {}
    for row in table.to_dict("records"):
        for qi in framework.of_indicator(catalogue[str(row["indicator"])]):
            rows_of.setdefault((qi.framework, qi.id), []).append(row)
    records = []
    for qi in framework.indicators:
        rows = rows_of.get((qi.framework, qi.id), [])
        grades = [(section, by_section[str(section)][0]) for section in qi.sections
                  if str(section) in by_section]  # fmt: skip
        if not rows and not grades:
            continue
        ids = [str(row["indicator"]) for row in rows]
        naming = claims["indicators"].map(functools.partial(_names_any, ids=ids)).astype(bool)
        named = claims.loc[naming]
        judged = pd.Series([row["data"] for row in rows], dtype=object).value_counts()
        actions = {str(row["action"]) for row in rows}
        weak = any(grade <= _WEAK_GRADE for _, grade in grades)
        concerns = int(judged.get("concern", 0)) + int(judged.get("watch", 0))
        contradicted = int((named["verdict"] == Verdict.CONTRADICTED).sum())
        steady = (grades and not weak and not concerns and not contradicted
                  and judged.get("assurance", 0))  # fmt: skip
        action = ("look" if "look" in actions or (weak and concerns) or (weak and contradicted)
                  else "step_back" if steady else "routine")  # fmt: skip
        records.append({
            "area": table["area"].iloc[0] if len(table) else "",
            "period": table["period"].iloc[0] if len(table) else "",
            "framework": qi.framework, "qi": qi.id, "title": qi.title,
            "peer_grades": "; ".join(f"{section.label} {grade}" for section, grade in grades),
            "indicators": "; ".join(ids),
            **{judgement: int(judged.get(judgement, 0)) for judgement in JUDGEMENTS},
            "claims_supported": int((named["verdict"] == Verdict.SUPPORTED).sum()),
            "claims_contradicted": contradicted, "action": action,
        })  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(QUALITY_COLUMNS))


def _names_any(cell: object, ids: Iterable[str]) -> bool:
    return bool(set(str(cell).split("; ")) & set(ids))
