"""Reading and writing ``assessment.toml``: one area's year, in a file a person edits.

The schema is documented in ``docs/assessment.md``. Reading is lazy in pandera's sense:
every key of every table is parsed, every rule of :func:`check_assessment` is applied, and
one :class:`AssessmentError` lists all problems with the file and a dotted key such as
``peer_assessment.judgements[2].grade``. Writing is deterministic, so reading a written
file gives back equal objects and writing them again gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomes.assessment._model import (
    AgreedAction,
    Assessment,
    CaseStudy,
    ExpectedDirection,
    Judgement,
    PeerAssessment,
    PeerMethod,
    Plan,
    PlanProgress,
    PreviousPlan,
    PromptAnswer,
    ProviderType,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    StatutoryRecord,
    check_assessment,
    load_prompts,
)
from outcomes.core._io import slug, write_text_atomic
from outcomes.core._periods import Period, as_period
from outcomes.core._toml import (
    FieldError,
    Parsers,
    TomlFileError,
    choice,
    flag,
    load_toml,
    optional_text,
    parse_table,
    text,
    whole_number,
    whole_numbers,
)
from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    AssessmentProblemRow,
    CatalogueProblem,
)
from outcomes.vocabulary import ReportSection, ReportStatus, ReturnSection, StatutoryFunction

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue


SCHEMA = 1
_NARRATIVE = ("introduction", "governance", "landscape", "statutory_functions",
              "public_protection", "resources", "workforce", "voice")  # fmt: skip


# ---------------------------------------------------------------------------------------
# Field parsers beyond those of the catalogue


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise FieldError(
        CatalogueProblem.WRONG_TYPE,
        f"expected a date, got {value!r}",
        "write dates as TOML dates, without quotes: 2025-09-30",
    )


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(element, str) for element in value):
        raise FieldError(
            CatalogueProblem.WRONG_TYPE,
            f"expected a list of text, got {value!r}",
            'e.g. ["first", "second"]',
        )
    return tuple(element.strip() for element in value)


def _array(value: object) -> list[object]:
    if not isinstance(value, list):
        raise FieldError(CatalogueProblem.WRONG_TYPE, f"expected an array of tables, got {value!r}")
    return value


def _subtable(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise FieldError(CatalogueProblem.WRONG_TYPE, f"expected a table, got {value!r}")
    return value


def _commentary(value: object) -> dict[str, str]:
    table = _subtable(value)
    if not all(isinstance(comment, str) for comment in table.values()):
        raise FieldError(
            CatalogueProblem.WRONG_TYPE,
            "expected text for each indicator",
            'e.g. CF05 = "Attendance fell while two schools were closed for repairs."',
        )
    return {indicator: str(comment).strip() for indicator, comment in table.items()}


def _grade(value: object) -> int:
    # The range is a rule (BAD_GRADE), checked with the objects; only the type is checked here.
    return whole_number(value)


_LINKS: Parsers = {"recommendations": (whole_numbers, False), "indicators": (_texts, False)}
_RESPONSE: Parsers = {"response": (optional_text, False)}
_STATEMENT: Parsers = {"text": (text, True), **_LINKS, **_RESPONSE}
_STATUTORY: Parsers = {
    "function": (choice(StatutoryFunction), True),
    "count": (whole_number, False),
    "text": (optional_text, False),
}
_CASE_STUDY: Parsers = {"title": (text, True), "text": (text, True), **_LINKS}
_SIGN_OFF: Parsers = {
    "name": (text, True),
    "role": (choice(SignOffRole), True),
    "date": (_date, True),
}
_PLAN: Parsers = {
    "id": (text, True),
    "action": (text, True),
    "owner": (text, True),
    "due": (_date, True),
    **_LINKS,
    "expected": (choice(ExpectedDirection), False),
}
_PREVIOUS_PLAN: Parsers = {
    **_PLAN,
    "progress": (choice(PlanProgress), False),
    "comment": (optional_text, False),
    **_RESPONSE,
}
_SECTION: Parsers = {
    "provided": (flag, False),
    "reason": (optional_text, False),
    "strengths": (_array, False),
    "priorities": (_array, False),
}
_JUDGEMENT: Parsers = {
    "section": (choice(ReportSection), True),
    "grade": (_grade, True),
    "evidence": (text, True),
    "indicators": _LINKS["indicators"],
    **_RESPONSE,
}
_ACTION: Parsers = {
    "action": (text, True),
    "owner": (text, True),
    "due": (_date, True),
    "section": (choice(ReportSection), True),
    "recommendations": (whole_numbers, False),
}
_METHOD: Parsers = {
    "documents": (_texts, False),
    "people_met": (_texts, False),
    "data_examined": (_texts, False),
}
_PEER: Parsers = {
    "peer_area": (text, True),
    "peer_name": (text, True),
    "started": (_date, True),
    "finished": (_date, True),
    "strengths": (_texts, False),
    "improvements": (_texts, False),
    "method": (_subtable, False),
    "judgements": (_array, False),
    "actions": (_array, False),
    "area_sign_off": (_subtable, False),
    "peer_sign_off": (_subtable, False),
}
_TOP: Parsers = {
    "schema": (whole_number, False),
    "area": (text, True),
    "period": (text, True),
    "provider": (choice(ProviderType), False),
    "status": (choice(ReportStatus), False),
    "narrative": (_subtable, False),
    "commentary": (_commentary, False),
    "statutory_functions": (_array, False),
    "case_studies": (_array, False),
    "sign_off": (_subtable, False),
    "self_assessment": (_array, False),
    "sections": (_subtable, False),
    "achievements": (_array, False),
    "plans": (_array, False),
    "previous_plans": (_array, False),
    "peer_assessment": (_subtable, False),
}
_NARRATIVE_KEYS: Parsers = dict.fromkeys(_NARRATIVE, (optional_text, False))
_ANSWER: Parsers = {"prompt": (text, True), "answer": (optional_text, False)}
_SECTIONS: Parsers = {str(section): (_subtable, False) for section in ReturnSection}


class _Reader:
    """Parses one document table by table, keeping every problem with its dotted key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[AssessmentProblemRow] = []

    def table(self, raw: object, keys: Parsers, key: str) -> dict[str, Any] | None:
        """The parsed fields of one table, or None when any of its keys has a problem."""
        fields, found = parse_table(raw, keys, f"[{key}]" if key else "the file")
        for name, kind, message, hint in found:
            where = f"{key}.{name}" if key and name else key or name
            self.problems.append(
                AssessmentProblemRow(
                    file=self.file,
                    key=where,
                    problem=AssessmentProblem[kind.name],
                    message=message,
                    hint=hint,
                )
            )
        return None if found else fields

    def tables(
        self, raw: object, keys: Parsers, key: str, build: Callable[[dict[str, Any]], Any]
    ) -> list[Any]:
        """An array of tables, each parsed and built; broken ones are left out."""
        built = []
        for number, element in enumerate(raw if isinstance(raw, list) else []):
            fields = self.table(element, keys, f"{key}[{number}]")
            if fields is not None:
                built.append(build(fields))
        return built


