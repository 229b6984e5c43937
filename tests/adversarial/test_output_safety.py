"""Names that are formulas, markup or paths, from the areas file into every output: no CSV or
XLSX cell that a spreadsheet would run, no live markup in HTML or Markdown, no report written
outside its folder, and a return filled in from the dataset gives the dataset back exactly."""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

import outcomes
from outcomes import Areas, Catalogue, Dataset
from outcomes.core._io import csv_text, write_text_atomic
from outcomes.errors import problems_frame
from tests.adversarial._profile import budget
from tests.adversarial._verdict import Case, observed, run_cases, unlocated_data_problems
from tests.strategies import (
    FORMULA_PAYLOADS,
    PayloadAreas,
    csv_field,
    example_rows,
    payload_areas,
)

pytestmark = pytest.mark.adversarial

PERIOD = "2024-25"
LABELS = ("2022", "2022-23", "2023", "2023-24", "2024", PERIOD)


@functools.cache
def bundled_catalogue() -> Catalogue:
    return outcomes.load_catalogue()


@functools.cache
def in_proportions() -> frozenset[str]:
    """The items of proportions: numerators and denominators bound to each other."""
    chosen = [i for i in bundled_catalogue() if i.measure.value == "proportion"]
    return frozenset(name for i in chosen for name in (i.numerator, i.denominator) if name)


