"""The scrutiny profile: claims checked against the data, the quality indicator mapping,
and where scrutiny could look closer or step back (docs/scrutiny.md)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings

import outcomes
from outcomes._cli import main
from outcomes.assessment._io import write_assessment
from outcomes.assessment._model import Assessment, Judgement, SectionReturn, Statement
from outcomes.catalogue._catalogue import Indicator
from outcomes.errors import AssessmentError, AssessmentProblem, CatalogueError
from outcomes.national._overview import scrutiny
from outcomes.national._profile import (
    ACTIONS,
    PROFILE_COLUMNS,
    QUALITY_COLUMNS,
    load_quality_framework,
    scrutiny_profile,
)
from outcomes.report._claims import CLAIM_COLUMNS, Verdict, check_claims
from outcomes.report._report import report_section
from outcomes.results._lookup import ResultRow
from outcomes.vocabulary import Comparison, Direction, ReportSection, ReturnSection, Trend
from tests.report_examples import AREA, EXAMPLE, PERIOD, example, example_report
from tests.strategies import valid_assessments

# --- what the example data say of Fife ---------------------------------------------------------


def _fife_rows() -> list[tuple[Indicator, ResultRow]]:
    given_ = example()
    lookup = given_.results.lookup()
    when = outcomes.parse_period(PERIOD)
    found = []
    for indicator in given_.catalogue:
        row = lookup.row(indicator.id, AREA, when.in_type(indicator.period_type))
        if row is not None and row.value is not None:
            found.append((indicator, row))
    return found


def _first(test: str) -> str:
    """The first indicator of Fife's 2024-25 results for which ``test`` holds."""
    tests = {
        "worsened": lambda r: r.direction is Direction.WORSENED and r.change_significant is True,
        "worse": lambda r: r.vs_scotland is Comparison.WORSE,
        "better_only": lambda r: (r.vs_scotland is Comparison.BETTER
                                  and r.direction is not Direction.WORSENED
                                  and r.trend is not Trend.WORSENING),
        "quiet": lambda r: (r.vs_scotland is Comparison.SIMILAR
                            and r.change_significant is False
                            and r.trend is Trend.NO_SIGNIFICANT_TREND),
    }  # fmt: skip
    return next(indicator.id for indicator, row in _fife_rows() if tests[test](row))


def _assessment(**changes: Any) -> Assessment:
    base = Assessment(area=AREA, period=PERIOD)
    return attrs.evolve(base, **changes)


def _strength(*indicators: str) -> SectionReturn:
    strength = Statement(text="We do well", indicators=indicators)
    return SectionReturn(section=ReturnSection.WHOLE_SERVICE, strengths=(strength,))


def _verdicts(assessment: Assessment) -> list[str]:
    return list(check_claims(assessment, example().results).table["verdict"])


def test_a_strength_whose_indicator_worsened_significantly_is_contradicted() -> None:
    worsened = _first("worsened")
    assert _verdicts(_assessment(sections=(_strength(worsened),))) == ["contradicted"]


def test_a_strength_worse_than_scotland_is_contradicted_unless_it_improved() -> None:
    worse = _first("worse")
    claims = check_claims(_assessment(sections=(_strength(worse),)), example().results)
    row = claims.table.iloc[0]
    assert row["verdict"] == "contradicted"
    assert "significantly worse than Scotland" in row["evidence"]
    assert len(claims.contradicted) == 1


def test_a_strength_better_than_scotland_is_supported() -> None:
    assert _verdicts(_assessment(sections=(_strength(_first("better_only")),))) == ["supported"]


def test_a_quiet_indicator_neither_supports_nor_contradicts() -> None:
    assert _verdicts(_assessment(sections=(_strength(_first("quiet")),))) == ["not_tested"]


