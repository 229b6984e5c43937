"""The bundled example inputs: 32 councils, ten years, every item of the minimal dataset."""

from __future__ import annotations

import os
from pathlib import Path

from outcomes.core._io import slug, write_bytes_atomic
from outcomes.core._resources import bundled_path
from outcomes.errors import OutputError
from outcomes.returns._returns import write_template
from outcomes.returns._tidy import read_areas, read_dataset

__all__ = ["write_example"]


def write_example(directory: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write the example inputs into ``directory`` and return the paths written.

    The file names are fixed (docs/contracts.md, "Verbs"): ``data.csv`` (the tidy dataset),
    ``areas.csv`` (councils and family groups), ``deflators.csv``, and ``returns/`` with
    one filled-in XLSX return per council for the latest period (``<area-slug>.xlsx``),
    made from ``data.csv`` with :func:`write_template`. Existing files are not replaced
    unless ``overwrite`` is true, so an analyst's edited copy is never lost.
    """
    source = bundled_path("example")
    target = Path(directory)
    data = read_dataset(source / "data.csv")
    latest = [label for label in data.periods if "-" in label][-1]
    copies = {target / f.relative_to(source): f for f in sorted(source.rglob("*")) if f.is_file()}
    returns = {
        target / "returns" / f"{slug(area)}.xlsx": area
        for area in read_areas(source / "areas.csv").names
    }
    clashes = [path for path in [*copies, *returns] if path.exists()]
    if clashes and not overwrite:
        names = ", ".join(str(path) for path in clashes[:3])
        raise OutputError(
            f"{len(clashes)} example file(s) already exist ({names}); "
            "choose an empty folder or ask to overwrite them"
        )
    written = [write_bytes_atomic(path, copy.read_bytes()) for path, copy in copies.items()]
    written += [write_template(path, area, latest, data=data) for path, area in returns.items()]
    return written