def _parse(document: Mapping[str, Any], reader: _Reader) -> Assessment | None:
    top = reader.table(document, _TOP, "")
    if top is None:
        # Keep reading the tables that did parse, to report their problems too; a key
        # already reported (e.g. `sections = "x"`) is left out so it is not reported twice.
        reported = {row.key for row in reader.problems}
        top = {key: document[key] for key in _TOP if key in document and key not in reported}
    narrative = reader.table(top.get("narrative", {}), _NARRATIVE_KEYS, "narrative") or {}
    sections_raw = reader.table(top.get("sections", {}), _SECTIONS, "sections") or {}
    sections = [_section(ReturnSection(name), raw, reader) for name, raw in sections_raw.items()]
    sign_off = _sign_off(top.get("sign_off"), "sign_off", reader)
    # An unanswered prompt may leave out `answer` (the writer leaves out empty text).
    answers = reader.tables(
        top.get("self_assessment"),
        _ANSWER,
        "self_assessment",
        lambda f: PromptAnswer(prompt=f["prompt"], answer=f.get("answer", "")),
    )
    achievements = reader.tables(
        top.get("achievements"), _STATEMENT, "achievements", lambda f: Statement(**f)
    )
    statutory = reader.tables(top.get("statutory_functions"), _STATUTORY, "statutory_functions",
                              lambda f: StatutoryRecord(**f))  # fmt: skip
    case_studies = reader.tables(
        top.get("case_studies"), _CASE_STUDY, "case_studies", lambda f: CaseStudy(**f)
    )
    plans = reader.tables(top.get("plans"), _PLAN, "plans", lambda f: Plan(**f))
    previous = reader.tables(top.get("previous_plans"), _PREVIOUS_PLAN, "previous_plans", _previous)
    peer = _peer(top.get("peer_assessment"), reader)
    if reader.problems:
        return None
    ordered: list[SectionReturn] = sorted(sections, key=_section_order)
    return Assessment(
        area=top["area"],
        period=top["period"],
        provider=top.get("provider", ProviderType.COUNCIL),
        status=top.get("status", ReportStatus.DRAFT),
        narrative={name: value for name, value in narrative.items() if value},
        commentary={key: value for key, value in top.get("commentary", {}).items() if value},
        statutory_functions=statutory,
        case_studies=case_studies,
        self_assessment=answers,
        sections=ordered,
        achievements=achievements,
        plans=plans,
        previous_plans=previous,
        sign_off=sign_off,
        peer_assessment=peer,
    )


