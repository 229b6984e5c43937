"""Stage 4, the assessment: the council's self-assessment against the 13 recommendations,
its return in five sections, achievements, plans and the peer assessment, read from and
written to ``assessment.toml`` (or an Excel workbook for the people who write it) and
checked against the catalogue (docs/assessment.md).

The types of an assessment live here; the verbs are also in :mod:`outcomes`.
"""

from outcomes.assessment._io import (
    assessment_toml,
    blank_assessment,
    read_assessment,
    read_assessments,
    write_assessment,
)
from outcomes.assessment._model import (
    AgreedAction,
    Assessment,
    ExpectedDirection,
    Judgement,
    PeerAssessment,
    PeerMethod,
    Plan,
    PlanProgress,
    PreviousPlan,
    Prompt,
    PromptAnswer,
    ProviderType,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    check_assessment,
    grade_label,
    load_prompts,
)
from outcomes.assessment._workbook import assessment_workbook, write_assessment_workbook
from outcomes.assessment._workbook_read import (
    ASSESSMENT_PROBLEM_COLUMNS,
    assessment_problems_frame,
    merge_peer_workbook,
    read_assessment_workbook,
)
from outcomes.vocabulary import ReportSection, ReportStatus

__all__ = [
    "ASSESSMENT_PROBLEM_COLUMNS",
    "AgreedAction",
    "Assessment",
    "ExpectedDirection",
    "Judgement",
    "PeerAssessment",
    "PeerMethod",
    "Plan",
    "PlanProgress",
    "PreviousPlan",
    "Prompt",
    "PromptAnswer",
    "ProviderType",
    "ReportSection",
    "ReportStatus",
    "SectionReturn",
    "SignOff",
    "SignOffRole",
    "Statement",
    "assessment_problems_frame",
    "assessment_toml",
    "assessment_workbook",
    "blank_assessment",
    "check_assessment",
    "grade_label",
    "load_prompts",
    "merge_peer_workbook",
    "read_assessment",
    "read_assessment_workbook",
    "read_assessments",
    "write_assessment",
    "write_assessment_workbook",
]