def test_one_contradicted_indicator_contradicts_the_claim_and_each_is_kept() -> None:
    better, worsened = _first("better_only"), _first("worsened")
    claims = check_claims(_assessment(sections=(_strength(better, worsened),)), example().results)
    row = claims.table.iloc[0]
    assert row["verdict"] == "contradicted"
    assert row["indicator_verdicts"] == f"{better} supported; {worsened} contradicted"


def test_a_need_is_supported_by_bad_news_and_never_contradicted() -> None:
    need = SectionReturn(section=ReturnSection.WHOLE_SERVICE, priorities=(
        Statement(text="Improve", indicators=(_first("worsened"),)),
        Statement(text="Improve what goes well", indicators=(_first("better_only"),)),
    ))  # fmt: skip
    assert _verdicts(_assessment(sections=(need,))) == ["supported", "not_tested"]


def test_claims_without_indicators_or_values_say_so() -> None:
    sections = (SectionReturn(section=ReturnSection.WHOLE_SERVICE, strengths=(
        Statement(text="No evidence named"),)),)  # fmt: skip
    claims = check_claims(_assessment(sections=sections), example().results)
    assert claims.table.iloc[0]["evidence"] == "cites no indicator"
    assert claims.counts() == {"supported": 0, "contradicted": 0, "not_tested": 1, "no_data": 0}
    # Next year's figures do not exist yet: every claim about them has no data.
    later = check_claims(_assessment(sections=(_strength(_first("worsened")),)),
                         example().results, "2030-31")  # fmt: skip
    assert list(later.table["verdict"]) == ["no_data"]


def test_a_peer_grade_of_five_on_worsened_evidence_is_contradicted() -> None:
    peer = example().assessment.peer_assessment
    assert peer is not None
    judgement = Judgement(section=ReportSection.WORKFORCE, grade=5, evidence="Improved",
                          indicators=(_first("worsened"),))  # fmt: skip
    assessment = _assessment(peer_assessment=attrs.evolve(peer, judgements=(judgement,)))
    claims = check_claims(assessment, example().results)
    row = claims.table.iloc[0]
    assert row["claim_id"] == "peer_assessment.judgements[0]"
    assert row["stance"] == "strength"
    assert row["verdict"] == "contradicted"


def test_the_example_fife_assessment_has_the_contradictions_of_the_issue() -> None:
    claims = check_claims(example().assessment, example().results)
    contradicted = claims.contradicted
    assert list(claims.table.columns) == list(CLAIM_COLUMNS)
    assert "NI-18" in set(contradicted["indicators"])
    assert claims.table["claim_id"].is_unique


@settings(max_examples=30, deadline=None)
@given(valid_assessments())
def test_every_claim_gets_one_verdict_and_a_need_is_never_contradicted(
    assessment: Assessment,
) -> None:
    claims = check_claims(assessment, example().results, PERIOD).table
    assert set(claims["verdict"]) <= {verdict.value for verdict in Verdict}
    assert not ((claims["stance"] == "need") & (claims["verdict"] == "contradicted")).any()
    assert ((claims["indicators"] != "") | (claims["verdict"] == "not_tested")).all()
    expected = (sum(len(s.strengths) + len(s.priorities) for s in assessment.sections)
                + len(assessment.achievements) + len(assessment.plans)
                + len(assessment.previous_plans)
                + len(assessment.peer_assessment.judgements if assessment.peer_assessment
                      else ()))  # fmt: skip
    assert len(claims) == expected


# --- the quality indicator mapping ---------------------------------------------------------------