def _section_order(given: SectionReturn) -> int:
    return list(ReturnSection).index(given.section)


def _section(section: ReturnSection, raw: object, reader: _Reader) -> SectionReturn:
    key = f"sections.{section}"
    fields = reader.table(raw, _SECTION, key) or {}
    statements = {
        kind: reader.tables(fields.get(kind), _STATEMENT, f"{key}.{kind}", lambda f: Statement(**f))
        for kind in ("strengths", "priorities")
    }
    return SectionReturn(
        section=section,
        provided=fields.get("provided", True),
        reason=fields.get("reason", ""),
        **statements,
    )


def _sign_off(raw: object, key: str, reader: _Reader) -> SignOff | None:
    if raw is None:
        return None
    fields = reader.table(raw, _SIGN_OFF, key)
    return None if fields is None else SignOff(**fields)


def _previous(fields: dict[str, Any]) -> PreviousPlan:
    progress = fields.pop("progress", PlanProgress.NOT_REPORTED)
    comment = fields.pop("comment", "")
    response = fields.pop("response", "")
    return PreviousPlan(plan=Plan(**fields), progress=progress, comment=comment,
                        response=response)  # fmt: skip


def _peer(raw: object, reader: _Reader) -> PeerAssessment | None:
    if raw is None:
        return None
    key = "peer_assessment"
    fields = reader.table(raw, _PEER, key)
    if fields is None:
        return None
    method = reader.table(fields.pop("method", {}), _METHOD, f"{key}.method") or {}
    judgements = reader.tables(
        fields.pop("judgements", []), _JUDGEMENT, f"{key}.judgements", lambda f: Judgement(**f)
    )
    actions = reader.tables(
        fields.pop("actions", []), _ACTION, f"{key}.actions", lambda f: AgreedAction(**f)
    )
    area_sign_off = _sign_off(fields.pop("area_sign_off", None), f"{key}.area_sign_off", reader)
    peer_sign_off = _sign_off(fields.pop("peer_sign_off", None), f"{key}.peer_sign_off", reader)
    return PeerAssessment(
        method=PeerMethod(**method),
        judgements=judgements,
        actions=actions,
        area_sign_off=area_sign_off,
        peer_sign_off=peer_sign_off,
        **fields,
    )


def read_assessment(
    path: str | os.PathLike[str],
    *,
    catalogue: Catalogue | None = None,
    areas: Iterable[str] | None = None,
) -> Assessment:
    """Read and check one ``assessment.toml``.

    Indicator ids are checked against ``catalogue`` and the area and peer area against
    ``areas`` when given. Raises :class:`AssessmentError` listing every problem.

    >>> from outcomes import read_assessment  # doctest: +SKIP
    >>> read_assessment("assessments/fife.toml").status  # doctest: +SKIP
    <ReportStatus.PUBLISHED: 'published'>
    """
    file = str(path)
    try:
        document = load_toml(Path(path))
    except TomlFileError as error:
        syntax_hint = "strings need double quotes; dates have none: 2025-09-30"
        raise AssessmentError(
            (
                AssessmentProblemRow(
                    file=file,
                    problem=AssessmentProblem.TOML_SYNTAX
                    if error.syntax
                    else AssessmentProblem.UNREADABLE,
                    message=error.message,
                    hint=error.hint or (syntax_hint if error.syntax else ""),
                ),
            )
        ) from error
    reader = _Reader(file)
    assessment = _parse(document, reader)
    if assessment is None:
        raise AssessmentError(tuple(reader.problems))
    problems = check_assessment(assessment, catalogue=catalogue, areas=areas, file=file)
    if problems:
        raise AssessmentError(problems)
    return assessment


def read_assessments(
    directory: str | os.PathLike[str],
    *,
    catalogue: Catalogue | None = None,
    areas: Iterable[str] | None = None,
) -> dict[str, Assessment | AssessmentError]:
    """Read every ``*.toml`` in ``directory``, keyed by area.

    A file with problems gives its :class:`AssessmentError` instead of an assessment,
    so that one area's mistakes never stop the others' reports. A file whose area
    cannot be read is keyed by its file name.
    """
    known = None if areas is None else list(areas)
    found: dict[str, Assessment | AssessmentError] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            assessment = read_assessment(path, catalogue=catalogue, areas=known)
        except AssessmentError as error:
            found[_area_of(path)] = error
        else:
            found[assessment.area] = assessment
    return found


