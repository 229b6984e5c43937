"""Extending outcomes: a council's own indicator and its own Markdown report.

``my-indicators/local.toml`` adds an indicator to the bundled catalogue, and
``templates/report.md.j2`` replaces the bundled Markdown report with a one-page staff
briefing (the HTML report keeps the bundled template). This script computes the indicators
with both and renders Fife's report::

    python examples/extending/extend.py reports/            # the bundled example inputs
    python examples/extending/extend.py reports/ --inputs inputs/ --area Fife

The command line does the same::

    outcomes report --indicators bundled --indicators examples/extending/my-indicators/ \\
        --templates examples/extending/templates/ --data inputs/data.csv \\
        --areas inputs/areas.csv --area Fife --period 2024-25 \\
        --assessment inputs/assessments/fife.toml --out reports/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import outcomes
import outcomes.catalogue

HERE = Path(__file__).resolve().parent
INDICATORS = HERE / "my-indicators"
TEMPLATES = HERE / "templates"
LOCAL = "LOC01"


def main(
    out: Path, *, inputs: Path | None = None, area: str = "Fife", period: str = "2024-25"
) -> None:
    """Render ``area``'s report as ``out/<area-slug>-<period>.md`` (the briefing) and ``.html``."""
    if inputs is None:
        inputs = out / "inputs"
        if not (inputs / "data.csv").exists():
            outcomes.write_example(inputs)
    # The bundled catalogue first, then ours: a local id equal to a national one would
    # replace it, and say so in catalogue.warnings.
    catalogue = outcomes.load_catalogue(outcomes.catalogue.BUNDLED, INDICATORS)
    for warning in catalogue.warnings:
        print(f"warning: {warning}")
    data = outcomes.read_dataset(inputs / "data.csv")
    areas = outcomes.read_areas(inputs / "areas.csv")
    # Each area's assessment (or the problems in it), keyed by area; an area without one
    # still gets a report, saying what is missing.
    assessments = outcomes.read_assessments(
        inputs / "assessments", catalogue=catalogue, areas=areas.names
    )
    results = outcomes.compute(
        data,
        catalogue,
        areas,
        deflators=outcomes.read_deflators(inputs / "deflators.csv"),
        base_period=period,
    )
    local = results.row(LOCAL, area, period)
    print(f"{LOCAL} {catalogue[LOCAL].title}, {area} {period}: {local['value']:.1f}")
    batch = outcomes.write_reports(
        results,
        period,
        out,
        areas=[area],
        assessments=assessments,
        formats=["md", "html"],
        templates=TEMPLATES,
        burden=outcomes.burden(data, catalogue),
        area_list=areas,
    )
    for name, message in batch.failed.items():
        raise SystemExit(f"{name}: {message}")
    for path in batch.written[area]:
        print(f"wrote {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A local indicator and a local report.")
    parser.add_argument("out", type=Path, nargs="?", default=Path("reports"))
    parser.add_argument("--inputs", type=Path, help="folder laid out as `outcomes example` writes")
    parser.add_argument("--area", default="Fife")
    parser.add_argument("--period", default="2024-25")
    arguments = parser.parse_args()
    main(arguments.out, inputs=arguments.inputs, area=arguments.area, period=arguments.period)
