"""Stage 6, the national view: the overview of every area, the inspectorate's scrutiny
view, peer pairing, whom to learn from and networks of shared interest."""

from outcomes.national._networks import (
    NATIONAL_PRIORITY_COLUMNS,
    NETWORK_MEMBER_COLUMNS,
    OFFER_COLUMNS,
    SHARED_PRIORITY_COLUMNS,
    VERDICTS,
    Networks,
    networks,
)
from outcomes.national._overview import Overview, Scrutiny, overview, scrutiny
from outcomes.national._overview_page import render_overview, render_scrutiny
from outcomes.national._pairing import PAIR_COLUMNS, Pairing, pair_areas, read_pairs
from outcomes.national._profile import (
    ACTIONS,
    PROFILE_COLUMNS,
    QUALITY_COLUMNS,
    Profile,
    QualityFramework,
    QualityIndicator,
    load_quality_framework,
    scrutiny_profile,
)
from outcomes.results._learning import LEARNING_COLUMNS, LearningSuggestions, learn_from

__all__ = [
    "ACTIONS",
    "LEARNING_COLUMNS",
    "NATIONAL_PRIORITY_COLUMNS",
    "NETWORK_MEMBER_COLUMNS",
    "OFFER_COLUMNS",
    "PAIR_COLUMNS",
    "PROFILE_COLUMNS",
    "QUALITY_COLUMNS",
    "SHARED_PRIORITY_COLUMNS",
    "VERDICTS",
    "LearningSuggestions",
    "Networks",
    "Overview",
    "Pairing",
    "Profile",
    "QualityFramework",
    "QualityIndicator",
    "Scrutiny",
    "learn_from",
    "load_quality_framework",
    "networks",
    "overview",
    "pair_areas",
    "read_pairs",
    "render_overview",
    "render_scrutiny",
    "scrutiny",
    "scrutiny_profile",
]
