"""The bundled example inputs: 32 councils, ten years, every item of the minimal dataset."""

from __future__ import annotations

import os
from pathlib import Path

from outcomes._errors import OutputError
from outcomes._io import write_bytes_atomic
from outcomes._resources import bundled_path

__all__ = ["write_example"]


def write_example(directory: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Copy the example inputs into ``directory`` and return the paths written.

    The file names are fixed (DESIGN.md §3): ``data.csv`` (the tidy dataset),
    ``areas.csv`` (councils and family groups) and ``deflators.csv``; later steps of the
    pipeline add ``assessments/`` and ``returns/``. Existing files are not replaced unless
    ``overwrite`` is true, so an analyst's edited copy is never lost.
    """
    source = bundled_path("example")
    target = Path(directory)
    files = sorted(path for path in source.rglob("*") if path.is_file())
    clashes = [
        target / f.relative_to(source) for f in files if (target / f.relative_to(source)).exists()
    ]
    if clashes and not overwrite:
        names = ", ".join(str(path) for path in clashes[:3])
        raise OutputError(
            f"{len(clashes)} example file(s) already exist ({names}); "
            "choose an empty folder or ask to overwrite them"
        )
    return [write_bytes_atomic(target / f.relative_to(source), f.read_bytes()) for f in files]
