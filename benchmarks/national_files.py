"""The synthetic national dataset of ``bench_compute.py`` written as the files a national
analyst has: ``data.csv`` (and ``data.parquet``), ``areas.csv`` and ``catalogue.toml``.

Deterministic: the same scale and seed give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from bench_compute import Scale, synthetic_inputs

from outcomes import Catalogue


def catalogue_toml(catalogue: Catalogue) -> str:
    """The synthetic catalogue as a catalogue file (``outcomes --indicators FILE``)."""
    lines: list[str] = []
    for name, item in catalogue.items.items():
        lines += ["[[item]]", f'name = "{name}"', f'title = "{item.title}"',
                  f'unit = "{item.unit}"', f'kind = "{item.kind.value}"', ""]  # fmt: skip
    for i in catalogue:
        lines += [
            "[[indicator]]", f'id = "{i.id}"', f'title = "{i.title}"',
            f'measure = "{i.measure.value}"', f'numerator = "{i.numerator}"',
            f'denominator = "{i.denominator}"', f"multiplier = {i.multiplier:g}",
            f'unit = "{i.unit}"', f'polarity = "{i.polarity.value}"',
            f'branch = "{i.branch.value}"', "recommendations = [11]",
            'outcome_for = ["people_who_use_services"]', 'period_type = "financial_year"',
            f'source = "{i.source}"', "",
        ]  # fmt: skip
    return "\n".join(lines)


def write_files(scale: Scale, folder: Path, *, parquet: bool = True) -> dict[str, Path]:
    """Write the scale's inputs to ``folder`` (skipped when already there) and return them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "data": folder / "data.csv",
        "parquet": folder / "data.parquet",
        "areas": folder / "areas.csv",
        "catalogue": folder / "catalogue.toml",
        "indicators": folder / "indicators.csv",
    }
    if all(path.exists() for key, path in paths.items() if parquet or key != "parquet"):
        return paths
    inputs = synthetic_inputs(scale)
    frame = inputs.dataset.frame
    value = frame["value"].to_numpy()
    # Counts as whole numbers, as a return gives them; empty where not collected.
    whole = pa.array(np.nan_to_num(value).astype(np.int64), mask=np.isnan(value))
    table = pa.table(
        {
            "area": pa.array(frame["area"].astype(str).to_numpy(), pa.string()),
            "period": pa.array(frame["period"].astype(str).to_numpy(), pa.string()),
            "item": pa.array(frame["item"].astype(str).to_numpy(), pa.string()),
            "value": whole,
            "flag": pa.array(frame["flag"].to_numpy(), pa.string()),
        }
    )
    options = pa_csv.WriteOptions(quoting_style="none")
    pa_csv.write_csv(table, paths["data"], options)
    if parquet:
        floats = table.set_column(3, "value", pa.array(value, mask=np.isnan(value)))
        pq.write_table(floats, paths["parquet"])
    areas = inputs.areas.frame[["area", "name", "family_group"]]
    areas.to_csv(paths["areas"], index=False, lineterminator="\n")
    paths["catalogue"].write_text(catalogue_toml(inputs.catalogue), encoding="utf-8")
    # What the peers of bench_end_to_end.py need of the catalogue.
    paths["indicators"].write_text(
        "id,numerator,denominator,multiplier,proportion\n"
        + "".join(f"{i.id},{i.numerator},{i.denominator},{i.multiplier:g},"
                  f"{int(i.measure.value == 'proportion')}\n" for i in inputs.catalogue),
        encoding="utf-8",
    )  # fmt: skip
    return paths