def write_inputs(folder: Path, case: PayloadAreas) -> tuple[Path, Path, tuple[str, str, str]]:
    """areas.csv and data.csv with the payload names; the cell given the long value."""
    lines = ["area,name,family_group"]
    lines += [",".join(csv_field(cell) for cell in row) for row in case.areas]
    (folder / "areas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chosen = {area for area, _, _ in case.areas}
    original = {new: old for old, new in case.renamed.items()}
    first = next(iter(case.renamed.values()))
    long_cell = ("", "", "")
    lines = ["area,period,item,value,flag"]
    for area, period, item, value, flag in example_rows():
        name = case.renamed.get(area, area)
        if name not in chosen or period not in LABELS or original.get(name, area) != area:
            continue
        text = "" if math.isnan(value) else repr(value)
        # The long value goes where any value is possible: not into a proportion, whose
        # numerator above its denominator is rightly refused.
        free = item not in in_proportions()
        if name == first and period == PERIOD and not long_cell[0] and text and free:
            text, long_cell = repr(case.long_value), (name, period, item)
        lines.append(",".join(csv_field(cell) for cell in (name, period, item, text, flag)))
    (folder / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "areas.csv", folder / "data.csv", long_cell


def check_round_trip(seen: Case, data: Dataset, areas: Areas, names: list[str], out: Path) -> None:
    """Returns filled in from the dataset (CSV and XLSX) collate back to the same values."""
    paths = [out / "returns" / f"filled.{kind}" for kind in ("csv", "xlsx")]
    for path in paths:
        write = functools.partial(outcomes.write_template, path, names, PERIOD, data=data)
        if seen.attempt(write, primary=False) is None:
            seen.lost(f"the filled-in return {path.name} could not be written")
            return
    collation = seen.attempt(
        lambda: outcomes.collate(paths, areas=areas),
        locate=lambda error: unlocated_data_problems(error, map(str, paths)),
        primary=False,
    )
    if collation is None:
        seen.lost("the returns filled in from the dataset were not accepted back")
        return
    collation.write(out / "collated" / "data.csv")
    back = collation.dataset.frame.set_index(["area", "period", "item"])
    frame = data.frame.set_index(["area", "period", "item"])
    for key, value in back["value"].items():
        want = float(frame.at[key, "value"])  # type: ignore[arg-type]
        if not (value == want or (math.isnan(value) and math.isnan(want))):
            seen.lost(f"{key}: {want!r} in the dataset, {value!r} after a filled-in return")


def write_outputs(seen: Case, data: Dataset, areas: Areas, case: PayloadAreas, out: Path) -> None:
    """Every CSV, XLSX, HTML and Markdown output the library writes from these inputs."""
    catalogue = bundled_catalogue()
    renamed = list(case.renamed.values())
    payloads = [text for row in case.areas for text in row]
    results = seen.attempt(lambda: outcomes.compute(data, catalogue, areas), primary=False)
    if results is None:
        return
    published = results.published()
    results.to_csv(out / "results.csv")
    published.to_csv(out / "published.csv")
    outcomes.write_template(out / "template.csv", renamed, PERIOD)
    outcomes.write_template(out / "template.xlsx", renamed, PERIOD)
    pairs = outcomes.pair_areas(areas, PERIOD)
    pairs.to_csv(out / "pairs.csv")
    burden = outcomes.burden(data, catalogue)
    write_text_atomic(out / "burden.csv", csv_text(burden.to_frame()))
    statuses = dict.fromkeys(areas.names, "draft")
    national = outcomes.overview(published, PERIOD, areas=areas, assessments=statuses,
                                 pairs=pairs.frame, burden=burden)  # fmt: skip
    national.to_csv(out / "overview")
    seen.check_html(outcomes.render_overview(national, catalogue), payloads, "overview")
    view = outcomes.scrutiny(published, renamed[0], PERIOD, areas=areas)
    view.to_csv(out / "scrutiny")
    seen.check_html(outcomes.render_scrutiny(view, catalogue), payloads, "scrutiny")
    outcomes.learn_from(published, renamed[0], PERIOD, areas=areas).to_csv(out / "learn.csv")
    reports = out / "reports"
    batch = seen.attempt(
        lambda: outcomes.write_reports(published, PERIOD, reports, areas=renamed, area_list=areas),
        primary=False,
    )
    for paths in batch.written.values() if batch is not None else []:
        for path in paths:
            if path.resolve().parent != reports.resolve():
                seen.live_markup.append(f"a report written outside its folder: {path}")
            if path.suffix not in (".html", ".md"):
                continue  # the annex's CSV and XLSX: their cells are checked with the rest
            text = path.read_text(encoding="utf-8")
            check = seen.check_html if path.suffix == ".html" else seen.check_markdown
            check(text, payloads, path.name)


def write_problems(seen: Case, areas: Areas, folder: Path, case: PayloadAreas) -> None:
    """The problems table of a return whose cells are payloads."""
    rows = [("area", "period", "item", "value", "flag")]
    rows += [
        (name, PERIOD, "lac_pupils", payload, payload)
        for name, payload in zip(case.renamed.values(), FORMULA_PAYLOADS, strict=False)
    ]
    rows += [(FORMULA_PAYLOADS[1], FORMULA_PAYLOADS[2], FORMULA_PAYLOADS[3], "1", "")]
    path = folder / "=1+1.csv"
    path.write_text("\n".join(",".join(map(csv_field, row)) for row in rows) + "\n",
                    encoding="utf-8")  # fmt: skip
    seen.attempt(lambda: outcomes.validate_returns([path], areas=areas), primary=False)
    if isinstance(seen.error, outcomes.errors.ValidationError):
        problems = csv_text(problems_frame(seen.error.problems))
        write_text_atomic(folder / "out" / "problems.csv", problems)


@budget("outputs")
@given(case=payload_areas())
def payload_name_cases(case: PayloadAreas) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        observed("outputs", Path(temporary), case) as seen,
    ):
        folder = Path(temporary)
        areas_path, data_path, _ = write_inputs(folder, case)
        files = [str(areas_path), str(data_path)]

        def locate(error: outcomes.OutcomesError) -> list[str]:
            return unlocated_data_problems(error, files)

        areas = seen.attempt(lambda: outcomes.read_areas(areas_path), locate=locate)
        data = seen.attempt(lambda: outcomes.read_dataset(data_path), locate=locate)
        if areas is None or data is None:
            return
        out = folder / "out"
        names = [area for area, _, _ in case.areas]
        check_round_trip(seen, data, areas, names, out)
        seen.attempt(lambda: write_outputs(seen, data, areas, case, out), primary=False)
        write_problems(seen, areas, folder, case)
        seen.check_cells(sorted(out.rglob("*.csv")) + sorted(out.rglob("*.xlsx")))


def test_payload_names_reach_no_output_live() -> None:
    run_cases("outputs", payload_name_cases)
