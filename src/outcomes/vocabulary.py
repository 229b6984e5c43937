"""The fixed vocabulary of the domain (docs/contracts.md), as string enums.

Each member's value is the spelling used in TOML, CSV and the CLI. The words of the
results table (:class:`Direction`, :class:`Comparison`, :class:`Trend`) also carry the
symbol and the words a report shows for them, and the report's sections and statuses their
labels: compute, results, report, national and the templates all read them from here.

>>> Direction.IMPROVED.symbol, Direction.IMPROVED.word
('▲', 'improved')
>>> Direction("no_significant_change").marker
Marker(symbol='●', words='no significant change')
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from typing import NamedTuple, Self

__all__ = [
    "FAMILY_GROUP_PREFIX",
    "NON_NEGATIVE_KINDS",
    "RECOMMENDATIONS",
    "SCOTLAND",
    "SUPPLIERS",
    "SUPPRESSED",
    "Branch",
    "Comparison",
    "Direction",
    "Evidence",
    "Frequency",
    "ItemKind",
    "Marker",
    "Measure",
    "OutcomeGroup",
    "PeriodType",
    "Polarity",
    "ReportSection",
    "ReportStatus",
    "ReturnSection",
    "Scope",
    "StatutoryFunction",
    "Trend",
    "family_group_area",
    "is_computed_area",
]

#: The national row of the results: computed, never listed in an areas file.
SCOTLAND = "Scotland"
#: Results rows for a family group are named ``family_group:<name>``.
FAMILY_GROUP_PREFIX = "family_group:"
#: The 13 recommendations of *Changing Lives*, by number.
RECOMMENDATIONS = range(1, 14)


def family_group_area(group: str) -> str:
    """The results' area name of a family group's pooled row.

    >>> family_group_area("North")
    'family_group:North'
    """
    return FAMILY_GROUP_PREFIX + group


def is_computed_area(area: str) -> bool:
    """Whether a results area is computed (Scotland, a family group), not reported.

    >>> [is_computed_area(a) for a in ("Scotland", "family_group:North", "Fife")]
    [True, True, False]
    """
    return area == SCOTLAND or area.startswith(FAMILY_GROUP_PREFIX)


class Marker(NamedTuple):
    """A symbol for a table cell and the words it stands for (``symbol, words = marker``).

    A named tuple so that templates and callers can unpack it.
    """

    symbol: str
    words: str


_BETTER, _WORSE, _SAME, _UP, _DOWN, _NONE = (
    "\u25b2",
    "\u25bc",
    "\u25cf",
    "\u2191",
    "\u2193",
    "\u2013",
)
#: Shown for a value held back to protect confidentiality.
SUPPRESSED = Marker("[c]", "suppressed to protect confidentiality")


class _Marked(enum.StrEnum):
    """A results word that a report shows as a symbol and words, never colour alone.

    The members' order is the order of the engine's codes (``int8`` arrays index into
    ``tuple(cls)``), so a member is only ever added at the end.
    """

    symbol: str
    word: str

    def __new__(cls, value: str, symbol: str = "", word: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.symbol = symbol
        member.word = word
        return member

    @property
    def position(self) -> int:
        """The member's code in the engine's ``int8`` arrays (its place in the enum)."""
        return list(type(self)).index(self)

    @property
    def code(self) -> str:
        """The word as written in the results table."""
        return self.value

    @property
    def marker(self) -> Marker:
        return Marker(self.symbol, self.word)


class Direction(_Marked):
    """The direction of a change from the previous period (results column ``direction``)."""

    NOT_COMPARABLE = "not_comparable", _NONE, "not comparable"
    INCREASED = "increased", _UP, "increased"
    DECREASED = "decreased", _DOWN, "decreased"
    IMPROVED = "improved", _BETTER, "improved"
    WORSENED = "worsened", _WORSE, "worsened"
    NO_SIGNIFICANT_CHANGE = "no_significant_change", _SAME, "no significant change"
    NO_CHANGE = "no_change", _SAME, "no change"
    SUPPRESSED = "suppressed", *SUPPRESSED


class Comparison(_Marked):
    """An area against Scotland or its family group (``vs_scotland``, ``vs_family_group``)."""

    NOT_COMPARED = "not_compared", _NONE, "not compared"
    SIMILAR = "similar", _SAME, "similar"
    HIGHER = "higher", _UP, "higher"
    LOWER = "lower", _DOWN, "lower"
    BETTER = "better", _BETTER, "better"
    WORSE = "worse", _WORSE, "worse"


class Trend(_Marked):
    """The five-period trend of an area's values (results column ``trend``)."""

    NOT_ENOUGH_DATA = "not_enough_data", _NONE, "not enough data"
    INCREASING = "increasing", _UP, "increasing"
    DECREASING = "decreasing", _DOWN, "decreasing"
    IMPROVING = "improving", _BETTER, "improving"
    WORSENING = "worsening", _WORSE, "worsening"
    NO_SIGNIFICANT_TREND = "no_significant_trend", _SAME, "no significant trend"


