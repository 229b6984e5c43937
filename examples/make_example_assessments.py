"""Generate fictional sibling assessments for the example, from the synthetic example data.

Writes ``<area-slug>.toml`` into ``--out`` (default ``examples/inputs/assessments``) for each
council of :data:`COUNCILS`: a draft assessment for the latest split year of the example
data, whose return states

- **strengths** (sections 1-4) where the council's figures show positive evidence
  (significantly better than Scotland, a significant improvement or an improving trend)
  and nothing against it (not worse than Scotland, not worse than last year, no worsening
  trend);
- **priorities** (sections 1-4) where the council is significantly worse than Scotland or
  worsened since last year;
- **plans** to improve its most pressing priorities, and one to keep its clearest strength;
- an **achievement**, its clearest strength;
- **priorities for national change programmes** (section 5), two of :data:`NATIONAL_ASKS`.

Each section lists at most :data:`PER_SECTION` strengths and priorities, the clearest
first. Every word is fictional: the figures are synthetic, and each file's introduction
says so (the files are exactly what :func:`outcomes.write_assessment` writes, so they carry
no comment of their own). The hand-written ``fife.toml`` and ``dundee-city.toml`` are not
touched. The priorities the councils share make the example of
:func:`outcomes.national.networks`.

Regenerate (same inputs, same bytes)::

    PYTHONPATH=src python examples/make_example_assessments.py  # --out examples/inputs/assessments

``tests/test_networks.py`` checks that the committed files are what this script writes and
that each reads back without a problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

import outcomes
from outcomes.assessment import (
    ExpectedDirection,
    Plan,
    SectionReturn,
    Statement,
    assessment_toml,
)

# The file name an assessments folder expects (docs/contracts.md, "Slugs"); not public API.
from outcomes.assessment._io import assessment_file_name
from outcomes.results import ResultLookup, ResultRow
from outcomes.vocabulary import SCOTLAND, Comparison, Direction, Polarity, ReturnSection, Trend

INPUTS = Path(__file__).resolve().parent / "inputs"
DEFAULT_OUT = INPUTS / "assessments"

#: The councils given a fictional assessment: every family group, cities, shires and
#: islands. Fife and Dundee City have hand-written ones.
COUNCILS: tuple[str, ...] = (
    "Aberdeen City", "Angus", "Edinburgh City", "Falkirk", "Glasgow City", "Highland",
    "North Lanarkshire", "Orkney Islands", "Renfrewshire", "Scottish Borders", "West Lothian",
)  # fmt: skip
#: At most this many strengths, and this many priorities, per section of the return.
PER_SECTION = 2
#: Plans to improve, made from the most pressing priorities.
PLANS = 3
#: What councils ask of national change programmes: text and recommendations.
NATIONAL_ASKS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("A national approach to recruiting and retaining social workers.", (8, 9)),
    ("Consolidate social work legislation, as recommendation 13 asks.", (13,)),
    ("National support for measuring outcomes with the people who use services.", (11,)),
    ("A national leadership programme for first-line managers.", (10,)),
    ("Commission specialist residential care for children nationally.", (5,)),
    ("A national plan to cut delayed discharge, with the NHS.", (4,)),
)
#: How many of :data:`NATIONAL_ASKS` each council makes.
ASKS = 2
#: Said in every file, so that no one mistakes it for a council's words.
FICTIONAL = "Fictional example assessment generated from the synthetic example data."

_BRANCH_SECTIONS = {
    "children_families": ReturnSection.CHILDREN_FAMILIES,
    "community_care": ReturnSection.COMMUNITY_CARE,
    "criminal_justice": ReturnSection.CRIMINAL_JUSTICE,
    "whole_service": ReturnSection.WHOLE_SERVICE,
}
_OWNERS = {
    ReturnSection.CHILDREN_FAMILIES: "Head of children and families (fictional)",
    ReturnSection.COMMUNITY_CARE: "Head of adult social work (fictional)",
    ReturnSection.CRIMINAL_JUSTICE: "Justice services manager (fictional)",
    ReturnSection.WHOLE_SERVICE: "Chief Social Work Officer (fictional)",
}


class ExampleAssessmentError(Exception):
    """The example inputs cannot give the assessments (a council or period is missing)."""


@attrs.frozen(kw_only=True)
class Finding:
    """One indicator of one council, read from its figures: the words for why it is a
    strength or a priority, clearest first, and a score to order by (higher is clearer)."""

    indicator: outcomes.Indicator
    section: ReturnSection
    strength: tuple[str, ...]
    concern: tuple[str, ...]
    score: int


def find(row: ResultRow, indicator: outcomes.Indicator) -> Finding:
    """What ``row`` says of ``indicator``: reasons for a strength and for a concern."""
    significant = row.change_significant is True
    since = "" if row.previous_period is None else f" since {row.previous_period}"
    worse = row.vs_scotland is Comparison.WORSE
    worsened = row.direction is Direction.WORSENED
    good = [
        (row.vs_scotland is Comparison.BETTER, 3, "significantly better than Scotland"),
        (significant and row.direction is Direction.IMPROVED, 2, f"improved significantly{since}"),
        (row.trend is Trend.IMPROVING, 1, "improving over five years"),
    ]
    bad = [
        (worse, 3, "significantly worse than Scotland"),
        (worsened, 2, f"worsened{' significantly' if significant else ''}{since}"),
        (row.trend is Trend.WORSENING, 1, "worsening over five years"),
    ]
    # A strength shows no sign against it at all, so that any reading of the figures (this
    # script's, the networks', a claims check's) bears it out.
    against = worse or worsened or row.trend is Trend.WORSENING
    strength = () if against else tuple(words for found, _, words in good if found)
    concern = tuple(words for found, _, words in bad if found) if worse or worsened else ()
    weights = good if strength else bad
    score = sum(weight for found, weight, _ in weights if found)
    section = _BRANCH_SECTIONS[indicator.branch.value]
    return Finding(indicator=indicator, section=section, strength=strength, concern=concern,
                   score=score)  # fmt: skip


def findings(
    lookup: ResultLookup, catalogue: outcomes.Catalogue, area: str, year: outcomes.Period
) -> list[Finding]:
    """The council's findings on every indicator with a value and a polarity."""
    found = []
    for indicator in catalogue:
        if indicator.polarity is Polarity.NEUTRAL:
            continue
        row = lookup.row(indicator.id, area, year.in_type(indicator.period_type))
        if row is None or row.value is None:
            continue
        finding = find(row, indicator)
        if finding.strength or finding.concern:
            found.append(finding)
    return found


