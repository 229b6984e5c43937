# %% [markdown]
# # What got worse this year?
#
# An analyst's script: check this year's returns, compute every indicator, and list the
# indicators that got worse for one council and for Scotland (significantly, where an
# interval applies), with a chart and a CSV to share. Run it whole:
#
#     python examples/analyst_script.py analysis/                   # the bundled example
#     python examples/analyst_script.py analysis/ --inputs inputs/  # your own folder
#
# or cell by cell (`# %%`) in VS Code, Spyder or Jupytext. The inputs folder has the
# layout `outcomes example DIR` writes: data.csv, areas.csv, deflators.csv and returns/.
# The chart needs matplotlib (`pip install matplotlib`); without it the script says so
# and writes everything else.

# %%
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import outcomes
import outcomes.errors
import outcomes.vocabulary

COUNCIL = "Fife"
#: The columns of the worsened table, in order.
COLUMNS = [
    "indicator", "title", "area", "previous_period", "period", "previous_value", "value",
    "change", "change_lower", "change_upper", "unit", "vs_scotland", "trend",
]  # fmt: skip


# %% 1. The inputs: the example, unless you have your own
def example_inputs(folder: Path) -> Path:
    """Write the bundled example inputs into ``folder`` (kept if already there)."""
    if not (folder / "data.csv").exists():
        outcomes.write_example(folder)
    return folder


# %% 2. Check this year's returns: every problem at once
def check_returns(inputs: Path, catalogue: outcomes.Catalogue) -> outcomes.ValidatedReturns:
    """Validate ``inputs/returns/*.xlsx``; a return with errors stops the analysis."""
    returns = sorted((inputs / "returns").glob("*.xlsx"))
    try:
        checked = outcomes.validate_returns(
            returns,
            catalogue=catalogue,
            areas=outcomes.read_areas(inputs / "areas.csv"),
            previous=outcomes.read_dataset(inputs / "data.csv"),
        )
    except outcomes.errors.ValidationError as error:
        print(outcomes.errors.problems_frame(error.problems).to_string(index=False))
        raise
    print(f"{len(returns)} returns checked: no errors, {len(checked.problems)} warning(s)")
    return checked


# %% 3. Compute: values, intervals, change on last year, benchmarks, trends
def compute_results(inputs: Path, catalogue: outcomes.Catalogue) -> outcomes.Results:
    """Every indicator for every area and year, costs in real terms at the prices of the
    latest year in ``deflators.csv``."""
    deflators = outcomes.read_deflators(inputs / "deflators.csv")
    return outcomes.compute(
        outcomes.read_dataset(inputs / "data.csv"),
        catalogue,
        outcomes.read_areas(inputs / "areas.csv"),
        deflators=deflators,
        base_period=max(deflators, key=lambda p: outcomes.parse_period(p).start),
    )


# %% 4. What got worse this year, for the council and for Scotland
def worsened(results: outcomes.Results, council: str, periods: list[str]) -> pd.DataFrame:
    """Rows of ``periods`` whose direction is ``worsened``, as they would be published."""
    frame = results.published().frame
    chosen = frame[
        frame["area"].isin([council, outcomes.vocabulary.SCOTLAND])
        & frame["period"].isin(periods)
        & (frame["direction"] == "worsened")
    ]
    catalogue = results.catalogue
    table = chosen.assign(
        title=[catalogue[i].title for i in chosen["indicator"]],
        unit=[catalogue[i].unit for i in chosen["indicator"]],
    )
    # The council first, then Scotland; indicators in catalogue order within each.
    order = {indicator: n for n, indicator in enumerate(catalogue.ids)}
    table = table.assign(
        _area=(table["area"] != council).astype(int), _order=table["indicator"].map(order)
    )
    table = table.sort_values(["_area", "_order"])
    return table[COLUMNS].reset_index(drop=True)