class _Labelled(enum.StrEnum):
    """A vocabulary word that a report shows as a label of its own (a title, a phrase)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class StatutoryFunction(_Labelled):
    """A statutory function whose year of decisions the CSWO reports (``label`` in words)."""

    MENTAL_HEALTH_OFFICER = "mental_health_officer", "Mental health officer work"
    GUARDIANSHIP = "guardianship", "Guardianship (Adults with Incapacity)"
    ADULT_SUPPORT_PROTECTION = "adult_support_protection", "Adult support and protection"
    SECURE_CARE = "secure_care", "Secure care authorisations"
    FOSTERING_ADOPTION_PERMANENCE = (
        "fostering_adoption_permanence",
        "Fostering, adoption and permanence decisions",
    )
    JUSTICE_ORDERS = "justice_orders", "Justice orders supervised"
    MAPPA = "mappa", "Multi-agency public protection arrangements (MAPPA)"


class ReportStatus(_Labelled):
    """Where a report is in its year: drafted, then peer assessed, then published."""

    DRAFT = "draft", "Draft"
    PEER_ASSESSED = "peer_assessed", "Peer assessed"
    PUBLISHED = "published", "Published"


class ReportSection(_Labelled):
    """The sections of the annual report, in order; a peer judges each one."""

    SUMMARY = "summary", "Summary of performance"
    GOVERNANCE = "governance", "Governance and accountability"
    CHILDREN_FAMILIES = "children_families", "Children and families"
    COMMUNITY_CARE = "community_care", "Community care"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    PUBLIC_PROTECTION = "public_protection", "Public protection"
    RESOURCES = "resources", "Resources"
    WORKFORCE = "workforce", "Workforce"
    ACHIEVEMENTS = "achievements", "Achievements"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"
    FUTURE_PLANS = "future_plans", "Future plans"


class Measure(enum.StrEnum):
    """How an indicator's value is formed from its data items."""

    PROPORTION = "proportion"
    RATE = "rate"
    MEAN = "mean"
    COST = "cost"
    COUNT = "count"
    #: A published estimate used as given, with its published interval (survey figures).
    ESTIMATE = "estimate"


class Polarity(_Labelled):
    """Which direction of change is an improvement; ``label`` says it in words."""

    HIGHER_IS_BETTER = "higher_is_better", "higher is better"
    LOWER_IS_BETTER = "lower_is_better", "lower is better"
    NEUTRAL = "neutral", "neither direction is better"


class Branch(enum.StrEnum):
    """The service branches of the self-assessment return, plus the whole service."""

    CHILDREN_FAMILIES = "children_families"
    COMMUNITY_CARE = "community_care"
    CRIMINAL_JUSTICE = "criminal_justice"
    WHOLE_SERVICE = "whole_service"


class OutcomeGroup(enum.StrEnum):
    """Whom an outcome is for, in recommendation 11's words."""

    PEOPLE_WHO_USE_SERVICES = "people_who_use_services"
    CARERS = "carers"
    COMMUNITIES = "communities"


class PeriodType(enum.StrEnum):
    """The kind of year a period label such as ``2024-25`` or ``2024`` stands for."""

    FINANCIAL_YEAR = "financial_year"
    AUGUST_JULY = "august_july"
    CALENDAR_YEAR = "calendar_year"


class ItemKind(enum.StrEnum):
    """What a data item counts or measures."""

    COUNT = "count"
    MONEY = "money"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    SD = "sd"
    SCORE = "score"
    #: A published figure used as given: an estimate or a bound of its interval.
    ESTIMATE = "estimate"


#: Kinds of item that are never below zero (a score may be).
NON_NEGATIVE_KINDS = frozenset(ItemKind) - {ItemKind.SCORE, ItemKind.ESTIMATE}


class Frequency(enum.StrEnum):
    """How often an indicator is published; ``step`` is the number of periods between two
    figures (a two-yearly survey: 2017-18, then 2019-20)."""

    ANNUAL = "annual"
    BIENNIAL = "biennial"
    TRIENNIAL = "triennial"

    @property
    def step(self) -> int:
        return _FREQUENCY_STEPS[self]


_FREQUENCY_STEPS = {Frequency.ANNUAL: 1, Frequency.BIENNIAL: 2, Frequency.TRIENNIAL: 3}

#: Who supplies a data item: the council in its return, or a national body that already
#: publishes it (docs/contracts.md, "Item keys"). The list is open: a catalogue may name
#: another supplier, which loading records as a warning so that a typo is seen.
SUPPLIERS: Mapping[str, str] = types.MappingProxyType(
    {
        "council": "the council (its return)",
        "phs": "Public Health Scotland",
        "nrs": "National Records of Scotland",
        "scottish_government": "Scottish Government",
        "care_inspectorate": "Care Inspectorate",
        "sssc": "Scottish Social Services Council",
        "improvement_service": "Improvement Service",
        "scra": "Scottish Children's Reporter Administration",
        "mwc": "Mental Welfare Commission for Scotland",
        "opg": "Office of the Public Guardian (Scotland)",
    }
)


class ReturnSection(_Labelled):
    """The five sections of the self-assessment return (implementation plan, annex C)."""

    CHILDREN_FAMILIES = "children_families", "Children and families"
    COMMUNITY_CARE = "community_care", "Community care"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    WHOLE_SERVICE = "whole_service", "The whole service"
    NATIONAL_PRIORITIES = "national_priorities", "Priorities for national change programmes"


class Evidence(enum.StrEnum):
    """How a recommendation is evidenced in an annual report."""

    #: By indicators of the catalogue, and by the self-assessment.
    INDICATORS = "indicators"
    #: By the self-assessment only: no indicator measures it honestly.
    SELF_ASSESSMENT = "self_assessment"
    #: A task for the Scottish Government, not for councils.
    NATIONAL = "national"


class Scope(enum.StrEnum):
    """Who acts on a recommendation."""

    LOCAL = "local"
    NATIONAL = "national"
