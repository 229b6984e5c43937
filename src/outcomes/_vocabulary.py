"""The fixed vocabulary of the domain (DESIGN.md §1 and §3), as string enums.

Each member's value is the spelling used in TOML, CSV and the CLI.
"""

from __future__ import annotations

import enum


class Measure(enum.StrEnum):
    """How an indicator's value is formed from its data items."""

    PROPORTION = "proportion"
    RATE = "rate"
    MEAN = "mean"
    COST = "cost"
    COUNT = "count"


class Polarity(enum.StrEnum):
    """Which direction of change is an improvement."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"


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


class ReturnSection(enum.StrEnum):
    """The five sections of the self-assessment return (implementation plan, annex C)."""

    CHILDREN_FAMILIES = "children_families"
    COMMUNITY_CARE = "community_care"
    CRIMINAL_JUSTICE = "criminal_justice"
    WHOLE_SERVICE = "whole_service"
    NATIONAL_PRIORITIES = "national_priorities"


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