def show(table: pd.DataFrame) -> None:
    """A short table for the terminal: last year, this year and the change with its interval."""
    if table.empty:
        print("Nothing got worse.")
        return
    lines = [f"{'indicator':<10} {'area':<10} {'last year':>12} {'this year':>12}  change (95% CI)"]
    for row in table.to_dict("records"):
        interval = f"{row['change']:+,.1f} "
        if pd.isna(row["change_lower"]):
            interval += "(no interval)"
        else:
            interval += f"({row['change_lower']:+,.1f} to {row['change_upper']:+,.1f})"
        lines.append(
            f"{row['indicator']:<10} {row['area']:<10} {row['previous_value']:>12,.1f} "
            f"{row['value']:>12,.1f}  {interval}"
        )
    print("\n".join(lines))


# %% 5. A chart of the council's worsened indicators over five years (needs matplotlib)
def chart(results: outcomes.Results, table: pd.DataFrame, council: str, path: Path) -> bool:
    """Small multiples: the council with its 95% interval, and Scotland. False if no chart."""
    try:
        # An optional extra: type-checked where installed, ignored where not.
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")  # files only, no window
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print(f"matplotlib is not installed (pip install matplotlib): no chart written to {path}")
        return False
    mine = table[table["area"] == council]
    if mine.empty:
        return False
    frame = results.published().frame
    columns = min(3, len(mine))
    rows = -(-len(mine) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.5 * columns, 3.2 * rows), squeeze=False)
    for axis, indicator in zip(axes.flat, mine["indicator"], strict=False):
        series = frame[frame["indicator"] == indicator].assign(
            start=lambda f: [outcomes.parse_period(p).start for p in f["period"]]
        )
        years = sorted(series["start"].unique())[-5:]
        for area, style in [(council, "-o"), (outcomes.vocabulary.SCOTLAND, "--")]:
            line = series[(series["area"] == area) & series["start"].isin(years)]
            line = line.sort_values("start")
            axis.plot(line["period"], line["value"], style, label=area)
            if area == council:
                axis.fill_between(line["period"], line["lower"], line["upper"], alpha=0.2)
        axis.set_title(indicator, fontsize=10)
        axis.set_ylabel(results.catalogue[indicator].unit, fontsize=8)
        axis.tick_params(labelsize=7)
        axis.legend(fontsize=7)
    for axis in list(axes.flat)[len(mine) :]:
        axis.set_visible(False)
    figure.suptitle(f"{council}: indicators that worsened")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


# %% Run it all
def main(out: Path, *, inputs: Path | None = None, council: str = COUNCIL) -> None:
    """Check, compute and write ``out/worsened.csv`` (and ``out/worsened.png``)."""
    out.mkdir(parents=True, exist_ok=True)
    folder = inputs if inputs is not None else example_inputs(out / "inputs")
    catalogue = outcomes.load_catalogue()
    checked = check_returns(folder, catalogue)
    # This year is whatever the returns are for (a financial year and a calendar year).
    periods = sorted(set(checked.frame["period"]), key=lambda p: outcomes.parse_period(p).start)
    results = compute_results(folder, catalogue)
    table = worsened(results, council, periods)
    # Costs and counts have no sampling interval: they worsen by any change above the
    # indicator's materiality (docs/methods.md), the others only when significant.
    print(f"\nWorsened in {' / '.join(periods)}: {council} and Scotland")
    show(table)
    table.to_csv(out / "worsened.csv", index=False, lineterminator="\n")
    print(f"\nwrote {out / 'worsened.csv'}")
    if chart(results, table, council, out / "worsened.png"):
        print(f"wrote {out / 'worsened.png'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="What got worse this year?")
    parser.add_argument("out", type=Path, nargs="?", default=Path("analysis"))
    parser.add_argument("--inputs", type=Path, help="folder laid out as `outcomes example` writes")
    parser.add_argument("--council", default=COUNCIL)
    arguments = parser.parse_args()
    main(arguments.out, inputs=arguments.inputs, council=arguments.council)
