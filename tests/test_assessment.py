"""assessment.toml: self-assessment, return, plans and peer assessment (issue 6).

Each rule has a test that starts from the bundled Fife example (complete, published,
peer assessed and signed) and breaks it in one way, so the test shows the single fault.
Problems are matched by their :class:`AssessmentProblem` member and dotted key, never
by message text.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from outcomes import (
    Assessment,
    check_assessment,
    load_catalogue,
    read_areas,
    read_assessment,
    read_assessments,
    write_assessment,
    write_example,
)
from outcomes._cli import main
from outcomes.assessment import (
    AgreedAction,
    Judgement,
    PromptAnswer,
    ProviderType,
    SignOffRole,
    assessment_toml,
    blank_assessment,
    grade_label,
    load_prompts,
)
from outcomes.core._resources import bundled_path
from outcomes.errors import AssessmentError, AssessmentProblem, AssessmentProblemRow, PeriodError
from outcomes.vocabulary import ReportSection, ReportStatus, ReturnSection
from tests.strategies import valid_assessments

EXAMPLE = bundled_path("example")
ASSESSMENTS = EXAMPLE / "assessments"
FIFE = ASSESSMENTS / "fife.toml"
DUNDEE = ASSESSMENTS / "dundee-city.toml"
AREAS = read_areas(EXAMPLE / "areas.csv").names
CATALOGUE = load_catalogue()

P = AssessmentProblem
Found = set[tuple[AssessmentProblem, str]]


# ---------------------------------------------------------------------------------------
# Helpers: read the example, break it once, see what is found


@pytest.fixture(scope="module")
def fife() -> Assessment:
    return read_assessment(FIFE, catalogue=CATALOGUE, areas=AREAS)


def found(
    assessment: Assessment, *, catalogue: bool = False, areas: Iterable[str] | None = None
) -> Found:
    """The (problem, dotted key) pairs the rules find."""
    rows = check_assessment(
        assessment, catalogue=CATALOGUE if catalogue else None, areas=areas, file="fife.toml"
    )
    return {(row.problem, row.key) for row in rows}


def peer(assessment: Assessment, **changes: Any) -> Assessment:
    """``assessment`` with its peer assessment changed."""
    assert assessment.peer_assessment is not None
    return attrs.evolve(
        assessment, peer_assessment=attrs.evolve(assessment.peer_assessment, **changes)
    )


def judgements(assessment: Assessment) -> tuple[Judgement, ...]:
    assert assessment.peer_assessment is not None
    return assessment.peer_assessment.judgements


def actions(assessment: Assessment) -> tuple[AgreedAction, ...]:
    assert assessment.peer_assessment is not None
    return assessment.peer_assessment.actions


def judged(assessment: Assessment, section: ReportSection, **changes: Any) -> Assessment:
    """``assessment`` with the peer's judgement of ``section`` changed."""
    return peer(
        assessment,
        judgements=[
            attrs.evolve(j, **changes) if j.section is section else j
            for j in judgements(assessment)
        ],
    )


def with_section(assessment: Assessment, section: ReturnSection, **changes: Any) -> Assessment:
    """``assessment`` with one section of the return changed."""
    return attrs.evolve(
        assessment,
        sections=[
            attrs.evolve(given, **changes) if given.section is section else given
            for given in assessment.sections
        ],
    )


def edited(old: str, new: str, text: str | None = None) -> str:
    """The Fife example's TOML text with ``old``, which occurs once, replaced by ``new``."""
    text = FIFE.read_text(encoding="utf-8") if text is None else text
    assert text.count(old) == 1, old
    return text.replace(old, new)


