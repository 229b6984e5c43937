"""The core work of ``outcomes compute`` done by hand in other tools, end to end, for the
end-to-end benchmark (``bench_end_to_end.py``): read the tidy CSV, pair each indicator's
numerator and denominator, add the national row (Σ numerator / Σ denominator), compute the
value, Wilson intervals for proportions, the change from the previous period and the rank
among areas, and write a CSV (numbers to 12 significant digits where the tool allows).

No validation, suppression, notes, family groups, rate intervals or trends: a lower bound
on what each tool needs for the same job. Run as::

    python benchmarks/peers.py pandas|polars|duckdb DATA.csv INDICATORS.csv OUT.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

Z = 1.959963984540054  # the 95% normal quantile, as outcomes uses


def by_pandas(data: Path, indicators: Path, out: Path) -> None:
    import numpy as np
    import pandas as pd

    text = dict.fromkeys(("area", "period", "item"), "category")
    tidy = pd.read_csv(data, dtype={**text, "value": "float64", "flag": "str"}, engine="pyarrow")
    spec = pd.read_csv(indicators)
    numerators = tidy.merge(spec[["id", "numerator"]], left_on="item", right_on="numerator")
    denominators = tidy.merge(spec[["id", "denominator"]], left_on="item", right_on="denominator")
    keys = ["id", "area", "period"]
    cells = (
        numerators[[*keys, "value"]]
        .rename(columns={"value": "num"})
        .merge(denominators[[*keys, "value"]].rename(columns={"value": "den"}), on=keys)
    )
    cells["area"] = cells["area"].astype(str)
    cells["period"] = cells["period"].astype(str)
    national = cells.groupby(["id", "period"], as_index=False)[["num", "den"]].sum()
    national["area"] = "Scotland"
    cells = pd.concat([national, cells], ignore_index=True).merge(spec, on="id")
    share = cells["num"] / cells["den"]
    cells["value"] = share * cells["multiplier"]
    centre = (cells["num"] + Z * Z / 2) / (cells["den"] + Z * Z)
    half = Z * np.sqrt(cells["num"] * (1 - share) + Z * Z / 4) / (cells["den"] + Z * Z)
    proportion = cells["proportion"].astype(bool)
    cells["lower"] = ((centre - half) * cells["multiplier"]).where(proportion)
    cells["upper"] = ((centre + half) * cells["multiplier"]).where(proportion)
    cells = cells.sort_values(["id", "area", "period"], kind="stable")
    cells["previous_value"] = cells.groupby(["id", "area"])["value"].shift(1)
    cells["change"] = cells["value"] - cells["previous_value"]
    areas = cells["area"] != "Scotland"
    cells["rank"] = cells[areas].groupby(["id", "period"])["value"].rank(method="min")
    columns = ["id", "area", "period", "num", "den", "value", "lower", "upper",
               "previous_value", "change", "rank"]  # fmt: skip
    cells[columns].to_csv(out, index=False, float_format="%.12g", lineterminator="\n")


def by_polars(data: Path, indicators: Path, out: Path) -> None:
    import polars as pl

    text = dict.fromkeys(("area", "period", "item"), pl.Categorical)
    tidy = pl.read_csv(data, schema_overrides={**text, "value": pl.Float64, "flag": pl.String})
    tidy = tidy.with_columns(pl.col("area", "period", "item").cast(pl.String))
    spec = pl.read_csv(indicators)
    keys = ["id", "area", "period"]
    numerators = tidy.join(spec.select("id", "numerator"), left_on="item", right_on="numerator")
    denominators = tidy.join(
        spec.select("id", "denominator"), left_on="item", right_on="denominator"
    )
    cells = numerators.select(*keys, num="value").join(
        denominators.select(*keys, den="value"), on=keys
    )
    national = cells.group_by("id", "period").agg(pl.col("num", "den").sum())
    national = national.with_columns(area=pl.lit("Scotland")).select(cells.columns)
    cells = pl.concat([national, cells]).join(spec, on="id")
    share = pl.col("num") / pl.col("den")
    centre = (pl.col("num") + Z * Z / 2) / (pl.col("den") + Z * Z)
    half = Z * (pl.col("num") * (1 - share) + Z * Z / 4).sqrt() / (pl.col("den") + Z * Z)
    proportion = pl.col("proportion").cast(pl.Boolean)
    cells = cells.with_columns(
        value=share * pl.col("multiplier"),
        lower=pl.when(proportion).then((centre - half) * pl.col("multiplier")),
        upper=pl.when(proportion).then((centre + half) * pl.col("multiplier")),
    ).sort("id", "area", "period", maintain_order=True)
    cells = cells.with_columns(previous_value=pl.col("value").shift(1).over("id", "area"))
    cells = cells.with_columns(
        change=pl.col("value") - pl.col("previous_value"),
        rank=pl.when(pl.col("area") != "Scotland").then(
            pl.col("value").rank(method="min").over("id", "period", pl.col("area") == "Scotland")
        ),
    )
    cells.select("id", "area", "period", "num", "den", "value", "lower", "upper",
                 "previous_value", "change", "rank").write_csv(out, float_precision=12)  # fmt: skip


def by_duckdb(data: Path, indicators: Path, out: Path) -> None:
    import duckdb

    z = Z
    query = f"""
    COPY (
    WITH tidy AS (
        SELECT * FROM read_csv('{data}', header = true, columns = {{
            'area': 'VARCHAR', 'period': 'VARCHAR', 'item': 'VARCHAR', 'value': 'DOUBLE',
            'flag': 'VARCHAR'}})
    ), spec AS (SELECT * FROM read_csv('{indicators}', header = true)),
    cells AS (
        SELECT s.id, n.area, n.period, n.value AS num, d.value AS den
        FROM spec s
        JOIN tidy n ON n.item = s.numerator
        JOIN tidy d ON d.item = s.denominator AND d.area = n.area AND d.period = n.period
    ),
    everything AS (
        SELECT id, 'Scotland' AS area, period, sum(num) AS num, sum(den) AS den
        FROM cells GROUP BY id, period
        UNION ALL SELECT * FROM cells
    ),
    valued AS (
        SELECT e.*, s.multiplier, s.proportion, e.num / e.den AS share,
               (e.num + {z * z / 2}) / (e.den + {z * z}) AS centre,
               {z} * sqrt(e.num * (1 - e.num / e.den) + {z * z / 4}) / (e.den + {z * z}) AS half
        FROM everything e JOIN spec s USING (id)
    ),
    figures AS (
        SELECT id, area, period, num, den, share * multiplier AS value,
               CASE WHEN proportion = 1 THEN (centre - half) * multiplier END AS lower,
               CASE WHEN proportion = 1 THEN (centre + half) * multiplier END AS upper
        FROM valued
    )
    SELECT *,
        lag(value) OVER (PARTITION BY id, area ORDER BY period) AS previous_value,
        value - lag(value) OVER (PARTITION BY id, area ORDER BY period) AS change,
        CASE WHEN area <> 'Scotland' THEN rank() OVER (
            PARTITION BY id, period, area = 'Scotland' ORDER BY value) END AS rank
    FROM figures ORDER BY id, area, period
    ) TO '{out}' (HEADER, DELIMITER ',')
    """
    duckdb.sql(query)


ENGINES = {"pandas": by_pandas, "polars": by_polars, "duckdb": by_duckdb}

if __name__ == "__main__":
    engine, data, indicators, out = sys.argv[1:5]
    ENGINES[engine](Path(data), Path(indicators), Path(out))