def _clearest(found: Sequence[Finding], order: dict[str, int]) -> list[Finding]:
    """Highest score first, then catalogue order: a total order, whatever the sort."""
    return sorted(found, key=lambda f: (-f.score, order[f.indicator.id]))


def _sentence(title: str, reasons: Sequence[str]) -> str:
    said = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"{title}: {said}."


def _statement(text: str, finding: Finding) -> Statement:
    """A statement linked to the finding's indicator and its recommendations."""
    indicator = finding.indicator
    return Statement(text=text, recommendations=indicator.recommendations,
                     indicators=(indicator.id,))  # fmt: skip


def _plan(number: int, verb: str, finding: Finding, due: dt.date) -> Plan:
    """A plan to improve (or keep) the finding's indicator."""
    indicator = finding.indicator
    expected = ExpectedDirection.IMPROVE if verb == "Improve" else ExpectedDirection.MAINTAIN
    return Plan(id=f"P{number}", action=f"{verb}: {indicator.title.lower()}.",
                owner=_OWNERS[finding.section], due=due, recommendations=indicator.recommendations,
                indicators=(indicator.id,), expected=expected)  # fmt: skip


def _asks(area: str) -> list[tuple[str, tuple[int, ...]]]:
    """:data:`ASKS` of the national asks, chosen by a hash of the area's name."""
    ranked = sorted(NATIONAL_ASKS, key=lambda ask: hashlib.sha256(
        f"{area}\n{ask[0]}".encode()).hexdigest())  # fmt: skip
    return sorted(ranked[:ASKS], key=NATIONAL_ASKS.index)


