"""Real data's rhythm: two-yearly and lagged indicators, published estimates with their own
intervals (MOVER-D), Scotland's published rows, and who supplies each item."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import outcomes
from outcomes import Catalogue, Dataset, compute, load_catalogue
from outcomes.catalogue import DataItem
from outcomes.errors import CatalogueError


def survey_catalogue(frequency: str = "biennial") -> Catalogue:
    """One published estimate with its interval, two-yearly."""
    indicator = outcomes.Indicator(
        id="E1", title="Share who feel safe", measure="estimate", numerator="safe_percent",
        lower="safe_lower", upper="safe_upper", multiplier=1, unit="%",
        polarity="higher_is_better", branch="community_care", recommendations=[11],
        outcome_for=["people_who_use_services"], period_type="financial_year",
        source="test", frequency=frequency,
    )  # fmt: skip
    items = {
        name: DataItem(name=name, title=name, unit="%", kind="estimate", supplier="phs")
        for name in ("safe_percent", "safe_lower", "safe_upper")
    }
    return Catalogue(indicators=[indicator], items=items)


#: (area, period, estimate, lower, upper): two councils and Scotland's published rows.
SURVEY = [
    ("Fife", "2017-18", 80.5, 77.3, 83.7),
    ("Fife", "2019-20", 80.6, 77.4, 83.7),
    ("Angus", "2017-18", 70.0, 66.0, 74.0),
    ("Angus", "2019-20", 79.0, 75.5, 82.5),
    ("Scotland", "2017-18", 82.4, 81.5, 83.2),
    ("Scotland", "2019-20", 80.4, 79.5, 81.2),
]


def survey_dataset() -> Dataset:
    tidy = [
        (area, period, item, value, "")
        for area, period, estimate, lower, upper in SURVEY
        for item, value in (("safe_percent", estimate), ("safe_lower", lower),
                            ("safe_upper", upper))
    ]  # fmt: skip
    return Dataset.from_frame(
        pd.DataFrame(tidy, columns=["area", "period", "item", "value", "flag"])
    )


def test_mover_d_worked_example() -> None:
    """Two published estimates, 80.6 (77.4, 83.7) and 80.5 (77.3, 83.7): their difference
    0.1 has the interval d ∓ the root sum of squares of the facing half-widths."""
    d, lower, upper = outcomes.stats.mover_ci(
        (np.array([80.6]), np.array([77.4]), np.array([83.7])),
        (np.array([80.5]), np.array([77.3]), np.array([83.7])),
    )
    assert d[0] == pytest.approx(0.1)
    assert lower[0] == pytest.approx(0.1 - math.hypot(80.6 - 77.4, 83.7 - 80.5))
    assert upper[0] == pytest.approx(0.1 + math.hypot(83.7 - 80.6, 80.5 - 77.3))
    assert lower[0] < 0 < upper[0]  # each interval is ±3.2: the change is not significant


def test_a_two_yearly_estimate_changes_since_two_years_before() -> None:
    results = compute(survey_dataset(), survey_catalogue())
    fife = results.row("E1", "Fife", "2019-20")
    assert fife["previous_period"] == "2017-18"
    assert fife["change"] == pytest.approx(80.6 - 80.5)
    assert (fife["lower"], fife["upper"]) == (77.4, 83.7)  # the published interval, as given
    _, low, high = outcomes.stats.mover_ci(
        (np.array([80.6]), np.array([77.4]), np.array([83.7])),
        (np.array([80.5]), np.array([77.3]), np.array([83.7])),
    )
    assert (fife["change_lower"], fife["change_upper"]) == pytest.approx((low[0], high[0]))
    assert fife["direction"] == "no_significant_change"
    angus = results.row("E1", "Angus", "2019-20")
    assert angus["direction"] == "improved"  # 70.0 (66, 74) to 79.0 (75.5, 82.5)


def test_scotland_is_the_published_estimate_and_the_councils_are_compared_with_it() -> None:
    results = compute(survey_dataset(), survey_catalogue())
    scotland = results.row("E1", "Scotland", "2019-20")
    assert (scotland["value"], scotland["lower"], scotland["upper"]) == (80.4, 79.5, 81.2)
    assert results.row("E1", "Fife", "2019-20")["vs_scotland"] == "similar"
    assert results.row("E1", "Angus", "2017-18")["vs_scotland"] == "worse"  # upper 74 < 82.4


def test_an_annual_indicator_with_a_missing_year_is_not_compared() -> None:
    results = compute(survey_dataset(), survey_catalogue(frequency="annual"))
    row = results.row("E1", "Fife", "2019-20")
    assert row["previous_period"] == "2018-19"
    assert row["direction"] == "not_comparable"


def test_an_estimate_without_its_interval_is_not_tested() -> None:
    tidy = pd.DataFrame(
        [(area, period, "safe_percent", estimate, "") for area, period, estimate, _, _ in SURVEY],
        columns=["area", "period", "item", "value", "flag"],
    )
    results = compute(Dataset.from_frame(tidy), survey_catalogue())
    row = results.row("E1", "Angus", "2019-20")
    assert math.isnan(row["change_lower"])
    assert row["change_significant"] is None or pd.isna(row["change_significant"])
    assert row["change"] == pytest.approx(9.0)


def test_scotlands_published_figure_of_a_sum_is_compared_with_the_councils_total() -> None:
    indicator = outcomes.Indicator(
        id="P1", title="Share supported", measure="proportion", numerator="supported",
        denominator="assessed", multiplier=100, unit="%", polarity="higher_is_better",
        branch="community_care", recommendations=[11], outcome_for=["people_who_use_services"],
        period_type="financial_year", source="test",
    )  # fmt: skip
    items = {n: DataItem(name=n, title=n, unit="people", kind="count", supplier="phs")
             for n in ("supported", "assessed")}  # fmt: skip
    catalogue = Catalogue(indicators=[indicator], items=items)
    tidy = pd.DataFrame(
        [("Fife", "2024-25", "supported", 30.0, ""), ("Fife", "2024-25", "assessed", 60.0, ""),
         ("Angus", "2024-25", "supported", 10.0, ""), ("Angus", "2024-25", "assessed", 40.0, ""),
         ("Scotland", "2024-25", "supported", 41.0, ""),
         ("Scotland", "2024-25", "assessed", 100.0, "")],
        columns=["area", "period", "item", "value", "flag"],
    )  # fmt: skip
    results = compute(Dataset.from_frame(tidy), catalogue)
    scotland = results.row("P1", "Scotland", "2024-25")
    assert scotland["value"] == pytest.approx(40.0)  # Σ numerators / Σ denominators
    assert "published value 41 differs from the computed 40" in scotland["note"]
    assert "Scotland" not in set(results.frame.loc[results.frame["area"] != "Scotland", "area"])


def test_interval_bounds_come_in_pairs_and_only_on_an_estimate() -> None:
    with pytest.raises(CatalogueError, match="both bounds"):
        outcomes.Indicator(
            id="E2", title="t", measure="estimate", numerator="a", lower="b", multiplier=1,
            unit="%", polarity="higher_is_better", branch="community_care",
            recommendations=[11], outcome_for=["carers"], period_type="financial_year",
            source="test",
        )  # fmt: skip
    with pytest.raises(CatalogueError, match="only an estimate"):
        outcomes.Indicator(
            id="P2", title="t", measure="proportion", numerator="a", denominator="c",
            lower="b", upper="d", multiplier=100, unit="%", polarity="higher_is_better",
            branch="community_care", recommendations=[11], outcome_for=["carers"],
            period_type="financial_year", source="test",
        )  # fmt: skip


def test_the_bundled_catalogues_rhythm() -> None:
    catalogue = load_catalogue()
    assert catalogue["SW4b"].measure == "estimate"
    assert catalogue["SW4b"].frequency == "biennial"
    assert catalogue["CF05"].frequency == "biennial"
    assert catalogue["CJ02"].lag == 2
    suppliers = {item.supplier for item in catalogue.items.values()}
    assert suppliers <= set(outcomes.vocabulary.SUPPLIERS)
    assert not catalogue.warnings


def test_an_unknown_supplier_loads_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "one.toml").write_text(
        '[[indicator]]\nid = "C1"\ntitle = "Orders"\nmeasure = "count"\nnumerator = "orders"\n'
        'multiplier = 1\nunit = "orders"\npolarity = "neutral"\nbranch = "criminal_justice"\n'
        'recommendations = [3]\noutcome_for = ["communities"]\nperiod_type = "financial_year"\n'
        'source = "test"\n\n[[item]]\nname = "orders"\ntitle = "Orders"\nunit = "orders"\n'
        'kind = "count"\nsupplier = "scotish_government"\n',
        encoding="utf-8",
    )
    catalogue = load_catalogue(folder)
    assert len(catalogue.warnings) == 1
    assert "scottish_government" in catalogue.warnings[0]