def read_problems(path: Path, text: str, **options: Any) -> tuple[AssessmentProblemRow, ...]:
    """Write ``text`` to ``path``, read it, and return the problems it must have."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssessmentError) as caught:
        read_assessment(path, **options)
    return caught.value.problems


def pairs(problems: Iterable[AssessmentProblemRow]) -> Found:
    return {(row.problem, row.key) for row in problems}


# ---------------------------------------------------------------------------------------
# The bundled examples


@pytest.mark.parametrize("path", sorted(ASSESSMENTS.glob("*.toml")), ids=lambda path: path.stem)
def test_example_is_written_back_byte_for_byte(path: Path) -> None:
    assert assessment_toml(read_assessment(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [FIFE, DUNDEE], ids=lambda path: path.stem)
def test_example_round_trips_through_a_file(path: Path, tmp_path: Path) -> None:
    original = read_assessment(path, catalogue=CATALOGUE, areas=AREAS)
    written = write_assessment(tmp_path / path.name, original)
    assert read_assessment(written, catalogue=CATALOGUE, areas=AREAS) == original


def test_fife_is_complete_published_and_signed(fife: Assessment) -> None:
    assert fife.status is ReportStatus.PUBLISHED
    assert fife.sign_off is not None
    assert fife.peer_assessment is not None
    assert fife.peer_assessment.signed
    assert {answer.prompt for answer in fife.self_assessment} == {p.id for p in load_prompts()}
    assert [given.section for given in fife.sections] == list(ReturnSection)
    assert {j.section for j in judgements(fife)} == set(ReportSection)
    assert fife.previous_plans


def test_dundee_is_a_draft_with_an_unsigned_peer_assessment() -> None:
    dundee = read_assessment(DUNDEE, catalogue=CATALOGUE, areas=AREAS)
    assert dundee.status is ReportStatus.DRAFT
    assert dundee.peer_assessment is not None
    assert not dundee.peer_assessment.signed


def test_example_writer_writes_every_assessment(tmp_path: Path) -> None:
    written = write_example(tmp_path)
    bundled = sorted(ASSESSMENTS.glob("*.toml"))
    assert {FIFE, DUNDEE} <= set(bundled)
    for original in bundled:
        copy = tmp_path / "assessments" / original.name
        assert copy in written
        assert copy.read_bytes() == original.read_bytes()
    read = read_assessments(tmp_path / "assessments")
    assert {"Fife", "Dundee City"} <= set(read)
    assert len(read) == len(bundled)


# ---------------------------------------------------------------------------------------
# Status: draft, then peer assessed, then published


def test_publishing_needs_a_peer_assessment_signed_by_both(fife: Assessment) -> None:
    assert found(peer(fife, peer_sign_off=None)) == {(P.MISSING_SIGN_OFF, "status")}
    assert found(peer(fife, area_sign_off=None)) == {(P.MISSING_SIGN_OFF, "status")}
    assert found(attrs.evolve(fife, peer_assessment=None)) == {(P.MISSING_SIGN_OFF, "status")}


def test_publishing_needs_the_return_signed_off(fife: Assessment) -> None:
    assert found(attrs.evolve(fife, sign_off=None)) == {(P.MISSING_SIGN_OFF, "status")}


def test_peer_assessed_needs_a_signed_peer_assessment(fife: Assessment) -> None:
    peer_assessed = attrs.evolve(fife, status=ReportStatus.PEER_ASSESSED, sign_off=None)
    assert found(peer_assessed) == set()
    assert found(peer(peer_assessed, area_sign_off=None)) == {(P.MISSING_SIGN_OFF, "status")}
    unassessed = attrs.evolve(peer_assessed, peer_assessment=None)
    assert found(unassessed) == {(P.MISSING_SIGN_OFF, "status")}


def test_a_draft_needs_no_sign_off(fife: Assessment) -> None:
    draft = attrs.evolve(fife, status=ReportStatus.DRAFT, sign_off=None, peer_assessment=None)
    assert found(draft) == set()


def test_advance_moves_draft_to_peer_assessed_to_published(fife: Assessment) -> None:
    draft = attrs.evolve(fife, status=ReportStatus.DRAFT)
    peer_assessed = draft.advance(ReportStatus.PEER_ASSESSED)
    assert peer_assessed.status is ReportStatus.PEER_ASSESSED
    published = peer_assessed.advance("published")
    assert published == fife
    assert draft.status is ReportStatus.DRAFT  # a copy moves; the original stays


@pytest.mark.parametrize("backwards", [ReportStatus.DRAFT, ReportStatus.PEER_ASSESSED])
def test_advance_never_moves_back(fife: Assessment, backwards: ReportStatus) -> None:
    with pytest.raises(AssessmentError) as caught:
        fife.advance(backwards)
    assert pairs(caught.value.problems) == {(P.BAD_VALUE, "status")}


def test_advance_refuses_a_peer_assessment_that_is_not_signed() -> None:
    dundee = read_assessment(DUNDEE)
    with pytest.raises(AssessmentError) as caught:
        dundee.advance(ReportStatus.PEER_ASSESSED)
    assert pairs(caught.value.problems) == {(P.MISSING_SIGN_OFF, "status")}


def test_advance_refuses_to_publish_without_the_return_sign_off(fife: Assessment) -> None:
    unsigned = attrs.evolve(fife, status=ReportStatus.DRAFT, sign_off=None)
    assert unsigned.advance(ReportStatus.PEER_ASSESSED).status is ReportStatus.PEER_ASSESSED
    with pytest.raises(AssessmentError) as caught:
        unsigned.advance(ReportStatus.PUBLISHED)
    assert pairs(caught.value.problems) == {(P.MISSING_SIGN_OFF, "status")}


def test_advance_refuses_when_another_rule_is_broken(fife: Assessment) -> None:
    draft = peer(attrs.evolve(fife, status=ReportStatus.DRAFT), peer_area="Fife")
    with pytest.raises(AssessmentError) as caught:
        draft.advance(ReportStatus.PEER_ASSESSED)
    assert pairs(caught.value.problems) == {(P.OWN_AREA, "peer_assessment.peer_area")}


def test_status_cannot_be_changed_in_place(fife: Assessment) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fife.status = ReportStatus.DRAFT  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# The peer assessment


def test_a_peer_cannot_assess_their_own_area(fife: Assessment) -> None:
    assert found(peer(fife, peer_area="Fife")) == {(P.OWN_AREA, "peer_assessment.peer_area")}


@pytest.mark.parametrize("grade", range(1, 7))
def test_a_judgement_below_good_needs_an_agreed_action(fife: Assessment, grade: int) -> None:
    # Workforce is judgement 7 of the example; drop the action agreed for it.
    assert judgements(fife)[7].section is ReportSection.WORKFORCE
    others = [a for a in actions(fife) if a.section is not ReportSection.WORKFORCE]
    without_action = judged(peer(fife, actions=others), ReportSection.WORKFORCE, grade=grade)
    expected = {(P.NO_AGREED_ACTION, "peer_assessment.judgements[7].grade")} if grade < 4 else set()
    assert found(without_action) == expected
    assert found(judged(fife, ReportSection.WORKFORCE, grade=grade)) == set()


@pytest.mark.parametrize("grade", [0, 7, -1, 10])
def test_grade_is_on_the_six_point_scale(fife: Assessment, grade: int) -> None:
    broken = judged(fife, ReportSection.CHILDREN_FAMILIES, grade=grade)
    assert found(broken) == {(P.BAD_GRADE, "peer_assessment.judgements[2].grade")}


def test_six_point_scale_words() -> None:
    words = [grade_label(grade) for grade in range(6, 0, -1)]
    assert words == ["excellent", "very good", "good", "adequate", "weak", "unsatisfactory"]
    assert Judgement(section="summary", grade=9, evidence="x").label == ""


def test_a_signed_peer_assessment_judges_every_report_section(fife: Assessment) -> None:
    assert judgements(fife)[6].section is ReportSection.RESOURCES
    without_resources = [j for j in judgements(fife) if j.section is not ReportSection.RESOURCES]
    assert found(peer(fife, judgements=without_resources)) == {
        (P.MISSING_JUDGEMENT, "peer_assessment.judgements")
    }


def test_a_branch_not_provided_needs_no_judgement(fife: Assessment) -> None:
    no_justice = with_section(
        fife,
        ReturnSection.CRIMINAL_JUSTICE,
        provided=False,
        reason="Justice social work is provided by a neighbouring council.",
        strengths=(),
        priorities=(),
    )
    kept = [j for j in judgements(fife) if j.section is not ReportSection.CRIMINAL_JUSTICE]
    assert found(peer(no_justice, judgements=kept)) == set()


def test_an_unsigned_peer_assessment_may_be_unfinished(fife: Assessment) -> None:
    unfinished = peer(
        attrs.evolve(fife, status=ReportStatus.DRAFT), peer_sign_off=None, judgements=()
    )
    assert found(unfinished) == set()


def test_peer_sign_offs_are_by_chief_social_work_officers(fife: Assessment) -> None:
    assert fife.peer_assessment is not None
    assert fife.peer_assessment.peer_sign_off is not None
    by_director = attrs.evolve(fife.peer_assessment.peer_sign_off, role=SignOffRole.DIRECTOR)
    assert found(peer(fife, peer_sign_off=by_director)) == {
        (P.WRONG_ROLE, "peer_assessment.peer_sign_off.role")
    }


# ---------------------------------------------------------------------------------------
# The return and its sign-off


def test_every_section_of_the_return_is_present(fife: Assessment) -> None:
    four = [s for s in fife.sections if s.section is not ReturnSection.NATIONAL_PRIORITIES]
    assert found(attrs.evolve(fife, sections=four)) == {
        (P.MISSING_KEY, "sections.national_priorities")
    }


def test_a_section_left_out_needs_a_reason(fife: Assessment) -> None:
    left_out = with_section(fife, ReturnSection.CRIMINAL_JUSTICE, provided=False, reason=" ")
    assert found(left_out) == {(P.NO_REASON, "sections.criminal_justice.reason")}


@pytest.mark.parametrize(
    ("provider", "role", "fits"),
    [
        (ProviderType.COUNCIL, SignOffRole.CHIEF_SOCIAL_WORK_OFFICER, True),
        (ProviderType.COUNCIL, SignOffRole.CHIEF_EXECUTIVE, False),
        (ProviderType.COUNCIL, SignOffRole.DIRECTOR, False),
        (ProviderType.INDEPENDENT, SignOffRole.CHIEF_SOCIAL_WORK_OFFICER, False),
        (ProviderType.INDEPENDENT, SignOffRole.CHIEF_EXECUTIVE, True),
        (ProviderType.INDEPENDENT, SignOffRole.DIRECTOR, True),
    ],
)
def test_sign_off_role_fits_the_provider(
    fife: Assessment, provider: ProviderType, role: SignOffRole, fits: bool
) -> None:
    assert fife.sign_off is not None
    signed = attrs.evolve(fife, provider=provider, sign_off=attrs.evolve(fife.sign_off, role=role))
    assert found(signed) == (set() if fits else {(P.WRONG_ROLE, "sign_off.role")})


def _answer_twice(a: Assessment) -> Assessment:
    return attrs.evolve(a, self_assessment=[*a.self_assessment, a.self_assessment[3]])


def _plan_twice(a: Assessment) -> Assessment:
    return attrs.evolve(a, plans=[*a.plans, attrs.evolve(a.plans[0], action="Again.")])


def _judge_twice(a: Assessment) -> Assessment:
    return peer(a, judgements=[*judgements(a), judgements(a)[0]])


def _section_twice(a: Assessment) -> Assessment:
    return attrs.evolve(a, sections=[*a.sections, a.sections[0]])


@pytest.mark.parametrize(
    ("duplicate", "key"),
    [
        (_answer_twice, "self_assessment[35].prompt"),
        (_plan_twice, "plans[4].id"),
        (_judge_twice, "peer_assessment.judgements[11].section"),
        (_section_twice, "sections.children_families"),
    ],
    ids=["prompt", "plan", "judgement", "section"],
)
def test_nothing_is_given_twice(
    fife: Assessment, duplicate: Callable[[Assessment], Assessment], key: str
) -> None:
    assert len(fife.self_assessment) == 35
    assert found(duplicate(fife)) == {(P.DUPLICATE, key)}


@pytest.mark.parametrize("prompt", ["1.9", "13.1", "11"])
def test_prompts_are_the_known_questions(fife: Assessment, prompt: str) -> None:
    answers = [PromptAnswer(prompt=prompt, answer="Yes."), *fife.self_assessment[1:]]
    broken = attrs.evolve(fife, self_assessment=answers)
    rows = check_assessment(broken)
    assert pairs(rows) == {(P.UNKNOWN_PROMPT, "self_assessment[0].prompt")}
    assert rows[0].hint


# ---------------------------------------------------------------------------------------
# Links to recommendations, indicators and areas


def _plan_links(a: Assessment, **changes: Any) -> Assessment:
    return attrs.evolve(a, plans=[attrs.evolve(a.plans[0], **changes), *a.plans[1:]])


def _action_links(a: Assessment, **changes: Any) -> Assessment:
    return peer(a, actions=[attrs.evolve(actions(a)[0], **changes), *actions(a)[1:]])


def _strength_links(a: Assessment, **changes: Any) -> Assessment:
    given = a.sections[0]
    strengths = [attrs.evolve(given.strengths[0], **changes), *given.strengths[1:]]
    return with_section(a, given.section, strengths=strengths)


def _achievement_links(a: Assessment, **changes: Any) -> Assessment:
    return attrs.evolve(
        a, achievements=[attrs.evolve(a.achievements[0], **changes), *a.achievements[1:]]
    )


def _previous_plan_links(a: Assessment, **changes: Any) -> Assessment:
    first = a.previous_plans[0]
    changed = attrs.evolve(first, plan=attrs.evolve(first.plan, **changes))
    return attrs.evolve(a, previous_plans=[changed, *a.previous_plans[1:]])


LINKED = [
    (_plan_links, "plans[0]"),
    (_action_links, "peer_assessment.actions[0]"),
    (_strength_links, "sections.children_families.strengths[0]"),
    (_achievement_links, "achievements[0]"),
    (_previous_plan_links, "previous_plans[0]"),
]


@pytest.mark.parametrize(("link", "key"), LINKED, ids=[key for _, key in LINKED])
@pytest.mark.parametrize("number", [0, 14])
def test_recommendations_are_1_to_13(
    fife: Assessment, link: Callable[..., Assessment], key: str, number: int
) -> None:
    broken = link(fife, recommendations=(3, number))
    assert found(broken) == {(P.UNKNOWN_RECOMMENDATION, f"{key}.recommendations")}


INDICATOR_LINKED = [(link, key) for link, key in LINKED if link is not _action_links]


@pytest.mark.parametrize(("link", "key"), INDICATOR_LINKED, ids=[k for _, k in INDICATOR_LINKED])
def test_indicators_are_in_the_catalogue(
    fife: Assessment, link: Callable[..., Assessment], key: str
) -> None:
    broken = link(fife, indicators=("CHN9", "SW66"))
    rows = check_assessment(broken, catalogue=CATALOGUE)
    assert pairs(rows) == {(P.UNKNOWN_INDICATOR, f"{key}.indicators")}
    assert "SW6" in rows[0].hint
    assert found(broken) == set()  # without a catalogue, ids are not checked


def test_an_alias_is_not_an_indicator_id(fife: Assessment) -> None:
    rows = check_assessment(_plan_links(fife, indicators=("NI18",)), catalogue=CATALOGUE)
    assert pairs(rows) == {(P.UNKNOWN_INDICATOR, "plans[0].indicators")}
    assert "'NI-18'" in rows[0].hint


def test_area_is_in_the_areas_file_when_given(fife: Assessment) -> None:
    others = [area for area in AREAS if area != "Fife"]
    assert found(fife, areas=others) == {(P.UNKNOWN_AREA, "area")}
    assert found(fife, areas=AREAS) == set()
    assert found(attrs.evolve(fife, area="Fiffe")) == set()  # no areas, no check
    rows = check_assessment(attrs.evolve(fife, area="Fiffe"), areas=AREAS)
    assert pairs(rows) == {(P.UNKNOWN_AREA, "area")}
    assert "'Fife'" in rows[0].hint


def test_peer_area_is_in_the_areas_file_when_given(fife: Assessment) -> None:
    others = [area for area in AREAS if area != "Falkirk"]
    assert found(fife, areas=others) == {(P.UNKNOWN_AREA, "peer_assessment.peer_area")}


# ---------------------------------------------------------------------------------------
# Dates


def _area_sign_off_date(a: Assessment, date: dt.date) -> Assessment:
    assert a.peer_assessment is not None
    assert a.peer_assessment.area_sign_off is not None
    return peer(a, area_sign_off=attrs.evolve(a.peer_assessment.area_sign_off, date=date))


DATES: list[tuple[Callable[[Assessment], Assessment], str]] = [
    (lambda a: peer(a, finished=dt.date(2025, 5, 30)), "peer_assessment.finished"),
    (lambda a: peer(a, started=dt.date(2024, 3, 31)), "peer_assessment.started"),
    (
        lambda a: _area_sign_off_date(a, dt.date(2025, 7, 17)),
        "peer_assessment.area_sign_off.date",
    ),
    (lambda a: _action_links(a, due=dt.date(2025, 7, 1)), "peer_assessment.actions[0].due"),
    (lambda a: _plan_links(a, due=dt.date(2024, 3, 31)), "plans[0].due"),
]


@pytest.mark.parametrize(("change", "key"), DATES, ids=[key for _, key in DATES])
def test_dates_are_in_order(
    fife: Assessment, change: Callable[[Assessment], Assessment], key: str
) -> None:
    assert found(change(fife)) == {(P.DATE_ORDER, key)}


def test_period_is_a_year(fife: Assessment) -> None:
    assert found(attrs.evolve(fife, period="2024-26")) == {(P.BAD_VALUE, "period")}


# ---------------------------------------------------------------------------------------
# Reading files: every problem at once, with the file and the dotted key


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    plan = 'recommendations = [3]\nindicators = ["CHN23"'
    text = edited(plan, plan.replace("[3]", "[3, 14]"))
    text = edited('indicators = ["SW8", "NI-13"]', 'indicators = ["SW8", "SW88"]', text)
    text = edited('section = "workforce"\ngrade = 3', 'section = "workforce"\ngrade = 9', text)
    text = edited("finished = 2025-07-18", "finished = 2025-05-30", text)
    text = edited(
        '\n[peer_assessment.peer_sign_off]\nname = "Alasdair Reid (fictional)"\n'
        'role = "chief_social_work_officer"\ndate = 2025-08-01\n',
        "",
        text,
    )
    path = tmp_path / "fife.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssessmentError) as caught:
        read_assessment(path, catalogue=CATALOGUE, areas=AREAS)
    problems = caught.value.problems
    assert pairs(problems) == {
        (P.UNKNOWN_RECOMMENDATION, "plans[0].recommendations"),
        (P.UNKNOWN_INDICATOR, "plans[1].indicators"),
        (P.BAD_GRADE, "peer_assessment.judgements[7].grade"),
        (P.DATE_ORDER, "peer_assessment.finished"),
        (P.MISSING_SIGN_OFF, "status"),
    }
    assert {row.file for row in problems} == {str(path)}
    message = str(caught.value)
    assert all(f"{path}, key {row.key}" in message for row in problems)


def test_every_problem_of_the_tables_is_reported_at_once(tmp_path: Path) -> None:
    text = edited('status = "published"', 'stauts = "published"')
    text = edited("due = 2026-06-30", 'due = "2026-06-30"', text)
    text = edited('section = "workforce"\ngrade = 3', 'section = "workforce"\ngrdae = 3', text)
    sign_off = 'role = "chief_social_work_officer"\ndate = 2025-09-24'
    text = edited(sign_off, sign_off.replace("chief_social_work_officer", "cswo"), text)
    problems = read_problems(tmp_path / "fife.toml", text)
    assert pairs(problems) == {
        (P.UNKNOWN_KEY, "stauts"),
        (P.WRONG_TYPE, "peer_assessment.actions[1].due"),
        (P.UNKNOWN_KEY, "peer_assessment.judgements[7].grdae"),
        (P.MISSING_KEY, "peer_assessment.judgements[7].grade"),
        (P.BAD_VALUE, "sign_off.role"),
    }


@pytest.mark.parametrize(
    ("old", "new", "key", "meant"),
    [
        ('status = "published"', 'stauts = "published"', "stauts", "'status'"),
        ("[narrative]\nintroduction", "[narrative]\nintroduktion", "narrative.introduktion",
         "'introduction'"),
        ('section = "workforce"\ngrade = 3', 'section = "workforce"\ngrades = 3',
         "peer_assessment.judgements[7].grades", "'grade'"),
        ('progress = "complete"', 'progres = "complete"', "previous_plans[0].progres",
         "'progress'"),
        ("[peer_assessment.method]\ndocuments", "[peer_assessment.method]\ndocument",
         "peer_assessment.method.document", "'documents'"),
    ],
)  # fmt: skip
def test_unknown_keys_suggest_the_key_meant(
    tmp_path: Path, old: str, new: str, key: str, meant: str
) -> None:
    problems = read_problems(tmp_path / "fife.toml", edited(old, new))
    unknown = [row for row in problems if row.problem is P.UNKNOWN_KEY]
    assert [row.key for row in unknown] == [key]
    assert meant in unknown[0].hint


def test_an_unknown_value_suggests_the_value_meant(tmp_path: Path) -> None:
    problems = read_problems(tmp_path / "fife.toml", edited('"published"', '"publishd"'))
    assert pairs(problems) == {(P.BAD_VALUE, "status")}
    assert "'published'" in problems[0].hint


@pytest.mark.parametrize(
    ("old", "key"),
    [
        ("date = 2025-09-24", "sign_off.date"),
        ("started = 2025-06-02", "peer_assessment.started"),
        ("due = 2025-12-31\nrecommendations = [4]", "plans[1].due"),
    ],
)
def test_a_quoted_date_is_the_wrong_type(tmp_path: Path, old: str, key: str) -> None:
    name, _, rest = old.partition(" = ")
    date, newline, more = rest.partition("\n")
    problems = read_problems(
        tmp_path / "fife.toml", edited(old, f'{name} = "{date}"{newline}{more}')
    )
    assert pairs(problems) == {(P.WRONG_TYPE, key)}
    assert problems[0].hint  # says to write dates without quotes


def test_a_required_key_is_missing(tmp_path: Path) -> None:
    old = 'evidence = "Vacancies in children\'s services put plans at risk."\n'
    problems = read_problems(tmp_path / "fife.toml", edited(old, ""))
    assert pairs(problems) == {(P.MISSING_KEY, "peer_assessment.judgements[7].evidence")}


def test_a_grade_that_is_not_a_whole_number_is_the_wrong_type(tmp_path: Path) -> None:
    text = edited('section = "workforce"\ngrade = 3', 'section = "workforce"\ngrade = "3"')
    problems = read_problems(tmp_path / "fife.toml", text)
    assert pairs(problems) == {(P.WRONG_TYPE, "peer_assessment.judgements[7].grade")}


def test_a_table_of_the_wrong_type_is_reported_once(tmp_path: Path) -> None:
    text = 'area = "Fife"\nperiod = "2024-25"\nsign_off = "Morag"\npeer_assessment = 3\n'
    problems = read_problems(tmp_path / "fife.toml", text)
    assert sorted(row.key for row in problems) == ["peer_assessment", "sign_off"]
    assert {row.problem for row in problems} == {P.WRONG_TYPE}


def test_a_toml_syntax_error_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "fife.toml"
    problems = read_problems(path, edited('area = "Fife"', "area = Fife"))
    assert [(row.problem, row.file) for row in problems] == [(P.TOML_SYNTAX, str(path))]


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError) as caught:
        read_assessment(tmp_path / "nowhere.toml")
    assert [row.problem for row in caught.value.problems] == [P.UNREADABLE]


def test_text_is_trimmed_and_an_answer_may_be_left_out(tmp_path: Path) -> None:
    text = edited('area = "Fife"', 'area = "  Fife\\n"')
    text = edited(
        'prompt = "1.1"\nanswer = "Access standards were rewritten with the carers\' forum and '
        'two service user panels."\n',
        'prompt = "1.1"\n',
        text,
    )
    path = tmp_path / "fife.toml"
    path.write_text(text, encoding="utf-8")
    read = read_assessment(path)
    assert read.area == "Fife"
    assert read.self_assessment[0] == PromptAnswer(prompt="1.1", answer="")


def test_a_folder_is_read_by_area_and_one_broken_file_stops_no_other(tmp_path: Path) -> None:
    shutil.copy(FIFE, tmp_path)
    shutil.copy(DUNDEE, tmp_path)
    # Dundee's peer is Angus, so Angus copying Dundee's file assesses itself.
    angus = DUNDEE.read_text(encoding="utf-8").replace('area = "Dundee City"', 'area = "Angus"')
    (tmp_path / "angus.toml").write_text(angus, encoding="utf-8")
    (tmp_path / "garbled.toml").write_text('area = "Garbled\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an assessment", encoding="utf-8")

    read = read_assessments(tmp_path, catalogue=CATALOGUE, areas=AREAS)

    assert set(read) == {"Fife", "Dundee City", "Angus", "garbled.toml"}
    assert read["Fife"] == read_assessment(FIFE)
    assert isinstance(read["Dundee City"], Assessment)
    angus_error, garbled_error = read["Angus"], read["garbled.toml"]
    assert isinstance(angus_error, AssessmentError)
    assert pairs(angus_error.problems) == {(P.OWN_AREA, "peer_assessment.peer_area")}
    assert angus_error.problems[0].file == str(tmp_path / "angus.toml")
    assert isinstance(garbled_error, AssessmentError)
    assert [row.problem for row in garbled_error.problems] == [P.TOML_SYNTAX]


def test_a_folder_is_checked_against_the_areas_given(tmp_path: Path) -> None:
    shutil.copy(FIFE, tmp_path)
    read = read_assessments(tmp_path, areas=[area for area in AREAS if area != "Fife"])
    error = read["Fife"]
    assert isinstance(error, AssessmentError)
    assert pairs(error.problems) == {(P.UNKNOWN_AREA, "area")}


def test_the_documented_minimal_example_is_a_valid_draft(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "assessment.md"
    example = docs.read_text(encoding="utf-8").split("```toml\n")[1].split("```")[0]
    path = tmp_path / "fife.toml"
    path.write_text(example, encoding="utf-8")
    draft = read_assessment(path, catalogue=CATALOGUE, areas=AREAS)
    assert draft.status is ReportStatus.DRAFT
    assert draft.previous_plans


# ---------------------------------------------------------------------------------------
# Any valid assessment survives writing and reading


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessment=valid_assessments())
def test_any_valid_assessment_round_trips(assessment: Assessment) -> None:
    assert check_assessment(assessment) == ()  # the strategy breaks no rule
    text = assessment_toml(assessment)
    assert tomllib.loads(text)["area"] == assessment.area
    with tempfile.TemporaryDirectory() as folder:
        read = read_assessment(write_assessment(Path(folder) / "a.toml", assessment))
    assert read == assessment
    assert assessment_toml(read) == text


# ---------------------------------------------------------------------------------------
# The blank template and the prompt questions


def test_blank_assessment_reads_back_as_a_draft_with_every_prompt(tmp_path: Path) -> None:
    path = tmp_path / "fife.toml"
    path.write_text(blank_assessment("Fife", "2025-26"), encoding="utf-8")
    blank = read_assessment(path, catalogue=CATALOGUE, areas=AREAS)
    assert (blank.area, blank.period) == ("Fife", "2025-26")
    assert blank.status is ReportStatus.DRAFT
    assert blank.provider is ProviderType.COUNCIL
    assert [a.prompt for a in blank.self_assessment] == [p.id for p in load_prompts()]
    assert all(answer.answer == "" for answer in blank.self_assessment)
    assert [s.section for s in blank.sections] == list(ReturnSection)
    assert all(s.provided for s in blank.sections)
    assert blank.sign_off is None
    assert blank.peer_assessment is None


def test_blank_assessment_for_an_independent_provider_has_no_council_questions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "provider.toml"
    path.write_text(blank_assessment("Fife", "2025-26", provider="independent"), "utf-8")
    blank = read_assessment(path)
    prompts = load_prompts()
    assert any(p.councils_only for p in prompts)
    assert blank.provider is ProviderType.INDEPENDENT
    assert [a.prompt for a in blank.self_assessment] == [
        p.id for p in prompts if not p.councils_only
    ]


def test_blank_assessment_needs_a_real_period() -> None:
    with pytest.raises(PeriodError):
        blank_assessment("Fife", "2025-27")


@pytest.mark.parametrize("provider", ["council", "independent"])
def test_cli_writes_the_blank_self_assessment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, provider: str
) -> None:
    out = tmp_path / "fife.toml"
    code = main(["template", "--self-assessment", "--area", "Fife", "--period", "2025-26",
                 "--provider", provider, "--out", str(out)])  # fmt: skip
    assert code == 0
    assert out.read_text(encoding="utf-8") == blank_assessment("Fife", "2025-26", provider=provider)
    assert str(out) in capsys.readouterr().err


def test_cli_self_assessment_is_for_one_area(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "both.toml"
    code = main(["template", "--self-assessment", "--area", "Fife", "--area", "Angus",
                 "--period", "2025-26", "--out", str(out)])  # fmt: skip
    assert code == 2
    assert not out.exists()
    assert "one --area" in capsys.readouterr().err


def test_cli_self_assessment_with_a_bad_period_is_invalid_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "fife.toml"
    code = main(["template", "--self-assessment", "--area", "Fife", "--period", "2025-27",
                 "--out", str(out)])  # fmt: skip
    assert code == 1
    assert not out.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_every_local_recommendation_has_prompt_questions() -> None:
    prompts = load_prompts()
    assert {p.recommendation for p in prompts} == set(range(1, 13))  # 13 is national only


def test_prompt_ids_are_unique_and_name_their_recommendation() -> None:
    prompts = load_prompts()
    ids = [p.id for p in prompts]
    assert len(ids) == len(set(ids))
    for prompt in prompts:
        recommendation, _, number = prompt.id.partition(".")
        assert int(recommendation) == prompt.recommendation, prompt.id
        assert number.isdigit(), prompt.id
        assert prompt.question.endswith("?"), prompt.id
        assert prompt.levels
        assert set(prompt.levels) <= {"service", "organisation"}, prompt.id
