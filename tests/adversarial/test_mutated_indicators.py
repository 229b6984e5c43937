"""Mutated indicator files: load_catalogue loads them or raises a CatalogueError whose every
problem names its file and key (or indicator, or item); a catalogue that loads computes,
writes its tables and templates with no cell a spreadsheet would run, and renders reports
and its data dictionary with every text of it inert."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

import outcomes
from outcomes import Catalogue, Dataset, DatasetSpec
from outcomes.core._io import csv_text, write_text_atomic
from outcomes.core._resources import bundled_path
from tests.adversarial._files import write_files
from tests.adversarial._profile import budget
from tests.adversarial._verdict import Case, observed, run_cases, unlocated_catalogue_problems
from tests.strategies import MutatedToml, mutated_catalogues

pytestmark = pytest.mark.adversarial

PERIOD = "2024-25"


@functools.cache
def small_dataset() -> Dataset:
    """Three example areas over five years: enough for changes, ranks and trends."""
    data = outcomes.read_dataset(bundled_path("example") / "data.csv").frame
    first_years = data["period"].str[:4].astype(int)
    keep = data["area"].isin(["Fife", "Angus", "Falkirk"]) & (first_years >= 2020)
    return Dataset.from_frame(data[keep])


def check_outputs(seen: Case, catalogue: Catalogue, out: Path, payloads: list[str]) -> None:
    """Everything written from the catalogue: tables, templates, results, a report."""
    written = [
        write_text_atomic(out / "catalogue.csv", csv_text(catalogue.to_frame())),
        write_text_atomic(out / "dataset.csv", DatasetSpec.from_catalogue(catalogue).to_csv()),
    ]
    seen.check_markdown(DatasetSpec.from_catalogue(catalogue).to_markdown(), payloads,
                        where="dataset markdown")  # fmt: skip
    for name in ("template.csv", "template.xlsx"):
        path = out / name
        write = functools.partial(
            outcomes.write_template, path, "Fife", PERIOD, catalogue=catalogue
        )
        template = seen.attempt(write, primary=False)
        written += [template] if template is not None else []
    results = seen.attempt(lambda: outcomes.compute(small_dataset(), catalogue), primary=False)
    if results is not None:
        published = results.published()
        written.append(out / "results.csv")
        published.to_csv(out / "results.csv")
        national = seen.attempt(lambda: outcomes.overview(published, PERIOD), primary=False)
        if national is not None:
            written += national.to_csv(out / "overview")
        report = seen.attempt(
            lambda: outcomes.AnnualReport.build(results, "Fife", PERIOD), primary=False
        )
        if report is not None:
            html = outcomes.render_report(report, "html")
            markdown = outcomes.render_report(report, "md")
            seen.check_html(str(html), payloads)
            seen.check_markdown(str(markdown), payloads)
    seen.check_cells(written)


@budget("indicators")
@given(case=mutated_catalogues())
def mutated_catalogue_cases(case: MutatedToml) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        observed("indicators", Path(temporary), case) as seen,
    ):
        folder = Path(temporary) / "indicators"
        folder.mkdir()
        write_files(folder, case.files)
        catalogue = seen.attempt(
            lambda: outcomes.load_catalogue(folder),
            locate=lambda error: unlocated_catalogue_problems(error, str(folder)),
        )
        if catalogue is not None:
            check_outputs(seen, catalogue, Path(temporary) / "out", case.payloads)


def test_mutated_indicator_files_load_or_are_refused_by_file_and_key() -> None:
    run_cases("indicators", mutated_catalogue_cases)