def test_the_bundled_mapping_covers_every_section_and_indicator() -> None:
    framework = load_quality_framework()
    assert set(framework.frameworks) == {"children", "adults"}
    assert "Care Inspectorate" in framework.source
    mapped = {section for qi in framework.indicators for section in qi.sections}
    assert mapped == set(ReportSection)
    for indicator in example().catalogue:
        assert framework.of_indicator(indicator), indicator.id
        for qi in framework.of_indicator(indicator):
            assert report_section(indicator) in qi.sections


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[quality_indicator]]\nframework = "nope"\nid = "1"\ntitle = "x"\nsections = ["summary"]',
         "framework 'nope' is not declared"),
        ('[[framework]]\nid = "a"\ntitle = "A"\n[[quality_indicator]]\nframework = "a"\n'
         'id = "1"\ntitle = "x"\nsections = ["sumary"]', "summary"),
        ('[[framework]]\nid = "a"\ntitle = "A"\n[[quality_indicator]]\nframework = "a"\n'
         'id = "1"\ntitle = "x"\nsections = ["summary"]\ncolour = "red"', "colour"),
    ],
)  # fmt: skip
def test_a_faulty_mapping_is_refused_with_its_file_and_table(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "qi.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_quality_framework(path)
    assert str(path) in str(raised.value)
    assert "quality_indicator" in str(raised.value)
    assert message in str(raised.value)


# --- the profile --------------------------------------------------------------------------------


@functools.cache
def _fife_profile() -> outcomes.national.Profile:
    given_ = example()
    view = scrutiny(given_.results, AREA, PERIOD, areas=given_.areas)
    return scrutiny_profile(view, given_.catalogue, assessment=given_.assessment,
                            results=given_.results)  # fmt: skip


def test_look_needs_two_sources_and_step_back_needs_agreement() -> None:
    table = _fife_profile().table
    assert list(table.columns) == list(PROFILE_COLUMNS)
    sources = table["concern_sources"].map(lambda text: len(text.split("; ")) if text else 0)
    assured = table["assurance_sources"].map(lambda text: len(text.split("; ")) if text else 0)
    look, step_back = table["action"] == "look", table["action"] == "step_back"
    assert (sources[look] >= 2).all()
    assert (sources[~look] < 2).all()
    assert (table.loc[step_back, "data"] == "assurance").all()
    assert (sources[step_back] == 0).all()
    assert (assured[step_back] >= 2).all()
    assert set(table["action"]) <= set(ACTIONS)
    assert look.any()
    assert step_back.any()


def test_the_profile_reads_the_peer_grade_of_the_section_showing_each_indicator() -> None:
    profile = _fife_profile()
    peer = example().assessment.peer_assessment
    assert peer is not None
    grades = {judgement.section.label: judgement.grade for judgement in peer.judgements}
    for row in profile.table.to_dict("records"):
        expected = grades.get(str(row["section"]))
        assert (None if pd.isna(row["peer_grade"]) else row["peer_grade"]) == expected


def test_quality_indicators_gather_the_indicators_mapped_to_them() -> None:
    profile = _fife_profile()
    quality = profile.quality
    assert list(quality.columns) == list(QUALITY_COLUMNS)
    for row in quality.to_dict("records"):
        named = [i for i in str(row["indicators"]).split("; ") if i]
        judged = sum(int(row[j]) for j in ("concern", "watch", "no_evidence", "assurance"))
        assert judged == len(named)
        mapped = profile.table[profile.table["quality_indicators"].str.split("; ").map(
            lambda qis, row=row: f"{row['framework']} {row['qi']}" in qis)]  # fmt: skip
        assert list(mapped["indicator"]) == named


def test_without_an_assessment_only_the_data_speak_and_nothing_is_corroborated() -> None:
    given_ = example()
    view = scrutiny(given_.results, AREA, PERIOD, areas=given_.areas)
    profile = scrutiny_profile(view, given_.catalogue)
    assert profile.actions() == {"look": 0, "routine": len(view.table), "step_back": 0}
    assert profile.claims.empty
    assert not profile.table["claims"].astype(bool).any()


def test_outcomes_scrutiny_with_an_assessment_writes_the_profile(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    out = tmp_path / "out"
    common = ["scrutiny", "--data", str(inputs / "data.csv"), "--areas",
              str(inputs / "areas.csv"), "--period", PERIOD, "--out", str(out)]  # fmt: skip
    assert main([*common, "--area", AREA, "--assessment",
                 str(inputs / "assessments" / "fife.toml")]) == 0  # fmt: skip
    stem = f"fife-{PERIOD}"
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted(f"{kind}-{stem}.{ext}" for kind, ext in (
        ("scrutiny", "html"), ("scrutiny", "csv"), ("profile", "csv"), ("quality", "csv"),
        ("claims", "csv")))  # fmt: skip
    page = (out / f"scrutiny-{stem}.html").read_text(encoding="utf-8")
    profile = pd.read_csv(out / f"profile-{stem}.csv")
    assert f"{int((profile['action'] == 'look').sum())} indicators to look at closer" in page
    assert "Claims checked against the data" in page
    for word in ("nan", "None"):
        assert f">{word}<" not in page
        assert f" {word} " not in page
    # Another area's assessment is refused.
    assert main([*common, "--area", "Dundee City", "--assessment",
                 str(inputs / "assessments" / "fife.toml")]) == 1  # fmt: skip


# --- contradicted claims in the report and in `outcomes check` ------------------------------------


def _planted(status: str, response: str = "") -> Assessment:
    """The example assessment with one more strength, on an indicator that worsened."""
    fife = example().assessment
    worsened = _first("worsened")
    strength = Statement(text="Planted: this got better", indicators=(worsened,),
                         response=response)  # fmt: skip
    sections = tuple(
        attrs.evolve(s, strengths=(*s.strengths, strength))
        if s.section is ReturnSection.WHOLE_SERVICE else s
        for s in fife.sections
    )  # fmt: skip
    return attrs.evolve(fife, sections=sections, status=status)


def test_the_example_assessments_have_no_unanswered_contradiction() -> None:
    given = example()
    for path in sorted((EXAMPLE / "assessments").glob("*.toml")):
        assessment = outcomes.read_assessment(path)
        claims = check_claims(assessment, given.results.published())
        assert claims.unanswered.empty, path.name


def test_a_published_report_with_an_unanswered_contradiction_is_refused() -> None:
    with pytest.raises(AssessmentError) as raised:
        example_report(assessment=_planted("published"))
    (problem,) = raised.value.problems
    assert problem.problem is AssessmentProblem.UNANSWERED_CONTRADICTION
    assert problem.key.startswith("sections[")
    assert problem.key.endswith("]")
    assert "Planted: this got better" in problem.message
    assert "response" in problem.hint


def test_a_draft_shows_the_contradiction_and_a_response_lets_it_be_published() -> None:
    draft = outcomes.render_report(example_report(assessment=_planted("draft")), "md")
    line = next(line for line in str(draft).splitlines() if "Planted: this got better" in line)
    assert "⚠ Contradicted by the data:" in line
    assert f"{_first('worsened')} ({PERIOD}): " in line
    assert "No response yet." in line
    answered = _planted("published", response="We know; see plan P2.")
    published = outcomes.render_report(example_report(assessment=answered), "html")
    assert "We know; see plan P2." in str(published)


def test_outcomes_check_lists_the_claims_and_fails_a_published_unanswered_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    outcomes.write_example(inputs)
    planted = tmp_path / "planted.toml"
    write_assessment(planted, _planted("published"))
    common = ["check", "--data", str(inputs / "data.csv"), "--areas", str(inputs / "areas.csv")]
    out = tmp_path / "claims.csv"
    assert main([*common, "--assessment", str(inputs / "assessments" / "fife.toml"),
                 "--out", str(out)]) == 0  # fmt: skip
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(CLAIM_COLUMNS)
    contradicted = table[table["verdict"] == "contradicted"]
    assert not contradicted.empty
    assert (contradicted["response"] != "").all()
    capsys.readouterr()
    assert main([*common, "--assessment", str(planted), "--out", str(out)]) == 1
    assert "Planted: this got better" in capsys.readouterr().err