def assessment(
    area: str,
    name: str,
    period: outcomes.Period,
    lookup: ResultLookup,
    catalogue: outcomes.Catalogue,
) -> outcomes.Assessment:
    """The fictional assessment of ``area`` for ``period``, from its figures."""
    order = {indicator: position for position, indicator in enumerate(catalogue.ids)}
    found = findings(lookup, catalogue, area, period)
    strengths = _clearest([f for f in found if f.strength], order)
    concerns = _clearest([f for f in found if f.concern], order)
    sections = []
    chosen_strengths: list[Finding] = []
    chosen_concerns: list[Finding] = []
    for section in _BRANCH_SECTIONS.values():
        good = [f for f in strengths if f.section is section][:PER_SECTION]
        bad = [f for f in concerns if f.section is section][:PER_SECTION]
        chosen_strengths += good
        chosen_concerns += bad
        sections.append(SectionReturn(
            section=section,
            strengths=[_statement(_sentence(f.indicator.title, f.strength), f) for f in good],
            priorities=[_statement(_sentence(f.indicator.title, f.concern), f) for f in bad],
        ))  # fmt: skip
    sections.append(SectionReturn(
        section=ReturnSection.NATIONAL_PRIORITIES,
        priorities=[Statement(text=text, recommendations=numbers)
                    for text, numbers in _asks(area)],
    ))  # fmt: skip
    due = dt.date(period.start.year + 2, 3, 31)
    pressing = _clearest(chosen_concerns, order)[:PLANS]
    plans = [_plan(number, "Improve", f, due) for number, f in enumerate(pressing, start=1)]
    clearest = _clearest(chosen_strengths, order)[:1]
    plans += [_plan(len(plans) + 1, "Keep", f, due) for f in clearest]
    achievements = [
        _statement(_sentence(f"In {period}, {f.indicator.title[0].lower()}{f.indicator.title[1:]}",
                             f.strength), f)
        for f in clearest
    ]  # fmt: skip
    introduction = (
        f"{FICTIONAL} The strengths, priorities and plans of {name} below were written by "
        "examples/make_example_assessments.py from its synthetic figures; they say nothing "
        "about the real council."
    )
    narrative = {
        "introduction": introduction,
        "landscape": f"{FICTIONAL} {name}'s social work is delivered by the council and, for "
        "adults, by its health and social care partnership.",
        "voice": f"{FICTIONAL} What people who use services and carers said is in the "
        "national survey indicators listed below.",
    }
    # The council's comment on its most pressing priority, shown beside that indicator.
    commentary = {f.indicator.id: f"{FICTIONAL} Plan P1 responds to this."
                  for f in pressing[:1]}  # fmt: skip
    return outcomes.Assessment(
        area=area, period=period.label, status="draft", narrative=narrative,
        commentary=commentary, sections=sections, achievements=achievements, plans=plans,
    )  # fmt: skip


def generate(inputs: Path = INPUTS) -> dict[str, str]:
    """The TOML text of each council's assessment, by file name; same inputs, same text."""
    catalogue = outcomes.load_catalogue()
    areas = outcomes.read_areas(inputs / "areas.csv")
    data = outcomes.read_dataset(inputs / "data.csv")
    period = outcomes.parse_period([label for label in data.periods if "-" in label][-1])
    missing = [area for area in COUNCILS if area not in areas.names]
    if missing:
        raise ExampleAssessmentError(f"not in {inputs / 'areas.csv'}: {', '.join(missing)}")
    results = outcomes.compute(
        data, catalogue, areas, deflators=outcomes.read_deflators(inputs / "deflators.csv"),
        base_period=period,
    )  # fmt: skip
    # The published figures, as the reports show them: no strength rests on a suppressed value.
    lookup = results.published().lookup()
    if not any(lookup.row(i.id, SCOTLAND, period.in_type(i.period_type)) for i in catalogue):
        raise ExampleAssessmentError(f"the example data hold nothing for {period}")
    names = dict(zip(areas.frame["area"], areas.frame["name"], strict=True))
    files = {}
    for area in COUNCILS:
        given = assessment(area, str(names[area]), period, lookup, catalogue)
        files[assessment_file_name(area)] = assessment_toml(given)
    return files


def main(argv: Sequence[str] | None = None, *, echo: Callable[[str], object] = print) -> int:
    """Command-line entry point: ``python examples/make_example_assessments.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--inputs", type=Path, default=INPUTS,
                        help="the example inputs (examples/inputs)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (examples/inputs/assessments)")  # fmt: skip
    options = parser.parse_args(argv)
    try:
        files = generate(options.inputs)
    except (ExampleAssessmentError, outcomes.OutcomesError) as error:
        echo(f"make_example_assessments: {error}")
        return 1
    options.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (options.out / name).write_bytes(text.encode("utf-8"))
    echo(f"wrote {len(files)} assessments to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