def _area_of(path: Path) -> str:
    try:
        area = load_toml(path).get("area")
    except TomlFileError:
        return path.name
    return area if isinstance(area, str) else path.name


# ---------------------------------------------------------------------------------------
# Writing


def _string(value: str) -> str:
    """A TOML string: multi-line for text with line breaks, so that a person can edit it."""
    if "\n" not in value:
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r", "\\r")
        .replace("\x7f", "\\u007f")
    )
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 and c not in "\n\t" else c for c in escaped
    )
    return f'"""\n{escaped}"""'


def _value(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(element) for element in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(name: str) -> str:
    """A TOML key: bare when it can be (``CF05``, ``NI-18``), quoted otherwise."""
    bare = name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    return name if bare else _string(name)


def _lines(pairs: Iterable[tuple[str, object]]) -> list[str]:
    """``key = value`` lines, leaving out empty lists and empty optional text."""
    return [f"{key} = {_value(value)}" for key, value in pairs if value not in ((), "", None)]


def _block(header: str, pairs: Iterable[tuple[str, object]]) -> list[str]:
    return ["", header, *_lines(pairs)]


def _links(
    recommendations: tuple[int, ...], indicators: tuple[str, ...]
) -> list[tuple[str, object]]:
    return [("recommendations", recommendations), ("indicators", indicators)]


def _statement(header: str, statement: Statement) -> list[str]:
    pairs = [("text", statement.text), *_links(statement.recommendations, statement.indicators),
             ("response", statement.response)]  # fmt: skip
    return _block(f"[[{header}]]", pairs)


def _plan_pairs(plan: Plan) -> list[tuple[str, object]]:
    return [
        ("id", plan.id),
        ("action", plan.action),
        ("owner", plan.owner),
        ("due", plan.due),
        *_links(plan.recommendations, plan.indicators),
        ("expected", str(plan.expected)),
    ]


def _sign_off_block(header: str, sign_off: SignOff | None) -> list[str]:
    if sign_off is None:
        return []
    pairs = [("name", sign_off.name), ("role", str(sign_off.role)), ("date", sign_off.date)]
    return _block(f"[{header}]", pairs)


def _report_extras(assessment: Assessment) -> list[str]:
    """The commentary, statutory functions and case studies, as TOML lines."""
    lines: list[str] = []
    if assessment.commentary:
        lines += _block("[commentary]", sorted((_key(indicator), comment) for indicator, comment
                                               in assessment.commentary.items()))  # fmt: skip
    for record in assessment.statutory_functions:
        pairs: list[tuple[str, object]] = [("function", str(record.function))]
        if record.count is not None:
            pairs.append(("count", record.count))
        lines += _block("[[statutory_functions]]", [*pairs, ("text", record.text)])
    for study in assessment.case_studies:
        links = _links(study.recommendations, study.indicators)
        lines += _block("[[case_studies]]", [("title", study.title), ("text", study.text), *links])
    return lines


def assessment_toml(assessment: Assessment) -> str:
    """The assessment as ``assessment.toml`` text (see ``docs/assessment.md``)."""
    lines = [
        "# Annual performance improvement report: self-assessment, return, plans and peer",
        "# assessment for one area and year. Schema: docs/assessment.md in outcomes.",
        *_lines(
            [
                ("schema", SCHEMA),
                ("area", assessment.area),
                ("period", assessment.period),
                ("provider", str(assessment.provider)),
                ("status", str(assessment.status)),
            ]
        ),
    ]
    narrative = [(name, assessment.narrative.get(name, "")) for name in _NARRATIVE]
    if any(value for _, value in narrative):
        lines += _block("[narrative]", narrative)
    lines += _report_extras(assessment)
    lines += _sign_off_block("sign_off", assessment.sign_off)
    for answer in assessment.self_assessment:
        lines += _block(
            "[[self_assessment]]", [("prompt", answer.prompt), ("answer", answer.answer)]
        )
    for given in assessment.sections:
        key = f"sections.{given.section}"
        lines += _block(f"[{key}]", [("provided", given.provided), ("reason", given.reason)])
        for kind in ("strengths", "priorities"):
            for statement in getattr(given, kind):
                lines += _statement(f"{key}.{kind}", statement)
    for achievement in assessment.achievements:
        lines += _statement("achievements", achievement)
    for plan in assessment.plans:
        lines += _block("[[plans]]", _plan_pairs(plan))
    for previous in assessment.previous_plans:
        pairs = [
            *_plan_pairs(previous.plan),
            ("progress", str(previous.progress)),
            ("comment", previous.comment),
            ("response", previous.response),
        ]
        lines += _block("[[previous_plans]]", pairs)
    if assessment.peer_assessment is not None:
        lines += _peer_lines(assessment.peer_assessment)
    return "\n".join(lines) + "\n"


def _peer_lines(peer: PeerAssessment) -> list[str]:
    key = "peer_assessment"
    lines = _block(
        f"[{key}]",
        [
            ("peer_area", peer.peer_area),
            ("peer_name", peer.peer_name),
            ("started", peer.started),
            ("finished", peer.finished),
            ("strengths", peer.strengths),
            ("improvements", peer.improvements),
        ],
    )
    method = peer.method
    lines += _block(
        f"[{key}.method]",
        [
            ("documents", method.documents),
            ("people_met", method.people_met),
            ("data_examined", method.data_examined),
        ],
    )
    for judgement in peer.judgements:
        pairs = [
            ("section", str(judgement.section)),
            ("grade", judgement.grade),
            ("evidence", judgement.evidence),
            ("indicators", judgement.indicators),
            ("response", judgement.response),
        ]
        lines += _block(f"[[{key}.judgements]]", pairs)
    for action in peer.actions:
        pairs = [
            ("action", action.action),
            ("owner", action.owner),
            ("due", action.due),
            ("section", str(action.section)),
            ("recommendations", action.recommendations),
        ]
        lines += _block(f"[[{key}.actions]]", pairs)
    lines += _sign_off_block(f"{key}.area_sign_off", peer.area_sign_off)
    lines += _sign_off_block(f"{key}.peer_sign_off", peer.peer_sign_off)
    return lines


def write_assessment(path: str | os.PathLike[str], assessment: Assessment) -> Path:
    """Write ``assessment`` as TOML, atomically; reading it back gives an equal object."""
    return write_text_atomic(path, assessment_toml(assessment))


def blank_assessment(
    area: str, period: str | Period, *, provider: ProviderType | str = ProviderType.COUNCIL
) -> str:
    """A blank ``assessment.toml`` for ``area`` and ``period`` to fill in.

    Every prompt question of the self-assessment is listed (with its recommendation and
    whether it applies at service or organisation level; questions only a council can
    answer are left out for independent providers), and every section of the return is
    present. The blank file reads back as a valid draft.

    >>> "prompt = \\"11.2\\"" in blank_assessment("Fife", "2025-26")
    True
    """
    period = as_period(period).label  # written into the file as its label
    kind = ProviderType(provider)
    prompts = [p for p in load_prompts() if kind is ProviderType.COUNCIL or not p.councils_only]
    lines = [
        "# Annual performance improvement report: self-assessment, return, plans and peer",
        "# assessment for one area and year. Schema: docs/assessment.md in outcomes.",
        "# Fill in the answers, strengths and priorities; then add plans and achievements",
        "# ([[plans]], [[achievements]]), the [sign_off] and, once done, [peer_assessment].",
        *_lines(
            [
                ("schema", SCHEMA),
                ("area", area),
                ("period", period),
                ("provider", str(kind)),
                ("status", str(ReportStatus.DRAFT)),
            ]
        ),
        "",
        "[narrative]",
        *(f"{name} = {_value('')}" for name in _NARRATIVE),
    ]
    for prompt in prompts:
        levels = " and ".join(prompt.levels)
        scope = "; councils only" if prompt.councils_only else ""
        lines += [
            "",
            f"# Recommendation {prompt.recommendation} ({levels} level{scope}):",
            f"# {prompt.question}",
            "[[self_assessment]]",
            f"prompt = {_value(prompt.id)}",
            'answer = ""',
        ]
    for section in ReturnSection:
        lines += [
            "",
            f"[sections.{section}]",
            "provided = true",
            '# If you do not provide this branch: provided = false, and reason = "...".',
            f"# Add [[sections.{section}.strengths]] and [[sections.{section}.priorities]]",
            "# tables, each with text, recommendations = [..] and indicators = [..].",
        ]
    return "\n".join(lines) + "\n"


def assessment_file_name(area: str) -> str:
    """The file name of an area's assessment in an assessments folder.

    Fixed by docs/contracts.md, "Verbs" (``outcomes example``).
    """
    return f"{slug(area)}.toml"
