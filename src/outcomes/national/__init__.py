"""Stage 6, the national view: the overview of every area, the inspectorate's scrutiny
view, peer pairing and whom to learn from."""

from outcomes.national._learning import LEARNING_COLUMNS, LearningSuggestions, learn_from
from outcomes.national._overview import Overview, Scrutiny, overview, scrutiny
from outcomes.national._overview_page import render_overview, render_scrutiny
from outcomes.national._pairing import PAIR_COLUMNS, Pairing, pair_areas, read_pairs

__all__ = [
    "LEARNING_COLUMNS",
    "PAIR_COLUMNS",
    "LearningSuggestions",
    "Overview",
    "Pairing",
    "Scrutiny",
    "learn_from",
    "overview",
    "pair_areas",
    "read_pairs",
    "render_overview",
    "render_scrutiny",
    "scrutiny",
]
