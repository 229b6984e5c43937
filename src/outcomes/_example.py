"""The bundled example inputs: 32 councils, ten years, every item of the minimal dataset."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from outcomes.core._io import slug, write_bytes_atomic
from outcomes.core._resources import bundled_path
from outcomes.errors import OutputError
from outcomes.returns._import import import_lgbf
from outcomes.returns._returns import write_template
from outcomes.returns._tidy import Areas, read_areas, read_dataset

#: The real published figures of the example: the LGBF sample workbook, imported into
#: ``DIR/lgbf/`` (data.csv, areas.csv, deflators.csv, published.csv).
LGBF_SAMPLE = Path("lgbf") / "lgbf_sample.xlsx"
_LGBF_FILES = ("data.csv", "areas.csv", "deflators.csv", "published.csv")

__all__ = ["write_example"]


def write_example(directory: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write the example inputs into ``directory`` and return the paths written.

    The file names are fixed (docs/contracts.md, "Verbs"): ``data.csv`` (the tidy dataset),
    ``areas.csv`` (councils and family groups), ``deflators.csv``, and ``returns/`` with
    one filled-in XLSX return per council for the latest period (``<area-slug>.xlsx``),
    made from ``data.csv`` with :func:`write_template`; and ``lgbf/``: the real LGBF
    sample workbook and what ``outcomes import lgbf`` makes of it (``data.csv``,
    ``areas.csv`` with the example's family groups, ``deflators.csv``, ``published.csv``).
    Existing files are not replaced unless ``overwrite`` is true, so an analyst's edited
    copy is never lost.
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
    imported = [target / "lgbf" / name for name in _LGBF_FILES]
    clashes = [path for path in [*copies, *returns, *imported] if path.exists()]
    if clashes and not overwrite:
        names = ", ".join(str(path) for path in clashes[:3])
        raise OutputError(
            f"{len(clashes)} example file(s) already exist ({names}); "
            "choose an empty folder or ask to overwrite them"
        )
    written = [write_bytes_atomic(path, copy.read_bytes()) for path, copy in copies.items()]
    written += [write_template(path, area, latest, data=data) for path, area in returns.items()]
    written += _real_figures(source / LGBF_SAMPLE, read_areas(source / "areas.csv"),
                             target / "lgbf")  # fmt: skip
    return written


def _real_figures(workbook: Path, example_areas: Areas, target: Path) -> list[Path]:
    """The LGBF sample imported, with the example's family groups (matched by GSS code),
    so that a real council's report can be made from real published figures."""
    table = import_lgbf(workbook)
    groups = dict(zip(example_areas.frame["code"], example_areas.frame["family_group"],
                      strict=True))  # fmt: skip
    frame = table.areas.frame.assign(family_group=table.areas.frame["code"].map(groups))
    areas = Areas.from_frame(frame.fillna({"family_group": ""}), table.areas.source)
    return attrs.evolve(table, areas=areas).write(target)
