"""Generate the example inputs that the documentation, the tests and ``outcomes example`` use.

Writes three files into ``--out`` (default ``examples/inputs``):

- ``areas.csv``: the 32 Scottish councils (``area`` in the Improvement Service LGBF spelling,
  ``name`` the official council area name), their LGBF family group for people services,
  ``type = council``, its GSS ``code`` (from the bundled geography) and the NRS mid-2022
  population estimate.
- ``data.csv``: a tidy dataset (``area, period, item, value, flag``) holding every data item
  of the bundled catalogue's minimal national dataset for every council and ten periods,
  2015-16 to 2024-25 (calendar-year items 2015 to 2024).
- ``deflators.csv``: GDP deflators for the financial years 2015-16 to 2024-25, 2024-25 = 100.

The data are invented but realistic: each indicator's Scotland-level value (sum of numerators
over sum of denominators, times the multiplier) follows the path in :data:`TARGETS`, close to
published national figures, and councils vary around it by a lasting area effect, a small
deprivation gradient across family groups and yearly noise. A few cells carry the flags the
tidy dataset allows (``not_collected``, ``revised``, ``provisional``, ``estimated``).

Regenerate (same seed, same bytes)::

    PYTHONPATH=src python examples/make_example_data.py  # --seed 2006 --out examples/inputs

Extend: when an indicator is added to ``indicators/*.toml``, add an entry for its id to
:data:`TARGETS` (the script stops and names any indicator without one), rerun the script and
commit the regenerated files; ``tests/test_example_data.py`` checks they match.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import attrs
import numpy as np
import numpy.typing as npt

import outcomes
from outcomes.returns import lookup_area
from outcomes.vocabulary import SCOTLAND

DEFAULT_SEED = 2006
DEFAULT_OUT = Path(__file__).resolve().parent / "inputs"
FIRST_YEAR = 2015
#: The example council's story, so that its assessment has something to answer: fewer
#: adults with intensive needs cared for at home than in Scotland, child protection
#: re-registrations above Scotland's, and adult protection inquiries completed on time falling
#: in the latest year. (area, indicator, ``level`` against Scotland or ``drop`` on the year
#: before, shift of the proportion.)
STORIES: tuple[tuple[str, str, str, float], ...] = (
    ("Fife", "NI-18", "level", -0.06),
    ("Fife", "CHN22", "level", 0.05),
    ("Fife", "CC02", "drop", -0.15),
)
#: How much wider a weighted survey's interval is than a simple random sample's.
DESIGN_EFFECT = 1.6
PERIOD_COUNT = 10

FloatArray = npt.NDArray[np.float64]

# ---------------------------------------------------------------------------------------------
# Councils
#
# area: the LGBF spelling (as in the Improvement Service's LGBF data); name: the official
# council area name used by National Records of Scotland.
#
# population: NRS "Mid-2022 population estimates, Scotland" (published 26 March 2024, the
# first estimates rebased on Scotland's Census 2022), all persons, council areas, rounded to
# the nearest 10. https://www.nrscotland.gov.uk/statistics-and-data/statistics/
# statistics-by-theme/population/population-estimates/mid-year-population-estimates/mid-2022
# (Glasgow City 622,820; City of Edinburgh 514,990; Orkney Islands 22,020; Scotland 5,447,700
# published, 5,446,670 as the sum below: a few council figures may be off by some hundreds.)
#
# family_group: LGBF family groups for Children, Social Work and Housing indicators, which
# group councils by the level of deprivation of the population they serve; group 1 is the
# least deprived. Improvement Service, "How do we compare councils?",
# https://www.improvementservice.org.uk/benchmarking/how-do-we-compare-councils
COUNCILS: tuple[tuple[str, str, int, int], ...] = (
    # area, name, family group (people services), population mid-2022
    ("Aberdeen City", "Aberdeen City", 1, 224_190),
    ("Aberdeenshire", "Aberdeenshire", 1, 263_750),
    ("Angus", "Angus", 2, 114_820),
    ("Argyll & Bute", "Argyll and Bute", 2, 86_220),
    ("Clackmannanshire", "Clackmannanshire", 3, 51_750),
    ("Dumfries & Galloway", "Dumfries and Galloway", 3, 145_460),
    ("Dundee City", "Dundee City", 4, 148_820),
    ("East Ayrshire", "East Ayrshire", 4, 120_010),
    ("East Dunbartonshire", "East Dunbartonshire", 1, 108_900),
    ("East Lothian", "East Lothian", 2, 112_450),
    ("East Renfrewshire", "East Renfrewshire", 1, 96_580),
    ("Edinburgh City", "City of Edinburgh", 1, 514_990),
    ("Eilean Siar", "Na h-Eileanan Siar", 4, 26_120),
    ("Falkirk", "Falkirk", 3, 158_970),
    ("Fife", "Fife", 3, 371_780),
    ("Glasgow City", "Glasgow City", 4, 622_820),
    ("Highland", "Highland", 2, 235_430),
    ("Inverclyde", "Inverclyde", 4, 78_340),
    ("Midlothian", "Midlothian", 2, 96_600),
    ("Moray", "Moray", 2, 93_510),
    ("North Ayrshire", "North Ayrshire", 4, 133_490),
    ("North Lanarkshire", "North Lanarkshire", 4, 341_140),
    ("Orkney Islands", "Orkney Islands", 1, 22_020),
    ("Perth & Kinross", "Perth and Kinross", 1, 153_810),
    ("Renfrewshire", "Renfrewshire", 3, 183_810),
    ("Scottish Borders", "Scottish Borders", 2, 116_020),
    ("Shetland Islands", "Shetland Islands", 1, 23_020),
    ("South Ayrshire", "South Ayrshire", 3, 111_440),
    ("South Lanarkshire", "South Lanarkshire", 3, 327_400),
    ("Stirling", "Stirling", 2, 92_530),
    ("West Dunbartonshire", "West Dunbartonshire", 4, 88_340),
    ("West Lothian", "West Lothian", 3, 182_140),
)
POPULATION_YEAR = 2022
ISLANDS = ("Eilean Siar", "Orkney Islands", "Shetland Islands")


def family_group_name(group: int) -> str:
    """The label written in ``areas.csv``: ``People 1`` (least deprived) to ``People 4``."""
    return f"People {group}"


# ---------------------------------------------------------------------------------------------
# Deflators
#
# ONS series YBGB, "Gross domestic product at market prices: Implied deflator: SA" (2022 = 100),
# from the Quarterly National Accounts of 30 June 2025: the outturn behind HM Treasury's
# "GDP deflators at market prices, and money GDP: June 2025 (Quarterly National Accounts)",
# https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-money-gdp
# Quarters April-June 2015 to January-March 2025. A financial year's deflator is the mean of
# its four quarters (HM Treasury take theirs from ONS series L8GG, the financial-year
# deflator; the two agree to within rounding), re-based so that 2024-25 = 100.
QUARTERLY_GDP_DEFLATOR: tuple[float, ...] = (
    83.2, 83.5, 83.9, 84.4,  # 2015-16
    84.6, 85.5, 86.1, 86.4,  # 2016-17
    86.5, 86.6, 87.4, 87.5,  # 2017-18
    88.1, 88.6, 89.3, 89.3,  # 2018-19
    90.2, 90.6, 91.1, 91.9,  # 2019-20
    98.8, 94.9, 94.3, 95.3,  # 2020-21 (pandemic: government output fell faster than spending)
    93.9, 94.5, 95.6, 97.0,  # 2021-22
    99.1, 100.7, 103.2, 105.0,  # 2022-23
    106.8, 107.8, 108.0, 109.3,  # 2023-24
    110.1, 112.1, 113.2, 114.1,  # 2024-25
)  # fmt: skip


def financial_year_deflators() -> dict[str, float]:
    """Deflators by financial year label, latest year = 100, rounded to 2 decimal places."""
    quarters = np.array(QUARTERLY_GDP_DEFLATOR).reshape(PERIOD_COUNT, 4)
    yearly = quarters.mean(axis=1)
    rebased = yearly / yearly[-1] * 100
    labels = [period_label(FIRST_YEAR + i, "financial_year") for i in range(PERIOD_COUNT)]
    return {label: round(float(value), 2) for label, value in zip(labels, rebased, strict=True)}


# ---------------------------------------------------------------------------------------------
# Indicator targets


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(value) for value in values)


@attrs.frozen(kw_only=True)
class Target:
    """The Scotland-level path of one indicator and the size of its data items.

    ``scotland`` holds the national value (in the indicator's own unit, after the multiplier)
    at anchor points spread evenly over the ten periods, linearly interpolated between them:
    two anchors give a straight trend, ten give one value per period. For a ``count`` it is
    the Scotland total.

    ``denominator_per_head`` is the denominator's size relative to the council's population
    in the first period (e.g. hospital discharges ~0.2 per resident a year) and
    ``denominator_trend`` its relative size over time (anchors, like ``scotland``); councils'
    denominators differ by ``denominator_spread`` (log scale) and vary by
    ``denominator_noise`` from year to year. When several indicators share a denominator, the
    first by id sets its size; one that is another indicator's numerator is drawn by that
    indicator and needs no size here.

    Councils differ by a lasting effect (standard deviation ``area_spread``, on the log scale,
    or the logit scale for a proportion), a shift of ``deprivation`` per family-group step from
    People 1 to People 4, and yearly noise ``yearly_noise``. ``sd_ratio`` is a mean's standard
    deviation relative to the mean. ``survey`` marks data from a survey, which a small council
    may fail to collect in a year. An indicator published every other year starts at
    ``first_period`` (0 = 2015-16).
    """

    scotland: tuple[float, ...] = attrs.field(converter=_floats)
    denominator_per_head: float | None = None
    denominator_trend: tuple[float, ...] = attrs.field(default=(1.0,), converter=_floats)
    denominator_spread: float = 0.12
    denominator_noise: float = 0.02
    area_spread: float = 0.12
    deprivation: float = 0.0
    yearly_noise: float = 0.04
    sd_ratio: float = 0.8
    survey: bool = False
    #: The first period (0 = 2015-16) of an indicator published less often than yearly.
    first_period: int = 0


def _survey(scotland: tuple[float, ...], respondents_per_head: float) -> Target:
    """A survey measure: respondents vary from year to year, and so do the answers."""
    return Target(
        scotland=scotland,
        denominator_per_head=respondents_per_head,
        denominator_noise=0.10,
        area_spread=0.15,
        yearly_noise=0.08,
        survey=True,
    )


#: The whole resident population as a denominator: the council's own figure, no noise.
_WHOLE_POPULATION = 1.0
#: Community payback orders ending or starting each year, relative to 2015-16 (the pandemic
#: paused unpaid work in 2020-21).
_CPO_TREND = (1.0, 0.98, 0.96, 0.95, 0.92, 0.55, 0.72, 0.82, 0.85, 0.86)

#: Scotland-level targets keyed by indicator id, with the national figures they follow.
#: Sources: Improvement Service LGBF (SW*, CHN*); Scottish Government Health and Social Care
#: Experience survey and core suite (NI-*, SW4*); Scottish Government children's social work,
#: child protection, criminal justice social work and reconviction statistics; Care
#: Inspectorate; SSSC workforce data; Local Financial Returns. Values are rounded and paths
#: are plausible rather than exact; where no national series is published (most of our own
#: CF/CC/CJ/WS process measures) the level is a reasoned guess.
TARGETS: Mapping[str, Target] = {
    # --- Children and families ------------------------------------------------------------
    # Residential care: ~GBP 3,300 per child per week in 2015-16, ~5,600 by 2024-25 (cash).
    "CHN8a": Target(
        scotland=(3300.0, 5600.0),
        denominator_per_head=0.00027,
        denominator_trend=(1.0, 0.95),
        area_spread=0.25,
        yearly_noise=0.06,
    ),
    # Community placements: ~GBP 300 per child per week, ~450 by 2024-25.
    "CHN8b": Target(scotland=(300.0, 450.0), area_spread=0.25, yearly_noise=0.06),
    # Looked after in the community: about 90% throughout.
    "CHN9": Target(scotland=(90.2, 89.8), area_spread=0.35, yearly_noise=0.08),
    # More than one placement in the year: 18-21%.
    "CHN23": Target(scotland=(21.0, 18.8), area_spread=0.25, yearly_noise=0.08),
    # Looked after children per 1,000 aged 0-17: 15,400 (15.0) in 2015, 12,200 (11.9) by 2023.
    "CF03": Target(
        scotland=(15.0, 11.9),
        denominator_per_head=0.191,
        denominator_trend=(1.0, 0.97),
        denominator_spread=0.025,
        denominator_noise=0.002,
        area_spread=0.3,
        deprivation=0.15,
        yearly_noise=0.03,
    ),
    "CF04": Target(scotland=(92.0, 95.0), area_spread=0.5),
    # School attendance of looked after pupils (half-day sessions): ~88% falling to ~85%.
    "CF05": Target(
        first_period=1,
        scotland=(88.6, 85.4),
        denominator_per_head=0.53,
        denominator_trend=(1.0, 0.85),
        area_spread=0.2,
        yearly_noise=0.05,
    ),
    # Exclusions per 1,000 looked after pupils: ~150 in 2015-16, ~110 recently.
    "CF06": Target(
        first_period=1,
        scotland=(150.0, 110.0),
        denominator_per_head=0.0014,
        denominator_trend=(1.0, 0.85),
        area_spread=0.35,
        deprivation=0.05,
        yearly_noise=0.12,
    ),
    "CF07": Target(
        scotland=(44.0, 52.0),
        denominator_per_head=0.0009,
        denominator_trend=(1.0, 1.25),
        area_spread=0.3,
        yearly_noise=0.1,
    ),
    "CF08": Target(
        scotland=(70.0, 75.0), denominator_per_head=0.00028, area_spread=0.5, yearly_noise=0.1
    ),
    "CF09": Target(
        scotland=(15.0, 30.0),
        denominator_per_head=0.00015,
        denominator_trend=(1.0, 1.2),
        area_spread=0.4,
        yearly_noise=0.1,
    ),
    # Child protection re-registrations within 18 months: 6-8% of registrations.
    "CHN22": Target(
        scotland=(6.9, 6.4),
        denominator_per_head=0.00052,
        denominator_trend=(1.0, 0.85),
        area_spread=0.4,
        yearly_noise=0.15,
    ),
    # Children on the child protection register per 1,000 aged 0-15: 2.9 falling to 2.3.
    "CF01": Target(
        scotland=(2.9, 2.3),
        denominator_per_head=0.170,
        denominator_trend=(1.0, 0.96),
        denominator_spread=0.025,
        denominator_noise=0.002,
        area_spread=0.3,
        deprivation=0.1,
        yearly_noise=0.1,
    ),
    "CF02": Target(
        scotland=(72.0, 80.0),
        denominator_per_head=0.0009,
        denominator_trend=(1.0, 0.95),
        area_spread=0.5,
        yearly_noise=0.1,
    ),
    # --- Community care -------------------------------------------------------------------
    # Home care for people 65+: ~GBP 22 an hour in 2015-16, GBP 28-32 recently; ~24 million
    # hours a year (4.5 per resident).
    "SW1": Target(
        scotland=(21.9, 31.5),
        denominator_per_head=4.5,
        denominator_trend=(1.0, 0.95),
        denominator_spread=0.2,
        area_spread=0.2,
        yearly_noise=0.05,
    ),
    # Direct payments and personalised managed budgets: 6-9% of adult social work spend
    # (~GBP 3.2bn in 2015-16, ~4.6bn by 2024-25).
    "SW2": Target(
        scotland=(6.6, 8.7),
        denominator_per_head=0.59,
        denominator_trend=(1.0, 1.45),
        area_spread=0.35,
        yearly_noise=0.06,
    ),
    # People 65+ with long-term care needs receiving personal care at home: ~61%.
    "SW3a": Target(
        scotland=(60.9, 61.5),
        denominator_per_head=0.0135,
        denominator_trend=(1.0, 1.08),
        area_spread=0.2,
        yearly_noise=0.04,
    ),
    # Care home costs for people 65+: GBP 364 per week per resident in 2015-16 and 439 in
    # 2020-21 (LGBF data in tests/data), GBP 700-800 recently; ~30,800 long-stay residents in
    # 2015-16 (0.57% of the population), falling.
    "SW5": Target(
        scotland=(364.0, 439.0, 760.0),
        denominator_per_head=0.0057,
        denominator_trend=(1.0, 0.92),
        area_spread=0.25,
        yearly_noise=0.05,
    ),
    # Adults with intensive care needs receiving care at home: ~62% rising to ~65%.
    "NI-18": Target(
        scotland=(61.6, 64.8),
        denominator_per_head=0.0085,
        denominator_trend=(1.0, 1.05),
        area_spread=0.25,
    ),
    # Health and Care Experience survey (biennial; shown every year here), adults supported
    # at home who agree: 2015-16, 2019-20, 2023-24 published levels.
    "SW4b": _survey((84.0, 80.0, 69.8), 0.0025),
    "SW4c": _survey((82.8, 81.1, 72.4), 0.0025),
    "SW4d": _survey((78.8, 75.4, 59.6), 0.0025),
    # Carers who feel supported to continue caring: 40% in 2015-16, ~30-35% since.
    "SW4e": _survey((40.0, 34.3, 31.2), 0.0055),
    "NI-4": _survey((74.5, 69.8, 61.4), 0.0025),
    "NI-5": _survey((81.2, 75.0, 70.0), 0.0028),
    "NI-9": _survey((83.7, 79.7, 72.7), 0.0025),
    # Readmissions within 28 days per 1,000 discharges: 98 in 2015-16, 105 in 2019-20, 120 in
    # 2020-21 (fewer, sicker discharges), about 102-110 since; ~1.08 million discharges a year
    # before the pandemic (0.2 per resident).
    "SW6": Target(
        scotland=(98.1, 101.0, 102.7, 103.0, 104.7, 120.0, 110.0, 104.0, 103.0, 102.0),
        denominator_per_head=0.20,
        denominator_trend=(1.0, 0.99, 0.97, 0.98, 1.0, 0.71, 0.85, 0.92, 0.95, 0.97),
        area_spread=0.15,
        deprivation=0.04,
        yearly_noise=0.03,
    ),
    # Delayed discharge bed days, people 75+, per 1,000 aged 75+: ~915 in 2015-16, 484 in
    # 2020-21, ~900 since.
    "SW8": Target(
        scotland=(915.0, 842.0, 762.0, 793.0, 774.0, 484.0, 748.0, 919.0, 902.0, 880.0),
        denominator_per_head=0.08,
        denominator_trend=(1.0, 1.18),
        denominator_noise=0.002,
        area_spread=0.4,
        yearly_noise=0.12,
    ),
    # Emergency admissions and bed days per 100,000 adults (core suite NI-12, NI-13).
    "NI-12": Target(
        scotland=(12230, 12360, 12500, 12600, 12550, 10900, 11600, 11400, 11700, 11800),
        denominator_per_head=0.81,
        denominator_trend=(1.0, 1.03),
        denominator_spread=0.005,
        denominator_noise=0.002,
        area_spread=0.12,
        deprivation=0.05,
        yearly_noise=0.03,
    ),
    "NI-13": Target(
        scotland=(127000, 125000, 122000, 120000, 118000, 98000, 110000, 113000, 112000, 111000),
        denominator_per_head=0.81,
        denominator_trend=(1.0, 1.03),
        denominator_spread=0.005,
        denominator_noise=0.002,
        area_spread=0.12,
        deprivation=0.05,
        yearly_noise=0.03,
    ),
    # Share of the last six months of life spent at home or in a community setting: 87-90%.
    "NI-15": Target(
        scotland=(87.0, 87.3, 87.6, 88.0, 88.2, 90.2, 89.6, 88.9, 88.9, 89.0),
        denominator_per_head=1.9,
        denominator_trend=(1.0, 1.06),
        area_spread=0.2,
        yearly_noise=0.03,
    ),
    # Emergency admissions after a fall per 1,000 aged 65+: ~21-23.
    "NI-16": Target(
        scotland=(21.4, 22.5, 23.0),
        denominator_per_head=0.185,
        denominator_trend=(1.0, 1.11),
        denominator_noise=0.002,
        area_spread=0.12,
    ),
    # Care services graded good (4) or better: 83% in 2015-16, ~75-77% recently.
    "SW7": Target(scotland=(83.0, 82.2, 75.3, 77.0), denominator_per_head=0.0008, area_spread=0.25),
    "CC01": Target(
        scotland=(22.5, 21.0),
        denominator_per_head=_WHOLE_POPULATION,
        denominator_spread=0.0,
        denominator_noise=0.0,
        area_spread=0.3,
    ),
    "CC02": Target(
        scotland=(70.0, 74.0),
        denominator_per_head=0.007,
        denominator_trend=(1.0, 1.3),
        area_spread=0.4,
        yearly_noise=0.08,
    ),
    "CC03": Target(
        scotland=(2.4, 3.4),
        denominator_per_head=0.834,
        denominator_trend=(1.0, 1.03),
        denominator_spread=0.005,
        denominator_noise=0.002,
        area_spread=0.3,
        yearly_noise=0.08,
    ),
    # --- Criminal justice -----------------------------------------------------------------
    # Community payback orders completed successfully: ~70% of those ending.
    "CJ01": Target(
        scotland=(67.5, 70.5),
        denominator_per_head=0.0028,
        denominator_trend=_CPO_TREND,
        area_spread=0.2,
    ),
    # One-year reconviction rate 27-28%; ~0.5 reconvictions per offender; cohorts of ~40,000.
    "CJ02": Target(
        scotland=(28.3, 27.6),
        denominator_per_head=0.0075,
        denominator_trend=(1.0, 0.95, 0.9, 0.88, 0.85, 0.65, 0.78, 0.8, 0.82, 0.83),
        area_spread=0.12,
        deprivation=0.03,
        yearly_noise=0.04,
    ),
    "CJ03": Target(scotland=(0.50, 0.46), area_spread=0.15, deprivation=0.04),
    "CJ04": Target(
        scotland=(60.0, 64.0),
        denominator_per_head=0.0022,
        denominator_trend=_CPO_TREND,
        area_spread=0.4,
    ),
    "CJ05": Target(
        scotland=(78.0, 82.0),
        denominator_per_head=0.0028,
        denominator_trend=_CPO_TREND,
        area_spread=0.4,
    ),
    "CJ06": Target(
        scotland=(80.0, 84.0),
        denominator_per_head=0.0028,
        denominator_trend=_CPO_TREND,
        area_spread=0.4,
    ),
    "CJ07": Target(
        scotland=(70.0, 64.0),
        denominator_per_head=0.0018,
        denominator_trend=_CPO_TREND,
        area_spread=0.3,
    ),
    # Criminal justice social work reports submitted to court by the due date: ~96%.
    "CJ08": Target(
        scotland=(95.5, 96.5),
        denominator_per_head=0.0045,
        denominator_trend=(1.0, 0.8),
        area_spread=0.5,
    ),
    "CJ09": Target(
        scotland=(48.0, 54.0), denominator_per_head=0.00011, area_spread=0.3, yearly_noise=0.1
    ),
    # --- Whole service --------------------------------------------------------------------
    # Social worker vacancy rate (calendar years): ~5.5% rising to ~8.5%.
    "WS01": Target(
        scotland=(5.5, 8.5),
        denominator_per_head=0.0012,
        denominator_trend=(1.0, 1.05),
        area_spread=0.4,
        yearly_noise=0.1,
    ),
    "WS02": Target(
        scotland=(10.5, 12.5), denominator_per_head=0.0083, area_spread=0.2, yearly_noise=0.06
    ),
    # Sickness absence: ~13.5 working days per FTE rising to ~16.5.
    "WS03": Target(
        scotland=(13.5, 16.5), denominator_per_head=0.0075, area_spread=0.15, yearly_noise=0.05
    ),
    # Practising social workers per 10,000 population (calendar years): ~11.
    "WS04": Target(
        scotland=(10.8, 11.4),
        denominator_per_head=_WHOLE_POPULATION,
        denominator_spread=0.0,
        denominator_noise=0.0,
        area_spread=0.15,
    ),
    "NI-10": _survey((66.0, 62.0), 0.004),
    "WS05": Target(
        scotland=(95.0, 98.6), denominator_per_head=0.008, area_spread=0.5, yearly_noise=0.1
    ),
    # The supported first year for newly qualified social workers started nationally in 2024.
    "WS06": Target(
        scotland=(30.0, 90.0), denominator_per_head=0.0001, area_spread=0.3, yearly_noise=0.1
    ),
    "WS07": Target(
        scotland=(62.0, 67.0), denominator_per_head=0.0016, area_spread=0.4, yearly_noise=0.08
    ),
    "WS08": Target(
        scotland=(56.0, 52.0), denominator_per_head=0.0003, area_spread=0.4, yearly_noise=0.1
    ),
    "WS09": Target(
        scotland=(84.0, 78.0), denominator_per_head=0.00022, area_spread=0.3, yearly_noise=0.1
    ),
    # Social work net revenue expenditure per head: ~GBP 580 in 2015-16, ~900 by 2024-25.
    "WS10": Target(
        scotland=(580.0, 900.0),
        denominator_per_head=_WHOLE_POPULATION,
        denominator_spread=0.0,
        denominator_noise=0.0,
        area_spread=0.12,
        deprivation=0.05,
        yearly_noise=0.03,
    ),
    # Statutory functions and decisions: national totals a year (activity, not performance).
    # Guardianship orders granted ~3,100 rising to ~3,700 (Mental Welfare Commission).
    "CC04": Target(scotland=(3100.0, 3700.0), area_spread=0.2),
    # New compulsory treatment orders ~1,150 to ~1,300 (Mental Welfare Commission).
    "CC05": Target(scotland=(1150.0, 1300.0), area_spread=0.2, deprivation=0.05),
    # Adult support and protection referrals ~40,000 rising to ~52,000.
    "CC06": Target(scotland=(40000.0, 52000.0), area_spread=0.3, deprivation=0.04),
    # Children placed in secure accommodation ~220 falling to ~180 a year.
    "CF10": Target(scotland=(220.0, 180.0), area_spread=0.3, deprivation=0.06),
    # Permanence orders and adoptions of looked after children ~650 to ~600 a year.
    "CF11": Target(scotland=(650.0, 600.0), area_spread=0.25),
    # Community payback orders imposed: ~16,000 before the pandemic paused them.
    "CJ10": Target(scotland=tuple(16000.0 * share for share in _CPO_TREND), area_spread=0.15),
    # Registered sex offenders managed under MAPPA at 31 March: ~5,600 to ~6,400.
    "CJ11": Target(scotland=(5600.0, 6400.0), area_spread=0.15),
}


# ---------------------------------------------------------------------------------------------
# Periods


def period_label(year: int, period_type: str) -> str:
    """``2024-25`` for financial and August-July years, ``2024`` for calendar years."""
    if period_type == "calendar_year":
        return str(year)
    return f"{year}-{(year + 1) % 100:02d}"


def period_start(label: str, period_type: str) -> date:
    """The first day of a period, for ordering periods by time rather than by string."""
    year = int(label[:4])
    month = {"financial_year": 4, "august_july": 8, "calendar_year": 1}[period_type]
    return date(year, month, 1)


# ---------------------------------------------------------------------------------------------
# Generation


class ExampleDataError(RuntimeError):
    """The catalogue and the target table do not fit together."""


@attrs.frozen(kw_only=True)
class ExampleInputs:
    """The three example files, as CSV text."""

    areas_csv: str
    data_csv: str
    deflators_csv: str

    def write(self, out: Path) -> None:
        """Write ``areas.csv``, ``data.csv`` and ``deflators.csv`` into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        for name, text in (
            ("areas.csv", self.areas_csv),
            ("data.csv", self.data_csv),
            ("deflators.csv", self.deflators_csv),
        ):
            (out / name).write_bytes(text.encode("utf-8"))


def _anchors(values: Sequence[float], count: int = PERIOD_COUNT) -> FloatArray:
    """Interpolate anchor values spread evenly over ``count`` periods."""
    if len(values) == 1:
        return np.full(count, float(values[0]))
    positions = np.linspace(0, count - 1, len(values))
    path = np.interp(np.arange(count), positions, np.asarray(values, dtype=float))
    return np.asarray(path, dtype=np.float64)


def _logit(p: FloatArray) -> FloatArray:
    return np.log(p / (1 - p))


def _expit(x: FloatArray) -> FloatArray:
    return 1 / (1 + np.exp(-x))


def _calibrate_logit(base: FloatArray, weights: FloatArray, targets: FloatArray) -> FloatArray:
    """Per period, the shift c making the weighted mean of expit(base + c) equal the target."""
    low = np.full(base.shape[1], -20.0)
    high = np.full(base.shape[1], 20.0)
    for _ in range(80):  # bisection: deterministic and plenty for float precision
        middle = (low + high) / 2
        mean = (weights * _expit(base + middle)).sum(axis=0) / weights.sum(axis=0)
        too_high = mean > targets
        high = np.where(too_high, middle, high)
        low = np.where(too_high, low, middle)
    return np.asarray((low + high) / 2, dtype=np.float64)


class _Generator:
    """Draws every data item for every council and period, one indicator at a time."""

    def __init__(self, catalogue: outcomes.Catalogue, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.groups = np.array([group for _, _, group, _ in COUNCILS], dtype=float)
        self.population = self._population()
        self.values: dict[str, FloatArray] = {}
        #: Published national figures (the Scotland rows), by item: one value per period.
        self.national: dict[str, FloatArray] = {}
        self.kinds = {
            item.name: str(item.kind)
            for item in outcomes.DatasetSpec.from_catalogue(catalogue).items
        }

    def _population(self) -> FloatArray:
        """Resident population by council and period: the mid-2022 estimate, grown back and
        forward by about 0.4% a year (more in some councils, less in others)."""
        base = np.array([population for *_, population in COUNCILS], dtype=float)
        growth = 0.004 + self.rng.normal(0, 0.003, size=len(COUNCILS))
        years = np.arange(PERIOD_COUNT) + FIRST_YEAR - POPULATION_YEAR
        return np.round(base[:, None] * (1 + growth[:, None]) ** years[None, :])

    def _effects(self, target: Target) -> FloatArray:
        """Area effect + deprivation gradient + yearly noise, on the log or logit scale."""
        area = self.rng.normal(0, target.area_spread, size=(len(COUNCILS), 1))
        gradient = target.deprivation * (self.groups[:, None] - 2.5)
        noise = self.rng.normal(0, target.yearly_noise, size=(len(COUNCILS), PERIOD_COUNT))
        return np.asarray(area + gradient + noise, dtype=np.float64)

    def _round(self, name: str, values: FloatArray) -> FloatArray:
        if self.kinds[name] in {"count", "hours", "days", "weeks"}:
            return np.round(values)
        return np.round(values, 2)

    def denominator(self, name: str, target: Target, indicator_id: str) -> FloatArray:
        if name in self.values:
            return self.values[name]
        if target.denominator_per_head is None:
            raise ExampleDataError(
                f"TARGETS[{indicator_id!r}] needs denominator_per_head: the size of data item "
                f"{name!r} relative to the population"
            )
        shape = (len(COUNCILS), PERIOD_COUNT)
        size = np.exp(self.rng.normal(0, target.denominator_spread, size=(len(COUNCILS), 1)))
        noise = np.exp(self.rng.normal(0, target.denominator_noise, size=shape))
        trend = _anchors(target.denominator_trend)[None, :]
        values = self.population * target.denominator_per_head * size * trend * noise
        self.values[name] = np.maximum(self._round(name, values), 1)
        return self.values[name]

    def indicator(self, indicator: outcomes.Indicator, target: Target) -> None:
        path = _anchors(target.scotland) / indicator.multiplier  # national numerator/denominator
        effects = self._effects(target)
        measure = str(indicator.measure)
        if measure == "count":
            if indicator.numerator in self.values:
                return
            share = np.exp(effects) * self.population
            share = share / share.sum(axis=0)
            expected = share * path[None, :]
            self.values[indicator.numerator] = self._draw(indicator.numerator, expected)
            return
        if measure == "estimate":
            self._estimate(indicator, target, path, effects)
            return
        assert indicator.denominator is not None
        denominator = self.denominator(indicator.denominator, target, indicator.id)
        if indicator.numerator in self.values:
            return
        if measure == "proportion":
            if not np.all((path > 0) & (path < 1)):
                raise ExampleDataError(
                    f"TARGETS[{indicator.id!r}].scotland must lie strictly between 0 and "
                    f"{indicator.multiplier:g} for a proportion"
                )
            base = _logit(path)[None, :] + effects
            shift = _calibrate_logit(base, denominator, path)
            probability = _expit(base + shift[None, :])
            if self.kinds[indicator.numerator] == "count":
                numerator = self.rng.binomial(denominator.astype(np.int64), probability)
                self.values[indicator.numerator] = numerator.astype(float)
            else:  # a share of money or hours: no sampling, rounding never exceeds the whole
                share = self._round(indicator.numerator, denominator * probability)
                self.values[indicator.numerator] = np.minimum(share, denominator)
        else:
            ratio = np.exp(effects)
            ratio = ratio / ((denominator * ratio).sum(axis=0) / denominator.sum(axis=0))
            expected = denominator * ratio * path[None, :]
            self.values[indicator.numerator] = self._draw(indicator.numerator, expected)
        if indicator.sd is not None and indicator.sd not in self.values:
            mean = self.values[indicator.numerator] / denominator * indicator.multiplier
            spread = np.exp(self.rng.normal(0, 0.05, size=mean.shape))
            self.values[indicator.sd] = self._round(indicator.sd, mean * target.sd_ratio * spread)

    def _estimate(
        self, indicator: outcomes.Indicator, target: Target, path: FloatArray, effects: FloatArray
    ) -> None:
        """A survey's published estimates: a weighted percentage from a sample of
        respondents, with the interval the publisher gives (a design effect of
        :data:`DESIGN_EFFECT`), for each council and for Scotland as a whole."""
        assert indicator.lower is not None
        assert indicator.upper is not None
        if target.denominator_per_head is None:
            raise ExampleDataError(f"TARGETS[{indicator.id!r}] needs denominator_per_head")
        share = path / 100  # the national path is a percentage
        shape = (len(COUNCILS), PERIOD_COUNT)
        noise = np.exp(self.rng.normal(0, target.denominator_noise, size=shape))
        respondents = np.maximum(
            np.round(self.population * target.denominator_per_head * noise), 30
        ).astype(np.int64)
        base = _logit(share)[None, :] + effects
        shift = _calibrate_logit(base, respondents.astype(float), share)
        estimate = self.rng.binomial(respondents, _expit(base + shift[None, :])) / respondents
        national = (estimate * respondents).sum(axis=0) / respondents.sum(axis=0)
        for area, values, size in (
            ("council", estimate, respondents),
            ("Scotland", national, respondents.sum(axis=0)),
        ):
            half = 1.959964 * np.sqrt(DESIGN_EFFECT * values * (1 - values) / size)
            bounds = {
                indicator.numerator: values,
                indicator.lower: np.maximum(values - half, 0),
                indicator.upper: np.minimum(values + half, 1),
            }
            for item, figure in bounds.items():
                rounded = np.round(100 * figure, 1)
                if area == "Scotland":
                    self.national[item] = rounded
                else:
                    self.values[item] = rounded

    def story(self, indicator: outcomes.Indicator, area: str, kind: str, shift: float) -> None:
        """Set one council's proportion by a story of :data:`STORIES`: ``level`` puts it
        ``shift`` from Scotland's every year, ``drop`` moves its latest year ``shift`` from
        its own year before. The denominator is kept; the numerator is rounded to a count."""
        assert indicator.denominator is not None
        row = next(k for k, (name, *_) in enumerate(COUNCILS) if name == area)
        numerator = self.values[indicator.numerator]
        denominator = self.values[indicator.denominator]
        share = numerator / denominator
        if kind == "level":
            scotland = numerator.sum(axis=0) / denominator.sum(axis=0)
            target = scotland + shift
        else:
            target = share[row].copy()
            target[-1] = share[row, -2] + shift
        target = np.clip(target, 0.01, 0.99)
        numerator[row] = np.round(denominator[row] * target)

    def _draw(self, name: str, expected: FloatArray) -> FloatArray:
        """Counts are Poisson draws (sampling noise); money, hours and days are rounded."""
        if self.kinds[name] == "count":
            return self.rng.poisson(expected).astype(float)
        return self._round(name, expected)


def _order(indicators: Sequence[outcomes.Indicator]) -> list[outcomes.Indicator]:
    """Indicators by id, but an indicator whose denominator is another's numerator waits for
    it, so that shared items are drawn once, by the indicator that defines them."""
    pending = sorted(indicators, key=lambda indicator: indicator.id)
    ordered: list[outcomes.Indicator] = []
    while pending:
        numerators = {indicator.numerator for indicator in pending}
        ready = [i for i in pending if i.denominator is None or i.denominator not in numerators]
        # A cycle cannot be resolved: fall back to id order (denominators from population).
        chosen = ready[0] if ready else pending[0]
        ordered.append(chosen)
        pending.remove(chosen)
    return ordered


Period = tuple[str, date, int]
"""A period label, its first day and its year's position (0 = 2015 or 2015-16)."""


def item_periods(catalogue: outcomes.Catalogue) -> dict[str, tuple[Period, ...]]:
    """The periods each data item is reported for, in time order.

    An item used by calendar-year indicators is labelled ``2015`` to ``2024``; one used by
    financial-year or August-July indicators ``2015-16`` to ``2024-25``, starting in April or
    August after the indicator that draws it (its first user in generation order). An item
    used by both kinds (a population, say) is reported under both labels with the same value:
    the mid-year figure serves the calendar year and the year that spans it.
    """
    spans: dict[str, str] = {}
    calendar: set[str] = set()
    published: dict[str, set[int]] = {}
    latest = PERIOD_COUNT - 1
    for indicator in _order(catalogue.indicators):
        kind = str(indicator.period_type)
        # A two-yearly survey is published every other year; a lagged figure not yet.
        first, step = TARGETS[indicator.id].first_period, indicator.frequency.step
        years = set(range(first, latest - indicator.lag + 1, step))
        for name in indicator.items:
            published[name] = published.get(name, set()) | years
        for name in indicator.items:
            if kind == "calendar_year":
                calendar.add(name)
            else:
                spans.setdefault(name, kind)
    periods: dict[str, tuple[Period, ...]] = {}
    for name in sorted(calendar | set(spans)):
        kinds = (["calendar_year"] if name in calendar else []) + (
            [spans[name]] if name in spans else []
        )
        found = [
            (
                period_label(FIRST_YEAR + i, kind),
                period_start(period_label(FIRST_YEAR + i, kind), kind),
                i,
            )
            for kind in kinds
            for i in sorted(published[name])
        ]
        periods[name] = tuple(sorted(found, key=lambda period: period[1]))
    return periods


def check_targets(catalogue: outcomes.Catalogue) -> None:
    """Stop with a clear message if an indicator of the catalogue has no target."""
    missing = [indicator.id for indicator in catalogue.indicators if indicator.id not in TARGETS]
    if missing:
        raise ExampleDataError(
            "no entry in TARGETS (examples/make_example_data.py) for indicator(s) "
            + ", ".join(missing)
            + ": add the Scotland-level value and the denominator's size for each"
        )


Flags = dict[tuple[str, str, str], str]


def _flags(
    catalogue: outcomes.Catalogue,
    periods: Mapping[str, tuple[Period, ...]],
    users: Mapping[str, set[str]],
) -> Flags:
    """Choose, deterministically from the catalogue, the cells that carry a flag."""
    flags: Flags = {}
    latest = PERIOD_COUNT - 1
    # The latest year's returns from two councils are not final yet.
    for area in ("Glasgow City", "Highland"):
        for name, found in periods.items():
            for label, _, year in found:
                if year == latest:
                    flags[area, label, name] = "provisional"
    # An island council did not run a survey one year: the survey's own items are missing.
    by_id = sorted(catalogue.indicators, key=lambda indicator: indicator.id)
    surveys = [i for i in by_id if TARGETS[i.id].survey] or [
        i for i in by_id if str(i.measure) == "proportion"
    ]
    if surveys:
        survey = surveys[0]
        for name in survey.items:
            if users[name] == {survey.id}:
                flags["Eilean Siar", periods[name][4][0], name] = "not_collected"
    # One more gap, two revised figures and an estimate, spread over the items.
    names = sorted(periods)
    chosen = [
        ("Clackmannanshire", -1, 2, "not_collected"),
        ("Fife", 0, 7, "revised"),
        ("Dundee City", len(names) // 2, 6, "revised"),
        ("Orkney Islands", len(names) // 3, 8, "estimated"),
    ]
    for area, position, year, flag in chosen:
        name = names[position]
        label = next(label for label, _, y in periods[name] if y == year)
        flags.setdefault((area, label, name), flag)
    return flags


def _format(value: float, kind: str) -> str:
    if kind in {"count", "hours", "days", "weeks"}:
        return str(int(value))
    if kind == "estimate":
        return f"{value:.1f}"
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def generate(
    seed: int = DEFAULT_SEED, catalogue: outcomes.Catalogue | None = None
) -> ExampleInputs:
    """Build the three example files from the (bundled) catalogue; same seed, same text."""
    catalogue = catalogue if catalogue is not None else outcomes.load_catalogue()
    check_targets(catalogue)
    spec = outcomes.DatasetSpec.from_catalogue(catalogue)
    periods = item_periods(catalogue)
    generator = _Generator(catalogue, seed)
    for indicator in _order(catalogue.indicators):
        generator.indicator(indicator, TARGETS[indicator.id])
    for area, indicator_id, kind, shift in STORIES:
        generator.story(catalogue[indicator_id], area, kind, shift)
    missing = [item.name for item in spec.items if item.name not in generator.values]
    if missing:
        raise ExampleDataError(f"no values were generated for data item(s) {', '.join(missing)}")

    users = {item.name: set(item.indicators) for item in spec.items}
    flags = _flags(catalogue, periods, users)
    rows: list[tuple[str, date, str, str, str, str]] = []
    for area_index, (area, *_) in enumerate(COUNCILS):
        for item in spec.items:
            kind = str(item.kind)
            for label, start, year in periods[item.name]:
                flag = flags.get((area, label, item.name), "")
                value = generator.values[item.name][area_index, year]
                text = "" if flag == "not_collected" else _format(float(value), kind)
                rows.append((area, start, item.name, label, text, flag))
    # Published national figures that cannot be summed from the councils (survey estimates).
    for item in spec.items:
        if item.name in generator.national:
            for label, start, year in periods[item.name]:
                value = generator.national[item.name][year]
                text = _format(float(value), "estimate")
                rows.append((SCOTLAND, start, item.name, label, text, ""))
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    data_csv = _csv(
        ("area", "period", "item", "value", "flag"),
        [(area, label, name, text, flag) for area, _, name, label, text, flag in rows],
    )
    areas_csv = _csv(
        ("area", "name", "family_group", "type", "code", "population"),
        [
            (area, name, family_group_name(group), "council", lookup_area(area).code, population)
            for area, name, group, population in sorted(COUNCILS)
        ],
    )
    deflators_csv = _csv(
        ("period", "deflator"),
        [(label, f"{value:.2f}") for label, value in financial_year_deflators().items()],
    )
    return ExampleInputs(areas_csv=areas_csv, data_csv=data_csv, deflators_csv=deflators_csv)


def scotland_value(
    data: Mapping[tuple[str, str, str], float | None],
    indicator: outcomes.Indicator,
    period: str,
) -> float:
    """Σ numerators / Σ denominators × multiplier over councils reporting both (a count: Σ;
    an estimate: the published national figure)."""
    if str(indicator.measure) == "estimate":
        published = data.get((SCOTLAND, period, indicator.numerator))
        return math.nan if published is None else published
    numerator = denominator = 0.0
    for area, *_ in COUNCILS:
        top = data.get((area, period, indicator.numerator))
        bottom = (
            1.0
            if indicator.denominator is None
            else data.get((area, period, indicator.denominator))
        )
        if top is None or bottom is None:
            continue
        numerator += top
        denominator += bottom
    if indicator.denominator is None:
        return numerator
    return numerator / denominator * indicator.multiplier if denominator else math.nan


def main(argv: Sequence[str] | None = None, *, echo: Callable[[str], object] = print) -> int:
    """Command-line entry point: ``python examples/make_example_data.py [--seed N] [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2006)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (examples/inputs)"
    )
    options = parser.parse_args(argv)
    try:
        inputs = generate(options.seed)
    except (ExampleDataError, outcomes.OutcomesError) as error:
        echo(f"make_example_data: {error}")
        return 1
    inputs.write(options.out)
    rows = inputs.data_csv.count("\n") - 1
    echo(f"wrote {options.out}/areas.csv, data.csv ({rows} rows) and deflators.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
